//! Cross-cutting hooks: how modules react to each other without reaching into each other's tables.
//!
//! A module contributes one [`ModuleHooks`] implementation. The privacy features (data export, erasure, the
//! retention purge, the list of recipients) and the domain events (sign-up, points credited, consent changed, …)
//! go through [`Hooks`], which asks every registered module in turn — so no central list of tables exists anywhere.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::{DatabaseConnection, DatabaseTransaction};
use uuid::Uuid;

use crate::{
    audit::{AuditEntry, AuditTrail},
    error::AppError,
    export::ExportWriter,
    mail::{MailOutbox, OutgoingMail},
    retention::{PurgeReport, RetentionPolicy},
    rights::DataSubjectRequestKind,
};

/// Something that happened inside a transaction. Handlers run in the same transaction: a handler's error
/// rolls the whole request back.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DomainEvent {
    /// A new account was created. `referral_code` is what the user typed at sign-up, if anything.
    UserSignedUp { user_id: Uuid, referral_code: Option<String>, at: DateTime<Utc> },
    /// Points were credited to a user's ledger.
    PointsCredited { user_id: Uuid, kind: &'static str, amount: i64, at: DateTime<Utc> },
    /// The user granted or withdrew a consent, or objected to (or accepted again) a legitimate-interest purpose.
    ConsentChanged { user_id: Uuid, purpose: String, granted: bool, at: DateTime<Utc> },
    /// The user restricted the processing of their data (art. 18), or lifted the restriction.
    ProcessingRestrictionChanged { user_id: Uuid, restricted: bool, at: DateTime<Utc> },
    /// The user exercised a right in the app (rectification, restriction, objection, …); such a request is
    /// complete at once and goes into the request register.
    DataSubjectRequestMade { user_id: Uuid, kind: DataSubjectRequestKind, at: DateTime<Utc> },
}

/// Someone outside CoGo who received a user's personal data (art. 19: they are told of an erasure).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DataRecipient {
    /// The recipient's name, e.g. a partner's name.
    pub name: String,
    /// What kind of recipient: `partner`, …
    pub kind: &'static str,
}

#[async_trait]
pub trait ModuleHooks: Send + Sync + 'static {
    /// The module's name; also the key of its section of a data export.
    fn module(&self) -> &'static str;

    /// Reacts to a domain event inside the publishing transaction. `hooks` is the whole registry, so a reaction
    /// that causes further events (a reward credit) publishes them to every module in turn.
    async fn on_event(&self, _txn: &DatabaseTransaction, _hooks: &Hooks, _event: &DomainEvent) -> Result<(), AppError> {
        Ok(())
    }

    /// Writes everything this module holds about the user into the export (GDPR art. 15 and 20), inside the
    /// module's own section. Large tables are read page by page ([`crate::export::EXPORT_PAGE_ROWS`]) and written
    /// item by item, so an export never holds a whole table in memory.
    async fn export_user_data(
        &self,
        _txn: &DatabaseTransaction,
        _user_id: Uuid,
        _out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// Removes or anonymises what this module holds about the user when the account is erased (art. 17). What
    /// bookkeeping law requires stays, under the pseudonymous account id only.
    async fn erase_user_data(
        &self,
        _txn: &DatabaseTransaction,
        _user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        Ok(())
    }

    /// Who outside CoGo received the user's data through this module (art. 19).
    async fn data_recipients(
        &self,
        _txn: &DatabaseTransaction,
        _user_id: Uuid,
    ) -> Result<Vec<DataRecipient>, AppError> {
        Ok(Vec::new())
    }

    /// Deletes what this module may no longer keep at `now` under `policy`; reports the counts per kind.
    /// Must be idempotent: a second run at the same time removes nothing.
    async fn purge_expired(
        &self,
        _txn: &DatabaseTransaction,
        _now: DateTime<Utc>,
        _policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        Ok(PurgeReport::default())
    }
}

/// The accounts' side of the privacy features: identifying a data subject. The users module provides it, so the
/// privacy module needs no access to the users' tables.
#[async_trait]
pub trait AccountDirectory: Send + Sync + 'static {
    /// The open account with this e-mail address, if any.
    async fn open_account_by_email(&self, txn: &DatabaseTransaction, email: &str) -> Result<Option<Uuid>, AppError>;

    /// Whether the account is open (not closed or erased).
    async fn is_open(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<bool, AppError>;

    /// Holds the open account until the transaction ends, for a mutation that writes the person's data: an
    /// erasure waits for it (and one that came first makes this fail), so no write lands after an erasure and
    /// survives it. `UNAUTHENTICATED` when the account is gone. (PostgreSQL: a shared lock on the account row;
    /// SQLite runs one transaction at a time anyway.)
    async fn hold_open_account(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<(), AppError>;

    /// Takes the account for an erasure: waits for every transaction holding it, then keeps the others out until
    /// the erasure commits. `false` when no open account has this id.
    async fn lock_for_erasure(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<bool, AppError>;

    /// Checks the account's password (as log-in does, throttled); `UNAUTHENTICATED` when it is wrong. Like log-in
    /// it runs outside any transaction: the slow hash holds no connection, and a failure counts at once. `now` is
    /// the application clock's, so the throttle's windows are measured as log-in's are.
    async fn verify_password(
        &self,
        db: &DatabaseConnection,
        user_id: Uuid,
        password: &str,
        now: DateTime<Utc>,
    ) -> Result<(), AppError>;
}

/// Every module's hooks, in the order the gateway lists the modules.
#[derive(Default)]
pub struct Hooks {
    modules: Vec<Arc<dyn ModuleHooks>>,
    accounts: Option<Arc<dyn AccountDirectory>>,
    audit: Option<Arc<dyn AuditTrail>>,
    mail: Option<Arc<dyn MailOutbox>>,
}

impl Hooks {
    pub fn register(&mut self, hooks: Arc<dyn ModuleHooks>) {
        self.modules.push(hooks);
    }

    /// Registers the account directory (the users module).
    pub fn set_accounts(&mut self, accounts: Arc<dyn AccountDirectory>) {
        self.accounts = Some(accounts);
    }

    /// The account directory; `INTERNAL` if no module provides one (a wiring bug).
    pub fn accounts(&self) -> Result<&dyn AccountDirectory, AppError> {
        self.accounts.as_deref().ok_or_else(|| AppError::internal("no module provides the account directory"))
    }

    /// Registers the staff audit trail (the privacy module).
    pub fn set_audit_trail(&mut self, audit: Arc<dyn AuditTrail>) {
        self.audit = Some(audit);
    }

    /// Appends a staff action to the audit trail inside `txn`, as the transaction's last statement before commit
    /// (see [`crate::audit`]). `INTERNAL` if no module keeps the trail: staff actions are never left unlogged.
    pub async fn audit(&self, txn: &DatabaseTransaction, entry: AuditEntry) -> Result<(), AppError> {
        let trail = self.audit.as_deref().ok_or_else(|| AppError::internal("no module keeps the audit trail"))?;
        trail.append(txn, entry).await
    }

    /// Registers the mail outbox (the mail module).
    pub fn set_mail_outbox(&mut self, outbox: Arc<dyn MailOutbox>) {
        self.mail = Some(outbox);
    }

    /// Queues a mail inside `txn` (see [`crate::mail`]). `INTERNAL` if no module keeps the outbox.
    pub async fn send_mail(&self, txn: &DatabaseTransaction, mail: OutgoingMail) -> Result<(), AppError> {
        let outbox = self.mail.as_deref().ok_or_else(|| AppError::internal("no module keeps the mail outbox"))?;
        outbox.enqueue(txn, mail).await
    }

    pub fn modules(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.modules.iter().map(|m| m.module())
    }

    pub async fn publish(&self, txn: &DatabaseTransaction, event: &DomainEvent) -> Result<(), AppError> {
        for module in &self.modules {
            module.on_event(txn, self, event).await?;
        }
        Ok(())
    }

    /// Writes every module's section of the register extract, in module order.
    pub async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        for module in &self.modules {
            out.begin_section(module.module())?;
            module.export_user_data(txn, user_id, out).await?;
            out.end_section()?;
        }
        Ok(())
    }

    /// Erases the user from every module, last registered first (dependants before what they depend on).
    pub async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        for module in self.modules.iter().rev() {
            module.erase_user_data(txn, user_id, at).await?;
        }
        Ok(())
    }

    /// Everyone outside CoGo who received the user's data, from every module, sorted and without repeats.
    pub async fn data_recipients(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
    ) -> Result<Vec<DataRecipient>, AppError> {
        let mut all = Vec::new();
        for module in &self.modules {
            all.extend(module.data_recipients(txn, user_id).await?);
        }
        all.sort();
        all.dedup();
        Ok(all)
    }

    /// Runs every module's retention purge, dependants first (as erasure does).
    pub async fn purge_expired(
        &self,
        txn: &DatabaseTransaction,
        now: DateTime<Utc>,
        policy: &RetentionPolicy,
    ) -> Result<PurgeReport, AppError> {
        let mut report = PurgeReport::default();
        for module in self.modules.iter().rev() {
            report.merge(module.purge_expired(txn, now, policy).await?);
        }
        Ok(report)
    }
}
