//! The steps module's part in consent withdrawal, data export, erasure and the retention purge.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_consent::purposes;
use cogo_entities::steps::{step_day, step_sample, step_total};
use cogo_kernel::{
    AppError, DomainEvent, ExportWriter, Hooks, ModuleHooks,
    retention::{PurgeReport, RetentionPolicy, purged},
};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

pub struct StepsHooks;

#[async_trait]
impl ModuleHooks for StepsHooks {
    fn module(&self) -> &'static str {
        "steps"
    }

    /// Withdrawing the `health_data` consent (art. 7.3) deletes the raw samples at once: they are health data and
    /// may no longer be processed. The day totals, the carried-over remainder and the points already earned stay —
    /// they are the result of processing done while the consent held, and the points are the user's.
    async fn on_event(&self, txn: &DatabaseTransaction, _hooks: &Hooks, event: &DomainEvent) -> Result<(), AppError> {
        match event {
            DomainEvent::ConsentChanged { user_id, purpose, granted: false, .. }
                if purpose == purposes::HEALTH_DATA =>
            {
                let deleted = delete_samples_of(txn, *user_id).await?;
                tracing::info!(deleted, "step samples deleted after health data consent was withdrawn");
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Samples are read and written page by page (keyset on start, id), so an account with 100,000 samples
    /// exports in bounded memory. Only the device class is exported: the source name was never stored.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        out.list_oldest_first(
            txn,
            "samples",
            step_sample::Entity::find().filter(step_sample::Column::UserId.eq(user_id)),
            (step_sample::Column::StartAt, step_sample::Column::Id),
            |s| (s.start_at, s.id),
            |s| {
                json!({
                    "externalId": s.external_id, "deviceClass": s.device_class, "startAt": s.start_at,
                    "endAt": s.end_at, "steps": s.steps, "distanceMeters": s.distance_meters,
                    "wasUserEntered": s.was_user_entered, "syncedAt": s.synced_at,
                })
            },
        )
        .await?;
        // At most one row per day walked: small enough to read at once.
        let days = step_day::Entity::find()
            .filter(step_day::Column::UserId.eq(user_id))
            .order_by_asc(step_day::Column::Day)
            .all(txn)
            .await?;
        out.begin_list("days")?;
        for d in &days {
            out.item(&json!({
                "date": d.day, "steps": d.steps, "walkedMeters": d.walked_mm as f64 / 1000.0,
                "creditedMeters": d.credited_mm as f64 / 1000.0,
            }))
            .await?;
        }
        out.end_list()
    }

    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        delete_samples_of(txn, user_id).await?;
        step_day::Entity::delete_many().filter(step_day::Column::UserId.eq(user_id)).exec(txn).await?;
        step_total::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }

    /// Raw samples are kept `step_sample_days` (policy §5.7). By then they were credited long ago: a sample that
    /// starts more than 7 days ago is refused at sync (`QualifiedMovement::MAX_AGE`), so no later sync can need
    /// them to recompute a day, and the day totals they produced stay.
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let deleted = step_sample::Entity::delete_many()
            .filter(step_sample::Column::StartAt.lt(policy.step_samples_before(now)))
            .exec(txn)
            .await?;
        let mut report = PurgeReport::default();
        report.add(purged::STEP_SAMPLES, deleted.rows_affected);
        Ok(report)
    }
}

async fn delete_samples_of(txn: &DatabaseTransaction, user_id: Uuid) -> Result<u64, AppError> {
    Ok(step_sample::Entity::delete_many()
        .filter(step_sample::Column::UserId.eq(user_id))
        .exec(txn)
        .await?
        .rows_affected)
}
