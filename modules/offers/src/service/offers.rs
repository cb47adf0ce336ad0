//! A merchant's offers: created as drafts, then published and archived.

use cogo_entities::offers::offer;
use cogo_kernel::{Actor, AppContext, AppError};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, TransactionTrait, sea_query::Expr,
};
use uuid::Uuid;

use crate::domain::{NewOffer, OfferStatus, OfferTerms};
use crate::service::partners::require_partner;

/// Creates a draft offer of the merchant's partner.
#[tracing::instrument(skip_all)]
pub async fn create_offer(app: &AppContext, actor: &Actor, input: NewOffer) -> Result<offer::Model, AppError> {
    let terms = OfferTerms::parse(input)?;
    let now = app.now();
    let txn = app.db.begin().await?;
    let partner = require_partner(&txn, actor).await?;
    let created = offer::ActiveModel {
        id: Set(Uuid::now_v7()),
        partner_id: Set(partner.id),
        title: Set(terms.title),
        description: Set(terms.description),
        cost_points: Set(terms.cost_points),
        kind: Set(terms.kind.as_str().to_string()),
        status: Set(OfferStatus::Draft.as_str().to_string()),
        valid_from: Set(terms.valid_from),
        valid_until: Set(terms.valid_until),
        total_quantity: Set(terms.total_quantity),
        remaining_quantity: Set(terms.total_quantity),
        per_user_limit: Set(terms.per_user_limit),
        unlock_count: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Moves one of the merchant's offers to `target` (see [`OfferStatus::can_become`]); any other move is `CONFLICT`.
/// Another partner's offer is `NOT_FOUND`.
#[tracing::instrument(skip_all, fields(%offer_id))]
pub async fn change_status(
    app: &AppContext,
    actor: &Actor,
    offer_id: Uuid,
    target: OfferStatus,
) -> Result<offer::Model, AppError> {
    let txn = app.db.begin().await?;
    let partner = require_partner(&txn, actor).await?;
    let current = offer::Entity::find_by_id(offer_id)
        .filter(offer::Column::PartnerId.eq(partner.id))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    let from = OfferStatus::parse(&current.status).ok_or_else(|| AppError::internal("unknown offer status"))?;
    if !from.can_become(target) {
        let message = format!("an offer that is {} cannot become {}", from.as_str(), target.as_str());
        return Err(AppError::Conflict(message));
    }
    // Conditional on the status we read, so two racing changes cannot both apply.
    let changed = offer::Entity::update_many()
        .col_expr(offer::Column::Status, Expr::value(target.as_str()))
        .col_expr(offer::Column::UpdatedAt, Expr::value(app.now()))
        .filter(offer::Column::Id.eq(offer_id))
        .filter(offer::Column::Status.eq(from.as_str()))
        .exec(&txn)
        .await?;
    if changed.rows_affected == 0 {
        return Err(AppError::Conflict("the offer changed meanwhile; try again".into()));
    }
    let updated = offer::Entity::find_by_id(offer_id).one(&txn).await?.ok_or(AppError::NotFound("offer"))?;
    txn.commit().await?;
    Ok(updated)
}
