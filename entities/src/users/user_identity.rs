use sea_orm::entity::prelude::*;

/// An identity at an OpenID Connect provider linked to an account: another way to sign in.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "user_identities")]
pub struct Model {
    /// The provider's id in CoGo's configuration (`google`, `apple`, …).
    #[sea_orm(primary_key, auto_increment = false)]
    pub provider: String,
    /// The provider's stable id of the person (`sub`).
    #[sea_orm(primary_key, auto_increment = false)]
    pub subject: String,
    #[sea_orm(indexed)]
    pub user_id: Uuid,
    /// The address the provider gave when the identity was linked.
    pub email: Option<String>,
    pub linked_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
