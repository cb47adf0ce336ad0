use sea_orm::entity::prelude::*;

/// An unlocked offer: the code the customer shows at the till. A bookkeeping record (policy §4.13): kept for the
/// bookkeeping period, then purged. When the customer's account is erased, `user_id` stays (the partner's
/// accounting, under the pseudonymous account id that then links to nobody; the merchant sees only the pseudonym)
/// and the name and e-mail shared with the partner are cleared.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "redemptions")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub offer_id: Uuid,
    /// The offer's partner, copied so a merchant's list filters in SQL without a join.
    #[sea_orm(indexed)]
    pub partner_id: Uuid,
    #[sea_orm(indexed)]
    pub user_id: Option<Uuid>,
    /// 10 characters from an unambiguous alphabet; unique.
    #[sea_orm(unique)]
    pub code: String,
    /// `UNLOCKED` or `REDEEMED`.
    pub status: String,
    pub unlocked_at: DateTimeUtc,
    pub redeemed_at: Option<DateTimeUtc>,
    /// One-time offers only: the customer's name as it was shared with the partner at unlock (§4.6), so a later
    /// change of the account does not reach the merchant. Cleared on erasure.
    pub customer_name: Option<String>,
    /// One-time offers only: the customer's e-mail as shared at unlock. Cleared on erasure.
    pub customer_email: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
