use async_graphql::{Enum, ID, SimpleObject};
use chrono::{DateTime, Utc};
use cogo_entities::privacy::data_subject_request;
use cogo_kernel::{AppError, DataSubjectRequestKind, PurgeReport, retention::purged};

use crate::service::{export::ExportReason, register};

/// Which right an export answers; the document is the same.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DataExportKind {
    /// A register extract of everything held about you (GDPR art. 15).
    #[default]
    Access,
    /// Your data to take to another service, machine-readable (art. 20).
    Portability,
}

impl From<DataExportKind> for ExportReason {
    fn from(kind: DataExportKind) -> Self {
        match kind {
            DataExportKind::Access => ExportReason::Access,
            DataExportKind::Portability => ExportReason::Portability,
        }
    }
}

/// One data-subject request in the register, with its one-month deadline (GDPR art. 12(3)).
#[derive(SimpleObject)]
pub struct DataSubjectRequest {
    /// The request's id (pass it to `completeDataSubjectRequest` or `eraseUser`).
    pub id: ID,
    /// Which right was exercised.
    pub kind: DataSubjectRequestKind,
    /// How it reached us: `app`, `email`, `letter`, …
    pub channel: String,
    /// The account it concerns. After an erasure this id names nobody; the entry stays as proof of compliance.
    pub subject_id: ID,
    /// When it was received.
    pub received_at: DateTime<Utc>,
    /// When it must be answered: one month after receipt (the same day of the next month, or its last day).
    pub due_at: DateTime<Utc>,
    /// When it was answered; null while open. Requests made in the app are answered at once.
    pub completed_at: Option<DateTime<Utc>>,
    /// Whether the deadline passed while the request was open.
    pub overdue: bool,
    /// For an erasure: who had received the person's data and must be told of the erasure (art. 19).
    pub recipients: Vec<String>,
}

impl DataSubjectRequest {
    pub fn from_row(row: data_subject_request::Model, now: DateTime<Utc>) -> Result<Self, AppError> {
        let recipients = register::recipients_of(&row)?;
        let kind = DataSubjectRequestKind::parse(&row.kind)
            .ok_or_else(|| AppError::internal("unknown kind in data_subject_requests"))?;
        Ok(Self {
            id: ID(row.id.to_string()),
            kind,
            channel: row.channel,
            subject_id: ID(row.subject_id.to_string()),
            received_at: row.received_at,
            due_at: row.due_at,
            overdue: row.completed_at.unwrap_or(now) > row.due_at,
            completed_at: row.completed_at,
            recipients,
        })
    }
}

/// What one retention purge removed.
#[derive(SimpleObject)]
pub struct RetentionPurgeReport {
    /// Closed accounts past their retention (what bookkeeping keeps stays until its own period ends).
    pub accounts_purged: u64,
    /// Raw step samples past their retention (points and day totals stay).
    pub step_samples_purged: u64,
    /// Ledger entries and redemptions older than the bookkeeping period.
    pub bookkeeping_records_purged: u64,
    /// Expired or revoked sessions.
    pub sessions_purged: u64,
    /// Used refresh tokens no longer needed to detect reuse.
    pub refresh_tokens_purged: u64,
    /// Log-in throttle entries whose window has passed.
    pub login_throttles_purged: u64,
    /// Request-register entries past the register's retention.
    pub data_subject_requests_purged: u64,
    /// Idempotency keys of spending requests (`unlockOffer`) older than 24 hours.
    pub idempotency_keys_purged: u64,
    /// Expired one-time codes (mailed codes, provider sign-in codes) and provider sign-ins never finished.
    pub sign_in_codes_purged: u64,
    /// Mails sent or given up more than 30 days ago.
    pub mails_purged: u64,
    /// Everything removed, all kinds together.
    pub total: u64,
}

impl From<PurgeReport> for RetentionPurgeReport {
    fn from(report: PurgeReport) -> Self {
        Self {
            accounts_purged: report.count(purged::ACCOUNTS),
            step_samples_purged: report.count(purged::STEP_SAMPLES),
            bookkeeping_records_purged: report.count(purged::BOOKKEEPING_RECORDS),
            sessions_purged: report.count(purged::SESSIONS),
            refresh_tokens_purged: report.count(purged::REFRESH_TOKENS),
            login_throttles_purged: report.count(purged::LOGIN_THROTTLES),
            data_subject_requests_purged: report.count(purged::DATA_SUBJECT_REQUESTS),
            idempotency_keys_purged: report.count(purged::IDEMPOTENCY_KEYS),
            sign_in_codes_purged: report.count(purged::SIGN_IN_CODES),
            mails_purged: report.count(purged::MAILS),
            total: report.total(),
        }
    }
}
