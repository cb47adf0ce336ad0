use sea_orm::entity::prelude::*;

/// One append-only entry of the points ledger: a credit (positive) or a debit (negative). Never updated or deleted
/// while the account exists; kept under the pseudonymous id after an erasure (bookkeeping), and deleted with the
/// closed account's books after `bookkeeping_years`. `reference` is unique, so the same credit or debit can never be written twice.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "point_ledger_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub user_id: Uuid,
    /// `WALKING`, `REFERRAL_REWARD`, `OFFER_UNLOCK`, `ADJUSTMENT`, `ACCOUNT_CLOSED`.
    pub kind: String,
    pub amount: i64,
    pub description: String,
    #[sea_orm(unique)]
    pub reference: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
