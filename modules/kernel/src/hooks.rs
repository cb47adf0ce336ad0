//! Cross-cutting hooks: how modules react to each other without reaching into each other's tables.
//!
//! A module contributes one [`ModuleHooks`] implementation. The privacy features (data export, erasure) and the
//! domain events (sign-up, points credited) go through [`Hooks`], which asks every registered module in turn —
//! so no central list of tables exists anywhere.

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::error::AppError;

/// Something that happened inside a transaction. Handlers run in the same transaction: a handler's error
/// rolls the whole request back.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum DomainEvent {
    /// A new account was created. `referral_code` is what the user typed at sign-up, if anything.
    UserSignedUp { user_id: Uuid, referral_code: Option<String>, at: DateTime<Utc> },
    /// Points were credited to a user's ledger.
    PointsCredited { user_id: Uuid, kind: &'static str, amount: i64, at: DateTime<Utc> },
}

#[async_trait]
pub trait ModuleHooks: Send + Sync + 'static {
    /// The module's name; also the key of its part of a data export.
    fn module(&self) -> &'static str;

    /// Reacts to a domain event inside the publishing transaction. `hooks` is the whole registry, so a reaction
    /// that causes further events (a reward credit) publishes them to every module in turn.
    async fn on_event(&self, _txn: &DatabaseTransaction, _hooks: &Hooks, _event: &DomainEvent) -> Result<(), AppError> {
        Ok(())
    }

    /// Everything this module holds about the user, machine-readable (GDPR art. 15 and 20). `None` if nothing.
    async fn export_user_data(&self, _txn: &DatabaseTransaction, _user_id: Uuid) -> Result<Option<Value>, AppError> {
        Ok(None)
    }

    /// Removes or anonymises what this module holds about the user when the account is erased (art. 17).
    async fn erase_user_data(&self, _txn: &DatabaseTransaction, _user_id: Uuid) -> Result<(), AppError> {
        Ok(())
    }
}

/// Every module's hooks, in the order the gateway lists the modules.
#[derive(Default)]
pub struct Hooks {
    modules: Vec<Arc<dyn ModuleHooks>>,
}

impl Hooks {
    pub fn register(&mut self, hooks: Arc<dyn ModuleHooks>) {
        self.modules.push(hooks);
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

    /// The whole register extract: one key per module that holds anything about the user.
    pub async fn export_user_data(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<Value, AppError> {
        let mut export = Map::new();
        for module in &self.modules {
            if let Some(part) = module.export_user_data(txn, user_id).await? {
                export.insert(module.module().to_string(), part);
            }
        }
        Ok(Value::Object(export))
    }

    /// Erases the user from every module, last registered first (dependants before what they depend on).
    pub async fn erase_user_data(&self, txn: &DatabaseTransaction, user_id: Uuid) -> Result<(), AppError> {
        for module in self.modules.iter().rev() {
            module.erase_user_data(txn, user_id).await?;
        }
        Ok(())
    }
}
