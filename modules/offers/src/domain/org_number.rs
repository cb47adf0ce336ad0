use cogo_kernel::AppError;

/// A Swedish organisation number, stored as `NNNNNN-NNNN` (§5.9: partners are identified businesses).
/// Ten digits without the hyphen are accepted and normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgNumber(String);

impl OrgNumber {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, AppError> {
        let raw = raw.trim();
        let digits: String = match raw.split_once('-') {
            Some((head, tail)) if head.len() == 6 && tail.len() == 4 => format!("{head}{tail}"),
            Some(_) => String::new(),
            None => raw.to_string(),
        };
        if digits.len() != 10 || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(AppError::bad_input(field, "must be a Swedish organisation number, NNNNNN-NNNN"));
        }
        Ok(Self(format!("{}-{}", &digits[..6], &digits[6..])))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_numbers_have_the_swedish_format() {
        assert_eq!(OrgNumber::parse("orgNumber", "556677-8899").unwrap().into_inner(), "556677-8899");
        assert_eq!(OrgNumber::parse("orgNumber", " 5566778899 ").unwrap().into_inner(), "556677-8899");
        for bad in ["", "556677-889", "55667-78899", "556677-88a9", "556677--8899", "556677 8899", "5566778899-"] {
            assert!(OrgNumber::parse("orgNumber", bad).is_err(), "{bad}");
        }
    }
}
