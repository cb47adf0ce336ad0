//! `LoginThrottle`: after 5 failed log-ins for one e-mail within 15 minutes, further attempts get `RATE_LIMITED`
//! for 15 minutes (security, policy §4.12). The counter lives in the database so it holds across API instances.
//!
//! An attempt is counted *before* its password is checked ([`begin_attempt`]) and forgiven only when it succeeds
//! ([`reset`]): hashing takes tens of milliseconds, and counting afterwards would let hundreds of parallel guesses
//! pass the check before the first failure was written.

use chrono::{DateTime, Duration, Utc};
use cogo_entities::users::login_throttle;
use cogo_kernel::AppError;
use hmac::{Hmac, Mac};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Expr, ExprTrait, OnConflict},
};
use sha2::Sha256;

pub const MAX_FAILURES: i32 = 5;
pub const WINDOW: Duration = Duration::minutes(15);
pub const LOCKOUT: Duration = Duration::minutes(15);

/// The throttle's key for an address: a keyed hash (HMAC-SHA256 under the throttle's own sub-key of the server's
/// root secret), so the table holds no e-mail addresses and a list of addresses cannot be hashed to find whose
/// they are.
pub fn throttle_key(secret: &[u8], normalised_email: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        // HMAC takes keys of any length; this arm is unreachable but must not panic.
        Err(_) => return normalised_email.len().to_string(),
    };
    mac.update(normalised_email.as_bytes());
    mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts an attempt before its password is checked: `RATE_LIMITED` while the address is locked out, or when
/// this attempt is beyond the limit (which starts the lock-out).
pub async fn begin_attempt(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    ensure_not_locked(db, key, now).await?;
    count_attempt(db, key, now).await?;
    let attempts = login_throttle::Entity::find_by_id(key.to_string()).one(db).await?.map_or(0, |r| r.failures);
    if attempts > MAX_FAILURES {
        lock_if_exhausted(db, key, now).await?;
        return Err(AppError::RateLimited { retry_after_seconds: LOCKOUT.num_seconds() });
    }
    Ok(())
}

/// The attempt failed: it stays counted, and the fifth failure inside the window starts the lock-out.
pub async fn fail_attempt(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    lock_if_exhausted(db, key, now).await
}

/// `RATE_LIMITED` while the address is locked out.
async fn ensure_not_locked(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let row = login_throttle::Entity::find_by_id(key.to_string()).one(db).await?;
    match row.and_then(|r| r.locked_until) {
        Some(until) if until > now => {
            Err(AppError::RateLimited { retry_after_seconds: std::cmp::max((until - now).num_seconds(), 1) })
        }
        _ => Ok(()),
    }
}

/// One atomic upsert, so parallel attempts (on several instances too) are all counted: inside an open window the
/// count goes up, otherwise a new window starts with this attempt.
async fn count_attempt(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let open = || Expr::col((login_throttle::Entity, login_throttle::Column::WindowStartedAt)).gt(now - WINDOW);
    let failures = Expr::col((login_throttle::Entity, login_throttle::Column::Failures));
    let window_start = Expr::col((login_throttle::Entity, login_throttle::Column::WindowStartedAt));
    let locked_until = Expr::col((login_throttle::Entity, login_throttle::Column::LockedUntil));
    login_throttle::Entity::insert(login_throttle::ActiveModel {
        email_hash: Set(key.to_string()),
        window_started_at: Set(now),
        failures: Set(1),
        locked_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(login_throttle::Column::EmailHash)
            .value(login_throttle::Column::Failures, Expr::case(open(), failures.add(1)).finally(1))
            .value(login_throttle::Column::WindowStartedAt, Expr::case(open(), window_start).finally(now))
            .value(
                login_throttle::Column::LockedUntil,
                Expr::case(open(), locked_until).finally(Expr::value(Option::<DateTime<Utc>>::None)),
            )
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

async fn lock_if_exhausted(db: &impl ConnectionTrait, key: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    login_throttle::Entity::update_many()
        .col_expr(login_throttle::Column::LockedUntil, Expr::value(Some(now + LOCKOUT)))
        .filter(login_throttle::Column::EmailHash.eq(key))
        .filter(login_throttle::Column::Failures.gte(MAX_FAILURES))
        .filter(login_throttle::Column::LockedUntil.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// A successful attempt clears the count.
pub async fn reset(db: &impl ConnectionTrait, key: &str) -> Result<(), AppError> {
    login_throttle::Entity::delete_by_id(key.to_string()).exec(db).await?;
    Ok(())
}
