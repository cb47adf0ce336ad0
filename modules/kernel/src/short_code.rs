//! Short codes people read off a screen and type in (referral codes, redemption codes): an alphabet without
//! look-alikes (no 0/O, 1/I/L), drawn from the thread RNG, a CSPRNG, so codes cannot be predicted.

use rand::Rng;

/// 31 characters that cannot be mistaken for one another.
pub const UNAMBIGUOUS_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A fresh random code of `len` characters.
pub fn random_code(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| char::from(UNAMBIGUOUS_ALPHABET[rng.random_range(0..UNAMBIGUOUS_ALPHABET.len())])).collect()
}

/// A code as typed: surrounding spaces ignored, case-insensitive. `None` when it cannot be a code of `len`.
pub fn normalise_code(typed: &str, len: usize) -> Option<String> {
    let code = typed.trim().to_ascii_uppercase();
    let well_formed = code.len() == len && code.bytes().all(|b| UNAMBIGUOUS_ALPHABET.contains(&b));
    well_formed.then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_use_only_the_alphabet_and_normalise_back() {
        for _ in 0..200 {
            let code = random_code(10);
            assert_eq!(code.len(), 10);
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']));
            assert_eq!(normalise_code(&format!("  {} ", code.to_lowercase()), 10), Some(code));
        }
        assert_eq!(normalise_code("ABC", 10), None);
        assert_eq!(normalise_code("ABCDEFGH0J", 10), None);
    }
}
