//! The plugin shape of a CoGo module. The gateway only lists modules; adding one touches no other module.

use std::sync::Arc;

use async_graphql::SchemaBuilder;

use crate::{
    app::AppContext,
    audit::AuditTrail,
    hooks::{AccountDirectory, ModuleHooks},
    mail::MailOutbox,
};

pub trait Module: Send + Sync + 'static {
    /// Short name, e.g. `users`.
    fn name(&self) -> &'static str;

    /// The module's reactions to domain events and its part in data export and erasure.
    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        None
    }

    /// The module that owns the accounts provides the directory the privacy features identify people with.
    fn account_directory(&self) -> Option<Arc<dyn AccountDirectory>> {
        None
    }

    /// The module that keeps the staff audit log provides the trail every module writes its staff actions to.
    fn audit_trail(&self) -> Option<Arc<dyn AuditTrail>> {
        None
    }

    /// The module that keeps the mail outbox provides it to every module that sends mail.
    fn mail_outbox(&self) -> Option<Arc<dyn MailOutbox>> {
        None
    }

    /// Registers the module's DataLoaders and context data on the schema.
    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, _app: &AppContext) -> SchemaBuilder<Q, M, S>
    where
        Self: Sized,
    {
        builder
    }
}
