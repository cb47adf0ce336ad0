//! The steps module's part in data export and erasure. Sample data goes with the user's export (§5.7) and is
//! erased with the account.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::steps::{step_day, step_sample, step_total};
use cogo_kernel::{AppError, ExportWriter, ModuleHooks};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

pub struct StepsHooks;

#[async_trait]
impl ModuleHooks for StepsHooks {
    fn module(&self) -> &'static str {
        "steps"
    }

    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let samples = step_sample::Entity::find()
            .filter(step_sample::Column::UserId.eq(user_id))
            .order_by_asc(step_sample::Column::StartAt)
            .all(txn)
            .await?;
        let days = step_day::Entity::find()
            .filter(step_day::Column::UserId.eq(user_id))
            .order_by_asc(step_day::Column::Day)
            .all(txn)
            .await?;
        out.fields(json!({
            "samples": samples.iter().map(|s| json!({
                "externalId": s.external_id, "source": s.source, "startAt": s.start_at, "endAt": s.end_at,
                "steps": s.steps, "distanceMeters": s.distance_meters, "wasUserEntered": s.was_user_entered,
                "syncedAt": s.synced_at,
            })).collect::<Vec<_>>(),
            "days": days.iter().map(|d| json!({
                "date": d.day, "steps": d.steps, "walkedMeters": d.walked_mm as f64 / 1000.0,
                "creditedMeters": d.credited_mm as f64 / 1000.0,
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
        step_sample::Entity::delete_many().filter(step_sample::Column::UserId.eq(user_id)).exec(txn).await?;
        step_day::Entity::delete_many().filter(step_day::Column::UserId.eq(user_id)).exec(txn).await?;
        step_total::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }
}
