use cogo_kernel::AppError;

/// How a data-subject request reached CoGo (policy §6.2: in the app, or in writing by e-mail or letter).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestChannel(String);

/// Requests made in the app itself.
pub const IN_APP: &str = "app";

const MAX_CHARS: usize = 32;

impl RequestChannel {
    pub fn in_app() -> Self {
        Self(IN_APP.to_string())
    }

    /// A channel staff record, e.g. `email`, `letter`, `phone`: a short lowercase word (letters, digits, `-`, `_`).
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let channel = text.trim().to_ascii_lowercase();
        let valid = !channel.is_empty()
            && channel.chars().count() <= MAX_CHARS
            && channel.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if valid {
            Ok(Self(channel))
        } else {
            Err(AppError::bad_input(
                "channel",
                format!("a short word such as email or letter (at most {MAX_CHARS} characters)"),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channels_are_short_lowercase_words() {
        assert_eq!(RequestChannel::parse(" E-mail ").unwrap().as_str(), "e-mail");
        assert_eq!(RequestChannel::parse("letter").unwrap().as_str(), "letter");
        assert!(RequestChannel::parse("").is_err());
        assert!(RequestChannel::parse("by post; drop table").is_err());
        assert!(RequestChannel::parse(&"x".repeat(33)).is_err());
    }
}
