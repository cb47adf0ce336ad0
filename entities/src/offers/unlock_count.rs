use sea_orm::entity::prelude::*;

/// How often a user has unlocked an offer. Raised by a conditional UPDATE (`count < per_user_limit`), so parallel
/// unlocks by one user never pass the limit.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offer_unlock_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub offer_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    pub count: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
