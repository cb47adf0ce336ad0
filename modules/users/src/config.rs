//! Settings of the users module, filled by the gateway from its configuration.

use std::sync::Arc;

use chrono::Duration;

use crate::domain::{RefreshGrace, SessionLifetime};
use crate::service::OpenSessions;

#[derive(Clone)]
pub struct UsersConfig {
    /// HMAC key that signs access tokens (a sub-key of the server's root secret). Never logged.
    pub token_key: Vec<u8>,
    /// HMAC key of the log-in throttle's e-mail hashes (another sub-key). Never logged.
    pub throttle_key: Vec<u8>,
    /// HMAC key of the stored one-time e-mail codes (another sub-key). Never logged.
    pub code_key: Vec<u8>,
    /// Whether value may leave an account (unlocking offers, earning referral rewards) only once its e-mail
    /// address is verified (`COGO_REQUIRE_VERIFIED_EMAIL`; on in production).
    pub require_verified_email: bool,
    /// Lifetime of an access token (about 15 minutes).
    pub access_token_ttl: Duration,
    /// A session ends when it has not been refreshed for this long (30 days).
    pub session_ttl: Duration,
    /// A session ends this long after log-in however often it is refreshed (90 days by default).
    pub session_max_lifetime: Duration,
    /// How long after a rotation the previous refresh token is still accepted (10 seconds by default; zero: never).
    pub refresh_grace: Duration,
    /// The OpenID Connect providers people may sign in with, and where a finished sign-in may return.
    pub sign_in: Arc<crate::sign_in::OidcProviders>,
    /// Not a setting: the sessions this instance knows open, shared by every holder of this configuration (the
    /// gateway authenticates with it, the module keeps it current through the change feed).
    pub open_sessions: Arc<OpenSessions>,
}

impl UsersConfig {
    /// With the code key drawn from `throttle_key` (the gateway sets its own sub-key).
    pub fn new(token_key: Vec<u8>, throttle_key: Vec<u8>) -> Self {
        let code_key = crate::domain::email_code::code_hash(
            &throttle_key,
            uuid::Uuid::nil(),
            crate::domain::email_code::CodePurpose::VerifyEmail,
            "code-key",
        )
        .into_bytes();
        Self {
            token_key,
            throttle_key,
            code_key,
            require_verified_email: false,
            access_token_ttl: Duration::minutes(15),
            session_ttl: Duration::days(30),
            session_max_lifetime: Duration::days(90),
            refresh_grace: Duration::seconds(10),
            sign_in: Arc::default(),
            open_sessions: Arc::default(),
        }
    }

    /// The idle and absolute lifetimes as one rule.
    pub fn lifetime(&self) -> SessionLifetime {
        SessionLifetime { idle: self.session_ttl, max: self.session_max_lifetime }
    }

    pub fn grace(&self) -> RefreshGrace {
        RefreshGrace(self.refresh_grace)
    }
}

impl std::fmt::Debug for UsersConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UsersConfig")
            .field("token_key", &"[redacted]")
            .field("throttle_key", &"[redacted]")
            .field("code_key", &"[redacted]")
            .field("require_verified_email", &self.require_verified_email)
            .field("access_token_ttl", &self.access_token_ttl)
            .field("session_ttl", &self.session_ttl)
            .field("session_max_lifetime", &self.session_max_lifetime)
            .field("refresh_grace", &self.refresh_grace)
            .finish()
    }
}
