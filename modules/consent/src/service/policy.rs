//! Privacy-policy versions (§3.1): reviewed at least yearly, each version stored with what changed, users told of a
//! new version (`pendingPolicyVersion`), earlier versions retrievable.

use cogo_entities::consent::{policy_acceptance, policy_version};
use cogo_kernel::{Actor, AppContext, AppError, Change};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, EntityTrait, PaginatorTrait, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

pub const MAX_BODY_CHARS: usize = 200_000;
pub const MAX_SUMMARY_CHARS: usize = 5_000;

/// The version in force: the newest.
pub async fn current_policy(db: &impl ConnectionTrait) -> Result<policy_version::Model, AppError> {
    policy_version::Entity::find()
        .order_by_desc(policy_version::Column::Version)
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("no privacy policy version exists"))
}

/// The number of the version in force, without its text.
pub async fn current_policy_version(db: &impl ConnectionTrait) -> Result<i32, AppError> {
    policy_version::Entity::find()
        .select_only()
        .column(policy_version::Column::Version)
        .order_by_desc(policy_version::Column::Version)
        .into_tuple()
        .one(db)
        .await?
        .ok_or_else(|| AppError::internal("no privacy policy version exists"))
}

/// Whether the user has accepted this version.
pub async fn has_accepted(db: &impl ConnectionTrait, user_id: Uuid, version: i32) -> Result<bool, AppError> {
    Ok(policy_acceptance::Entity::find_by_id((user_id, version)).count(db).await? > 0)
}

/// Every version, oldest first.
pub async fn all_versions(db: &impl ConnectionTrait) -> Result<Vec<policy_version::Model>, AppError> {
    Ok(policy_version::Entity::find().order_by_asc(policy_version::Column::Version).all(db).await?)
}

pub async fn version(db: &impl ConnectionTrait, version: i32) -> Result<Option<policy_version::Model>, AppError> {
    Ok(policy_version::Entity::find_by_id(version).one(db).await?)
}

/// Publishes a new version (staff with `ADMIN`). Users are then asked to accept it.
pub async fn publish_policy(app: &AppContext, body: &str, summary: &str) -> Result<policy_version::Model, AppError> {
    let body = body.trim();
    let summary = summary.trim();
    if body.is_empty() || body.chars().count() > MAX_BODY_CHARS {
        return Err(AppError::bad_input("body", format!("must be 1–{MAX_BODY_CHARS} characters")));
    }
    if summary.is_empty() || summary.chars().count() > MAX_SUMMARY_CHARS {
        return Err(AppError::bad_input("summaryOfChanges", format!("must be 1–{MAX_SUMMARY_CHARS} characters")));
    }
    let txn = app.db.begin().await?;
    let next = current_policy(&txn).await?.version + 1;
    // Two publications racing for one number: the primary key lets one win; the other gets CONFLICT.
    let published = policy_version::Entity::insert(policy_version::ActiveModel {
        version: Set(next),
        body: Set(body.to_string()),
        summary_of_changes: Set(summary.to_string()),
        published_at: Set(app.now()),
    })
    .exec_with_returning(&txn)
    .await?;
    txn.commit().await?;
    app.changes.publish(Change::PolicyChanged);
    tracing::info!(version = next, "privacy policy published");
    Ok(published)
}

/// The user accepts the version in force. An unknown or superseded version is `BAD_USER_INPUT`.
pub async fn accept_policy(app: &AppContext, actor: &Actor, version: i32) -> Result<(), AppError> {
    let txn = app.db.begin().await?;
    app.hooks.accounts()?.hold_open_account(&txn, actor.user_id).await?;
    let current = current_policy(&txn).await?.version;
    if version != current {
        return Err(AppError::bad_input("version", format!("only the current version ({current}) can be accepted")));
    }
    record_acceptance(&txn, actor.user_id, version, app.now()).await?;
    txn.commit().await?;
    Ok(())
}

/// Records an acceptance (idempotent), inside the caller's transaction.
pub async fn record_acceptance(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    version: i32,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    policy_acceptance::Entity::insert(policy_acceptance::ActiveModel {
        user_id: Set(user_id),
        version: Set(version),
        accepted_at: Set(now),
    })
    .on_conflict_do_nothing_on([policy_acceptance::Column::UserId, policy_acceptance::Column::Version])
    .exec(db)
    .await?;
    Ok(())
}

/// The current version while the user has not accepted it, else `None`.
pub async fn pending_policy_version(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<i32>, AppError> {
    let current = current_policy_version(db).await?;
    Ok((!has_accepted(db, user_id, current).await?).then_some(current))
}
