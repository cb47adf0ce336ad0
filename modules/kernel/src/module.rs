//! The plugin shape of a CoGo module. The gateway only lists modules; adding one touches no other module.

use std::sync::Arc;

use async_graphql::{ObjectType, SchemaBuilder};
use uuid::Uuid;

use crate::{
    app::AppContext,
    audit::AuditTrail,
    hooks::{AccountDirectory, ModuleHooks},
    mail::MailOutbox,
    me::MeObject,
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

/// What a module adds to the GraphQL schema: fields of the root `Query` and `Mutation` and of `Me`, each a type
/// of its own that the gateway merges with every other module's ([`NoFields`] for a part a module leaves out).
/// `M` is the merged `Me`, for the parts that return it (sign-up and log-in payloads).
pub trait SchemaParts {
    type Query<M: MeObject>: ObjectType + Default + 'static;
    type Mutation<M: MeObject>: ObjectType + Default + 'static;
    type OfMe: ObjectType + 'static;

    /// The module's fields of `Me` for this user; only ever called for the signed-in user (see [`MeObject`]).
    fn of_me(user_id: Uuid) -> Self::OfMe;
}

/// The part of a module that adds no fields to one of the schema's objects. async-graphql's own empty tail of a
/// merged object: it contributes nothing to the merged type and never appears in the schema.
pub type NoFields = async_graphql::MergedObjectTail;
