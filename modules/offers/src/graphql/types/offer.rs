use std::sync::Arc;

use async_graphql::{Context, ID, Object, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use cogo_entities::offers::offer;
use cogo_kernel::AppError;

use crate::domain::{OfferKind, OfferStatus};
use crate::graphql::types::Partner;
use crate::loaders::{KnownPartners, PartnerLoader};
use crate::service::kind_of;

/// An offer as users see it: what it costs, how long it lasts, how many are left, and whose it is.
pub struct Offer(offer::Model);

impl From<offer::Model> for Offer {
    fn from(row: offer::Model) -> Self {
        Self(row)
    }
}

#[Object]
impl Offer {
    /// The offer's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Short title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What you get.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Points it costs to unlock.
    async fn cost_points(&self) -> i64 {
        self.0.cost_points
    }

    /// `ONE_TIME`: your name and e-mail are shared with the partner when you unlock; `REUSABLE`: only a
    /// pseudonym.
    async fn kind(&self) -> async_graphql::Result<OfferKind> {
        Ok(kind_of(&self.0)?)
    }

    /// From when it can be unlocked.
    async fn valid_from(&self) -> DateTime<Utc> {
        self.0.valid_from
    }

    /// Until when it can be unlocked.
    async fn valid_until(&self) -> DateTime<Utc> {
        self.0.valid_until
    }

    /// Units left; null when unlimited.
    async fn remaining_quantity(&self) -> Option<i32> {
        self.0.remaining_quantity
    }

    /// The partner business behind the offer.
    async fn partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Partner> {
        if let Some(known) = ctx.data::<Arc<KnownPartners>>()?.get(self.0.partner_id) {
            return Ok(Partner::from(known));
        }
        let loader = ctx.data::<DataLoader<PartnerLoader>>()?;
        Ok(loader.load_one(self.0.partner_id).await?.map(Partner::from).ok_or(AppError::NotFound("partner"))?)
    }
}

/// An offer as its merchant manages it in the portal.
pub struct PartnerOffer(offer::Model);

impl From<offer::Model> for PartnerOffer {
    fn from(row: offer::Model) -> Self {
        Self(row)
    }
}

#[Object]
impl PartnerOffer {
    /// The offer's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Short title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// What the customer gets.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// `DRAFT`, `PUBLISHED` or `ARCHIVED`.
    async fn status(&self) -> async_graphql::Result<OfferStatus> {
        Ok(OfferStatus::parse(&self.0.status).ok_or_else(|| AppError::internal("unknown offer status"))?)
    }

    /// Points it costs to unlock.
    async fn cost_points(&self) -> i64 {
        self.0.cost_points
    }

    /// `ONE_TIME` (customer name and e-mail shown to you) or `REUSABLE` (pseudonym only).
    async fn kind(&self) -> async_graphql::Result<OfferKind> {
        Ok(kind_of(&self.0)?)
    }

    /// From when users can unlock it.
    async fn valid_from(&self) -> DateTime<Utc> {
        self.0.valid_from
    }

    /// Until when users can unlock it.
    async fn valid_until(&self) -> DateTime<Utc> {
        self.0.valid_until
    }

    /// Units for sale; null when unlimited.
    async fn total_quantity(&self) -> Option<i32> {
        self.0.total_quantity
    }

    /// Units left; null when unlimited.
    async fn remaining_quantity(&self) -> Option<i32> {
        self.0.remaining_quantity
    }

    /// Unlocks per user; null when unlimited.
    async fn per_user_limit(&self) -> Option<i32> {
        self.0.per_user_limit
    }

    /// How often it has been unlocked.
    async fn redemption_count(&self) -> i32 {
        self.0.unlock_count
    }

    /// When it was created.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
