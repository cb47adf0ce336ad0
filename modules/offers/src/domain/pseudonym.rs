use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// The key of customer pseudonyms (§4.6: a merchant sees only a unique user id). A pseudonym is
/// HMAC-SHA256(key, partner id ‖ user id): stable for one partner, different across partners, so two partners
/// cannot join their customer lists, and without the key nobody can link a pseudonym to a user.
pub struct PseudonymKey([u8; 32]);

impl PseudonymKey {
    /// Derives the key from a server secret, domain-separated from every other use of that secret.
    pub fn derive(secret: &[u8]) -> Self {
        Self(hmac(secret, &[b"cogo/offers/customer-pseudonym/v1"]))
    }

    /// The customer's pseudonym as one partner sees it: 32 hex characters.
    pub fn pseudonym(&self, partner_id: Uuid, user_id: Uuid) -> String {
        let mac = hmac(&self.0, &[partner_id.as_bytes(), user_id.as_bytes()]);
        hex::encode(&mac[..16])
    }
}

fn hmac(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail; the fallback keeps this free of panics.
    let Ok(mut mac) = HmacSha256::new_from_slice(key) else {
        return [0; 32];
    };
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_per_partner_and_differ_across_partners() {
        let key = PseudonymKey::derive(b"a secret of at least thirty-two bytes!");
        let (user, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        assert_eq!(key.pseudonym(a, user), key.pseudonym(a, user));
        assert_ne!(key.pseudonym(a, user), key.pseudonym(b, user));
        assert_eq!(key.pseudonym(a, user).len(), 32);
        let other_key = PseudonymKey::derive(b"another secret of at least 32 bytes!!");
        assert_ne!(key.pseudonym(a, user), other_key.pseudonym(a, user));
    }
}
