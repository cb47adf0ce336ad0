//! The offers module's retention purge.

use chrono::{DateTime, Utc};
use cogo_entities::offers::{disclosure, redemption, unlock_request};
use cogo_kernel::{AppError, PurgeReport, RetentionPolicy, retention::purged};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, sea_query::Query};

/// Idempotency keys of unlocks are kept 24 hours (what a retry may still need), then deleted.
///
/// Redemptions are bookkeeping records (Bokföringslagen 7 kap. 2 §, policy §4.13): kept to the end of the
/// `bookkeeping_years`-th calendar year after the unlock's ([`RetentionPolicy::bookkeeping_before`]), then deleted
/// with their disclosures. Deleting by time makes a second run at the same `now` a no-op.
pub async fn purge_expired(
    txn: &DatabaseTransaction,
    now: DateTime<Utc>,
    policy: &RetentionPolicy,
) -> Result<PurgeReport, AppError> {
    let forgotten = unlock_request::Entity::delete_many()
        .filter(unlock_request::Column::CreatedAt.lt(crate::service::idempotency_window_start(now)))
        .exec(txn)
        .await?;
    let before = policy.bookkeeping_before(now);
    let expired = Query::select()
        .column(redemption::Column::Id)
        .from(redemption::Entity)
        .and_where(redemption::Column::UnlockedAt.lt(before))
        .to_owned();
    // Explicitly, not by the foreign key's cascade: SQLite enforces foreign keys only when asked to.
    disclosure::Entity::delete_many().filter(disclosure::Column::RedemptionId.in_subquery(expired)).exec(txn).await?;
    let deleted = redemption::Entity::delete_many().filter(redemption::Column::UnlockedAt.lt(before)).exec(txn).await?;
    let mut report = PurgeReport::default();
    report.add(purged::BOOKKEEPING_RECORDS, deleted.rows_affected);
    report.add(purged::IDEMPOTENCY_KEYS, forgotten.rows_affected);
    Ok(report)
}
