//! What the log may show of a one-time secret: nothing. In production the log transport masks the secret in every
//! part of a mail it writes.

use std::borrow::Cow;

/// What replaces a secret.
pub const MASK: &str = "******";

/// `text` with every occurrence of `secret` masked: as written, and as HTML writes it (a secret with `&`, `<`, …
/// appears escaped in the HTML part).
pub fn mask_secret<'a>(text: &'a str, secret: Option<&str>) -> Cow<'a, str> {
    let Some(secret) = secret.filter(|s| !s.is_empty()) else {
        return Cow::Borrowed(text);
    };
    let escaped = html_escape(secret);
    if !text.contains(secret) && !text.contains(escaped.as_str()) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace(secret, MASK).replace(escaped.as_str(), MASK))
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_occurrence_of_the_secret_is_masked() {
        let text = "Din kod: 482913\nYour code: 482913";
        assert_eq!(mask_secret(text, Some("482913")), "Din kod: ******\nYour code: ******");
    }

    #[test]
    fn an_html_escaped_secret_is_masked_too() {
        assert_eq!(mask_secret("<b>a&amp;b</b>", Some("a&b")), "<b>******</b>");
    }

    #[test]
    fn without_a_secret_the_text_is_untouched() {
        assert_eq!(mask_secret("Hej!", None), "Hej!");
        assert_eq!(mask_secret("Hej!", Some("")), "Hej!");
        assert!(matches!(mask_secret("Hej!", Some("123")), Cow::Borrowed(_)));
    }
}
