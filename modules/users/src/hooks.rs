//! The users module's part in data export and erasure.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::users::{session, user, user_role};
use cogo_kernel::{AppError, ExportWriter, ModuleHooks};
use sea_orm::{ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder};
use serde_json::json;
use uuid::Uuid;

pub struct UsersHooks;

#[async_trait]
impl ModuleHooks for UsersHooks {
    fn module(&self) -> &'static str {
        "users"
    }

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
        let sessions = session::Entity::find()
            .filter(session::Column::UserId.eq(user_id))
            .order_by_asc(session::Column::CreatedAt)
            .all(txn)
            .await?;
        out.fields(json!({
            "account": {
                "id": account.id,
                "name": account.name,
                "email": account.email,
                "createdAt": account.created_at,
                "updatedAt": account.updated_at,
                "closedAt": account.closed_at,
            },
            "roles": roles.iter().map(|r| json!({ "role": r.role, "grantedAt": r.granted_at })).collect::<Vec<_>>(),
            "sessions": sessions.iter().map(|s| json!({
                "createdAt": s.created_at,
                "expiresAt": s.expires_at,
                "revokedAt": s.revoked_at,
                "revokedReason": s.revoked_reason,
            })).collect::<Vec<_>>(),
        }))
        .await
    }

    /// Deletes the account row; sessions, refresh tokens and roles go with it (foreign keys cascade).
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        user::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }
}
