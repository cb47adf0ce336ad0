//! Points: the append-only ledger and balances (policy §5.6–5.7). Steps and referrals credit, offers debit, always
//! through [`service`] and inside the caller's transaction. Only this module writes the points tables.

pub mod closing;
pub mod graphql;
pub mod hooks;
pub mod kind;
pub mod service;

use std::sync::Arc;

use cogo_kernel::{Module, ModuleHooks};

pub use graphql::PointsOfMe;
pub use kind::EntryKind;

pub struct PointsModule;

impl Module for PointsModule {
    fn name(&self) -> &'static str {
        "points"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::PointsHooks))
    }
}
