//! The telemetry module's hooks: only the retention purge. It holds nothing about a person, so it has nothing to
//! export or erase.

use async_trait::async_trait;
use chrono::{DateTime, Duration, Utc};
use cogo_entities::telemetry::telemetry_count::{self, Column};
use cogo_kernel::{AppError, ModuleHooks, PurgeReport, RetentionPolicy};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter};

/// The kind the purge reports.
pub const PURGED_TELEMETRY: &str = "telemetryCounters";

pub struct TelemetryHooks {
    pub(crate) retention_days: u32,
}

#[async_trait]
impl ModuleHooks for TelemetryHooks {
    fn module(&self) -> &'static str {
        "telemetry"
    }

    /// Counters of days older than the telemetry retention (`COGO_TELEMETRY_RETENTION_DAYS`).
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        _policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let oldest_kept = (now - Duration::days(i64::from(self.retention_days))).date_naive();
        let removed = telemetry_count::Entity::delete_many().filter(Column::Day.lt(oldest_kept)).exec(txn).await?;
        let mut report = PurgeReport::default();
        report.add(PURGED_TELEMETRY, removed.rows_affected);
        Ok(report)
    }
}
