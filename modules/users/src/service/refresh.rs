//! `refreshSession`: refresh-token rotation with reuse detection, the absolute lifetime and the refresh grace.
//!
//! Every refresh token works once. Presenting a used one means two parties hold it — it was stolen or copied — so
//! the whole session is revoked, except in one case ([`RefreshGrace`]): the token the session rotated away last,
//! presented again within a few seconds of that rotation. That is what an app does when two of its requests see an
//! expired access token at once and both refresh with the stored token; revoking would sign the user out.
//!
//! "The same client" is the holder of the session's immediately previous token within the grace: the token is the
//! only credential a refresh carries, and a header such as User-Agent would be no proof (a thief copies it). What
//! keeps the grace safe is how little it gives: seconds after one rotation, only the previous token (an older one,
//! or any token after the grace, still revokes), and every presentation in the grace gets a sibling pair whose
//! refresh token dies at the session's next rotation. A thief who wins a race therefore holds a branch the rightful
//! app cuts off at its next refresh — and whichever of the two then presents a retired token revokes the session,
//! as without the grace, one rotation later.

use chrono::{DateTime, Utc};
use cogo_entities::users::{refresh_token, session};
use cogo_kernel::{AppContext, AppError, Change};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};

use crate::config::UsersConfig;
use crate::domain::RefreshGrace;
use crate::service::roles::roles_of;
use crate::service::sessions::{IssuedSession, revoke, store_refresh_token};
use crate::tokens::{hash_refresh_token, issue_access_token};

const INVALID: AppError = AppError::Unauthenticated("invalid or expired refresh token");

/// Exchanges a refresh token for a new pair (see the module documentation for reuse and the grace).
#[tracing::instrument(skip_all)]
pub async fn refresh_session(
    app: &AppContext,
    config: &UsersConfig,
    presented: &str,
) -> Result<IssuedSession, AppError> {
    let now = app.now();
    let presented_hash = hash_refresh_token(presented);
    let txn = app.db.begin().await?;
    let Some(token) =
        refresh_token::Entity::find().filter(refresh_token::Column::TokenHash.eq(&presented_hash)).one(&txn).await?
    else {
        return Err(INVALID);
    };
    let session = session::Entity::find_by_id(token.session_id).one(&txn).await?.ok_or(INVALID)?;
    if session.revoked_at.is_some() || !config.lifetime().is_open(session.created_at, session.expires_at, now) {
        return Err(AppError::Unauthenticated("the session has ended; log in again"));
    }
    if crate::service::find_active_user(&txn, session.user_id).await.is_err() {
        return Err(INVALID);
    }
    if claim(&txn, token.id, now).await? {
        rotate(&txn, config, &session, &presented_hash, now).await?;
    } else if !within_grace(&txn, config.grace(), session.id, &presented_hash, now).await? {
        revoke(&txn, session.id, "refresh_token_reuse", now).await?;
        txn.commit().await?;
        app.changes.publish(Change::SessionsEnded { user_id: session.user_id });
        tracing::warn!(session_id = %session.id, "refresh token reused; session revoked");
        return Err(AppError::Unauthenticated("refresh token was already used; the session has been revoked"));
    }
    let refresh_token = store_refresh_token(&txn, session.id, now).await?;
    let roles = roles_of(&txn, session.user_id).await?;
    let access_token = issue_access_token(config, session.user_id, session.id, &roles, now)?;
    txn.commit().await?;
    Ok(IssuedSession { user_id: session.user_id, access_token, refresh_token })
}

/// Marks the token used if nobody did so first: of two parallel refreshes with one token, one claims it (on
/// PostgreSQL the other waits for the row, then finds it used).
async fn claim(txn: &DatabaseTransaction, token_id: uuid::Uuid, now: DateTime<Utc>) -> Result<bool, AppError> {
    let claimed = refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::Id.eq(token_id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(claimed.rows_affected == 1)
}

/// A rotation: the session remembers the used token (for the grace) and moves its end forward, never past the
/// absolute lifetime; every other live refresh token of the session (siblings from the grace) is retired.
async fn rotate(
    txn: &DatabaseTransaction,
    config: &UsersConfig,
    session: &session::Model,
    presented_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // The session row first: it is the lock a grace presentation also takes, so a sibling it adds is either
    // committed before the retirement below reads, or sees this rotation and is refused.
    session::Entity::update_many()
        .col_expr(session::Column::ExpiresAt, Expr::value(config.lifetime().expires_at(session.created_at, now)))
        .col_expr(session::Column::PreviousRefreshTokenHash, Expr::value(Some(presented_hash.to_string())))
        .col_expr(session::Column::RotatedAt, Expr::value(Some(now)))
        .filter(session::Column::Id.eq(session.id))
        .exec(txn)
        .await?;
    refresh_token::Entity::update_many()
        .col_expr(refresh_token::Column::UsedAt, Expr::value(Some(now)))
        .filter(refresh_token::Column::SessionId.eq(session.id))
        .filter(refresh_token::Column::UsedAt.is_null())
        .exec(txn)
        .await?;
    Ok(())
}

/// Whether a used token may still be exchanged: it is the session's immediately previous token, rotated away no
/// longer than the grace ago, and the session is open. Checked and locked in one conditional UPDATE (a no-op
/// write), so it cannot interleave with a rotation of the same session.
async fn within_grace(
    db: &impl ConnectionTrait,
    grace: RefreshGrace,
    session_id: uuid::Uuid,
    presented_hash: &str,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let Some(rotated_since) = grace.rotated_since(now) else {
        return Ok(false);
    };
    let matched = session::Entity::update_many()
        .col_expr(session::Column::RotatedAt, Expr::col(session::Column::RotatedAt))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::PreviousRefreshTokenHash.eq(presented_hash))
        .filter(session::Column::RotatedAt.gte(rotated_since))
        .exec(db)
        .await?;
    Ok(matched.rows_affected == 1)
}
