//! The offers service. Resolvers stay thin; the rules of §4.6 and §5.9 live here and in [`crate::domain`].
//! Ownership (merchant ↔ partner) is decided here and filtered in SQL.

mod lists;
mod offers;
mod partners;
mod redeem;
mod unlock;
mod unlock_requests;

pub use lists::{live_offers, partner_offers, partner_redemptions, user_redemptions};
pub use offers::{change_status, create_offer};
pub use partners::{add_member, create_partner, partner_of};
pub use redeem::redeem_code;
pub use unlock::{Unlocked, unlock_offer};
pub use unlock_requests::window_start as idempotency_window_start;

use async_graphql::ID;
use cogo_entities::offers::offer;
use cogo_kernel::AppError;
use uuid::Uuid;

use crate::domain::OfferKind;

/// An id from a client. One that cannot be ours is reported like one that does not exist.
pub fn parse_id(id: &ID, what: &'static str) -> Result<Uuid, AppError> {
    Uuid::parse_str(id.as_str()).map_err(|_| AppError::NotFound(what))
}

/// The kind of a stored offer.
pub fn kind_of(row: &offer::Model) -> Result<OfferKind, AppError> {
    OfferKind::parse(&row.kind).ok_or_else(|| AppError::internal(format!("unknown offer kind {}", row.kind)))
}
