use cogo_kernel::AppError;

/// A user's full name: trimmed, 1–100 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, AppError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AppError::bad_input(field, "must not be empty"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(AppError::bad_input(field, format!("must be at most {} characters", Self::MAX_CHARS)));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::bad_input(field, "must not contain control characters"));
        }
        Ok(Self(name.to_string()))
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
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("name", "  Anna Svensson ").unwrap().as_str(), "Anna Svensson");
        assert!(PersonName::parse("name", "   ").is_err());
        assert!(PersonName::parse("name", &"å".repeat(100)).is_ok());
        assert!(PersonName::parse("name", &"å".repeat(101)).is_err());
        assert!(PersonName::parse("name", "Anna\u{0}").is_err());
    }
}
