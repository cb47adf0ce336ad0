//! `LoginThrottle`: after 5 failed log-ins for one e-mail within 15 minutes, further attempts get `RATE_LIMITED`
//! for 15 minutes (security, policy §4.12). The counter lives in the database so it holds across API instances.

use chrono::{DateTime, Duration, Utc};
use cogo_entities::users::login_throttle;
use cogo_kernel::AppError;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use sha2::{Digest, Sha256};

pub const MAX_FAILURES: i32 = 5;
pub const WINDOW: Duration = Duration::minutes(15);
pub const LOCKOUT: Duration = Duration::minutes(15);

/// The throttle's key for an address: a hash, so the table holds no readable e-mail addresses.
pub fn throttle_key(normalised_email: &str) -> String {
    Sha256::digest(normalised_email.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// `RATE_LIMITED` while the address is locked out.
pub async fn ensure_not_locked(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let row = login_throttle::Entity::find_by_id(key.to_string()).one(db).await?;
    match row.and_then(|r| r.locked_until) {
        Some(until) if until > now => {
            Err(AppError::RateLimited { retry_after_seconds: std::cmp::max((until - now).num_seconds(), 1) })
        }
        _ => Ok(()),
    }
}

/// Counts a failed attempt; the fifth inside the window starts the lock-out.
pub async fn record_failure(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    // Increment atomically while the window is open, so parallel attempts on several instances all count.
    let counted = login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::Failures, Expr::col(login_throttle::Column::Failures).add(1))
        .filter(login_throttle::Column::EmailHash.eq(key))
        .filter(login_throttle::Column::WindowStartedAt.gt(now - WINDOW))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        // No open window: start one.
        login_throttle::Entity::insert(login_throttle::ActiveModel {
            email_hash: Set(key.to_string()),
            window_started_at: Set(now),
            failures: Set(1),
            locked_until: Set(None),
        })
        .on_conflict(
            OnConflict::column(login_throttle::Column::EmailHash)
                .update_columns([
                    login_throttle::Column::WindowStartedAt,
                    login_throttle::Column::Failures,
                    login_throttle::Column::LockedUntil,
                ])
                .to_owned(),
        )
        .exec(db)
        .await?;
    }
    login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::LockedUntil, Expr::value(Some(now + LOCKOUT)))
        .filter(login_throttle::Column::EmailHash.eq(key))
        .filter(login_throttle::Column::Failures.gte(MAX_FAILURES))
        .filter(login_throttle::Column::LockedUntil.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A successful log-in clears the count.
pub async fn reset(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    login_throttle::Entity::delete_by_id(key.to_string()).exec(db).await?;
    Ok(())
}
