//! `ReferralCode`: every user's code for inviting friends (policy §4.11).

use cogo_kernel::short_code::{UNAMBIGUOUS_ALPHABET, normalise_code, random_code};

/// Characters of a code: no `0`/`O`, `1`/`I`/`L`, so a code read aloud or off a screen is typed right.
pub const ALPHABET: &[u8] = UNAMBIGUOUS_ALPHABET;

/// Length of a code: 31^8 ≈ 8.5 × 10^11 codes, so guessing one is hopeless and collisions are rare.
pub const LENGTH: usize = 8;

/// A well-formed referral code: 8 characters of [`ALPHABET`], stored and compared upper-case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralCode(String);

impl ReferralCode {
    /// A fresh random code from the CSPRNG: codes must not be predictable.
    pub fn generate() -> Self {
        Self(random_code(LENGTH))
    }

    /// What a user typed, normalised (trimmed, upper-case); `None` when it cannot be any code.
    pub fn parse(input: &str) -> Option<Self> {
        normalise_code(input, LENGTH).map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_are_eight_unambiguous_characters() {
        for _ in 0..1000 {
            let code = ReferralCode::generate();
            assert_eq!(code.as_str().len(), LENGTH);
            assert!(code.as_str().chars().all(|c| !"0O1IL".contains(c)), "{code:?}");
            assert_eq!(ReferralCode::parse(code.as_str()), Some(code));
        }
    }

    #[test]
    fn input_is_trimmed_and_upper_cased() {
        assert_eq!(ReferralCode::parse("  abcd2345 ").map(ReferralCode::into_inner), Some("ABCD2345".into()));
    }

    #[test]
    fn malformed_input_is_no_code() {
        for input in ["", "ABCD234", "ABCD23456", "ABCD2340", "ABCDO345", "ABCD 345", "ÅBCD2345"] {
            assert_eq!(ReferralCode::parse(input), None, "{input:?}");
        }
    }
}
