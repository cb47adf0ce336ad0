//! The mail module's hooks: the retention purge of finished mails.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use cogo_entities::mail::outbox_mail::{self, Column};
use cogo_kernel::{AppError, ModuleHooks, PurgeReport, RetentionPolicy};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::domain::DeliveryStatus;

/// How long a sent or given-up mail's row (recipient, subject, status, last error; the bodies are gone by then) is
/// kept: long enough to answer "did my mail go out?", short enough to hold no address for long.
pub const KEPT_FOR: Duration = Duration::days(30);

/// The kind the purge reports (`cogo-api purge`).
pub const PURGED_MAILS: &str = "mails";

pub struct MailHooks;

#[async_trait]
impl ModuleHooks for MailHooks {
    fn module(&self) -> &'static str {
        "mail"
    }

    /// Finished mails queued more than [`KEPT_FOR`] ago. Pending ones stay: they finish within hours.
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        _policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let removed = outbox_mail::Entity::delete_many()
            .filter(Column::Status.is_in([DeliveryStatus::Sent.as_str(), DeliveryStatus::Failed.as_str()]))
            .filter(Column::CreatedAt.lt(now - KEPT_FOR))
            .exec(txn)
            .await?;
        let mut report = PurgeReport::default();
        report.add(PURGED_MAILS, removed.rows_affected);
        Ok(report)
    }
}
