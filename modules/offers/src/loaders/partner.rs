//! Partners (an offer's `partner`): remembered in process, batch-loaded when not.
//!
//! Partner rows are public (a business's name) and read on every offer list, but change rarely: today they are
//! only ever created. [`KnownPartners`] keeps the rows read, so a page of offers needs no partner query at all
//! once the partners were seen. A change to a partner row must publish [`Change::PartnerChanged`] once committed;
//! PostgreSQL's trigger on `partners` tells every other instance (and covers changes made outside the API).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use cogo_entities::offers::partner;
use cogo_kernel::{AppError, Change, ChangeFeed, KnownRows, Stale};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Partners remembered; far more than CoGo has.
const REMEMBERED_PARTNERS: usize = 10_000;

/// The partner rows this instance has read.
pub type KnownPartners = KnownRows<partner::Model>;

pub fn known_partners(changes: &ChangeFeed) -> Arc<KnownPartners> {
    KnownRows::new(changes, REMEMBERED_PARTNERS, |change| match change {
        Change::PartnerChanged { partner_id } => Stale::One(*partner_id),
        _ => Stale::Nothing,
    })
}

/// Loads partners by id, in one query per batch, and remembers them. Partner names are public, so this loader
/// answers for any id.
pub struct PartnerLoader {
    pub db: DatabaseConnection,
    pub known: Arc<KnownPartners>,
}

impl Loader<Uuid> for PartnerLoader {
    type Value = partner::Model;
    type Error = AppError;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let generation = self.known.generation();
        let rows =
            partner::Entity::find().filter(partner::Column::Id.is_in(keys.iter().copied())).all(&self.db).await?;
        self.known.remember(rows.iter().map(|row| (row.id, row.clone())), generation);
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}
