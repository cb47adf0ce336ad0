use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, AppError};

use crate::graphql::types::{ConsentPurpose, PrivacyPolicyVersion};
use crate::service::policy;

/// The versions `privacyPolicyVersions` is charged for in the complexity budget: a new one comes a few times a
/// year at most.
const POLICY_VERSIONS_CHARGED: usize = 10;

/// Public queries of the consent module: anyone may read the purposes and the policy, before signing up too.
#[derive(Default)]
pub struct ConsentQuery;

#[Object]
impl ConsentQuery {
    /// Every purpose CoGo processes personal data for, with its legal basis, recipients and retention. Public.
    #[graphql(complexity = "cogo_kernel::complexity::DATABASE_READ + child_complexity")]
    async fn consent_purposes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ConsentPurpose>> {
        let app = AppContext::of(ctx)?;
        let rows = crate::service::purposes(&app.db).await?;
        Ok(rows.into_iter().map(|row| ConsentPurpose::new(row, &app.retention)).collect())
    }

    /// The privacy policy in force. Public.
    #[graphql(complexity = "cogo_kernel::complexity::DATABASE_READ + child_complexity")]
    async fn privacy_policy(&self, ctx: &Context<'_>) -> async_graphql::Result<PrivacyPolicyVersion> {
        Ok(policy::current_policy(&AppContext::of(ctx)?.db).await?.into())
    }

    /// Every version of the privacy policy, oldest first. Public.
    #[graphql(
        complexity = "cogo_kernel::complexity::DATABASE_READ + cogo_kernel::complexity::items_of(POLICY_VERSIONS_CHARGED, child_complexity)"
    )]
    async fn privacy_policy_versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PrivacyPolicyVersion>> {
        Ok(policy::all_versions(&AppContext::of(ctx)?.db).await?.into_iter().map(Into::into).collect())
    }

    /// One version of the privacy policy, earlier ones included. Public.
    #[graphql(complexity = "cogo_kernel::complexity::DATABASE_READ + child_complexity")]
    async fn privacy_policy_version(
        &self,
        ctx: &Context<'_>,
        version: i32,
    ) -> async_graphql::Result<PrivacyPolicyVersion> {
        let found = policy::version(&AppContext::of(ctx)?.db, version).await?;
        Ok(found.ok_or(AppError::NotFound("privacy policy version"))?.into())
    }
}
