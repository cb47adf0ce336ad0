use cogo_kernel::AppError;

/// Trimmed text of 1..=max characters without control characters (partner names, offer titles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoundedText(String);

impl BoundedText {
    pub fn parse(field: &'static str, raw: &str, max_chars: usize) -> Result<Self, AppError> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(AppError::bad_input(field, "must not be empty"));
        }
        if text.chars().count() > max_chars {
            return Err(AppError::bad_input(field, format!("must be at most {max_chars} characters")));
        }
        if text.chars().any(char::is_control) {
            return Err(AppError::bad_input(field, "must not contain control characters"));
        }
        Ok(Self(text.to_string()))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(BoundedText::parse("name", " Café Ågren ", 100).unwrap().into_inner(), "Café Ågren");
        assert!(BoundedText::parse("name", "  ", 100).is_err());
        assert!(BoundedText::parse("name", &"å".repeat(100), 100).is_ok());
        assert!(BoundedText::parse("name", &"å".repeat(101), 100).is_err());
        assert!(BoundedText::parse("name", "a\u{7}", 100).is_err());
    }
}
