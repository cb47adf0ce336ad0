use sea_orm::entity::prelude::*;

/// One grant or withdrawal (or objection), append-only: the history a controller must be able to show (art. 7(1)).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "consent_records")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub user_id: Uuid,
    pub purpose_key: String,
    pub granted: bool,
    /// The privacy-policy version in force when the choice was made.
    pub policy_version: i32,
    /// Where the choice was made: `sign_up`, `app`, `migration` (carried over when a purpose was split).
    pub channel: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
