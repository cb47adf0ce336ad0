//! Offers: partner businesses, their merchant staff, offers unlocked with points and the codes redeemed at the till
//! (policy §4.6, §5.9).
//!
//! Three audiences meet here and are kept apart: CoGo staff (`ADMIN`) onboard partners and their merchants; a
//! merchant (a member of a partner) manages only that partner's offers and sees its customers only as per-partner
//! pseudonyms (plus the name and e-mail shared at a one-time unlock, logged as a disclosure); a user unlocks live
//! offers with points. Only this module
//! writes the offers tables; points move only through `cogo_points::service`.

pub mod config;
pub mod domain;
pub mod graphql;
pub mod hooks;
pub mod loaders;
pub mod service;

use std::sync::Arc;

use async_graphql::{SchemaBuilder, dataloader::DataLoader};
use cogo_kernel::{AppContext, MeObject, Module, ModuleHooks, SchemaParts};
use uuid::Uuid;

pub use config::OffersConfig;
pub use graphql::{OffersMutation, OffersOfMe, OffersQuery, OffersSubscription};

/// The offers module as the gateway composes it.
pub struct OffersModule {
    config: Arc<OffersConfig>,
}

impl OffersModule {
    pub fn new(config: OffersConfig) -> Self {
        Self { config: Arc::new(config) }
    }
}

/// The module's queries and mutations and fields of `Me` in the schema.
impl SchemaParts for OffersModule {
    type Query<M: MeObject> = OffersQuery;
    type Mutation<M: MeObject> = OffersMutation;
    type OfMe = OffersOfMe;
    type Subscription = OffersSubscription;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        OffersOfMe::new(user_id)
    }
}

impl Module for OffersModule {
    fn name(&self) -> &'static str {
        "offers"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::OffersHooks))
    }

    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, app: &AppContext) -> SchemaBuilder<Q, M, S> {
        let known_partners = loaders::known_partners(&app.changes);
        builder
            .data(self.config.clone())
            .data(known_partners.clone())
            .data(DataLoader::new(loaders::PartnerLoader { db: app.db.clone(), known: known_partners }, tokio::spawn))
            .data(DataLoader::new(loaders::OfferLoader { db: app.db.clone() }, tokio::spawn))
            .data(DataLoader::new(loaders::RestrictionLoader { db: app.db.clone() }, tokio::spawn))
    }
}
