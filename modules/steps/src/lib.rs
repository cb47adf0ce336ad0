//! Steps: HealthKit sample sync and the conversion of walking into points (policy §5.4–5.8).
//!
//! The rules live in [`rules`], each named after what it enforces: [`rules::QualifiedMovement`] (plausibility),
//! [`rules::OverlapPolicy`] (iPhone and Watch counted once), [`rules::DailyCap`] and [`rules::KilometrePoints`];
//! [`rules::DeviceClass`] is all that is kept of a sample's source (minimisation).

pub mod graphql;
pub mod hooks;
pub mod rules;
pub mod service;

use std::sync::Arc;

use cogo_kernel::{Module, ModuleHooks};

pub use graphql::{StepsMutation, StepsOfMe};

pub struct StepsModule;

impl Module for StepsModule {
    fn name(&self) -> &'static str {
        "steps"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::StepsHooks))
    }
}
