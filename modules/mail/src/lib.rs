//! Mail: an outbox written in the transaction of the change that needs a mail (a verification code, a password
//! reset, a notice), and a sender task that delivers it.
//!
//! - the **outbox** ([`outbox`]): other modules call `Hooks::send_mail(txn, mail)`; the mail is a row of
//!   `mail_outbox`, so it exists exactly when the change committed;
//! - the **sender** ([`sender`]): claims due mails with a lease (on PostgreSQL `FOR UPDATE SKIP LOCKED`: several
//!   instances never send one mail twice), delivers each outside any transaction, and retries with back-off
//!   ([`domain::RetrySchedule`]) until it gives up;
//! - the **transports** ([`transport`]): SMTP with lettre (`COGO_SMTP_URL`), or the log without it — whole in
//!   development, without recipient and code in production;
//! - the **retention** ([`hooks`]): finished mails go after [`hooks::KEPT_FOR`].

pub mod config;
pub mod domain;
pub mod hooks;
pub mod outbox;
pub mod sender;
pub mod service;
pub mod transport;

use std::sync::Arc;

use cogo_kernel::{MailOutbox, MeObject, Module, ModuleHooks, NoFields, NoSubscriptions, SchemaParts, SharedClock};
use sea_orm::DatabaseConnection;
use tokio::sync::Notify;
use uuid::Uuid;

pub use config::{DEFAULT_FROM, LogDetail, MailConfig, MailFrom, SmtpUrl};

/// The mail module as the gateway composes it.
pub struct MailModule {
    config: MailConfig,
    clock: SharedClock,
    outbox: Arc<outbox::Outbox>,
    /// Shared by the outbox and the sender: a local enqueue wakes the sender.
    wake: Arc<Notify>,
}

impl MailModule {
    pub fn new(config: MailConfig, clock: SharedClock) -> Self {
        let wake = Arc::new(Notify::new());
        let outbox = Arc::new(outbox::Outbox::new(clock.clone(), wake.clone()));
        Self { config, clock, outbox, wake }
    }

    /// Starts the sender over `db` until `stop` completes (the gateway does when it serves; one-off commands
    /// leave the outbox to the servers).
    pub fn spawn_sender_until(
        &self,
        db: DatabaseConnection,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let parts =
            sender::SenderParts { config: self.config.clone(), db, clock: self.clock.clone(), wake: self.wake.clone() };
        sender::spawn_until(parts, stop)
    }
}

/// The module's nothing (it has no GraphQL fields) in the schema.
impl SchemaParts for MailModule {
    type Query<M: MeObject> = NoFields;
    type Mutation<M: MeObject> = NoFields;
    type OfMe = NoFields;
    type Subscription = NoSubscriptions;

    fn of_me(_user_id: Uuid) -> Self::OfMe {
        NoFields::default()
    }
}

impl Module for MailModule {
    fn name(&self) -> &'static str {
        "mail"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::MailHooks))
    }

    fn mail_outbox(&self) -> Option<Arc<dyn MailOutbox>> {
        Some(self.outbox.clone())
    }
}
