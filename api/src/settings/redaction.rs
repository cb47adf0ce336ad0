//! Keeps the password of `DATABASE_URL` out of logs and error messages. It can sit in the user-info
//! (`postgres://user:pass@host`), in a libpq-style query parameter (`?password=…`, `&sslpassword=…`), with the key
//! or the value percent-encoded; and a driver's error may repeat the URL or the password (sea-orm quotes a URL it
//! cannot parse). So the URL is rewritten with `***` in place of each secret, and any text about the connection
//! is scrubbed of each secret in every spelling the URL gives it (as written, percent-decoded, form-decoded).

/// What replaces a secret.
const MASK: &str = "***";

/// The secrets of one database URL, and the URL without them.
#[derive(Clone)]
pub struct UrlRedactor {
    url: String,
    redacted: String,
    /// Every spelling of every secret, longest first (so a secret that contains another is masked whole).
    secrets: Vec<String>,
}

impl UrlRedactor {
    pub fn new(url: &str) -> Self {
        let spans = secret_spans(url);
        let mut redacted = String::with_capacity(url.len());
        let mut at = 0;
        for &(start, end) in &spans {
            redacted.push_str(&url[at..start]);
            redacted.push_str(MASK);
            at = end;
        }
        redacted.push_str(&url[at..]);
        let mut secrets: Vec<String> = Vec::new();
        for &(start, end) in &spans {
            let raw = &url[start..end];
            for spelling in [raw.to_string(), percent_decode(raw, false), percent_decode(raw, true)] {
                if !spelling.is_empty() && !secrets.contains(&spelling) {
                    secrets.push(spelling);
                }
            }
        }
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Self { url: url.to_string(), redacted, secrets }
    }

    /// The URL with every password replaced by `***`.
    pub fn redacted_url(&self) -> &str {
        &self.redacted
    }

    /// `text` (an error message, a log line) with the URL shown redacted and every secret of it masked.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.replace(&self.url, &self.redacted);
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), MASK);
        }
        text
    }
}

/// A database URL without its passwords, for logs.
pub fn redact_url(url: &str) -> String {
    UrlRedactor::new(url).redacted
}

/// `text` scrubbed of the secrets of the `DATABASE_URL` this process was started with: the last word before an
/// error message leaves the process.
pub fn scrub_database_url_from(text: &str) -> String {
    match std::env::var("DATABASE_URL") {
        Ok(url) if !url.is_empty() => UrlRedactor::new(&url).scrub(text),
        _ => text.to_string(),
    }
}

/// Byte ranges of the secrets in `url`, in order and not overlapping: the user-info password, then the values of
/// sensitive query parameters.
fn secret_spans(url: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let authority_start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[authority_start..];
    let password = user_info_password(rest).map(|(start, end)| (authority_start + start, authority_start + end));
    let query_from = password.map_or(authority_start, |(_, end)| end);
    if let Some(span) = password {
        spans.push(span);
    }
    if let Some(q) = url[query_from..].find('?') {
        let query_start = query_from + q + 1;
        let query_end = url[query_start..].find('#').map_or(url.len(), |i| query_start + i);
        let mut pair_start = query_start;
        for pair in url[query_start..query_end].split(['&', ';']) {
            if let Some(eq) = pair.find('=') {
                let key = percent_decode(&pair[..eq], true).to_ascii_lowercase();
                if is_sensitive(&key) && eq + 1 < pair.len() {
                    spans.push((pair_start + eq + 1, pair_start + pair.len()));
                }
            }
            pair_start += pair.len() + 1;
        }
    }
    spans
}

/// The password of `user:password@host…` (the part after `://`): from the first `:` of the user-info to the `@`
/// that ends it. That is the last `@` not inside the query (an `@` after a `?` that starts `key=value` pairs), so an
/// unencoded `@`, `/` or `?` in a password is still masked whole; when every `@` looks like part of a query, the
/// last one is taken (masking too much rather than too little).
fn user_info_password(rest: &str) -> Option<(usize, usize)> {
    let user_end = rest.find([':', '@', '/', '?', '#'])?;
    if !rest[user_end..].starts_with(':') {
        return None;
    }
    let ats: Vec<usize> = rest.match_indices('@').map(|(i, _)| i).filter(|&i| i > user_end).collect();
    let outside_query = |at: usize| {
        let before = &rest[user_end + 1..at];
        !before.find('?').is_some_and(|q| before[q..].contains('='))
    };
    let at = ats.iter().rev().copied().find(|&at| outside_query(at)).or(ats.last().copied())?;
    Some((user_end + 1, at))
}

/// Query keys whose value is a secret: `password` (libpq), `sslpassword`, `passfile` and anything naming a
/// secret or a token.
fn is_sensitive(key: &str) -> bool {
    ["pass", "pwd", "secret", "token"].iter().any(|word| key.contains(word))
}

/// Percent-decoding (and `+` as space when `form`), lossy: a malformed escape stays as written.
fn percent_decode(text: &str, form: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex_value(bytes[i + 1]), hex_value(bytes[i + 2])) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' if form => out.push(b' '),
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex_value(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_user_info_password_is_masked() {
        assert_eq!(redact_url("postgres://cogo:s3cret@db:5432/cogo"), "postgres://cogo:***@db:5432/cogo");
        assert_eq!(redact_url("postgres://cogo@db/cogo"), "postgres://cogo@db/cogo");
        assert_eq!(redact_url("postgres://db:5432/cogo"), "postgres://db:5432/cogo");
        assert_eq!(redact_url("sqlite://cogo.db?mode=rwc"), "sqlite://cogo.db?mode=rwc");
    }

    #[test]
    fn a_password_with_unencoded_at_sign_slash_or_question_mark_is_masked_whole() {
        assert_eq!(redact_url("postgres://u:p@ss/w?rd@db/cogo"), "postgres://u:***@db/cogo");
        assert_eq!(redact_url("postgres://u:p@ss@db/cogo?sslmode=require"), "postgres://u:***@db/cogo?sslmode=require");
        assert_eq!(redact_url("postgres://u:a?b=c@db/cogo"), "postgres://u:***@db/cogo");
    }

    #[test]
    fn an_at_sign_in_the_query_does_not_end_the_password() {
        assert_eq!(
            redact_url("postgres://u:pw@db/cogo?application_name=a@b"),
            "postgres://u:***@db/cogo?application_name=a@b"
        );
    }

    #[test]
    fn password_query_parameters_are_masked_wherever_they_are() {
        assert_eq!(redact_url("postgres://db/cogo?password=s3cret"), "postgres://db/cogo?password=***");
        assert_eq!(
            redact_url("postgres://u@db/cogo?sslmode=require&password=s3cret&application_name=api"),
            "postgres://u@db/cogo?sslmode=require&password=***&application_name=api"
        );
        assert_eq!(
            redact_url("postgres://db/cogo?PASSWORD=a&sslpassword=b"),
            "postgres://db/cogo?PASSWORD=***&sslpassword=***"
        );
        assert_eq!(redact_url("postgres://u:x@db/cogo?password=y"), "postgres://u:***@db/cogo?password=***");
    }

    #[test]
    fn a_percent_encoded_key_is_recognised() {
        assert_eq!(redact_url("postgres://db/cogo?pass%77ord=s3cret"), "postgres://db/cogo?pass%77ord=***");
        assert_eq!(redact_url("postgres://db/cogo?%70assword=s3cret"), "postgres://db/cogo?%70assword=***");
    }

    #[test]
    fn error_text_loses_the_secret_in_every_spelling() {
        let redactor = UrlRedactor::new("postgres://u:p%40ss%2Bw+rd@db/cogo?password=q%24%24");
        let message = "cannot connect to postgres://u:p%40ss%2Bw+rd@db/cogo?password=q%24%24: \
                       rejected p@ss+w+rd, p@ss+w rd and q$$";

        let scrubbed = redactor.scrub(message);

        for secret in ["p%40ss%2Bw+rd", "p@ss+w+rd", "p@ss+w rd", "q%24%24", "q$$"] {
            assert!(!scrubbed.contains(secret), "{secret} in {scrubbed}");
        }
        assert!(scrubbed.contains("postgres://u:***@db/cogo?password=***"), "{scrubbed}");
    }

    #[test]
    fn text_without_the_secret_is_left_alone() {
        let redactor = UrlRedactor::new("postgres://u:s3cret@db/cogo");
        assert_eq!(redactor.scrub("connection refused (os error 111)"), "connection refused (os error 111)");
    }

    #[test]
    fn percent_decoding_tolerates_malformed_escapes() {
        assert_eq!(percent_decode("a%2", false), "a%2");
        assert_eq!(percent_decode("a%zz", false), "a%zz");
        assert_eq!(percent_decode("%41+b", true), "A b");
        assert_eq!(percent_decode("%41+b", false), "A+b");
    }
}
