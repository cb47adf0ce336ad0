use cogo_kernel::short_code::{UNAMBIGUOUS_ALPHABET, normalise_code, random_code};

/// The code a customer shows at the till: 10 characters from an alphabet without look-alikes (no 0/O, 1/I/L),
/// drawn from the operating system's CSPRNG-seeded generator — 31^10 ≈ 8·10^14 codes, so guessing one is hopeless.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedemptionCode(String);

impl RedemptionCode {
    pub const LEN: usize = 10;
    pub const ALPHABET: &'static [u8] = UNAMBIGUOUS_ALPHABET;

    pub fn generate() -> Self {
        Self(random_code(Self::LEN))
    }

    /// A code as typed at the till: case-insensitive, surrounding spaces ignored. `None` if it cannot be a code.
    pub fn normalise(typed: &str) -> Option<Self> {
        normalise_code(typed, Self::LEN).map(Self)
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
    fn generated_codes_use_the_unambiguous_alphabet() {
        for _ in 0..200 {
            let code = RedemptionCode::generate();
            assert_eq!(code.as_str().len(), 10);
            assert!(!code.as_str().contains(['0', 'O', '1', 'I', 'L']));
            assert_eq!(RedemptionCode::normalise(code.as_str()), Some(code));
        }
    }

    #[test]
    fn codes_are_read_case_insensitively() {
        assert_eq!(RedemptionCode::normalise(" abcdefgh23 ").unwrap().as_str(), "ABCDEFGH23");
        assert!(RedemptionCode::normalise("ABCDEFGH20").is_none());
        assert!(RedemptionCode::normalise("ABC").is_none());
    }
}
