//! What the mail module is configured with: where mail goes (`COGO_SMTP_URL`, or the log), who it is from
//! (`COGO_MAIL_FROM`), and whether the log may show a mail whole.

use std::time::Duration;

use lettre::{AsyncSmtpTransport, Tokio1Executor, message::Mailbox};
use url::Url;

/// What replaces the SMTP password wherever the URL or an error about it is shown.
const MASK: &str = "***";

/// The default sender, `COGO_MAIL_FROM` when unset.
pub const DEFAULT_FROM: &str = "CoGo <no-reply@cogo-app.se>";

/// An SMTP server to deliver through: `smtp://[user:password@]host[:port][?tls=required|opportunistic]` or
/// `smtps://user:password@host[:port]`. Its password never shows: `Debug` and [`SmtpUrl::redacted`] mask it, and
/// [`SmtpUrl::scrub`] takes it out of any error text.
///
/// lettre's rules, with one change: `smtp://` *with* credentials and no `tls=` uses STARTTLS (`tls=required`)
/// instead of sending the password in the clear. `smtp://host:port` without credentials is plain SMTP (a relay on
/// the same machine, the tests' sink).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpUrl {
    /// The URL as lettre reads it (with `tls=required` added where the rule above says so).
    url: Url,
}

impl SmtpUrl {
    pub fn parse(text: &str) -> Result<Self, String> {
        let usage = "COGO_SMTP_URL must be a URL like smtp://user:password@host:587 or smtps://user:password@host";
        let mut url = Url::parse(text.trim()).map_err(|_| usage.to_string())?;
        if !matches!(url.scheme(), "smtp" | "smtps") || url.host_str().is_none_or(str::is_empty) {
            return Err(usage.into());
        }
        let tls = url.query_pairs().find(|(key, _)| key == "tls").map(|(_, value)| value.into_owned());
        match tls.as_deref() {
            None if url.scheme() == "smtp" && url.password().is_some() => {
                url.query_pairs_mut().append_pair("tls", "required");
            }
            None | Some("required" | "opportunistic") => {}
            Some(_) => return Err("COGO_SMTP_URL: tls= must be `required` or `opportunistic`".into()),
        }
        let parsed = Self { url };
        AsyncSmtpTransport::<Tokio1Executor>::from_url(parsed.url.as_str())
            .map_err(|e| parsed.scrub(&format!("COGO_SMTP_URL is not usable: {e}")))?;
        Ok(parsed)
    }

    /// The URL for lettre. Never log it: it carries the password.
    pub(crate) fn for_transport(&self) -> &str {
        self.url.as_str()
    }

    /// The URL with its password masked.
    pub fn redacted(&self) -> String {
        let mut shown = self.url.clone();
        if shown.password().is_some() {
            // Only fails for URLs that cannot have a password, which one with a password is not.
            let _ = shown.set_password(Some(MASK));
        }
        shown.to_string()
    }

    /// `text` without the password, in either spelling (as written in the URL, and percent-decoded).
    pub fn scrub(&self, text: &str) -> String {
        let Some(raw) = self.url.password().filter(|p| !p.is_empty()) else {
            return text.to_string();
        };
        let decoded = percent_decode(raw);
        let mut text = text.replace(raw, MASK);
        if !decoded.is_empty() {
            text = text.replace(&decoded, MASK);
        }
        text
    }
}

impl std::fmt::Debug for SmtpUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// The sender of every mail, `COGO_MAIL_FROM`: a display name and an address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MailFrom(Mailbox);

impl MailFrom {
    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<Mailbox>()
            .map(Self)
            .map_err(|_| format!("COGO_MAIL_FROM must be an address like `{DEFAULT_FROM}`"))
    }

    pub(crate) fn mailbox(&self) -> &Mailbox {
        &self.0
    }

    /// The domain of the address, for the message ids of the mails.
    pub(crate) fn domain(&self) -> &str {
        self.0.email.domain()
    }
}

impl Default for MailFrom {
    fn default() -> Self {
        Self(Mailbox::new(Some("CoGo".into()), lettre::Address::new_dangerous("no-reply", "cogo-app.se")))
    }
}

impl std::fmt::Display for MailFrom {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// How much of a mail the log transport may show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogDetail {
    /// Development: the whole mail, so a newcomer can copy the code out of the log.
    Whole,
    /// Production: no recipient, and the one-time secret masked in every part (personal data and codes never
    /// appear in production logs).
    Redacted,
}

/// The mail module's settings.
#[derive(Clone, Debug)]
pub struct MailConfig {
    /// `None`: mails go to the log instead of to people.
    pub smtp: Option<SmtpUrl>,
    pub from: MailFrom,
    pub log_detail: LogDetail,
    /// How often the sender looks for due mails it was not woken for: retries, and mails another instance queued
    /// but could not send (it stopped). A mail queued on this instance is picked up at once.
    pub poll_interval: Duration,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self { smtp: None, from: MailFrom::default(), log_detail: LogDetail::Whole, poll_interval: DEFAULT_POLL }
    }
}

/// The default [`MailConfig::poll_interval`]: retries are due at 30 s and later, so a few seconds late is nothing.
pub const DEFAULT_POLL: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_local_sink_is_plain_smtp() {
        let url = SmtpUrl::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!(url.for_transport(), "smtp://127.0.0.1:2525");
    }

    #[test]
    fn credentials_over_smtp_require_starttls_unless_told_otherwise() {
        let url = SmtpUrl::parse("smtp://cogo:s3cret@mail.example.se:587").unwrap();
        assert_eq!(url.for_transport(), "smtp://cogo:s3cret@mail.example.se:587?tls=required");
        let url = SmtpUrl::parse("smtp://cogo:s3cret@mail.example.se:587?tls=opportunistic").unwrap();
        assert_eq!(url.for_transport(), "smtp://cogo:s3cret@mail.example.se:587?tls=opportunistic");
        assert!(SmtpUrl::parse("smtps://cogo:s3cret@mail.example.se").is_ok());
    }

    #[test]
    fn nonsense_is_refused_without_showing_the_password() {
        for bad in [
            "mail.example.se:587",
            "http://cogo:s3cret@mail.example.se",
            "smtp://cogo:s3cret@mail.example.se?tls=never",
        ] {
            let error = SmtpUrl::parse(bad).unwrap_err();
            assert!(!error.contains("s3cret"), "{error}");
        }
    }

    #[test]
    fn the_password_never_shows() {
        let url = SmtpUrl::parse("smtps://cogo:p%40ss+w0rd@mail.example.se:465").unwrap();
        let shown = format!("{url:?} {}", url.redacted());
        assert!(!shown.contains("p%40ss") && !shown.contains("p@ss"), "{shown}");
        assert!(shown.contains("smtps://cogo:***@mail.example.se:465"), "{shown}");
        let scrubbed = url.scrub("535 authentication failed for p@ss+w0rd (p%40ss+w0rd)");
        assert_eq!(scrubbed, "535 authentication failed for *** (***)");
        let url = SmtpUrl::parse("smtps://cogo:a%26b%3Dc@mail.example.se").unwrap();
        assert_eq!(url.scrub("rejected a&b=c"), "rejected ***");
    }

    #[test]
    fn the_sender_defaults_to_cogo_and_refuses_a_non_address() {
        assert_eq!(MailFrom::default(), MailFrom::parse(DEFAULT_FROM).unwrap());
        assert_eq!(MailFrom::default().domain(), "cogo-app.se");
        assert!(MailFrom::parse("CoGo").is_err());
    }
}
