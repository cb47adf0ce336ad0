//! The lists: live offers for users, a partner's offers and redemptions for its merchants, a user's redemptions.
//! Every list is newest first, paged by a `time|id` cursor, and filtered by its owner in SQL.

use chrono::{DateTime, Utc};
use cogo_entities::offers::{offer, redemption};
use cogo_kernel::{
    AppError,
    pagination::{PageRequest, newest_first_page},
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select};
use uuid::Uuid;

use crate::domain::OfferStatus;

/// What makes an offer live, i.e. unlockable `now`: published, inside its validity window, with stock left. The
/// users' list shows exactly these, and an unlock takes its unit of stock only under this same condition.
pub fn live_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(offer::Column::Status.eq(OfferStatus::Published.as_str()))
        .add(offer::Column::ValidFrom.lte(now))
        .add(offer::Column::ValidUntil.gt(now))
        .add(
            Condition::any()
                .add(offer::Column::RemainingQuantity.is_null())
                .add(offer::Column::RemainingQuantity.gt(0)),
        )
}

/// Offers users can unlock now.
pub async fn live_offers(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    page: &PageRequest,
) -> Result<Vec<offer::Model>, AppError> {
    offer_page(db, offer::Entity::find().filter(live_at(now)), page).await
}

/// Every offer of one partner, whatever its status.
pub async fn partner_offers(
    db: &impl ConnectionTrait,
    partner_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<offer::Model>, AppError> {
    offer_page(db, offer::Entity::find().filter(offer::Column::PartnerId.eq(partner_id)), page).await
}

/// The redemptions of one partner's offers.
pub async fn partner_redemptions(
    db: &impl ConnectionTrait,
    partner_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<redemption::Model>, AppError> {
    redemption_page(db, redemption::Entity::find().filter(redemption::Column::PartnerId.eq(partner_id)), page).await
}

/// The redemptions of one user.
pub async fn user_redemptions(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<redemption::Model>, AppError> {
    redemption_page(db, redemption::Entity::find().filter(redemption::Column::UserId.eq(user_id)), page).await
}

async fn offer_page(
    db: &impl ConnectionTrait,
    query: Select<offer::Entity>,
    page: &PageRequest,
) -> Result<Vec<offer::Model>, AppError> {
    newest_first_page(db, query, offer::Column::CreatedAt, offer::Column::Id, page).await
}

async fn redemption_page(
    db: &impl ConnectionTrait,
    query: Select<redemption::Entity>,
    page: &PageRequest,
) -> Result<Vec<redemption::Model>, AppError> {
    newest_first_page(db, query, redemption::Column::UnlockedAt, redemption::Column::Id, page).await
}
