use std::sync::Arc;

use async_graphql::{Context, ID, Object, SimpleObject, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use cogo_entities::offers::{offer, redemption};
use cogo_kernel::AppError;

use crate::config::OffersConfig;
use crate::domain::{OfferKind, RedemptionStatus};
use crate::graphql::types::Offer;
use crate::loaders::{OfferLoader, RestrictionLoader};
use crate::service::kind_of;

fn status_of(row: &redemption::Model) -> Result<RedemptionStatus, AppError> {
    RedemptionStatus::parse(&row.status).ok_or_else(|| AppError::internal("unknown redemption status"))
}

async fn offer_of(ctx: &Context<'_>, row: &redemption::Model) -> Result<offer::Model, async_graphql::Error> {
    let loader = ctx.data::<DataLoader<OfferLoader>>()?;
    Ok(loader.load_one(row.offer_id).await?.ok_or(AppError::NotFound("offer"))?)
}

/// An offer you unlocked: show the code at the till.
pub struct Redemption(redemption::Model);

impl From<redemption::Model> for Redemption {
    fn from(row: redemption::Model) -> Self {
        Self(row)
    }
}

#[Object]
impl Redemption {
    /// The redemption's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The code to show at the till; it works once.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// `UNLOCKED` until the merchant redeems it, then `REDEEMED`.
    async fn status(&self) -> async_graphql::Result<RedemptionStatus> {
        Ok(status_of(&self.0)?)
    }

    /// When you unlocked it.
    async fn unlocked_at(&self) -> DateTime<Utc> {
        self.0.unlocked_at
    }

    /// When the merchant redeemed it; null until then.
    async fn redeemed_at(&self) -> Option<DateTime<Utc>> {
        self.0.redeemed_at
    }

    /// The offer you unlocked.
    async fn offer(&self, ctx: &Context<'_>) -> async_graphql::Result<Offer> {
        Ok(offer_of(ctx, &self.0).await?.into())
    }
}

/// An unlock of one of your partner's offers, as the merchant sees it.
pub struct PartnerRedemption(redemption::Model);

impl From<redemption::Model> for PartnerRedemption {
    fn from(row: redemption::Model) -> Self {
        Self(row)
    }
}

#[Object]
impl PartnerRedemption {
    /// The redemption's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The code the customer shows at the till.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// `UNLOCKED` until redeemed at the till, then `REDEEMED`.
    async fn status(&self) -> async_graphql::Result<RedemptionStatus> {
        Ok(status_of(&self.0)?)
    }

    /// When the customer unlocked it.
    async fn unlocked_at(&self) -> DateTime<Utc> {
        self.0.unlocked_at
    }

    /// When it was redeemed at the till; null until then.
    async fn redeemed_at(&self) -> Option<DateTime<Utc>> {
        self.0.redeemed_at
    }

    /// The offer that was unlocked.
    async fn offer(&self, ctx: &Context<'_>) -> async_graphql::Result<Offer> {
        Ok(offer_of(ctx, &self.0).await?.into())
    }

    /// Who unlocked it: a pseudonym that is stable for your partner only; for one-time offers also the name and
    /// e-mail the customer shared at unlock (§4.6), hidden while the customer has restricted processing and
    /// gone once they have erased their account. Null only for sales whose customer was unlinked before CoGo kept
    /// pseudonyms on erasure.
    async fn customer(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Customer>> {
        let Some(user_id) = self.0.user_id else {
            return Ok(None);
        };
        let config = ctx.data::<Arc<OffersConfig>>()?;
        let kind = kind_of(&offer_of(ctx, &self.0).await?)?;
        let pseudonym = config.pseudonyms.pseudonym(kind, self.0.partner_id, user_id);
        let mut customer = Customer { pseudonym, name: None, email: None };
        if kind == OfferKind::OneTime && (self.0.customer_name.is_some() || self.0.customer_email.is_some()) {
            // Showing the shared data is processing it: not while the customer has restricted processing (art. 18).
            let restrictions = ctx.data::<DataLoader<RestrictionLoader>>()?;
            if !restrictions.load_one(user_id).await?.unwrap_or(false) {
                customer.name = self.0.customer_name.clone();
                customer.email = self.0.customer_email.clone();
            }
        }
        Ok(Some(customer))
    }
}

/// A customer as a merchant sees them. Nothing else about them (steps, points, …) is ever shown to a merchant.
#[derive(SimpleObject)]
pub struct Customer {
    /// Stable identifier of this customer for your partner; another partner sees a different one, and one-time
    /// redemptions carry a different one from reusable ones.
    pub pseudonym: String,
    /// The customer's name as shared at unlock; only for one-time offers, not while processing is restricted.
    pub name: Option<String>,
    /// The customer's e-mail address as shared at unlock; only for one-time offers, not while processing is
    /// restricted.
    pub email: Option<String>,
}

/// What unlocking gave you.
#[derive(SimpleObject)]
pub struct UnlockResult {
    /// The new redemption with its code.
    pub redemption: Redemption,
    /// Your points balance after paying.
    pub balance: i64,
}
