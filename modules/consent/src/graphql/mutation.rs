use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, RequireAuth, RequireRole, Role, Staff, actor_from};

use crate::graphql::types::{Consent, PrivacyPolicyVersion};
use crate::service;

#[derive(Default)]
pub struct ConsentMutation;

#[Object]
impl ConsentMutation {
    /// Grants or withdraws a consent, or objects to a legitimate-interest purpose (`granted: false`). Purposes on
    /// the basis of contract or legal obligation cannot be switched off.
    #[graphql(guard = "RequireAuth")]
    async fn set_consent(&self, ctx: &Context<'_>, purpose: String, granted: bool) -> async_graphql::Result<Consent> {
        let state = service::set_consent(AppContext::of(ctx)?, actor_from(ctx)?, purpose.trim(), granted).await?;
        Ok(state.into())
    }

    /// Restricts the processing of your data (GDPR art. 18), or lifts the restriction: while restricted your data
    /// is kept but not processed (no step sync, no send-outs). Returns the new state.
    #[graphql(guard = "RequireAuth")]
    async fn restrict_processing(&self, ctx: &Context<'_>, restricted: bool) -> async_graphql::Result<bool> {
        Ok(service::set_restricted(AppContext::of(ctx)?, actor_from(ctx)?, restricted).await?)
    }

    /// Accepts the privacy policy in force (pass its version).
    #[graphql(guard = "RequireAuth")]
    async fn accept_privacy_policy(&self, ctx: &Context<'_>, version: i32) -> async_graphql::Result<bool> {
        service::accept_policy(AppContext::of(ctx)?, actor_from(ctx)?, version).await?;
        Ok(true)
    }

    /// Publishes a new version of the privacy policy. Staff with `ADMIN` only; audit-logged.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn publish_privacy_policy(
        &self,
        ctx: &Context<'_>,
        body: String,
        summary_of_changes: String,
    ) -> async_graphql::Result<PrivacyPolicyVersion> {
        let published =
            service::publish_policy(AppContext::of(ctx)?, &Staff::of(ctx)?, &body, &summary_of_changes).await?;
        Ok(PrivacyPolicyVersion::new(published, None, true))
    }

    /// Records the yearly review of the policy in force that keeps it unchanged (§3.1: adopted at least once a
    /// year), with what was checked; `nextReviewDueAt` moves a year on. Staff with `ADMIN` only; audit-logged.
    #[graphql(guard = "RequireRole(Role::Admin)")]
    async fn record_privacy_policy_review(
        &self,
        ctx: &Context<'_>,
        note: String,
    ) -> async_graphql::Result<PrivacyPolicyVersion> {
        let (policy, reviewed_at) =
            service::policy::record_review(AppContext::of(ctx)?, &Staff::of(ctx)?, &note).await?;
        Ok(PrivacyPolicyVersion::new(policy, Some(reviewed_at), true))
    }
}
