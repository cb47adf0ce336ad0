//! Settings of the users module, filled by the gateway from its configuration.

use chrono::Duration;

#[derive(Clone)]
pub struct UsersConfig {
    /// HMAC key that signs access tokens. Never logged.
    pub token_secret: Vec<u8>,
    /// Lifetime of an access token (about 15 minutes).
    pub access_token_ttl: Duration,
    /// A session ends when it has not been refreshed for this long.
    pub session_ttl: Duration,
}

impl UsersConfig {
    pub fn new(token_secret: Vec<u8>) -> Self {
        Self { token_secret, access_token_ttl: Duration::minutes(15), session_ttl: Duration::days(30) }
    }
}

impl std::fmt::Debug for UsersConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsersConfig")
            .field("token_secret", &"[redacted]")
            .field("access_token_ttl", &self.access_token_ttl)
            .field("session_ttl", &self.session_ttl)
            .finish()
    }
}
