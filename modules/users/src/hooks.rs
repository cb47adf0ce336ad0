//! The users module's part in data export, erasure and the retention purge.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::users::{
    closed_account, email_code, login_throttle, refresh_token, session, sign_in_code, sign_in_flow, user,
    user_identity, user_role,
};
use cogo_kernel::{
    AppError, ExportWriter, ModuleHooks,
    retention::{PurgeReport, RetentionPolicy, purged},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::config::UsersConfig;
use crate::service::throttle;

pub struct UsersHooks {
    pub(crate) config: Arc<UsersConfig>,
}

#[async_trait]
impl ModuleHooks for UsersHooks {
    fn module(&self) -> &'static str {
        "users"
    }

    /// The account, its roles and its sessions (times only: tokens are secrets, not personal data to hand out).
    /// Sessions are read page by page: a device that logs in daily for years leaves many.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let Some(account) = user::Entity::find_by_id(user_id).one(txn).await? else {
            return Ok(());
        };
        let roles = user_role::Entity::find().filter(user_role::Column::UserId.eq(user_id)).all(txn).await?;
        let identities =
            user_identity::Entity::find().filter(user_identity::Column::UserId.eq(user_id)).all(txn).await?;
        out.fields(json!({
            "account": {
                "id": account.id,
                "name": account.name,
                "email": account.email,
                "createdAt": account.created_at,
                "updatedAt": account.updated_at,
            },
            "roles": roles.iter().map(|r| json!({ "role": r.role, "grantedAt": r.granted_at })).collect::<Vec<_>>(),
            "emailVerifiedAt": account.email_verified_at,
            "hasPassword": crate::sign_in::identities::has_password(&account),
            "linkedProviders": identities.iter().map(|i| json!({
                "provider": i.provider,
                "subject": i.subject,
                "email": i.email,
                "linkedAt": i.linked_at,
            })).collect::<Vec<_>>(),
        }))
        .await?;
        out.list_oldest_first(
            txn,
            "sessions",
            session::Entity::find().filter(session::Column::UserId.eq(user_id)),
            (session::Column::CreatedAt, session::Column::Id),
            |s| (s.created_at, s.id),
            |s| {
                json!({
                    "createdAt": s.created_at,
                    "expiresAt": s.expires_at,
                    "revokedAt": s.revoked_at,
                    "revokedReason": s.revoked_reason,
                    // When the device last refreshed: a time held about the person, so it is theirs to see.
                    "lastRefreshedAt": s.rotated_at,
                })
            },
        )
        .await
    }

    /// Deletes the account row — sessions, refresh tokens and roles go with it (foreign keys cascade) — and the
    /// address's log-in throttle row, and writes the closing record (id and date only) that the bookkeeping kept
    /// under the pseudonymous id refers to. The e-mail address is free for a new sign-up at once.
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        // No account, no closing record: erasing twice, or an id that never was an account, writes nothing.
        let Some(account) = user::Entity::find_by_id(user_id).one(txn).await? else {
            return Ok(());
        };
        let key = throttle::throttle_key(&self.config.throttle_key, &account.email);
        throttle::reset(txn, &key).await?;
        user::Entity::delete_by_id(user_id).exec(txn).await?;
        closed_account::Entity::insert(closed_account::ActiveModel { id: Set(user_id), closed_at: Set(at) })
            .on_conflict_do_nothing_on([closed_account::Column::Id])
            .exec_without_returning(txn)
            .await?;
        Ok(())
    }

    /// Closing records past `closed_account_days` (§4.14); sessions that ended (their refresh tokens cascade);
    /// used refresh tokens older than a session's lifetime (a used token is kept only to recognise its reuse,
    /// and one that old belongs to a session refreshed long since); throttle rows whose window and lock passed.
    async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let mut report = PurgeReport::default();
        let accounts = closed_account::Entity::delete_many()
            .filter(closed_account::Column::ClosedAt.lt(policy.closed_accounts_before(now)))
            .exec(txn)
            .await?;
        report.add(purged::ACCOUNTS, accounts.rows_affected);
        let sessions = session::Entity::delete_many()
            .filter(
                Condition::any().add(session::Column::ExpiresAt.lt(now)).add(session::Column::RevokedAt.is_not_null()),
            )
            .exec(txn)
            .await?;
        report.add(purged::SESSIONS, sessions.rows_affected);
        let tokens = refresh_token::Entity::delete_many()
            .filter(refresh_token::Column::UsedAt.lt(now - self.config.session_ttl))
            .exec(txn)
            .await?;
        report.add(purged::REFRESH_TOKENS, tokens.rows_affected);
        let throttles = login_throttle::Entity::delete_many()
            .filter(login_throttle::Column::WindowStartedAt.lte(now - throttle::WINDOW))
            .filter(
                Condition::any()
                    .add(login_throttle::Column::LockedUntil.is_null())
                    .add(login_throttle::Column::LockedUntil.lte(now)),
            )
            .exec(txn)
            .await?;
        report.add(purged::LOGIN_THROTTLES, throttles.rows_affected);
        let codes = email_code::Entity::delete_many().filter(email_code::Column::ExpiresAt.lt(now)).exec(txn).await?;
        let sign_in_codes =
            sign_in_code::Entity::delete_many().filter(sign_in_code::Column::ExpiresAt.lt(now)).exec(txn).await?;
        let flows =
            sign_in_flow::Entity::delete_many().filter(sign_in_flow::Column::ExpiresAt.lt(now)).exec(txn).await?;
        report.add(purged::SIGN_IN_CODES, codes.rows_affected + sign_in_codes.rows_affected + flows.rows_affected);
        Ok(report)
    }
}
