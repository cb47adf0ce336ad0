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

use cogo_kernel::{Environment, MeObject, Module, ModuleHooks, NoFields, NoSubscriptions, SchemaParts};
use uuid::Uuid;

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

    /// The module with its settings from the environment: `COGO_TELEMETRY_RETENTION_DAYS` (at least 1).
    pub fn from_environment(environment: &Environment) -> Result<Self, String> {
        Ok(Self::new(environment.positive("COGO_TELEMETRY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)?))
    }
}

/// The module's queries and mutations in the schema.
impl SchemaParts for TelemetryModule {
    type Query<M: MeObject> = TelemetryQuery;
    type Mutation<M: MeObject> = TelemetryMutation;
    type OfMe = NoFields;
    type Subscription = NoSubscriptions;

    fn of_me(_user_id: Uuid) -> Self::OfMe {
        NoFields::default()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retention_period_is_configured_in_days_and_never_zero() {
        let default = TelemetryModule::from_environment(&Environment::default()).unwrap();
        assert_eq!(default.retention_days, DEFAULT_RETENTION_DAYS);
        let month = Environment::default().with("COGO_TELEMETRY_RETENTION_DAYS", "31");
        assert_eq!(TelemetryModule::from_environment(&month).unwrap().retention_days, 31);
        let zero = Environment::default().with("COGO_TELEMETRY_RETENTION_DAYS", "0");
        assert!(TelemetryModule::from_environment(&zero).is_err());
    }
}
