//! Which providers may be used and where a finished sign-in may return, as the gateway reads them from
//! `COGO_OIDC_<ID>_*`, `COGO_AUTH_REDIRECT_URIS` and `COGO_PUBLIC_URL`.

/// One OpenID Connect provider.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcProviderSettings {
    /// Lower case, from the variables' `<ID>` (`COGO_OIDC_GOOGLE_*` → `google`); in the URLs and the API.
    pub id: String,
    /// The issuer; its `/.well-known/openid-configuration` is read.
    pub issuer: String,
    pub client_id: String,
    /// Never logged.
    pub client_secret: String,
    /// `openid email profile` unless configured.
    pub scopes: Vec<String>,
    /// What the app shows on the button (`COGO_OIDC_<ID>_NAME`; default: the id).
    pub display_name: String,
}

impl OidcProviderSettings {
    pub const DEFAULT_SCOPES: [&'static str; 3] = ["openid", "email", "profile"];
}

impl std::fmt::Debug for OidcProviderSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OidcProviderSettings")
            .field("id", &self.id)
            .field("issuer", &self.issuer)
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// The providers, the allow-list of return addresses, and the API's own external base URL (for the callback).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignInConfig {
    pub providers: Vec<OidcProviderSettings>,
    /// Exact URIs a finished sign-in may return to (the app's deep link, the portal's page).
    pub redirect_uris: Vec<String>,
    /// E.g. `https://api.cogo-app.se`; the provider calls back to `<public_url>/auth/<id>/callback`.
    pub public_url: String,
}
