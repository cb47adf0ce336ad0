//! The mail module's hooks: a person's mails in their export and gone with their erasure; the retention purge of
//! finished mails.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use cogo_entities::mail::outbox_mail::{self, Column};
use cogo_kernel::{AppError, ExportWriter, ModuleHooks, PurgeReport, RetentionPolicy, retention::purged};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

use crate::domain::DeliveryStatus;

/// How long a sent or given-up mail's row (recipient, subject, status, last error; the bodies are gone by then) is
/// kept: long enough to answer "did my mail go out?", short enough to hold no address for long.
pub const KEPT_FOR: Duration = Duration::days(30);

/// The kind the purge reports (`runRetentionPurge`, `cogo-api purge`).
pub const PURGED_MAILS: &str = purged::MAILS;

pub struct MailHooks;

#[async_trait]
impl ModuleHooks for MailHooks {
    fn module(&self) -> &'static str {
        "mail"
    }

    /// The mails to the person still kept: what, when, whether it went out (the bodies are cleared once sent).
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let mails = outbox_mail::Entity::find()
            .filter(Column::UserId.eq(user_id))
            .order_by_asc(Column::CreatedAt)
            .all(txn)
            .await?;
        out.begin_list("mails")?;
        for mail in &mails {
            out.item(&json!({
                "kind": mail.kind,
                "to": mail.recipient,
                "subject": mail.subject,
                "status": mail.status,
                "queuedAt": mail.created_at,
                "sentAt": mail.sent_at,
            }))
            .await?;
        }
        out.end_list()
    }

    /// Every mail to the person goes, sent or not: an erased account is sent nothing more.
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        outbox_mail::Entity::delete_many().filter(Column::UserId.eq(user_id)).exec(txn).await?;
        Ok(())
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
