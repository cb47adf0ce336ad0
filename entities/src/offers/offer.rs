use sea_orm::entity::prelude::*;

/// An offer of a partner, unlocked with points. `remaining_quantity` is lowered by one conditional UPDATE per
/// unlock, so the last unit is never sold twice; `unlock_count` counts every unlock.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "offers")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub partner_id: Uuid,
    pub title: String,
    pub description: String,
    pub cost_points: i64,
    /// `ONE_TIME` or `REUSABLE`.
    pub kind: String,
    /// `DRAFT`, `PUBLISHED` or `ARCHIVED`.
    pub status: String,
    pub valid_from: DateTimeUtc,
    pub valid_until: DateTimeUtc,
    /// `None`: unlimited.
    pub total_quantity: Option<i32>,
    /// `None`: unlimited; else never below zero.
    pub remaining_quantity: Option<i32>,
    /// `None`: no limit per user.
    pub per_user_limit: Option<i32>,
    pub unlock_count: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
