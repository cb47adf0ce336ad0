//! Mail a module wants sent (a verification code, a password reset, a notice), handed to the outbox inside the
//! transaction of the change that needs it: the mail exists exactly when the change committed, and a failed
//! request sends nothing. The mail module keeps the outbox and delivers it (SMTP, or the log in development).

use async_trait::async_trait;
use sea_orm::DatabaseTransaction;

use crate::error::AppError;

/// One mail to one address, in plain text and HTML (Swedish with English below, as the sender composes it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// What the mail is for, e.g. `EMAIL_VERIFICATION`, `PASSWORD_RESET`: for counting and for the log.
    pub kind: &'static str,
    pub to: String,
    /// The account the mail is to, if any (it is personal data of that person: exported and erased with them).
    pub user_id: Option<uuid::Uuid>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    /// A one-time code the mail carries, if any: removed from the mail wherever it is logged in production, and
    /// from the outbox once the mail is sent.
    pub secret: Option<String>,
}

impl OutgoingMail {
    /// The mail is to this account (exported and erased with it).
    pub fn to_account(mut self, user_id: uuid::Uuid) -> Self {
        self.user_id = Some(user_id);
        self
    }
}

/// Where mail goes. Provided by the mail module; modules reach it through `Hooks::send_mail`.
#[async_trait]
pub trait MailOutbox: Send + Sync + 'static {
    /// Queues the mail inside `txn`; it is delivered after the transaction commits.
    async fn enqueue(&self, txn: &DatabaseTransaction, mail: OutgoingMail) -> Result<(), AppError>;
}
