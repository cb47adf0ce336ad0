use async_graphql::{Context, Object, connection::Connection};
use cogo_kernel::{
    AppContext,
    pagination::{PageRequest, connection_from, time_id_key},
};
use uuid::Uuid;

use crate::graphql::types::Redemption;
use crate::service;

/// The offers module's fields of `Me`.
pub struct OffersOfMe {
    user_id: Uuid,
}

impl OffersOfMe {
    pub fn new(user_id: Uuid) -> Self {
        Self { user_id }
    }
}

#[Object]
impl OffersOfMe {
    /// Offers you unlocked, newest first, with their codes.
    #[graphql(complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn redemptions(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, Redemption>> {
        let page = PageRequest::parse(first, after)?;
        let rows = service::user_redemptions(&AppContext::of(ctx)?.db, self.user_id, &page).await?;
        Ok(connection_from(&page, rows, |row| time_id_key(&row.unlocked_at, &row.id), Redemption::from))
    }
}
