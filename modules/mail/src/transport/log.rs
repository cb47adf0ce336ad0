//! Without `COGO_SMTP_URL` mails go to the log: whole in development, so a newcomer can copy a code out of it;
//! with `COGO_ENV=production` without the recipient and with the one-time secret masked in every part, since
//! personal data and codes never appear in production logs.

use std::borrow::Cow;

use async_trait::async_trait;

use super::{DeliveryError, QueuedMail, Transport};
use crate::{config::LogDetail, domain::mask_secret};

pub struct LogTransport {
    detail: LogDetail,
}

impl LogTransport {
    pub fn new(detail: LogDetail) -> Self {
        Self { detail }
    }
}

#[async_trait]
impl Transport for LogTransport {
    async fn deliver(&self, mail: &QueuedMail) -> Result<(), DeliveryError> {
        write_to_log(&logged(mail, self.detail));
        Ok(())
    }

    fn describe(&self) -> String {
        match self.detail {
            LogDetail::Whole => "the log (no COGO_SMTP_URL; mails are logged whole)".into(),
            LogDetail::Redacted => "the log (no COGO_SMTP_URL; recipients and codes are not logged)".into(),
        }
    }
}

/// What the log shows of a mail.
#[derive(Debug, PartialEq, Eq)]
pub struct LoggedMail<'a> {
    pub kind: &'a str,
    /// `None` in production.
    pub to: Option<&'a str>,
    pub subject: Cow<'a, str>,
    pub text: Cow<'a, str>,
    pub html: Cow<'a, str>,
}

pub fn logged(mail: &QueuedMail, detail: LogDetail) -> LoggedMail<'_> {
    match detail {
        LogDetail::Whole => LoggedMail {
            kind: &mail.kind,
            to: Some(&mail.to),
            subject: Cow::Borrowed(&mail.subject),
            text: Cow::Borrowed(&mail.text_body),
            html: Cow::Borrowed(&mail.html_body),
        },
        LogDetail::Redacted => {
            let secret = mail.secret.as_deref();
            LoggedMail {
                kind: &mail.kind,
                to: None,
                subject: mask_secret(&mail.subject, secret),
                text: mask_secret(&mail.text_body, secret),
                html: mask_secret(&mail.html_body, secret),
            }
        }
    }
}

fn write_to_log(mail: &LoggedMail<'_>) {
    let LoggedMail { kind, subject, text, html, .. } = mail;
    match mail.to {
        Some(to) => tracing::info!(
            mail.kind = kind,
            to,
            subject = %subject,
            text = %text,
            html = %html,
            "mail written to the log instead of sent (no COGO_SMTP_URL)"
        ),
        None => tracing::info!(
            mail.kind = kind,
            subject = %subject,
            text = %text,
            html = %html,
            "mail written to the log instead of sent (no COGO_SMTP_URL)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use uuid::Uuid;

    use super::*;

    fn mail() -> QueuedMail {
        QueuedMail {
            id: Uuid::nil(),
            kind: "PASSWORD_RESET".into(),
            to: "anna@example.se".into(),
            subject: "Din kod 482913".into(),
            text_body: "Din kod: 482913\n\nYour code: 482913".into(),
            html_body: "<p>Din kod: <b>482913</b></p>".into(),
            secret: Some("482913".into()),
        }
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What the log transport writes for `mail` through a real subscriber.
    fn log_line(detail: LogDetail) -> String {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt().with_writer(move || writer.clone()).with_ansi(false).finish();
        tracing::subscriber::with_default(subscriber, || write_to_log(&logged(&mail(), detail)));
        String::from_utf8(captured.0.lock().unwrap().clone()).unwrap()
    }

    #[test]
    fn in_development_the_whole_mail_is_logged() {
        let line = log_line(LogDetail::Whole);
        assert!(line.contains("anna@example.se"), "{line}");
        assert_eq!(line.matches("482913").count(), 4, "{line}");
        assert!(line.contains("PASSWORD_RESET"), "{line}");
    }

    #[test]
    fn in_production_neither_the_recipient_nor_the_secret_is_logged() {
        let line = log_line(LogDetail::Redacted);
        assert!(!line.contains("anna@example.se"), "{line}");
        assert!(!line.contains("482913"), "{line}");
        assert_eq!(line.matches("******").count(), 4, "{line}");
        assert!(line.contains("PASSWORD_RESET"), "{line}");
    }

    #[test]
    fn the_redacted_form_masks_every_part() {
        let mail = mail();
        let shown = logged(&mail, LogDetail::Redacted);
        assert_eq!(shown.to, None);
        assert_eq!(shown.subject, "Din kod ******");
        assert_eq!(shown.text, "Din kod: ******\n\nYour code: ******");
        assert_eq!(shown.html, "<p>Din kod: <b>******</b></p>");
    }
}
