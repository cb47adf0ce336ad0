//! Referrals (policy §4.11): every user's referral code, who recruited whom, and rewards that cannot be gamed.
//!
//! The module shows the plugin shape: it never reads or writes the users' or points' tables. It reacts to
//! `UserSignedUp` (creates the code, links the recruiter) and `PointsCredited` (rewards) through the kernel's
//! [`ModuleHooks`], and uses `cogo_users::service` for names and `cogo_points::service` for credits.

pub mod config;
pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod service;

use std::sync::Arc;

use async_graphql::SchemaBuilder;
use cogo_kernel::{AppContext, MeObject, Module, ModuleHooks, NoFields, NoSubscriptions, SchemaParts};
use uuid::Uuid;

pub use config::ReferralRewards;
pub use graphql::ReferralsOfMe;

/// The referrals module as the gateway composes it.
pub struct ReferralsModule {
    rewards: ReferralRewards,
}

impl ReferralsModule {
    pub fn new(rewards: ReferralRewards) -> Self {
        Self { rewards }
    }
}

/// The module's fields of `Me` in the schema.
impl SchemaParts for ReferralsModule {
    type Query<M: MeObject> = NoFields;
    type Mutation<M: MeObject> = NoFields;
    type OfMe = ReferralsOfMe;
    type Subscription = NoSubscriptions;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        ReferralsOfMe::new(user_id)
    }
}

impl Module for ReferralsModule {
    fn name(&self) -> &'static str {
        "referrals"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::ReferralsHooks { rewards: self.rewards }))
    }

    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, app: &AppContext) -> SchemaBuilder<Q, M, S> {
        builder.data(service::known_codes(&app.changes)).data(service::known_without_recruits(&app.changes))
    }
}
