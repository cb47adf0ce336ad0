//! Restriction of processing (GDPR art. 18, policy §6.1): while a user has restricted processing, their data stays
//! stored but is not processed for any purpose — every `ensure_allowed` refuses, send-outs leave them out.

use cogo_entities::consent::processing_restriction;
use cogo_kernel::{Actor, AppContext, AppError, DataSubjectRequestKind, DomainEvent};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, TransactionTrait,
    sea_query::OnConflict,
};
use uuid::Uuid;

/// Whether the user has restricted processing now.
pub async fn is_restricted(db: &impl ConnectionTrait, user_id: Uuid) -> Result<bool, AppError> {
    Ok(processing_restriction::Entity::find_by_id(user_id).one(db).await?.is_some_and(|r| r.restricted))
}

/// `PROCESSING_RESTRICTED` while the user has restricted processing.
pub async fn ensure_unrestricted(db: &impl ConnectionTrait, user_id: Uuid) -> Result<(), AppError> {
    if is_restricted(db, user_id).await? { Err(AppError::ProcessingRestricted) } else { Ok(()) }
}

/// Every user among `candidates` who has restricted processing.
pub async fn restricted_among(db: &impl ConnectionTrait, candidates: &[Uuid]) -> Result<Vec<Uuid>, AppError> {
    let mut restricted = Vec::new();
    for chunk in candidates.chunks(500) {
        let rows: Vec<Uuid> = processing_restriction::Entity::find()
            .select_only()
            .column(processing_restriction::Column::UserId)
            .filter(processing_restriction::Column::Restricted.eq(true))
            .filter(processing_restriction::Column::UserId.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(db)
            .await?;
        restricted.extend(rows);
    }
    Ok(restricted)
}

/// The user restricts processing, or lifts the restriction. One call, no password, like a consent.
pub async fn set_restricted(app: &AppContext, actor: &Actor, restricted: bool) -> Result<bool, AppError> {
    let txn = app.db.begin().await?;
    let now = app.now();
    processing_restriction::Entity::insert(processing_restriction::ActiveModel {
        user_id: Set(actor.user_id),
        restricted: Set(restricted),
        changed_at: Set(now),
    })
    .on_conflict(
        OnConflict::column(processing_restriction::Column::UserId)
            .update_columns([processing_restriction::Column::Restricted, processing_restriction::Column::ChangedAt])
            .to_owned(),
    )
    .exec(&txn)
    .await?;
    let (user_id, at) = (actor.user_id, now);
    app.hooks.publish(&txn, &DomainEvent::ProcessingRestrictionChanged { user_id, restricted, at }).await?;
    // Restricting and lifting are both the right of art. 18: each goes into the request register.
    let request = DomainEvent::DataSubjectRequestMade { user_id, kind: DataSubjectRequestKind::Restriction, at };
    app.hooks.publish(&txn, &request).await?;
    txn.commit().await?;
    tracing::info!(restricted, "processing restriction changed");
    Ok(restricted)
}
