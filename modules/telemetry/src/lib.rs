//! Telemetry (the sister policy; CoGo policy §4.7, §5.3): app usage, device type, operating system, app version,
//! crashes and country — only in aggregate, "so we cannot trace and analyse your individual app behaviour".
//!
//! - recording ([`service::record`]): each event checked ([`domain::event`]) and added to a counter per day, kind,
//!   name, device type, OS, app version and country; no user id, no address, no time of day is ever stored;
//! - reporting ([`service::report`]): small counts merged or dropped ([`domain::small_counts`]);
//! - retention: counters older than `COGO_TELEMETRY_RETENTION_DAYS` go with the retention purge ([`hooks`]).
//!
//! The module touches no other module.

pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod service;

use std::sync::Arc;

use cogo_kernel::{Module, ModuleHooks};

pub use graphql::{TelemetryMutation, TelemetryQuery};

/// How long counters are kept unless configured: 13 months, so a year can be compared with the one before.
pub const DEFAULT_RETENTION_DAYS: u32 = 395;

/// The telemetry module as the gateway composes it.
pub struct TelemetryModule {
    retention_days: u32,
}

impl TelemetryModule {
    pub fn new(retention_days: u32) -> Self {
        Self { retention_days }
    }
}

impl Default for TelemetryModule {
    fn default() -> Self {
        Self::new(DEFAULT_RETENTION_DAYS)
    }
}

impl Module for TelemetryModule {
    fn name(&self) -> &'static str {
        "telemetry"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::TelemetryHooks { retention_days: self.retention_days }))
    }
}
