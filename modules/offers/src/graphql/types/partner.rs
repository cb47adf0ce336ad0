use async_graphql::{Context, ID, Object, connection::Connection};
use cogo_entities::offers::partner;
use cogo_kernel::{
    AppContext, RequireAuth,
    pagination::{PageRequest, connection_from, time_id_key},
};

use crate::graphql::types::{PartnerOffer, PartnerRedemption};
use crate::service;

/// A partner business, as anyone may see it.
pub struct Partner(partner::Model);

impl From<partner::Model> for Partner {
    fn from(row: partner::Model) -> Self {
        Self(row)
    }
}

#[Object]
impl Partner {
    /// The partner's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The business's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Swedish organisation number, `NNNNNN-NNNN` (public in the companies register).
    async fn org_number(&self) -> &str {
        &self.0.org_number
    }
}

/// The partner you act for as a merchant: its offers and redemptions. Only ever built for a member of it.
pub struct MerchantPartner(partner::Model);

impl From<partner::Model> for MerchantPartner {
    fn from(row: partner::Model) -> Self {
        Self(row)
    }
}

#[Object]
impl MerchantPartner {
    /// The partner's id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The business's name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Swedish organisation number, `NNNNNN-NNNN`.
    async fn org_number(&self) -> &str {
        &self.0.org_number
    }

    /// Every offer of the partner, drafts and archived ones included, newest first.
    #[graphql(guard = "RequireAuth", complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn offers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, PartnerOffer>> {
        let page = PageRequest::parse(first, after)?;
        let rows = service::partner_offers(&AppContext::of(ctx)?.db, self.0.id, &page).await?;
        Ok(connection_from(&page, rows, |row| time_id_key(&row.created_at, &row.id), PartnerOffer::from))
    }

    /// Every unlock of the partner's offers, newest first. Customers appear as per-partner pseudonyms; name and
    /// e-mail only for one-time offers (§4.6).
    #[graphql(guard = "RequireAuth", complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn redemptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, PartnerRedemption>> {
        let page = PageRequest::parse(first, after)?;
        let rows = service::partner_redemptions(&AppContext::of(ctx)?.db, self.0.id, &page).await?;
        Ok(connection_from(&page, rows, |row| time_id_key(&row.unlocked_at, &row.id), PartnerRedemption::from))
    }
}
