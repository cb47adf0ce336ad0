use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, Date};
use uuid::Uuid;

use crate::graphql::types::StepDay;
use crate::service;

/// The steps module's fields of `Me`.
pub struct StepsOfMe {
    user_id: Uuid,
}

impl StepsOfMe {
    pub fn new(user_id: Uuid) -> Self {
        Self { user_id }
    }
}

#[Object]
impl StepsOfMe {
    /// Your walking per UTC day from `from` to `to` (inclusive, at most 366 days), days without walking included.
    #[graphql(complexity = "cogo_kernel::complexity::days(&from, &to, child_complexity)")]
    async fn step_days(&self, ctx: &Context<'_>, from: Date, to: Date) -> async_graphql::Result<Vec<StepDay>> {
        let days = service::step_days(&AppContext::of(ctx)?.db, self.user_id, from.0, to.0).await?;
        Ok(days.into_iter().map(StepDay::from).collect())
    }
}
