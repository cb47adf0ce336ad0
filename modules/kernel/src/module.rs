//! The plugin shape of a CoGo module. The gateway only lists modules; adding one touches no other module.

use std::sync::Arc;

use std::borrow::Cow;
use std::pin::Pin;

use async_graphql::registry::{MetaType, Registry};
use async_graphql::{Context, ObjectType, Response, SchemaBuilder, SubscriptionType};
use futures_util::Stream;
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

/// What a module adds to the GraphQL schema: fields of the root `Query`, `Mutation` and `Subscription` and of
/// `Me`, each a type of its own that the gateway merges with every other module's ([`NoFields`], [`NoSubscriptions`]
/// for a part a module leaves out). `M` is the merged `Me`, for the parts that return it (sign-up and log-in payloads).
pub trait SchemaParts {
    type Query<M: MeObject>: ObjectType + Default + 'static;
    type Mutation<M: MeObject>: ObjectType + Default + 'static;
    type OfMe: ObjectType + 'static;
    type Subscription: SubscriptionType + Default + 'static;

    /// The module's fields of `Me` for this user; only ever called for the signed-in user (see [`MeObject`]).
    fn of_me(user_id: Uuid) -> Self::OfMe;
}

/// The part of a module that adds no fields to one of the schema's objects. async-graphql's own empty tail of a
/// merged object: it contributes nothing to the merged type and never appears in the schema.
pub type NoFields = async_graphql::MergedObjectTail;

/// The subscription part of a module that has no subscriptions: it contributes nothing to the merged
/// `Subscription` type and never answers a field (async-graphql's own empty tail refuses to be asked).
#[derive(Default)]
pub struct NoSubscriptions;

impl SubscriptionType for NoSubscriptions {
    fn type_name() -> Cow<'static, str> {
        Cow::Borrowed("NoSubscriptions")
    }

    fn create_type_info(registry: &mut Registry) -> String {
        registry.create_subscription_type::<Self, _>(|_| MetaType::Object {
            name: "NoSubscriptions".to_string(),
            description: None,
            fields: Default::default(),
            cache_control: Default::default(),
            extends: false,
            shareable: false,
            resolvable: true,
            keys: None,
            visible: None,
            inaccessible: false,
            interface_object: false,
            tags: Default::default(),
            is_subscription: false,
            rust_typename: Some(std::any::type_name::<Self>()),
            directive_invocations: Default::default(),
            requires_scopes: Default::default(),
        })
    }

    fn create_field_stream<'a>(
        &'a self,
        _ctx: &'a Context<'_>,
    ) -> Option<Pin<Box<dyn Stream<Item = Response> + Send + 'a>>> {
        None
    }
}
