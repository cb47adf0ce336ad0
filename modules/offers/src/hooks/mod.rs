//! The offers module's part in the privacy features: data export, erasure, recipients (art. 19) and the
//! retention purge.

mod erasure;
mod export;
mod recipients;
mod retention;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_kernel::{AppError, DataRecipient, ExportWriter, ModuleHooks, PurgeReport, RetentionPolicy};
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

pub struct OffersHooks;

#[async_trait]
impl ModuleHooks for OffersHooks {
    fn module(&self) -> &'static str {
        "offers"
    }

    /// The user's redemptions (with offer, partner and what was shared), the disclosures of their data to
    /// partners, and their merchant membership, if any.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        export::export_user_data(txn, user_id, out).await
    }

    /// Keeps the redemptions under the pseudonymous account id (bookkeeping) and erases everything else.
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        erasure::erase_user_data(txn, user_id).await
    }

    /// The partners that received the user's name and e-mail through one-time unlocks.
    async fn data_recipients(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<Vec<DataRecipient>, AppError> {
        recipients::data_recipients(txn, user_id).await
    }

    /// Deletes redemptions (and their disclosures) past the bookkeeping period and idempotency keys of unlocks past
    /// their 24 hours.
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        retention::purge_expired(txn, now, policy).await
    }
}
