//! Delivery over SMTP with lettre: one multipart/alternative message (plain text and HTML) per mail, through a
//! pool of connections to the server of `COGO_SMTP_URL`.

use std::time::Duration;

use async_trait::async_trait;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart},
};

use super::{DeliveryError, QueuedMail, Transport};
use crate::config::{MailFrom, SmtpUrl};

/// How long one SMTP command may take before the try counts as failed (lettre's default is a minute).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(20);

/// How long one whole delivery may take: a server that trickles its answers cannot hold a claimed batch forever.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(60);

pub struct SmtpTransport {
    mailer: AsyncSmtpTransport<Tokio1Executor>,
    from: MailFrom,
    url: SmtpUrl,
}

impl SmtpTransport {
    pub fn new(url: &SmtpUrl, from: &MailFrom) -> Result<Self, String> {
        let mailer = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.for_transport())
            .map_err(|e| url.scrub(&format!("COGO_SMTP_URL is not usable: {e}")))?
            .timeout(Some(COMMAND_TIMEOUT))
            .build();
        Ok(Self { mailer, from: from.clone(), url: url.clone() })
    }
}

#[async_trait]
impl Transport for SmtpTransport {
    async fn deliver(&self, mail: &QueuedMail) -> Result<(), DeliveryError> {
        let message = message_of(mail, &self.from)?;
        match tokio::time::timeout(DELIVERY_TIMEOUT, self.mailer.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(error)) => Err(DeliveryError {
                permanent: error.is_permanent(),
                code: error.status().and_then(|code| code.to_string().parse().ok()),
                detail: self.url.scrub(&error.to_string()),
            }),
            Err(_) => Err(DeliveryError {
                permanent: false,
                code: None,
                detail: format!("no answer from the SMTP server within {} s", DELIVERY_TIMEOUT.as_secs()),
            }),
        }
    }

    fn describe(&self) -> String {
        format!("SMTP ({})", self.url.redacted())
    }
}

/// The message of `mail`: from `from`, plain text and HTML as alternatives. Its Message-ID is the outbox row's id,
/// so a mail sent twice (an instance died between the server's "OK" and marking it sent) is recognisably one.
pub fn message_of(mail: &QueuedMail, from: &MailFrom) -> Result<Message, DeliveryError> {
    let refused = |detail: String| DeliveryError { permanent: true, code: None, detail };
    let to: Mailbox = mail.to.parse().map_err(|_| refused("the recipient is not a valid address".into()))?;
    Message::builder()
        .from(from.mailbox().clone())
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<{}@{}>", mail.id, from.domain())))
        .multipart(MultiPart::alternative_plain_html(mail.text_body.clone(), mail.html_body.clone()))
        .map_err(|e| refused(format!("the mail cannot be built: {e}")))
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn mail() -> QueuedMail {
        QueuedMail {
            id: Uuid::nil(),
            kind: "EMAIL_VERIFICATION".into(),
            to: "anna@example.se".into(),
            subject: "Bekräfta din e-postadress".into(),
            text_body: "Din kod: 482913".into(),
            html_body: "<p>Din kod: <b>482913</b></p>".into(),
            secret: Some("482913".into()),
        }
    }

    #[test]
    fn a_mail_is_multipart_alternative_with_text_and_html() {
        let message = message_of(&mail(), &MailFrom::default()).unwrap();
        let text = String::from_utf8(message.formatted()).unwrap();
        assert!(text.contains("multipart/alternative"), "{text}");
        assert!(text.contains("text/plain"), "{text}");
        assert!(text.contains("text/html"), "{text}");
        assert!(text.contains("Message-ID: <00000000-0000-0000-0000-000000000000@cogo-app.se>"), "{text}");
        assert_eq!(message.envelope().to()[0].to_string(), "anna@example.se");
    }

    #[test]
    fn an_invalid_recipient_is_refused_for_good() {
        let bad = QueuedMail { to: "not an address".into(), ..mail() };
        let error = message_of(&bad, &MailFrom::default()).unwrap_err();
        assert!(error.permanent);
    }
}
