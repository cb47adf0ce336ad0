use sea_orm::entity::prelude::*;

/// What is left of an erased account: its pseudonymous id and when it was closed — no name, no e-mail. Kept so
/// the bookkeeping kept under that id (ledger, redemptions) shows the account was closed, and purged after
/// `closed_account_days` (policy §4.14).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "closed_accounts")]
pub struct Model {
    /// The erased user's id, which after erasure links to nobody.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub closed_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
