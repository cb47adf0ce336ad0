//! The one-time code a finished provider sign-in hands to the app: 256 random bits, valid for 60 seconds, usable
//! once, stored as its SHA-256. The app trades it for tokens with `completeSignIn`, so no token ever travels in a
//! URL.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use cogo_entities::users::sign_in_code;
use cogo_kernel::{AppContext, AppError};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr};
use uuid::Uuid;

use crate::config::UsersConfig;
use crate::service::IssuedSession;
use crate::service::sessions::start_session;
use crate::tokens::digest_of;

/// How long the app has to trade the code for tokens.
pub const SIGN_IN_CODE_VALID_SECONDS: i64 = 60;

pub async fn issue(app: &AppContext, user_id: Uuid, provider: &str) -> Result<String, AppError> {
    let code = URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>());
    let now = app.now();
    sign_in_code::Entity::insert(sign_in_code::ActiveModel {
        code_hash: Set(digest_of(&code)),
        user_id: Set(user_id),
        provider: Set(provider.to_string()),
        created_at: Set(now),
        expires_at: Set(now + Duration::seconds(SIGN_IN_CODE_VALID_SECONDS)),
        used_at: Set(None),
    })
    .exec_without_returning(&app.db)
    .await?;
    Ok(code)
}

/// Uses the code up (one conditional update: a racing second use finds it used) and opens a session.
pub async fn redeem(app: &AppContext, config: &UsersConfig, code: &str) -> Result<IssuedSession, AppError> {
    let refused = || AppError::Unauthenticated("this sign-in code is unknown, used or expired; sign in again");
    let now = app.now();
    let txn = app.db.begin().await?;
    let hash = digest_of(code.trim());
    let found = sign_in_code::Entity::find_by_id(hash.clone()).one(&txn).await?.ok_or_else(refused)?;
    let used = sign_in_code::Entity::update_many()
        .col_expr(sign_in_code::Column::UsedAt, Expr::value(Some(now)))
        .filter(sign_in_code::Column::CodeHash.eq(hash))
        .filter(sign_in_code::Column::UsedAt.is_null())
        .filter(sign_in_code::Column::ExpiresAt.gt(now))
        .exec(&txn)
        .await?;
    if used.rows_affected == 0 {
        return Err(refused());
    }
    crate::service::find_active_user(&txn, found.user_id).await.map_err(|_| refused())?;
    let issued = start_session(&txn, config, found.user_id, now).await?;
    txn.commit().await?;
    Ok(issued)
}
