use std::marker::PhantomData;

use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, MeObject, RequireAuth, RequireRole, Role, Staff, actor_from};

use crate::config::UsersConfig;
use crate::graphql::types::{AuthProvider, StaffUserView};
use crate::service::staff_lookup;

/// Queries of the users module.
pub struct UsersQuery<M>(PhantomData<M>);

impl<M> Default for UsersQuery<M> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

#[Object]
impl<M: MeObject> UsersQuery<M> {
    /// You: your profile, points, consents and everything else held about you.
    #[graphql(guard = "RequireAuth")]
    async fn me(&self, ctx: &Context<'_>) -> async_graphql::Result<M> {
        let actor = actor_from(ctx)?;
        Ok(M::for_user(actor.user_id))
    }

    /// The providers you can sign in with (`GET /auth/{id}/start?redirect_uri=…` begins a sign-in). Public; empty
    /// when none is configured.
    async fn auth_providers(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AuthProvider>> {
        let config = ctx.data::<std::sync::Arc<UsersConfig>>()?;
        Ok(config.sign_in.all().iter().map(AuthProvider::from).collect())
    }

    /// One account by e-mail address, for support. `ADMIN` or `PRIVACY_OFFICER`; every look-up is written to the
    /// audit log. Null when no account has this address.
    #[graphql(guard = "RequireRole(Role::Admin).or(RequireRole(Role::PrivacyOfficer))")]
    async fn user_by_email(&self, ctx: &Context<'_>, email: String) -> async_graphql::Result<Option<StaffUserView>> {
        let found = staff_lookup::look_up_by_email(AppContext::of(ctx)?, &Staff::of(ctx)?, &email).await?;
        Ok(found.map(|(account, roles)| StaffUserView::new(account, roles)))
    }
}
