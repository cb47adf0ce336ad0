//! The points module's part in data export and erasure.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::points::{balance, ledger_entry};
use cogo_kernel::{AppError, ExportWriter, ModuleHooks};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

pub struct PointsHooks;

#[async_trait]
impl ModuleHooks for PointsHooks {
    fn module(&self) -> &'static str {
        "points"
    }

    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let balance = balance::Entity::find_by_id(user_id).one(txn).await?;
        let entries = ledger_entry::Entity::find()
            .filter(ledger_entry::Column::UserId.eq(user_id))
            .order_by_asc(ledger_entry::Column::CreatedAt)
            .all(txn)
            .await?;
        out.fields(json!({
            "balance": balance.as_ref().map_or(0, |b| b.balance),
            "lifetimeEarned": balance.as_ref().map_or(0, |b| b.lifetime_earned),
            "ledger": entries.iter().map(|e| json!({
                "amount": e.amount, "kind": e.kind, "description": e.description, "createdAt": e.created_at,
            })).collect::<Vec<_>>(),
        }))
        .await
    }

    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        ledger_entry::Entity::delete_many().filter(ledger_entry::Column::UserId.eq(user_id)).exec(txn).await?;
        balance::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }
}
