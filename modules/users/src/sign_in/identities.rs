//! The ways into an account: its password, if it has one, and its linked provider identities.

use chrono::{DateTime, Utc};
use cogo_entities::users::{user, user_identity};
use cogo_kernel::{Actor, AppContext, AppError, Change};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait};
use uuid::Uuid;

use crate::domain::PasswordHash;
use crate::service::find_active_user;

/// One way to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInMethod {
    /// `None` for the password.
    pub provider: Option<String>,
    /// When it became a way in (the account's creation for the password).
    pub linked_at: DateTime<Utc>,
}

/// The password first (if set), then the identities in the order they were linked.
pub async fn methods_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<SignInMethod>, AppError> {
    let account = find_active_user(db, user_id).await?;
    let mut methods = Vec::new();
    if PasswordHash(account.password_hash.clone()).is_set() {
        methods.push(SignInMethod { provider: None, linked_at: account.created_at });
    }
    let identities = user_identity::Entity::find()
        .filter(user_identity::Column::UserId.eq(user_id))
        .order_by_asc(user_identity::Column::LinkedAt)
        .all(db)
        .await?;
    methods.extend(identities.into_iter().map(|i| SignInMethod { provider: Some(i.provider), linked_at: i.linked_at }));
    Ok(methods)
}

/// Removes the provider's identities from the account, unless that would leave no way in (`BAD_USER_INPUT`).
pub async fn unlink(app: &AppContext, actor: &Actor, provider: &str) -> Result<(), AppError> {
    let txn = app.db.begin().await?;
    app.hooks.accounts()?.hold_open_account(&txn, actor.user_id).await?;
    let methods = methods_of(&txn, actor.user_id).await?;
    let (removed, kept): (Vec<_>, Vec<_>) = methods.iter().partition(|m| m.provider.as_deref() == Some(provider));
    if removed.is_empty() {
        return Err(AppError::NotFound("linked provider"));
    }
    if kept.is_empty() {
        return Err(AppError::bad_input(
            "provider",
            "this is your only way to sign in: set a password (requestPasswordReset) or link another provider first",
        ));
    }
    user_identity::Entity::delete_many()
        .filter(user_identity::Column::UserId.eq(actor.user_id))
        .filter(user_identity::Column::Provider.eq(provider))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    app.changes.publish(Change::UserChanged { user_id: actor.user_id });
    Ok(())
}

/// Whether the account has a password (for the export and the API).
pub fn has_password(account: &user::Model) -> bool {
    PasswordHash(account.password_hash.clone()).is_set()
}
