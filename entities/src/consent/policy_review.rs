use sea_orm::entity::prelude::*;

/// A review of the privacy policy in force that re-adopted it without changes (§3.1: the policy is adopted at
/// least once a year). Publishing a new version is a review too; this records the ones that changed nothing.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "privacy_policy_reviews")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// The version that was reviewed and kept.
    #[sea_orm(indexed)]
    pub version: i32,
    pub reviewed_at: DateTimeUtc,
    /// The staff member who recorded it.
    pub reviewed_by: Uuid,
    #[sea_orm(column_type = "Text")]
    pub note: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
