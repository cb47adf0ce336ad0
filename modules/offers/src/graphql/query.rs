use async_graphql::{Context, Object, connection::Connection};
use cogo_kernel::{
    AppContext, RequireAuth, actor_from,
    pagination::{PageRequest, connection_from, time_id_key},
};

use crate::graphql::types::{MerchantPartner, Offer};
use crate::service;

/// Queries of the offers module.
#[derive(Default)]
pub struct OffersQuery;

#[Object]
impl OffersQuery {
    /// The partner you act for as a merchant (the portal); null if you are not a partner's merchant.
    #[graphql(guard = "RequireAuth")]
    async fn my_partner(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<MerchantPartner>> {
        let partner = service::partner_of(&AppContext::of(ctx)?.db, actor_from(ctx)?).await?;
        Ok(partner.map(MerchantPartner::from))
    }

    /// Offers you can unlock now (published, valid now, in stock), newest first.
    #[graphql(guard = "RequireAuth", complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn offers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Offer>> {
        let app = AppContext::of(ctx)?;
        let page = PageRequest::parse(first, after)?;
        let rows = service::live_offers(&app.db, app.now(), &page).await?;
        Ok(connection_from(&page, rows, |row| time_id_key(&row.created_at, &row.id), Offer::from))
    }
}
