//! Issuing and redeeming the one-time codes of [`crate::domain::email_code`]. A new code replaces the earlier
//! unused ones of its purpose; a wrong try is counted even though the request fails (like the log-in throttle), and
//! the counting and the single use are atomic updates, so racing tries cannot exceed the limit or use a code twice.

use chrono::{DateTime, Duration, Utc};
use cogo_entities::users::email_code;
use cogo_kernel::AppError;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::config::UsersConfig;
use crate::domain::email_code::{
    CodePurpose, MAX_CODE_TRIES, RESEND_AFTER_SECONDS, code_hash, code_matches, expires_at, new_code,
};

/// Whether a code of this purpose was sent to the account so recently that another would be a mail too many.
pub async fn sent_recently(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: CodePurpose,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let recent = email_code::Entity::find()
        .filter(email_code::Column::UserId.eq(user_id))
        .filter(email_code::Column::Purpose.eq(purpose.as_str()))
        .filter(email_code::Column::CreatedAt.gt(now - Duration::seconds(RESEND_AFTER_SECONDS)))
        .one(db)
        .await?;
    Ok(recent.is_some())
}

/// Draws a new code (the earlier unused ones of this purpose stop working) and returns it, to be mailed in the
/// same transaction.
pub async fn issue(
    db: &impl ConnectionTrait,
    config: &UsersConfig,
    user_id: Uuid,
    purpose: CodePurpose,
    new_email: Option<String>,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    email_code::Entity::delete_many()
        .filter(email_code::Column::UserId.eq(user_id))
        .filter(email_code::Column::Purpose.eq(purpose.as_str()))
        .filter(email_code::Column::UsedAt.is_null())
        .exec(db)
        .await?;
    let code = new_code();
    email_code::Entity::insert(email_code::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        purpose: Set(purpose.as_str().to_string()),
        code_hash: Set(code_hash(&config.code_key, user_id, purpose, &code)),
        new_email: Set(new_email),
        created_at: Set(now),
        expires_at: Set(expires_at(now)),
        attempts: Set(0),
        used_at: Set(None),
    })
    .exec_without_returning(db)
    .await?;
    Ok(code)
}

/// The account's live code of this purpose: unused and unexpired.
pub async fn live_code(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    purpose: CodePurpose,
    now: DateTime<Utc>,
) -> Result<Option<email_code::Model>, AppError> {
    Ok(email_code::Entity::find()
        .filter(email_code::Column::UserId.eq(user_id))
        .filter(email_code::Column::Purpose.eq(purpose.as_str()))
        .filter(email_code::Column::UsedAt.is_null())
        .filter(email_code::Column::ExpiresAt.gt(now))
        .order_by_desc(email_code::Column::CreatedAt)
        .one(db)
        .await?)
}

/// Checks a typed code against the account's live code. A wrong code counts a try at once (in its own statement,
/// outside the caller's transaction); after [`MAX_CODE_TRIES`] wrong ones the code is dead. On success the code
/// is returned, still unused: the caller uses it up with [`use_up`] in the transaction of the change it allows.
pub async fn check(
    db: &DatabaseConnection,
    config: &UsersConfig,
    user_id: Uuid,
    purpose: CodePurpose,
    typed: &str,
    now: DateTime<Utc>,
) -> Result<email_code::Model, AppError> {
    let code = live_code(db, user_id, purpose, now).await?.ok_or_else(no_valid_code)?;
    if code.attempts >= MAX_CODE_TRIES {
        return Err(too_many_tries());
    }
    if code_matches(&config.code_key, user_id, purpose, typed, &code.code_hash) {
        return Ok(code);
    }
    let counted = email_code::Entity::update_many()
        .col_expr(email_code::Column::Attempts, Expr::col(email_code::Column::Attempts).add(1))
        .filter(email_code::Column::Id.eq(code.id))
        .filter(email_code::Column::Attempts.lt(MAX_CODE_TRIES))
        .exec(db)
        .await?;
    if counted.rows_affected == 0 {
        return Err(too_many_tries());
    }
    Err(AppError::bad_input("code", "this code is wrong"))
}

/// Uses the code up inside the change's transaction; a code used (or killed by wrong tries) meanwhile by a racing
/// request is refused, so one code allows one change.
pub async fn use_up(db: &impl ConnectionTrait, code: &email_code::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let used = email_code::Entity::update_many()
        .col_expr(email_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(email_code::Column::Id.eq(code.id))
        .filter(email_code::Column::UsedAt.is_null())
        .filter(email_code::Column::Attempts.lt(MAX_CODE_TRIES))
        .exec(db)
        .await?;
    if used.rows_affected == 0 {
        return Err(no_valid_code());
    }
    Ok(())
}

fn no_valid_code() -> AppError {
    AppError::bad_input("code", "no valid code: it was used, has expired, or was replaced by a newer one")
}

fn too_many_tries() -> AppError {
    AppError::bad_input("code", "too many wrong tries: ask for a new code")
}
