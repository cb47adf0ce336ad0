//! Staff roles. `USER` is implicit; the others are granted from the command line.

use chrono::{DateTime, Utc};
use cogo_entities::users::{user, user_role};
use cogo_kernel::{AppError, AuditAction, Role};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Written to the audit log by the command line that grants the role.
pub const ROLE_GRANTED: AuditAction = AuditAction("ROLE_GRANTED");

/// Every role of a user, `USER` first.
pub async fn roles_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Vec<Role>, AppError> {
    let rows = user_role::Entity::find().filter(user_role::Column::UserId.eq(user_id)).all(db).await?;
    let mut roles = vec![Role::User];
    roles.extend(rows.iter().filter_map(|row| Role::parse(&row.role)).filter(|role| *role != Role::User));
    Ok(roles)
}

/// Grants a role to the account with this e-mail (idempotent). Used by `cogo-api grant-role`.
pub async fn grant_role(
    db: &impl ConnectionTrait,
    email: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let email = crate::domain::Email::parse("email", email)?;
    let account = user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::ClosedAt.is_null())
        .one(db)
        .await?
        .ok_or(AppError::NotFound("account"))?;
    if role == Role::User {
        return Ok(account.id);
    }
    user_role::Entity::insert(user_role::ActiveModel {
        user_id: Set(account.id),
        role: Set(role.as_str().to_string()),
        granted_at: Set(now),
    })
    .on_conflict_do_nothing_on([user_role::Column::UserId, user_role::Column::Role])
    .exec(db)
    .await?;
    Ok(account.id)
}
