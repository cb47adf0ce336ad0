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

use cogo_kernel::{MeObject, Module, ModuleHooks, NoFields, NoSubscriptions, SchemaParts};
use uuid::Uuid;

pub use graphql::{StepsMutation, StepsOfMe};

pub struct StepsModule;

/// The module's mutations and fields of `Me` in the schema.
impl SchemaParts for StepsModule {
    type Query<M: MeObject> = NoFields;
    type Mutation<M: MeObject> = StepsMutation;
    type OfMe = StepsOfMe;
    type Subscription = NoSubscriptions;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        StepsOfMe::new(user_id)
    }
}

impl Module for StepsModule {
    fn name(&self) -> &'static str {
        "steps"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::StepsHooks))
    }
}
