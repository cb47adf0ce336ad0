//! The three steps of a provider sign-in (see the module's documentation).

use chrono::Duration;
use cogo_entities::users::sign_in_flow;
use cogo_kernel::{AppContext, AppError};
use openidconnect::core::CoreAuthenticationFlow;
use openidconnect::{
    AuthorizationCode, ClaimsVerificationError, CsrfToken, Nonce, PkceCodeChallenge, PkceCodeVerifier, Scope,
    TokenResponse,
};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use crate::config::UsersConfig;
use crate::service::IssuedSession;
use crate::sign_in::linking::{self, VerifiedIdentity};
use crate::sign_in::one_time_code;
use crate::sign_in::providers::OidcProviders;
use crate::tokens::digest_of;

/// How long a started sign-in may take at the provider.
const FLOW_VALID_MINUTES: i64 = 10;

/// Why a sign-in did not finish. After the callback found its flow, the reason goes back to the app as
/// `?error=<reason>`; before that there is nowhere safe to send the browser.
#[derive(Debug, Clone)]
pub enum SignInError {
    /// No provider with this id is configured (404).
    UnknownProvider,
    /// The return address is not on the allow-list (400).
    RedirectNotAllowed,
    /// The state is unknown, used, expired or for another provider (400).
    UnknownState,
    /// The provider could not be reached, refused, or its answer was unusable.
    ProviderUnavailable,
    /// The provider answered the sign-in with an error (the person cancelled, …).
    ProviderError,
    /// The ID token failed verification (signature, key, issuer, audience, expiry, nonce).
    InvalidToken,
    /// The ID token carries no e-mail address: the account is name and e-mail (§4.9).
    EmailMissing,
    /// An account has this address, but it may not be linked (an unverified address on either side).
    EmailInUse,
    /// Something failed on our side.
    Internal(AppError),
}

impl SignInError {
    /// The `error` put on the return address.
    pub fn reason(&self) -> &'static str {
        match self {
            SignInError::UnknownProvider => "unknown_provider",
            SignInError::RedirectNotAllowed => "redirect_not_allowed",
            SignInError::UnknownState => "invalid_state",
            SignInError::ProviderUnavailable | SignInError::ProviderError => "provider_error",
            SignInError::InvalidToken => "invalid_token",
            SignInError::EmailMissing => "email_missing",
            SignInError::EmailInUse => "email_in_use",
            SignInError::Internal(_) => "server_error",
        }
    }
}

impl From<AppError> for SignInError {
    fn from(error: AppError) -> Self {
        SignInError::Internal(error)
    }
}

/// Step 1: where to send the browser. The flow is stored so any instance can take the callback.
pub async fn start(
    app: &AppContext,
    providers: &OidcProviders,
    provider_id: &str,
    redirect_uri: &str,
) -> Result<String, SignInError> {
    let provider = providers.get(provider_id).ok_or(SignInError::UnknownProvider)?;
    if !providers.may_return_to(redirect_uri) {
        return Err(SignInError::RedirectNotAllowed);
    }
    let client = providers.client(provider_id, false).await?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request =
        client.authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random);
    for scope in &provider.scopes {
        if scope != "openid" {
            request = request.add_scope(Scope::new(scope.clone()));
        }
    }
    let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
    let now = app.now();
    sign_in_flow::Entity::insert(sign_in_flow::ActiveModel {
        state_hash: Set(digest_of(state.secret())),
        provider: Set(provider_id.to_string()),
        pkce_verifier: Set(verifier.secret().clone()),
        nonce: Set(nonce.secret().clone()),
        redirect_uri: Set(redirect_uri.to_string()),
        created_at: Set(now),
        expires_at: Set(now + Duration::minutes(FLOW_VALID_MINUTES)),
    })
    .exec_without_returning(&app.db)
    .await
    .map_err(AppError::from)?;
    Ok(url.to_string())
}

/// What the provider put on the callback.
#[derive(Debug, Default, serde::Deserialize)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

/// Step 2: the browser's next address — the app's, with `code=` or `error=`. `Err` only when the state is not a
/// live flow of this provider (then nobody knows where the browser should go).
pub async fn callback(
    app: &AppContext,
    providers: &OidcProviders,
    provider_id: &str,
    params: CallbackParams,
) -> Result<String, SignInError> {
    let flow = take_flow(app, provider_id, params.state.as_deref()).await?;
    let outcome = finish(app, providers, &flow, params).await;
    let (key, value) = match &outcome {
        Ok(code) => ("code", code.as_str()),
        Err(error) => {
            if let SignInError::Internal(cause) = error {
                tracing::error!(provider = provider_id, code = cause.code().as_str(), "a sign-in failed on our side");
            } else {
                tracing::info!(provider = provider_id, reason = error.reason(), "a sign-in was refused");
            }
            ("error", error.reason())
        }
    };
    let mut back = openidconnect::url::Url::parse(&flow.redirect_uri).map_err(|_| SignInError::RedirectNotAllowed)?;
    back.query_pairs_mut().append_pair(key, value);
    Ok(back.to_string())
}

/// Uses the flow up: deleted whatever happens next, so a state works once.
async fn take_flow(
    app: &AppContext,
    provider_id: &str,
    state: Option<&str>,
) -> Result<sign_in_flow::Model, SignInError> {
    let state_hash = digest_of(state.ok_or(SignInError::UnknownState)?);
    let flow = sign_in_flow::Entity::find_by_id(state_hash.clone())
        .filter(sign_in_flow::Column::Provider.eq(provider_id))
        .one(&app.db)
        .await
        .map_err(AppError::from)?
        .ok_or(SignInError::UnknownState)?;
    let deleted = sign_in_flow::Entity::delete_by_id(state_hash).exec(&app.db).await.map_err(AppError::from)?;
    if deleted.rows_affected == 0 || flow.expires_at <= app.now() {
        return Err(SignInError::UnknownState); // Taken by a racing callback, or too old.
    }
    Ok(flow)
}

/// Exchanges the code, verifies the ID token, links the identity and issues the one-time code.
async fn finish(
    app: &AppContext,
    providers: &OidcProviders,
    flow: &sign_in_flow::Model,
    params: CallbackParams,
) -> Result<String, SignInError> {
    if params.error.is_some() {
        return Err(SignInError::ProviderError);
    }
    let code = params.code.ok_or(SignInError::ProviderError)?;
    let client = providers.client(&flow.provider, false).await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|_| SignInError::ProviderUnavailable)?
        .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier.clone()))
        .request_async(providers.http())
        .await
        .map_err(|error| {
            tracing::info!(provider = %flow.provider, %error, "the code exchange failed");
            SignInError::ProviderError
        })?;
    let id_token = tokens.id_token().ok_or(SignInError::InvalidToken)?;
    let nonce = Nonce::new(flow.nonce.clone());
    let claims = match id_token.claims(&client.id_token_verifier(), &nonce) {
        Ok(claims) => claims.clone(),
        Err(ClaimsVerificationError::SignatureVerification(_)) => {
            // Perhaps the provider rotated its keys: fetch them once more and check again.
            let refreshed = providers.client(&flow.provider, true).await?;
            id_token.claims(&refreshed.id_token_verifier(), &nonce).map_err(invalid_token(&flow.provider))?.clone()
        }
        Err(error) => return Err(invalid_token(&flow.provider)(error)),
    };
    let identity = VerifiedIdentity {
        provider: flow.provider.clone(),
        subject: claims.subject().as_str().to_string(),
        email: claims.email().map(|e| e.as_str().to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: display_name_of(&claims),
    };
    let user_id = linking::account_for(app, &identity).await?;
    Ok(one_time_code::issue(app, user_id, &flow.provider).await?)
}

/// Step 3: the one-time code for a session, as `logIn` gives.
pub async fn complete(app: &AppContext, config: &UsersConfig, code: &str) -> Result<IssuedSession, AppError> {
    one_time_code::redeem(app, config, code).await
}

fn invalid_token(provider: &str) -> impl Fn(ClaimsVerificationError) -> SignInError + '_ {
    move |error| {
        tracing::info!(provider, %error, "an ID token was refused");
        SignInError::InvalidToken
    }
}

fn display_name_of(claims: &openidconnect::core::CoreIdTokenClaims) -> Option<String> {
    let localized = |claim: Option<&openidconnect::LocalizedClaim<_>>| {
        claim.and_then(|c| c.get(None)).map(|v: &openidconnect::EndUserName| v.as_str().to_string())
    };
    if let Some(name) = localized(claims.name()) {
        return Some(name);
    }
    let given = claims.given_name().and_then(|c| c.get(None)).map(|v| v.as_str().to_string());
    let family = claims.family_name().and_then(|c| c.get(None)).map(|v| v.as_str().to_string());
    match (given, family) {
        (Some(given), Some(family)) => Some(format!("{given} {family}")),
        (Some(one), None) | (None, Some(one)) => Some(one),
        (None, None) => None,
    }
}
