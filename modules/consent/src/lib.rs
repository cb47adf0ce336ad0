//! Consent: purposes with legal bases, consent records and privacy-policy versions (policy §3.1, §4.1).
//!
//! Other modules ask [`service::permission`] "may I process purpose P for user U now?" before they process
//! (steps asks for `health_data`), and [`service::permission::users_allowed`] for a send-out.

pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod legal_basis;
pub mod purposes;
pub mod service;

use std::sync::Arc;

use async_graphql::SchemaBuilder;
use cogo_kernel::{AppContext, MeObject, Module, ModuleHooks, NoSubscriptions, SchemaParts};
use uuid::Uuid;

pub use graphql::{ConsentMutation, ConsentOfMe, ConsentQuery};
pub use legal_basis::LegalBasis;

pub struct ConsentModule;

/// The module's queries and mutations and fields of `Me` in the schema.
impl SchemaParts for ConsentModule {
    type Query<M: MeObject> = ConsentQuery;
    type Mutation<M: MeObject> = ConsentMutation;
    type OfMe = ConsentOfMe;
    type Subscription = NoSubscriptions;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        ConsentOfMe::new(user_id)
    }
}

impl Module for ConsentModule {
    fn name(&self) -> &'static str {
        "consent"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::ConsentHooks))
    }

    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, app: &AppContext) -> SchemaBuilder<Q, M, S> {
        builder.data(Arc::new(service::PolicyCache::new(&app.changes)))
    }
}
