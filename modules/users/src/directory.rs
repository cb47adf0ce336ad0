//! The users module's [`AccountDirectory`]: how the privacy module identifies a data subject and checks their
//! password without reading the users' tables.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::users::user;
use cogo_kernel::{AccountDirectory, AppError};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QuerySelect,
};
use uuid::Uuid;

use crate::config::UsersConfig;
use crate::domain::PasswordHash;
use crate::service::{
    accounts::{find_active_user, find_open_by_login_email},
    throttle,
};

pub struct UsersDirectory {
    pub(crate) config: Arc<UsersConfig>,
}

#[async_trait]
impl AccountDirectory for UsersDirectory {
    /// The address is normalised exactly as log-in does, so whoever can log in with it is found.
    async fn open_account_by_email(&self, txn: &DatabaseTransaction, email: &str) -> Result<Option<Uuid>, AppError> {
        Ok(find_open_by_login_email(txn, email).await?.map(|u| u.id))
    }

    /// Nothing to ask when verification is not required; else one query for the whole list.
    async fn unverified_among(&self, txn: &DatabaseTransaction, user_ids: &[Uuid]) -> Result<Vec<Uuid>, AppError> {
        if !self.config.require_verified_email || user_ids.is_empty() {
            return Ok(Vec::new());
        }
        Ok(user::Entity::find()
            .select_only()
            .column(user::Column::Id)
            .filter(user::Column::Id.is_in(user_ids.iter().copied()))
            .filter(user::Column::EmailVerifiedAt.is_null())
            .into_tuple()
            .all(txn)
            .await?)
    }

    async fn is_open(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<bool, AppError> {
        match find_active_user(txn, user_id).await {
            Ok(_) => Ok(true),
            Err(AppError::NotFound(_)) => Ok(false),
            Err(other) => Err(other),
        }
    }

    async fn hold_open_account(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<(), AppError> {
        if open_account_locked(txn, user_id, RowLock::Shared).await? {
            Ok(())
        } else {
            Err(AppError::Unauthenticated("the account has been deleted"))
        }
    }

    async fn lock_for_erasure(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<bool, AppError> {
        open_account_locked(txn, user_id, RowLock::Exclusive).await
    }

    /// Checks the password as log-in does: the same Argon2 verification (and its limit on parallel hashing), and
    /// the same throttle, so a signed-in attacker cannot use `deleteAccount` to guess the password. Like log-in, it
    /// runs outside any transaction: the attempt counts the moment it is made, and the hash holds no connection.
    async fn verify_password(
        &self,
        db: &DatabaseConnection,
        user_id: Uuid,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError> {
        let wrong = || AppError::Unauthenticated("wrong password");
        let account = match find_active_user(db, user_id).await {
            Ok(account) => account,
            Err(AppError::NotFound(_)) => return Err(wrong()),
            Err(other) => return Err(other),
        };
        let key = throttle::throttle_key(&self.config.throttle_key, &account.email);
        throttle::begin_attempt(db, &key, now).await?;
        let stored = PasswordHash(account.password_hash);
        if !PasswordHash::verify(Some(&stored), password).await? {
            throttle::fail_attempt(db, &key, now).await?;
            tracing::warn!(%user_id, "wrong password on an account action");
            return Err(wrong());
        }
        throttle::reset(db, &key).await?;
        Ok(())
    }
}

#[derive(Clone, Copy)]
enum RowLock {
    Shared,
    Exclusive,
}

/// Whether the open account exists, locking its row on PostgreSQL until the transaction ends. A row an erasure
/// deleted meanwhile is skipped by the locking read once the erasure commits, so the answer is then `false`.
async fn open_account_locked(txn: &DatabaseTransaction, user_id: Uuid, lock: RowLock) -> Result<bool, AppError> {
    let mut query = user::Entity::find_by_id(user_id).filter(user::Column::ClosedAt.is_null()).select_only();
    query = query.column(user::Column::Id);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        query = match lock {
            RowLock::Shared => query.lock_shared(),
            RowLock::Exclusive => query.lock_exclusive(),
        };
    }
    Ok(query.into_tuple::<Uuid>().one(txn).await?.is_some())
}
