use std::sync::Arc;

use async_graphql::{Context, Object, connection::Connection};
use cogo_kernel::{
    AppContext,
    pagination::{PageRequest, connection_from, time_id_key},
};
use uuid::Uuid;

use crate::graphql::types::{Consent, ConsentRecord};
use crate::service;

/// The consent module's fields of `Me`.
pub struct ConsentOfMe {
    user_id: Uuid,
}

impl ConsentOfMe {
    pub fn new(user_id: Uuid) -> Self {
        Self { user_id }
    }
}

#[Object]
impl ConsentOfMe {
    /// Your current choice for every purpose.
    async fn consents(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Consent>> {
        let choices = service::current_choices(&AppContext::of(ctx)?.db, self.user_id).await?;
        Ok(choices.into_iter().map(Consent::from).collect())
    }

    /// Every grant, withdrawal and objection you made, newest first.
    #[graphql(complexity = "cogo_kernel::complexity::page(first, child_complexity)")]
    async fn consent_history(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, ConsentRecord>> {
        let page = PageRequest::parse(first, after)?;
        let rows = service::history_page(&AppContext::of(ctx)?.db, self.user_id, &page).await?;
        Ok(connection_from(&page, rows, |r| time_id_key(&r.recorded_at, &r.id), ConsentRecord::from))
    }

    /// Whether you have restricted the processing of your data (see `restrictProcessing`).
    async fn processing_restricted(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(service::is_restricted(&AppContext::of(ctx)?.db, self.user_id).await?)
    }

    /// The privacy-policy version you still need to accept, or null when you have accepted the one in force.
    async fn pending_policy_version(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<i32>> {
        let cache = ctx.data::<Arc<service::PolicyCache>>()?;
        Ok(cache.pending_for(AppContext::of(ctx)?, self.user_id).await?)
    }
}
