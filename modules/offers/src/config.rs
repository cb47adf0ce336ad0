//! Settings of the offers module, filled by the gateway from its configuration.

use crate::domain::PseudonymKey;

pub struct OffersConfig {
    /// Key of the per-partner customer pseudonyms. Never logged.
    pub pseudonym_key: PseudonymKey,
}

impl OffersConfig {
    /// Derives the pseudonym key from a server secret (the token secret), so no extra setting is needed; the
    /// derivation is domain-separated, so the key never equals the token-signing key.
    pub fn from_secret(secret: &[u8]) -> Self {
        Self { pseudonym_key: PseudonymKey::derive(secret) }
    }
}

impl std::fmt::Debug for OffersConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OffersConfig").field("pseudonym_key", &"[redacted]").finish()
    }
}
