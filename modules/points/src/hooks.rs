//! The points module's part in data export, erasure and the retention purge.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::points::ledger_entry;
use cogo_kernel::{
    AppError, ExportWriter, ModuleHooks,
    retention::{PurgeReport, RetentionPolicy, purged},
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::{closing, service};

pub struct PointsHooks;

#[async_trait]
impl ModuleHooks for PointsHooks {
    fn module(&self) -> &'static str {
        "points"
    }

    /// The balance, then the ledger oldest first, read page by page (keyset on created, id) and written entry by
    /// entry, so a long ledger exports in bounded memory.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let balance = service::balance_of(txn, user_id).await?;
        out.field("balance", &balance.balance).await?;
        out.field("lifetimeEarned", &balance.lifetime_earned).await?;
        out.list_oldest_first(
            txn,
            "ledger",
            ledger_entry::Entity::find().filter(ledger_entry::Column::UserId.eq(user_id)),
            (ledger_entry::Column::CreatedAt, ledger_entry::Column::Id),
            |e| (e.created_at, e.id),
            |e| json!({ "amount": e.amount, "kind": e.kind, "description": e.description, "createdAt": e.created_at }),
        )
        .await
    }

    /// Keeps the ledger and the balance row (bookkeeping, under the pseudonymous id; entry descriptions name no
    /// one) and forfeits what remains with an `ACCOUNT_CLOSED` entry.
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        closing::close_account(txn, user_id, at).await
    }

    /// Bookkeeping of closed accounts past `bookkeeping_years` goes; open accounts' ledgers stay whole.
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let deleted = closing::purge_closed_books(txn, policy.bookkeeping_before(now)).await?;
        let mut report = PurgeReport::default();
        report.add(purged::BOOKKEEPING_RECORDS, deleted);
        Ok(report)
    }
}
