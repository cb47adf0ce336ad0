//! Where a claimed mail goes: an SMTP server ([`smtp`]) or, with none configured, the log ([`log`]).

pub mod log;
pub mod smtp;

use async_trait::async_trait;
use cogo_entities::mail::outbox_mail;
use uuid::Uuid;

use crate::config::MailConfig;

/// A mail as the transports see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueuedMail {
    pub id: Uuid,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub secret: Option<String>,
}

impl From<outbox_mail::Model> for QueuedMail {
    fn from(row: outbox_mail::Model) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            to: row.recipient,
            subject: row.subject,
            text_body: row.text_body.unwrap_or_default(),
            html_body: row.html_body.unwrap_or_default(),
            secret: row.secret,
        }
    }
}

/// Why a delivery failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeliveryError {
    /// The server refused for good (a 5xx answer, an address it will never accept): trying again will not help.
    pub permanent: bool,
    /// The SMTP reply code, if the server answered (for the log: codes carry no personal data).
    pub code: Option<u16>,
    /// What went wrong, for the outbox row's `last_error` (never the password; may name the recipient, so it is
    /// not logged).
    pub detail: String,
}

#[async_trait]
pub trait Transport: Send + Sync {
    /// Delivers one mail: `Ok` once the server accepted it.
    async fn deliver(&self, mail: &QueuedMail) -> Result<(), DeliveryError>;

    /// What the start-up log line calls this transport (no password).
    fn describe(&self) -> String;
}

/// The transport the configuration asks for. Must run inside the Tokio runtime (the SMTP pool starts a task).
pub fn from_config(config: &MailConfig) -> Result<Box<dyn Transport>, String> {
    Ok(match &config.smtp {
        Some(url) => Box::new(smtp::SmtpTransport::new(url, &config.from)?),
        None => Box::new(log::LogTransport::new(config.log_detail)),
    })
}
