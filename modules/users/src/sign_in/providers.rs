//! The configured providers and their discovered clients. Discovery (metadata and signing keys) happens at first
//! use, not at start — a provider that is down must not stop the API — and again when an ID token is signed with a
//! key the cached set does not have (the provider rotated its keys), at most once per [`REFRESH_AT_MOST_EVERY`].

use std::collections::HashMap;
use std::time::{Duration, Instant};

use openidconnect::core::{CoreClient, CoreProviderMetadata};
use openidconnect::{ClientId, ClientSecret, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, RedirectUrl};
use tokio::sync::Mutex;

use crate::sign_in::config::{OidcProviderSettings, SignInConfig};
use crate::sign_in::flow::SignInError;

/// A client built from a provider's discovery document.
pub type DiscoveredClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// Fetching the keys again is limited: an attacker sending tokens with made-up key ids must not make us hammer
/// the provider.
const REFRESH_AT_MOST_EVERY: Duration = Duration::from_secs(10);
/// How long a provider may take to answer discovery, JWKS or the code exchange.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

struct Discovered {
    client: DiscoveredClient,
    fetched_at: Instant,
}

/// Every configured provider, with its discovered client once known.
pub struct OidcProviders {
    config: SignInConfig,
    http: openidconnect::reqwest::Client,
    discovered: Mutex<HashMap<String, Discovered>>,
}

impl Default for OidcProviders {
    fn default() -> Self {
        Self::new(SignInConfig::default())
    }
}

impl OidcProviders {
    pub fn new(config: SignInConfig) -> Self {
        // Following redirects would let a provider's answer send our requests anywhere (SSRF).
        let http = openidconnect::reqwest::ClientBuilder::new()
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .unwrap_or_default();
        Self { config, http, discovered: Mutex::default() }
    }

    pub fn all(&self) -> &[OidcProviderSettings] {
        &self.config.providers
    }

    pub fn get(&self, id: &str) -> Option<&OidcProviderSettings> {
        self.config.providers.iter().find(|p| p.id == id)
    }

    /// Whether a finished sign-in may return to `uri`: exact match with the allow-list, nothing looser.
    pub fn may_return_to(&self, uri: &str) -> bool {
        self.config.redirect_uris.iter().any(|allowed| allowed == uri)
    }

    /// Where the provider sends the browser back.
    pub fn callback_url(&self, id: &str) -> String {
        format!("{}/auth/{id}/callback", self.config.public_url.trim_end_matches('/'))
    }

    pub fn http(&self) -> &openidconnect::reqwest::Client {
        &self.http
    }

    /// The provider's client, discovered now if it never was (or `refresh` asks for fresh keys and the last
    /// fetch is not too recent).
    pub async fn client(&self, id: &str, refresh: bool) -> Result<DiscoveredClient, SignInError> {
        let provider = self.get(id).ok_or(SignInError::UnknownProvider)?;
        let mut discovered = self.discovered.lock().await;
        if let Some(known) = discovered.get(id)
            && (!refresh || known.fetched_at.elapsed() < REFRESH_AT_MOST_EVERY)
        {
            return Ok(known.client.clone());
        }
        let client = self.discover(provider).await?;
        discovered.insert(id.to_string(), Discovered { client: client.clone(), fetched_at: Instant::now() });
        Ok(client)
    }

    async fn discover(&self, provider: &OidcProviderSettings) -> Result<DiscoveredClient, SignInError> {
        let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| SignInError::ProviderUnavailable)?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.http).await.map_err(|error| {
            tracing::warn!(provider = %provider.id, %error, "OpenID provider discovery failed");
            SignInError::ProviderUnavailable
        })?;
        let redirect =
            RedirectUrl::new(self.callback_url(&provider.id)).map_err(|_| SignInError::ProviderUnavailable)?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(provider.client_id.clone()),
            Some(ClientSecret::new(provider.client_secret.clone())),
        )
        .set_redirect_uri(redirect))
    }
}
