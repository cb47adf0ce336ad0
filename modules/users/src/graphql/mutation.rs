use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, MeObject, RequireAuth, actor_from};

use crate::config::UsersConfig;
use crate::graphql::types::{AuthPayload, SessionTokens, SignUpInput, UpdateProfileInput};
use crate::service::{self, IssuedSession, SignUp};

/// Mutations of the users module.
pub struct UsersMutation<M>(PhantomData<M>);

impl<M> Default for UsersMutation<M> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

fn payload<M: MeObject>(issued: IssuedSession) -> AuthPayload<M> {
    AuthPayload {
        access_token: issued.access_token,
        refresh_token: issued.refresh_token,
        user: M::for_user(issued.user_id),
    }
}

#[Object]
impl<M: MeObject> UsersMutation<M> {
    /// Creates an account and signs in. Public.
    async fn sign_up(&self, ctx: &Context<'_>, input: SignUpInput) -> async_graphql::Result<AuthPayload<M>> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        let input = SignUp {
            name: input.name,
            email: input.email,
            password: input.password,
            referral_code: input.referral_code,
        };
        Ok(payload(service::sign_up(app, config, input).await?))
    }

    /// Signs in with e-mail and password. Public. Throttled per e-mail address.
    async fn log_in(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload<M>> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        Ok(payload(service::log_in(app, config, &email, &password).await?))
    }

    /// Exchanges a refresh token for a new token pair. Public (the refresh token is the credential).
    async fn refresh_session(&self, ctx: &Context<'_>, refresh_token: String) -> async_graphql::Result<SessionTokens> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        let issued = service::refresh_session(app, config, &refresh_token).await?;
        Ok(SessionTokens { access_token: issued.access_token, refresh_token: issued.refresh_token })
    }

    /// Ends this session.
    #[graphql(guard = "RequireAuth")]
    async fn log_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        service::log_out(AppContext::of(ctx)?, actor_from(ctx)?).await?;
        Ok(true)
    }

    /// Changes your name and/or e-mail address.
    #[graphql(guard = "RequireAuth")]
    async fn update_profile(&self, ctx: &Context<'_>, input: UpdateProfileInput) -> async_graphql::Result<M> {
        let actor = actor_from(ctx)?;
        service::update_profile(AppContext::of(ctx)?, actor, input.name, input.email).await?;
        Ok(M::for_user(actor.user_id))
    }

    /// Changes your password; every other session is signed out.
    #[graphql(guard = "RequireAuth")]
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        current_password: String,
        new_password: String,
    ) -> async_graphql::Result<bool> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        service::change_password(app, config, actor_from(ctx)?, &current_password, &new_password).await?;
        Ok(true)
    }
}
