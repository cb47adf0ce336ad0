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
use cogo_kernel::{AppContext, Module, ModuleHooks};

pub use graphql::{ConsentMutation, ConsentOfMe, ConsentQuery};
pub use legal_basis::LegalBasis;

pub struct ConsentModule;

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
