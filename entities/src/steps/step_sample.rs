use sea_orm::entity::prelude::*;

/// One accepted step/distance sample from HealthKit. Used for points only (§5.8), never shown to merchants.
/// `(user_id, external_id)` is unique: a re-sent sample is recognised and changes nothing.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "step_samples")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub user_id: Uuid,
    pub external_id: String,
    /// `PHONE`, `WATCH` or `OTHER`: the kind of device, never HealthKit's free-text source name, which often
    /// carries the owner's name ("Anna's Apple Watch"; data minimisation, policy §4.2).
    pub device_class: String,
    pub start_at: DateTimeUtc,
    pub end_at: DateTimeUtc,
    pub steps: i32,
    pub distance_meters: f64,
    /// Typed in by hand in the Health app: stored, never credited.
    pub was_user_entered: bool,
    pub synced_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
