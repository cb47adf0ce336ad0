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
        let db = &AppContext::of(ctx)?.db;
        let current = policy::current_policy(db).await?;
        let reviewed = policy::last_reviews(db, &[current.version]).await?.remove(&current.version);
        Ok(PrivacyPolicyVersion::new(current, reviewed, true))
    }

    /// Every version of the privacy policy, oldest first. Public.
    #[graphql(
        complexity = "cogo_kernel::complexity::DATABASE_READ + cogo_kernel::complexity::items_of(POLICY_VERSIONS_CHARGED, child_complexity)"
    )]
    async fn privacy_policy_versions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PrivacyPolicyVersion>> {
        let db = &AppContext::of(ctx)?.db;
        let versions = policy::all_versions(db).await?;
        let numbers: Vec<i32> = versions.iter().map(|v| v.version).collect();
        let mut reviews = policy::last_reviews(db, &numbers).await?;
        let newest = numbers.iter().copied().max();
        Ok(versions
            .into_iter()
            .map(|v| {
                let reviewed = reviews.remove(&v.version);
                let in_force = Some(v.version) == newest;
                PrivacyPolicyVersion::new(v, reviewed, in_force)
            })
            .collect())
    }

    /// One version of the privacy policy, earlier ones included. Public.
    #[graphql(complexity = "cogo_kernel::complexity::DATABASE_READ + child_complexity")]
    async fn privacy_policy_version(
        &self,
        ctx: &Context<'_>,
        version: i32,
    ) -> async_graphql::Result<PrivacyPolicyVersion> {
        let db = &AppContext::of(ctx)?.db;
        let found = policy::version(db, version).await?.ok_or(AppError::NotFound("privacy policy version"))?;
        let reviewed = policy::last_reviews(db, &[version]).await?.remove(&version);
        let in_force = policy::current_policy_version(db).await? == version;
        Ok(PrivacyPolicyVersion::new(found, reviewed, in_force))
    }
}
