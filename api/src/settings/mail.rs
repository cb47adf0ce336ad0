//! Where mail goes: `COGO_SMTP_URL` (an SMTP server; unset: the log) and `COGO_MAIL_FROM` (the sender).

use std::time::Duration;

use cogo_mail::{LogDetail, MailConfig, MailFrom, SmtpUrl};

/// The mail settings. `Debug` shows the SMTP URL with its password masked.
#[derive(Clone)]
pub struct MailSettings {
    /// `COGO_SMTP_URL`: `smtp://user:password@host:587` (STARTTLS), `smtps://user:password@host:465`, or
    /// `smtp://host:port` for a relay without TLS; unset: mails go to the log.
    pub smtp: Option<SmtpUrl>,
    /// `COGO_MAIL_FROM` (default `CoGo <no-reply@cogo-app.se>`).
    pub from: MailFrom,
    /// `COGO_ENV=production`: the log transport logs neither recipients nor codes.
    pub production: bool,
    /// How often the sender looks for retries that came due (a mail queued on this instance goes out at once).
    pub poll_interval: Duration,
}

impl MailSettings {
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>, production: bool) -> Result<Self, String> {
        let smtp = var("COGO_SMTP_URL").map(|url| SmtpUrl::parse(&url)).transpose()?;
        let from = var("COGO_MAIL_FROM").map(|from| MailFrom::parse(&from)).transpose()?.unwrap_or_default();
        Ok(Self { smtp, from, production, poll_interval: cogo_mail::config::DEFAULT_POLL })
    }

    /// The log transport, as in development: for tests and tools.
    pub fn log_only() -> Self {
        Self {
            smtp: None,
            from: MailFrom::default(),
            production: false,
            poll_interval: cogo_mail::config::DEFAULT_POLL,
        }
    }

    /// The mail module's configuration.
    pub fn config(&self) -> MailConfig {
        MailConfig {
            smtp: self.smtp.clone(),
            from: self.from.clone(),
            log_detail: if self.production { LogDetail::Redacted } else { LogDetail::Whole },
            poll_interval: self.poll_interval,
        }
    }
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("smtp", &self.smtp.as_ref().map(SmtpUrl::redacted))
            .field("from", &self.from.to_string())
            .field("production", &self.production)
            .field("poll_interval", &self.poll_interval)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn without_smtp_mails_go_to_the_log_from_cogo() {
        let settings = MailSettings::from_env(&env(vec![]), false).unwrap();
        assert!(settings.smtp.is_none());
        assert_eq!(settings.from.to_string(), "CoGo <no-reply@cogo-app.se>");
        assert_eq!(settings.config().log_detail, LogDetail::Whole);
        let production = MailSettings::from_env(&env(vec![]), true).unwrap();
        assert_eq!(production.config().log_detail, LogDetail::Redacted);
    }

    #[test]
    fn an_smtp_url_and_a_sender_are_read_and_nonsense_refused() {
        let set = env(vec![("COGO_SMTP_URL", "smtp://127.0.0.1:2525"), ("COGO_MAIL_FROM", "Test <test@example.se>")]);
        let settings = MailSettings::from_env(&set, false).unwrap();
        assert_eq!(settings.smtp.unwrap().redacted(), "smtp://127.0.0.1:2525");
        assert_eq!(settings.from.to_string(), "Test <test@example.se>");
        assert!(MailSettings::from_env(&env(vec![("COGO_SMTP_URL", "mail.example.se")]), false).is_err());
        assert!(MailSettings::from_env(&env(vec![("COGO_MAIL_FROM", "nobody")]), false).is_err());
    }

    #[test]
    fn the_smtp_password_never_shows() {
        let set = env(vec![("COGO_SMTP_URL", "smtp://cogo:smtp-pass-1@mail.example.se:587")]);
        let settings = MailSettings::from_env(&set, false).unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains("smtp-pass-1"), "{shown}");
        assert!(shown.contains("smtp://cogo:***@mail.example.se:587"), "{shown}");
    }
}
