//! Sessions: log-in, log-out and authentication of requests (refresh: [`super::refresh`]).

use chrono::{DateTime, Utc};
use cogo_entities::users::{refresh_token, session, user};
use cogo_kernel::{Actor, AppContext, AppError, Change};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::Expr,
};
use uuid::Uuid;

use crate::config::UsersConfig;
use crate::domain::PasswordHash;
use crate::service::{roles::roles_of, throttle};
use crate::tokens::{hash_refresh_token, issue_access_token, new_refresh_token, verify_access_token};

/// Tokens handed to the client after sign-up, log-in or refresh.
#[derive(Debug, Clone)]
pub struct IssuedSession {
    pub user_id: Uuid,
    pub access_token: String,
    pub refresh_token: String,
}

const WRONG_CREDENTIALS: &str = "wrong e-mail or password";

/// How log-in reads a typed e-mail address (trimmed, lower-case); whatever identifies a person by e-mail uses
/// the same, so the address that logs in is the address that is found.
pub fn normalise_login_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Log-in by e-mail and password. A wrong e-mail and a wrong password get the same answer, in the same time.
#[tracing::instrument(skip_all)]
pub async fn log_in(
    app: &AppContext,
    config: &UsersConfig,
    email: &str,
    password: &str,
) -> Result<IssuedSession, AppError> {
    let email = normalise_login_email(email);
    let key = throttle::throttle_key(&config.throttle_key, &email);
    let now = app.now();
    if let Err(refused) = throttle::begin_attempt(&app.db, &key, now).await {
        if matches!(refused, AppError::RateLimited { .. }) {
            // A security event: the address is never logged (the throttle knows it only as a keyed hash).
            tracing::warn!("log-in throttled");
        }
        return Err(refused);
    }

    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::ClosedAt.is_null())
        .one(&app.db)
        .await?;
    // Verifies against a decoy hash when there is no such account, so both failures take the same time.
    let stored = account.as_ref().map(|a| PasswordHash(a.password_hash.clone()));
    let verified = PasswordHash::verify(stored.as_ref(), password).await?;
    let account_id = account.as_ref().map(|a| a.id.to_string());
    let Some(account) = account.filter(|_| verified) else {
        // A security event: the account id when there is one, never the address or the password.
        tracing::info!(user_id = account_id.as_deref().unwrap_or("none"), "log-in failed");
        throttle::fail_attempt(&app.db, &key, now).await?;
        return Err(AppError::Unauthenticated(WRONG_CREDENTIALS));
    };

    let txn = app.db.begin().await?;
    throttle::reset(&txn, &key).await?;
    let issued = start_session(&txn, config, account.id, now).await?;
    txn.commit().await?;
    Ok(issued)
}

/// Opens a session for a user and issues its first token pair (inside the caller's transaction).
pub async fn start_session(
    db: &impl ConnectionTrait,
    config: &UsersConfig,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<IssuedSession, AppError> {
    let session_id = Uuid::now_v7();
    session::ActiveModel {
        id: Set(session_id),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(config.lifetime().expires_at(now, now)),
        revoked_at: Set(None),
        revoked_reason: Set(None),
        previous_refresh_token_hash: Set(None),
        rotated_at: Set(None),
    }
    .insert(db)
    .await?;
    let refresh_token = store_refresh_token(db, session_id, now).await?;
    let roles = roles_of(db, user_id).await?;
    let access_token = issue_access_token(config, user_id, session_id, &roles, now)?;
    Ok(IssuedSession { user_id, access_token, refresh_token })
}

/// Ends the actor's session: its access and refresh tokens stop working at once.
pub async fn log_out(app: &AppContext, actor: &Actor) -> Result<(), AppError> {
    revoke(&app.db, actor.session_id, "logout", app.now()).await?;
    app.changes.publish(Change::SessionsEnded { user_id: actor.user_id });
    Ok(())
}

/// Turns a bearer token into the actor, checking the token and that its session is still open: from memory when
/// this instance has seen the session open and nothing has ended the user's sessions since (see
/// [`OpenSessions`](super::OpenSessions)), else from its row.
/// The error is a reason for the client, never a hint about which accounts exist.
pub async fn authenticate(app: &AppContext, config: &UsersConfig, bearer: &str) -> Result<Actor, AppError> {
    let now = app.now();
    let actor = verify_access_token(config, bearer, now).map_err(AppError::Unauthenticated)?;
    let known = &config.open_sessions;
    if app.changes.is_live() && known.is_open(actor.user_id, actor.session_id, now) {
        return Ok(actor);
    }
    let generation = known.generation();
    let lifetime = config.lifetime();
    let open = session::Entity::find_by_id(actor.session_id)
        .filter(session::Column::UserId.eq(actor.user_id))
        .filter(session::Column::RevokedAt.is_null())
        .filter(session::Column::ExpiresAt.gt(now))
        .filter(session::Column::CreatedAt.gt(lifetime.created_after(now)))
        .one(&app.db)
        .await?;
    match open {
        Some(session) => {
            known.remember(
                actor.user_id,
                actor.session_id,
                lifetime.open_until(session.created_at, session.expires_at),
                generation,
            );
            Ok(actor)
        }
        None => Err(AppError::Unauthenticated("the session has ended; log in again")),
    }
}

pub(crate) async fn revoke(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(session::Column::RevokedReason, Expr::value(Some(reason.to_string())))
        .filter(session::Column::Id.eq(session_id))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

/// Ends every open session of the user but `except` (the caller's own, when it stays signed in).
pub(crate) async fn revoke_all(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    except: Option<Uuid>,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut update = session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
        .col_expr(session::Column::RevokedReason, Expr::value(Some(reason.to_string())))
        .filter(session::Column::UserId.eq(user_id))
        .filter(session::Column::RevokedAt.is_null());
    if let Some(kept) = except {
        update = update.filter(session::Column::Id.ne(kept));
    }
    update.exec(db).await?;
    Ok(())
}

pub(crate) async fn store_refresh_token(
    db: &impl ConnectionTrait,
    session_id: Uuid,
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let token = new_refresh_token();
    refresh_token::ActiveModel {
        id: Set(Uuid::now_v7()),
        session_id: Set(session_id),
        token_hash: Set(hash_refresh_token(&token)),
        issued_at: Set(now),
        used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(token)
}
