use sea_orm::entity::prelude::*;

/// An unlocked offer: the code the customer shows at the till. `user_id` is cleared when the customer's account is
/// erased (the partner keeps an anonymous record of the sale).
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
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
