use sea_orm::entity::prelude::*;

/// A personal-data incident in the breach register (policy §8.1, GDPR art. 33–34): what art. 33(5) asks to be
/// documented, the 72-hour deadline for telling the supervisory authority, and when the authority and the people
/// affected were told.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "personal_data_incidents")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub detected_at: DateTimeUtc,
    pub reported_at: DateTimeUtc,
    pub reported_by: Uuid,
    /// The nature of the incident.
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// JSON list of the categories of personal data concerned.
    #[sea_orm(column_type = "Text")]
    pub data_categories: String,
    /// JSON list of the categories of people concerned.
    #[sea_orm(column_type = "Text")]
    pub subject_categories: String,
    /// The approximate number of people concerned.
    pub approx_subjects: i64,
    #[sea_orm(column_type = "Text", nullable)]
    pub likely_consequences: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub measures_taken: Option<String>,
    /// Detection + 72 hours (art. 33(1)).
    pub notify_authority_by: DateTimeUtc,
    pub authority_notified_at: Option<DateTimeUtc>,
    /// When the people affected were told (art. 34).
    pub subjects_notified_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
