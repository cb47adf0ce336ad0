//! Restriction of processing (GDPR art. 18, policy §6.1): while a user has restricted processing, their data stays
//! stored but is not processed for any purpose — every `ensure_allowed` refuses, send-outs leave them out.

use chrono::{DateTime, Utc};
use cogo_entities::consent::processing_restriction;
use cogo_kernel::{Actor, AppContext, AppError, DataSubjectRequestKind, DomainEvent};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    TransactionTrait, TryInsertResult, sea_query::Expr,
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
///
/// Every call is a request of art. 18 and goes into the register; only a call that changes the state tells the
/// other modules (`ProcessingRestrictionChanged`), so lifting a restriction that was never made costs them nothing.
pub async fn set_restricted(app: &AppContext, actor: &Actor, restricted: bool) -> Result<bool, AppError> {
    let txn = app.db.begin().await?;
    app.hooks.accounts()?.hold_open_account(&txn, actor.user_id).await?;
    let (user_id, at) = (actor.user_id, app.now());
    if store_restriction(&txn, user_id, restricted, at).await? {
        app.hooks.publish(&txn, &DomainEvent::ProcessingRestrictionChanged { user_id, restricted, at }).await?;
    }
    // Restricting and lifting are both the right of art. 18: each goes into the request register.
    let request = DomainEvent::DataSubjectRequestMade { user_id, kind: DataSubjectRequestKind::Restriction, at };
    app.hooks.publish(&txn, &request).await?;
    txn.commit().await?;
    tracing::info!(restricted, "processing restriction set");
    Ok(restricted)
}

/// Stores the state and says whether it changed. Conditional writes, not read-then-write, so two calls at once
/// cannot both see a change: the UPDATE only touches a row in the other state, and a missing row (never
/// restricted) is inserted only once (the primary key decides; the loser sees a conflict).
async fn store_restriction(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    restricted: bool,
    at: DateTime<Utc>,
) -> Result<bool, AppError> {
    let flipped = processing_restriction::Entity::update_many()
        .col_expr(processing_restriction::Column::Restricted, Expr::value(restricted))
        .col_expr(processing_restriction::Column::ChangedAt, Expr::value(at))
        .filter(processing_restriction::Column::UserId.eq(user_id))
        .filter(processing_restriction::Column::Restricted.ne(restricted))
        .exec(txn)
        .await?;
    if flipped.rows_affected > 0 {
        return Ok(true);
    }
    // No row means never restricted: lifting changes nothing, restricting creates the row.
    if !restricted {
        return Ok(false);
    }
    let inserted = processing_restriction::Entity::insert(processing_restriction::ActiveModel {
        user_id: Set(user_id),
        restricted: Set(true),
        changed_at: Set(at),
    })
    .on_conflict_do_nothing_on([processing_restriction::Column::UserId])
    .exec_without_returning(txn)
    .await?;
    Ok(matches!(inserted, TryInsertResult::Inserted(n) if n > 0))
}
