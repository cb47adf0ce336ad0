use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

use crate::domain::OfferKind;

type HmacSha256 = Hmac<Sha256>;

/// Domain of the key behind the pseudonyms on reusable offers' redemptions (the original key: unchanged, so
/// merchants' existing lists keep their pseudonyms).
const REUSABLE_DOMAIN: &[u8] = b"cogo/offers/customer-pseudonym/v1";
/// Domain of the key behind the pseudonyms on one-time offers' redemptions, which carry name and e-mail.
const ONE_TIME_DOMAIN: &[u8] = b"cogo/offers/one-time-customer/v1";

/// The key of customer pseudonyms (§4.6: a merchant sees only a unique user id). A pseudonym is
/// HMAC-SHA256(key, partner id ‖ user id): stable for one partner, different across partners, so two partners
/// cannot join their customer lists, and without the key nobody can link a pseudonym to a user.
pub struct PseudonymKey([u8; 32]);

impl PseudonymKey {
    /// Derives a key from a server secret for one `domain`, separated from every other use of that secret.
    fn derive(secret: &[u8], domain: &[u8]) -> Self {
        Self(hmac(secret, &[domain]))
    }

    /// The customer's pseudonym as one partner sees it: 32 hex characters.
    pub fn pseudonym(&self, partner_id: Uuid, user_id: Uuid) -> String {
        let mac = hmac(&self.0, &[partner_id.as_bytes(), user_id.as_bytes()]);
        hex::encode(&mac[..16])
    }
}

/// Customer pseudonyms per kind of offer (§4.6). A one-time redemption shows the merchant the customer's name and
/// e-mail; its pseudonym comes from a separate key, so the merchant cannot carry that name over to the same
/// customer's reusable redemptions, which show the pseudonym alone.
pub struct CustomerPseudonyms {
    reusable: PseudonymKey,
    one_time: PseudonymKey,
}

impl CustomerPseudonyms {
    /// Derives both keys from a server secret, each under its own domain.
    pub fn derive(secret: &[u8]) -> Self {
        Self {
            reusable: PseudonymKey::derive(secret, REUSABLE_DOMAIN),
            one_time: PseudonymKey::derive(secret, ONE_TIME_DOMAIN),
        }
    }

    /// The pseudonym of the customer on a redemption of an offer of `kind` at one partner.
    pub fn pseudonym(&self, kind: OfferKind, partner_id: Uuid, user_id: Uuid) -> String {
        match kind {
            OfferKind::OneTime => self.one_time.pseudonym(partner_id, user_id),
            OfferKind::Reusable => self.reusable.pseudonym(partner_id, user_id),
        }
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

    const SECRET: &[u8] = b"a secret of at least thirty-two bytes!";

    #[test]
    fn pseudonyms_are_stable_per_partner_and_differ_across_partners() {
        let keys = CustomerPseudonyms::derive(SECRET);
        let (user, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        for kind in [OfferKind::Reusable, OfferKind::OneTime] {
            assert_eq!(keys.pseudonym(kind, a, user), keys.pseudonym(kind, a, user));
            assert_ne!(keys.pseudonym(kind, a, user), keys.pseudonym(kind, b, user));
            assert_eq!(keys.pseudonym(kind, a, user).len(), 32);
            let other_keys = CustomerPseudonyms::derive(b"another secret of at least 32 bytes!!");
            assert_ne!(keys.pseudonym(kind, a, user), other_keys.pseudonym(kind, a, user));
        }
    }

    #[test]
    fn one_time_and_reusable_pseudonyms_of_one_customer_at_one_partner_differ() {
        let keys = CustomerPseudonyms::derive(SECRET);
        let (user, partner) = (Uuid::new_v4(), Uuid::new_v4());

        let one_time = keys.pseudonym(OfferKind::OneTime, partner, user);
        let reusable = keys.pseudonym(OfferKind::Reusable, partner, user);

        assert_ne!(one_time, reusable);
    }

    #[test]
    fn the_reusable_key_is_the_original_one_so_existing_pseudonyms_stay() {
        let keys = CustomerPseudonyms::derive(SECRET);
        let original = PseudonymKey(hmac(SECRET, &[b"cogo/offers/customer-pseudonym/v1"]));
        let (user, partner) = (Uuid::new_v4(), Uuid::new_v4());

        assert_eq!(keys.pseudonym(OfferKind::Reusable, partner, user), original.pseudonym(partner, user));
    }
}
