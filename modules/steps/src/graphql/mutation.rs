use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, RequireAuth, actor_from};

use crate::graphql::types::{StepSampleInput, SyncStepsResult};
use crate::service;

#[derive(Default)]
pub struct StepsMutation;

#[Object]
impl StepsMutation {
    /// Sends a batch of up to 1,000 HealthKit samples. Needs your `health_data` consent (else
    /// `CONSENT_REQUIRED`). Every full kilometre becomes a point; re-sending a sample changes nothing.
    #[graphql(guard = "RequireAuth")]
    async fn sync_steps(
        &self,
        ctx: &Context<'_>,
        samples: Vec<StepSampleInput>,
    ) -> async_graphql::Result<SyncStepsResult> {
        let samples = samples.into_iter().map(Into::into).collect();
        Ok(service::sync_steps(AppContext::of(ctx)?, actor_from(ctx)?, samples).await?.into())
    }
}
