//! Idempotent unlocks: `unlockOffer` honours an `Idempotency-Key` header as Stripe does. The same key and the same
//! offer by the same user within 24 hours returns the first answer without a second debit; the same key for another
//! offer is `CONFLICT`. Keys are the user's own.
//!
//! The key's row is inserted first, in the unlock's own transaction, and completed with the answer before the
//! commit. Its primary key (user, key) makes a racing request with the same key wait on PostgreSQL until the first
//! commits (then it finds the answer) or rolls back (then it unlocks itself); SQLite runs one writer at a time. A
//! refused unlock (`INSUFFICIENT_POINTS`, sold out, …) rolls the row back with everything else, so it stores
//! nothing and a retry with the same key may succeed later: only a debit needs protecting from a repeat, and a
//! refusal debited nothing.

use chrono::{DateTime, Utc};
use cogo_entities::offers::{redemption, unlock_request};
use cogo_kernel::{AppError, IdempotencyKey};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TryInsertResult, sea_query::Expr,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::RedemptionStatus;
use crate::service::unlock::Unlocked;

/// What a key's claim found.
pub(super) enum Claim {
    /// The key is new (or its 24 hours have passed): this request unlocks, and [`record`] stores its answer.
    Fresh,
    /// The key already unlocked this offer: its answer.
    Replay(Unlocked),
}

/// Claims the user's key for an unlock of `offer_id`, or finds the answer of the request that claimed it first.
pub(super) async fn claim(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    key: &str,
    offer_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Claim, AppError> {
    let key_digest = digest(key);
    // A key past its window that the purge has not reached yet is forgotten here, so it behaves as new.
    unlock_request::Entity::delete_many()
        .filter(unlock_request::Column::UserId.eq(user_id))
        .filter(unlock_request::Column::KeyDigest.eq(key_digest.as_str()))
        .filter(unlock_request::Column::CreatedAt.lt(window_start(now)))
        .exec(txn)
        .await?;
    let claimed = unlock_request::Entity::insert(unlock_request::ActiveModel {
        user_id: Set(user_id),
        key_digest: Set(key_digest.clone()),
        offer_id: Set(offer_id),
        redemption_id: Set(None),
        balance: Set(None),
        created_at: Set(now),
    })
    // DO NOTHING waits for a competing uncommitted row with the same key and never aborts the transaction.
    .on_conflict_do_nothing_on([unlock_request::Column::UserId, unlock_request::Column::KeyDigest])
    .exec_without_returning(txn)
    .await?;
    if matches!(claimed, TryInsertResult::Inserted(1)) {
        return Ok(Claim::Fresh);
    }
    let first = unlock_request::Entity::find_by_id((user_id, key_digest))
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("an idempotency key conflicted but cannot be found"))?;
    if first.offer_id != offer_id {
        return Err(AppError::Conflict("this Idempotency-Key was already used to unlock another offer".into()));
    }
    let (Some(redemption_id), Some(balance)) = (first.redemption_id, first.balance) else {
        return Err(AppError::internal("a committed idempotency key has no answer"));
    };
    let redemption = redemption::Entity::find_by_id(redemption_id)
        .one(txn)
        .await?
        .ok_or_else(|| AppError::internal("the redemption of an idempotency key is gone"))?;
    Ok(Claim::Replay(Unlocked { redemption: as_first_answered(redemption), balance }))
}

/// Stores the answer of a fresh unlock on its key's row.
pub(super) async fn record(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    key: &str,
    unlocked: &Unlocked,
) -> Result<(), AppError> {
    let stored = unlock_request::Entity::update_many()
        .col_expr(unlock_request::Column::RedemptionId, Expr::value(unlocked.redemption.id))
        .col_expr(unlock_request::Column::Balance, Expr::value(unlocked.balance))
        .filter(unlock_request::Column::UserId.eq(user_id))
        .filter(unlock_request::Column::KeyDigest.eq(digest(key)))
        .exec(txn)
        .await?;
    if stored.rows_affected != 1 {
        return Err(AppError::internal("the claimed idempotency key is gone"));
    }
    Ok(())
}

/// Keys created before this moment are forgotten (and purged).
pub fn window_start(now: DateTime<Utc>) -> DateTime<Utc> {
    now - IdempotencyKey::window()
}

/// The stored form of a key: SHA-256, hex. The client's text is never stored, and the column has a fixed size.
fn digest(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

/// The redemption as the first request answered it. Only redeeming changes a redemption the customer sees (status
/// and time), so the first answer is the row with those as they were at unlock; `me { redemptions }` shows it now.
fn as_first_answered(row: redemption::Model) -> redemption::Model {
    redemption::Model { status: RedemptionStatus::Unlocked.as_str().to_string(), redeemed_at: None, ..row }
}
