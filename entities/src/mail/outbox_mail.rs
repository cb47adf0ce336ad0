use sea_orm::entity::prelude::*;

/// One mail waiting in the outbox, being sent, sent or given up. Written in the transaction of the change that
/// needs it; the sender task delivers it. Once sent or given up the bodies and the secret are cleared, and the row
/// is purged after the mail module's retention period.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "mail_outbox")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    /// What the mail is for, e.g. `EMAIL_VERIFICATION`.
    pub kind: String,
    /// The address the mail goes to.
    pub recipient: String,
    /// The account the mail is to, if any: the mail is part of its export and goes with its erasure.
    pub user_id: Option<Uuid>,
    pub subject: String,
    /// `None` once sent or given up.
    pub text_body: Option<String>,
    /// `None` once sent or given up.
    pub html_body: Option<String>,
    /// The one-time code the mail carries, kept only so the log transport can mask it; `None` once sent.
    pub secret: Option<String>,
    /// `PENDING`, `SENT` or `FAILED`.
    pub status: String,
    /// Deliveries tried so far (successful or not).
    pub attempts: i32,
    /// When the sender may try (again).
    pub next_attempt_at: DateTimeUtc,
    /// Until when the instance in `claimed_by` holds the mail; after that any instance may take it.
    pub claimed_until: Option<DateTimeUtc>,
    /// The sender task (a random id per process) that claimed the mail.
    pub claimed_by: Option<Uuid>,
    /// Why the last try failed (the server's answer; never a password).
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
