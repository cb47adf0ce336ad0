use cogo_kernel::AppError;

/// An e-mail address, normalised (trimmed, lower-case) and syntactically valid. Log-in is by e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// RFC 5321 limits an address to 254 characters in practice.
    pub const MAX_LEN: usize = 254;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, AppError> {
        let email = raw.trim().to_lowercase();
        let invalid = || AppError::bad_input(field, "is not a valid e-mail address");
        if email.is_empty() || email.len() > Self::MAX_LEN {
            return Err(invalid());
        }
        let (local, domain) = email.rsplit_once('@').ok_or_else(invalid)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local.chars().all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels.last().is_some_and(|tld| tld.len() >= 2 && !tld.chars().all(|c| c.is_ascii_digit()));
        if local_ok && domain_ok { Ok(Self(email)) } else { Err(invalid()) }
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
    fn addresses_are_normalised() {
        assert_eq!(Email::parse("email", "  Anna.S@Example.SE ").unwrap().as_str(), "anna.s@example.se");
    }

    #[test]
    fn malformed_addresses_are_rejected() {
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.se",
            "anna@example",
            "an na@example.se",
            "anna@@example.se",
            "anna..s@example.se",
            "anna@-example.se",
            "anna@example.s",
            ".anna@example.se",
        ] {
            assert!(Email::parse("email", bad).is_err(), "{bad} should be rejected");
        }
    }
}
