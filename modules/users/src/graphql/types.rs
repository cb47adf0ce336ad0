use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ID, InputObject, Object, SimpleObject, dataloader::DataLoader};
use chrono::{DateTime, Utc};
use cogo_kernel::{AppContext, AppError, MeObject, Role};
use uuid::Uuid;

use crate::loaders::{KnownProfiles, Profile, UserLoader};

/// The users module's fields of `Me`: who you are.
pub struct UserProfile {
    user_id: Uuid,
}

impl UserProfile {
    pub fn new(user_id: Uuid) -> Self {
        Self { user_id }
    }

    async fn account(&self, ctx: &Context<'_>) -> async_graphql::Result<Profile> {
        let known = ctx.data::<Arc<KnownProfiles>>()?;
        let load = async {
            let loader = ctx.data::<DataLoader<UserLoader>>()?;
            let account = loader.load_one(self.user_id).await?.filter(|u| u.closed_at.is_none());
            Ok::<_, async_graphql::Error>(account.map(Profile::from))
        };
        Ok(known.get_or_load(self.user_id, load).await?.ok_or(AppError::NotFound("account"))?)
    }
}

#[Object]
impl UserProfile {
    /// Your user id.
    async fn id(&self) -> ID {
        ID(self.user_id.to_string())
    }

    /// Your full name.
    async fn name(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.account(ctx).await?.name)
    }

    /// Your e-mail address (you log in with it).
    async fn email(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        Ok(self.account(ctx).await?.email)
    }

    /// When you signed up.
    async fn created_at(&self, ctx: &Context<'_>) -> async_graphql::Result<DateTime<Utc>> {
        Ok(self.account(ctx).await?.created_at)
    }

    /// Whether you have confirmed that you receive mail at `email` (`requestEmailVerification`, `verifyEmail`).
    async fn email_verified(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.account(ctx).await?.email_verified)
    }

    /// Your ways in: the password (if you have one) and the providers linked to the account.
    async fn sign_in_methods(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<SignInMethod>> {
        let methods = crate::sign_in::identities::methods_of(&AppContext::of(ctx)?.db, self.user_id).await?;
        Ok(methods.into_iter().map(Into::into).collect())
    }

    /// A new address you asked for, waiting for its code; null when no change is waiting.
    async fn pending_email(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<String>> {
        Ok(crate::service::email_verification::pending_address(AppContext::of(ctx)?, self.user_id).await?)
    }

    /// Your roles: `USER` for everyone, staff roles for CoGo employees.
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Role>> {
        let app = AppContext::of(ctx)?;
        Ok(crate::service::roles_of(&app.db, self.user_id).await?)
    }
}

/// A provider you can sign in with.
#[derive(SimpleObject)]
pub struct AuthProvider {
    /// Used in `/auth/{id}/start` and `unlinkProvider`.
    pub id: String,
    pub display_name: String,
}

impl From<&crate::sign_in::OidcProviderSettings> for AuthProvider {
    fn from(provider: &crate::sign_in::OidcProviderSettings) -> Self {
        Self { id: provider.id.clone(), display_name: provider.display_name.clone() }
    }
}

/// How a way into the account works.
#[derive(async_graphql::Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInMethodKind {
    /// E-mail and password.
    Password,
    /// An OpenID Connect provider (Apple, Google, Microsoft, …).
    Oidc,
}

/// One way into your account.
#[derive(SimpleObject)]
pub struct SignInMethod {
    pub kind: SignInMethodKind,
    /// The provider's id for `OIDC`; null for the password.
    pub provider: Option<String>,
    pub linked_at: DateTime<Utc>,
}

impl From<crate::sign_in::identities::SignInMethod> for SignInMethod {
    fn from(method: crate::sign_in::identities::SignInMethod) -> Self {
        Self {
            kind: if method.provider.is_some() { SignInMethodKind::Oidc } else { SignInMethodKind::Password },
            provider: method.provider,
            linked_at: method.linked_at,
        }
    }
}

/// An account as staff see it in a support look-up.
#[derive(SimpleObject)]
pub struct StaffUserView {
    pub id: ID,
    pub name: String,
    pub email: String,
    pub created_at: DateTime<Utc>,
    /// When the account was closed; null while open.
    pub closed_at: Option<DateTime<Utc>>,
    pub roles: Vec<Role>,
}

impl StaffUserView {
    pub fn new(account: cogo_entities::users::user::Model, roles: Vec<Role>) -> Self {
        Self {
            id: ID(account.id.to_string()),
            name: account.name,
            email: account.email,
            created_at: account.created_at,
            closed_at: account.closed_at,
            roles,
        }
    }
}

/// Tokens of a new or refreshed session, and who signed in.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AuthPayload<M: MeObject> {
    /// Short-lived (about 15 minutes); send as `Authorization: Bearer <accessToken>`.
    pub access_token: String,
    /// Single-use; exchange it with `refreshSession` for a new pair. Keep it secret.
    pub refresh_token: String,
    #[graphql(skip)]
    pub user: M,
}

#[ComplexObject]
impl<M: MeObject> AuthPayload<M> {
    /// The signed-in user.
    async fn user(&self) -> &M {
        &self.user
    }
}

/// A rotated token pair.
#[derive(SimpleObject)]
pub struct SessionTokens {
    /// Short-lived (about 15 minutes).
    pub access_token: String,
    /// Single-use; the one you sent no longer works.
    pub refresh_token: String,
}

/// What sign-up asks for: full name and e-mail, nothing more (data minimisation), and a password.
#[derive(InputObject)]
pub struct SignUpInput {
    /// Full name, 1–100 characters.
    pub name: String,
    /// E-mail address; you log in with it.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// The code of the friend who invited you, if any.
    pub referral_code: Option<String>,
}

/// Rectification of your profile; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateProfileInput {
    /// A new full name, 1–100 characters.
    pub name: Option<String>,
    /// A new e-mail address; you log in with it from now on.
    pub email: Option<String>,
}
