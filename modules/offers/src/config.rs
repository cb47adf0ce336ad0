//! Settings of the offers module, filled by the gateway from its configuration.

use crate::domain::CustomerPseudonyms;

pub struct OffersConfig {
    /// Keys of the per-partner customer pseudonyms (one per kind of offer). Never logged.
    pub pseudonyms: CustomerPseudonyms,
}

impl OffersConfig {
    /// Derives the pseudonym keys from a server secret (the token secret), so no extra setting is needed; the
    /// derivations are domain-separated, so no key equals the token-signing key or another pseudonym key.
    pub fn from_secret(secret: &[u8]) -> Self {
        Self { pseudonyms: CustomerPseudonyms::derive(secret) }
    }
}

impl std::fmt::Debug for OffersConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OffersConfig").field("pseudonyms", &"[redacted]").finish()
    }
}
