//! Settings of the offers module, filled by the gateway from its configuration.

use crate::domain::CustomerPseudonyms;

pub struct OffersConfig {
    /// Keys of the per-partner customer pseudonyms (one per kind of offer). Never logged.
    pub pseudonyms: CustomerPseudonyms,
}

impl OffersConfig {
    /// Derives the pseudonym keys from the gateway's pseudonym sub-key (from `COGO_PSEUDONYM_SECRET`, or from the
    /// root secret under its own label), one per kind of offer, each under its own domain.
    pub fn from_secret(secret: &[u8]) -> Self {
        Self { pseudonyms: CustomerPseudonyms::derive(secret) }
    }
}

impl std::fmt::Debug for OffersConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OffersConfig").field("pseudonyms", &"[redacted]").finish()
    }
}
