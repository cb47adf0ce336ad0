use std::marker::PhantomData;
use std::sync::Arc;

use async_graphql::{Context, Object};
use cogo_kernel::{AppContext, MeObject, RequireAuth, actor_from};

use crate::config::UsersConfig;
use crate::graphql::types::{AuthPayload, SessionTokens, SignUpInput, UpdateProfileInput};
use crate::service::{self, IssuedSession, SignUp, email_verification, password_reset};

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

    /// Trades the one-time code a provider sign-in put on your redirect URI (valid 60 seconds, once) for the same
    /// tokens as `logIn`. Public (the code is the credential).
    async fn complete_sign_in(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<AuthPayload<M>> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        Ok(payload(crate::sign_in::flow::complete(app, config, &code).await?))
    }

    /// Removes a linked provider from your account; refused when it is your only way in.
    #[graphql(guard = "RequireAuth")]
    async fn unlink_provider(&self, ctx: &Context<'_>, provider: String) -> async_graphql::Result<bool> {
        crate::sign_in::identities::unlink(AppContext::of(ctx)?, actor_from(ctx)?, provider.trim()).await?;
        Ok(true)
    }

    /// Ends this session.
    #[graphql(guard = "RequireAuth")]
    async fn log_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        service::log_out(AppContext::of(ctx)?, actor_from(ctx)?).await?;
        Ok(true)
    }

    /// Changes your name and/or e-mail address. A new address takes effect once you confirm it: a code is mailed
    /// to it (pass it to `verifyEmail`; `me { pendingEmail }` shows the address waiting), and your current address
    /// is told of the change.
    #[graphql(guard = "RequireAuth")]
    async fn update_profile(&self, ctx: &Context<'_>, input: UpdateProfileInput) -> async_graphql::Result<M> {
        let (actor, config) = (actor_from(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        service::update_profile(AppContext::of(ctx)?, config, actor, input.name, input.email).await?;
        Ok(M::for_user(actor.user_id))
    }

    /// Mails a code to your e-mail address to confirm it (valid 30 minutes). `false` when it is confirmed already.
    #[graphql(guard = "RequireAuth")]
    async fn request_email_verification(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        Ok(email_verification::request_verification(app, config, actor_from(ctx)?).await?)
    }

    /// Confirms your e-mail address (or the new address of a change) with the mailed code. A code works once; after
    /// five wrong tries ask for a new one.
    #[graphql(guard = "RequireAuth")]
    async fn verify_email(&self, ctx: &Context<'_>, code: String) -> async_graphql::Result<bool> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        email_verification::verify_email(app, config, actor_from(ctx)?, &code).await?;
        Ok(true)
    }

    /// Mails a code for choosing a new password to this address, if an account has it. The answer is `true`, after
    /// the same time, whether or not one does. Public.
    async fn request_password_reset(&self, ctx: &Context<'_>, email: String) -> async_graphql::Result<bool> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        Ok(password_reset::request_reset(app, config, &email).await?)
    }

    /// Sets a new password with the mailed code; every session of the account ends (log in again). Public.
    async fn reset_password(
        &self,
        ctx: &Context<'_>,
        email: String,
        code: String,
        new_password: String,
    ) -> async_graphql::Result<bool> {
        let (app, config) = (AppContext::of(ctx)?, ctx.data::<Arc<UsersConfig>>()?);
        password_reset::reset_password(app, config, &email, &code, &new_password).await?;
        Ok(true)
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
