use sea_orm::entity::prelude::*;

/// How many events of one kind the apps reported on one day, for one combination of event name, device type,
/// operating system, app version and country. Only this counter is stored: no user, no address, no time of day.
/// Unknown values are stored as the empty string (a key column cannot be null).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "telemetry_counts")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub day: Date,
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub device_type: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub os: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub app_version: String,
    #[sea_orm(primary_key, auto_increment = false)]
    pub country: String,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
