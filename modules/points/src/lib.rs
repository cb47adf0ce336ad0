//! Points: the append-only ledger and balances (policy §5.6–5.7). Steps and referrals credit, offers debit, always
//! through [`service`] and inside the caller's transaction. Only this module writes the points tables.

pub mod closing;
pub mod graphql;
pub mod hooks;
pub mod kind;
pub mod service;

use std::sync::Arc;

use async_graphql::SchemaBuilder;
use cogo_kernel::{AppContext, Change, KnownRows, MeObject, Module, ModuleHooks, NoFields, SchemaParts, Stale};
use uuid::Uuid;

pub use graphql::{PointsOfMe, PointsSubscription};
pub use kind::EntryKind;

pub struct PointsModule;

/// The module's fields of `Me` in the schema.
impl SchemaParts for PointsModule {
    type Query<M: MeObject> = NoFields;
    type Mutation<M: MeObject> = NoFields;
    type OfMe = PointsOfMe;
    type Subscription = PointsSubscription;

    fn of_me(user_id: Uuid) -> Self::OfMe {
        PointsOfMe::new(user_id)
    }
}

impl Module for PointsModule {
    fn name(&self) -> &'static str {
        "points"
    }

    fn hooks(&self) -> Option<Arc<dyn ModuleHooks>> {
        Some(Arc::new(hooks::PointsHooks))
    }

    fn register<Q, M, S>(&self, builder: SchemaBuilder<Q, M, S>, app: &AppContext) -> SchemaBuilder<Q, M, S> {
        builder.data(known_balances(&app.changes))
    }
}

/// Users whose balance is remembered (the most recently asked).
const REMEMBERED_BALANCES: usize = 100_000;

/// Balances as this instance last read them: `me { points }` runs on every app open, balances move far less
/// often. Every credit and debit publishes [`Change::PointsChanged`] once its transaction committed, and
/// PostgreSQL's trigger on `point_balances` tells the other instances.
pub type KnownBalances = KnownRows<service::Balance>;

fn known_balances(changes: &cogo_kernel::ChangeFeed) -> Arc<KnownBalances> {
    KnownRows::new(changes, REMEMBERED_BALANCES, |change| match change {
        Change::PointsChanged { user_id } | Change::UserChanged { user_id } => Stale::One(*user_id),
        _ => Stale::Nothing,
    })
}
