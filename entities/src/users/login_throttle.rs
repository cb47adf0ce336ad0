use sea_orm::entity::prelude::*;

/// Failed log-ins per e-mail address, kept in the database so the limit holds across API instances.
/// The address is stored only as a SHA-256 hash: the throttle needs to recognise it, not to read it.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_throttles")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub email_hash: String,
    pub window_started_at: DateTimeUtc,
    pub failures: i32,
    pub locked_until: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
