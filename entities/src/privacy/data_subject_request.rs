use sea_orm::entity::prelude::*;

/// One data-subject request (access, rectification, erasure, restriction, objection, portability) with its
/// one-month deadline (GDPR art. 12(3), policy §6.2). `subject_id` is the account id, which after an erasure names
/// nobody: the entry stays as proof that the request was answered, until the register's own retention ends.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "data_subject_requests")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(indexed)]
    pub subject_id: Uuid,
    /// `ACCESS`, `RECTIFICATION`, `ERASURE`, `RESTRICTION`, `OBJECTION` or `PORTABILITY`.
    pub kind: String,
    /// How it reached us: `app`, or what staff recorded (`email`, `letter`, …).
    pub channel: String,
    #[sea_orm(indexed)]
    pub received_at: DateTimeUtc,
    pub due_at: DateTimeUtc,
    pub completed_at: Option<DateTimeUtc>,
    /// For an erasure: JSON list of the recipients who received the person's data and must be told (art. 19).
    pub recipients: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
