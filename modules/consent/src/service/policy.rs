//! Privacy-policy versions (§3.1): reviewed at least yearly, each version stored with what changed, users told of a
//! new version (`pendingPolicyVersion`), earlier versions retrievable.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use cogo_entities::consent::{policy_acceptance, policy_review, policy_version};
use cogo_kernel::{Actor, AppContext, AppError, AuditAction, AuditSubject, Change, Staff};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};
use uuid::Uuid;

pub const PRIVACY_POLICY_PUBLISHED: AuditAction = AuditAction("PRIVACY_POLICY_PUBLISHED");
pub const PRIVACY_POLICY_REVIEWED: AuditAction = AuditAction("PRIVACY_POLICY_REVIEWED");
pub const MAX_REVIEW_NOTE_CHARS: usize = 5_000;

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

/// Publishes a new version (staff with `ADMIN`; audit-logged). Users are then asked to accept it.
pub async fn publish_policy(
    app: &AppContext,
    staff: &Staff,
    body: &str,
    summary: &str,
) -> Result<policy_version::Model, AppError> {
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
    let subject = AuditSubject::new("PRIVACY_POLICY_VERSION", next);
    app.hooks.audit(&txn, staff.did(PRIVACY_POLICY_PUBLISHED, Some(subject), app.now())).await?;
    txn.commit().await?;
    app.changes.publish(Change::PolicyChanged);
    tracing::info!(version = next, "privacy policy published");
    Ok(published)
}

/// Records that staff reviewed the policy in force and kept it unchanged (§3.1; `ADMIN`, audit-logged). The
/// yearly clock starts again; users are not asked to accept anything, since nothing changed.
pub async fn record_review(
    app: &AppContext,
    staff: &Staff,
    note: &str,
) -> Result<(policy_version::Model, DateTime<Utc>), AppError> {
    let note = note.trim();
    if note.is_empty() || note.chars().count() > MAX_REVIEW_NOTE_CHARS {
        return Err(AppError::bad_input("note", format!("must be 1–{MAX_REVIEW_NOTE_CHARS} characters")));
    }
    let now = app.now();
    let txn = app.db.begin().await?;
    let current = current_policy(&txn).await?;
    policy_review::Entity::insert(policy_review::ActiveModel {
        id: Set(Uuid::now_v7()),
        version: Set(current.version),
        reviewed_at: Set(now),
        reviewed_by: Set(staff.user_id),
        note: Set(note.to_string()),
    })
    .exec_without_returning(&txn)
    .await?;
    let subject = AuditSubject::new("PRIVACY_POLICY_VERSION", current.version);
    app.hooks.audit(&txn, staff.did(PRIVACY_POLICY_REVIEWED, Some(subject), now)).await?;
    txn.commit().await?;
    tracing::info!(version = current.version, "privacy policy reviewed and kept");
    Ok((current, now))
}

/// When each version was last reviewed without change, for the versions that were (one statement for any number).
pub async fn last_reviews(
    db: &impl ConnectionTrait,
    versions: &[i32],
) -> Result<HashMap<i32, DateTime<Utc>>, AppError> {
    if versions.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i32, Option<DateTime<Utc>>)> = policy_review::Entity::find()
        .select_only()
        .column(policy_review::Column::Version)
        .column_as(policy_review::Column::ReviewedAt.max(), "last_reviewed_at")
        .filter(policy_review::Column::Version.is_in(versions.iter().copied()))
        .group_by(policy_review::Column::Version)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(version, at)| at.map(|at| (version, at))).collect())
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
