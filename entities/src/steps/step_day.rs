use sea_orm::entity::prelude::*;

/// A user's walking on one UTC day, after overlaps between devices were counted once.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "step_days")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub user_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    pub steps: i64,
    /// Qualified distance walked that day, in millimetres (before the daily cap).
    pub walked_mm: i64,
    /// The part of it that was credited: at most the daily cap.
    pub credited_mm: i64,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
