use sea_orm::entity::prelude::*;

/// A user's balance, kept in step with the ledger inside the same transaction. A check constraint and a
/// conditional update keep it from ever going negative.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "point_balances")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub balance: i64,
    /// Everything ever credited (debits do not lower it).
    pub lifetime_earned: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
