//! Partners (an offer's `partner`): remembered in process, batch-loaded when not.
//!
//! Partner rows are public (a business's name) and read on every offer list, but change rarely: today they are
//! only ever created. [`KnownPartners`] keeps the rows read, so a page of offers needs no partner query at all
//! once the partners were seen. A change to a partner row must publish [`Change::PartnerChanged`] once committed;
//! PostgreSQL's trigger on `partners` tells every other instance (and covers changes made outside the API).

use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use async_graphql::dataloader::Loader;
use cogo_entities::offers::partner;
use cogo_kernel::{AppError, Change, ChangeFeed, ChangeListener};
use lru::LruCache;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use uuid::Uuid;

/// Partners remembered; far more than CoGo has.
const REMEMBERED_PARTNERS: usize = 10_000;

/// The partner rows this instance has read.
pub struct KnownPartners {
    rows: Mutex<LruCache<Uuid, partner::Model>>,
    /// Bumped by every invalidation: a row read before one must not be remembered after it.
    generation: AtomicU64,
    changes: ChangeFeed,
}

impl KnownPartners {
    pub fn new(changes: ChangeFeed) -> Self {
        let capacity = NonZeroUsize::new(REMEMBERED_PARTNERS).unwrap_or(NonZeroUsize::MIN);
        Self { rows: Mutex::new(LruCache::new(capacity)), generation: AtomicU64::new(0), changes }
    }

    /// The partner, if remembered (and the change feed is live).
    pub fn get(&self, id: Uuid) -> Option<partner::Model> {
        if !self.changes.is_live() {
            return None;
        }
        self.rows.lock().ok().and_then(|mut rows| rows.get(&id).cloned())
    }

    fn remember(&self, read: &[partner::Model], generation: u64) {
        let Ok(mut rows) = self.rows.lock() else { return };
        if self.generation.load(Ordering::Acquire) == generation {
            for row in read {
                rows.put(row.id, row.clone());
            }
        }
    }

    fn forget(&self, id: Option<Uuid>) {
        let Ok(mut rows) = self.rows.lock() else { return };
        self.generation.fetch_add(1, Ordering::AcqRel);
        match id {
            Some(id) => {
                rows.pop(&id);
            }
            None => rows.clear(),
        }
    }
}

impl ChangeListener for KnownPartners {
    fn changed(&self, change: &Change) {
        if let Change::PartnerChanged { partner_id } = change {
            self.forget(Some(*partner_id));
        }
    }

    fn clear(&self) {
        self.forget(None);
    }
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
        let generation = self.known.generation.load(Ordering::Acquire);
        let rows =
            partner::Entity::find().filter(partner::Column::Id.is_in(keys.iter().copied())).all(&self.db).await?;
        self.known.remember(&rows, generation);
        Ok(rows.into_iter().map(|row| (row.id, row)).collect())
    }
}
