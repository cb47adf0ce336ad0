//! `KnownRows`: rows this instance has read, keyed by id, kept while no [`Change`] says they went stale. The
//! modules' caches of hot, rarely changing rows (a partner, a profile, a balance) are this type with the rule of
//! which changes concern them.
//!
//! Two rules make it safe: nothing is answered from memory while the change feed is not live, and a row read
//! before a change concerning it is not remembered after that change (each invalidation bumps a generation, and
//! a row is remembered only under the generation it was read in).

use std::future::Future;
use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use lru::LruCache;
use uuid::Uuid;

use crate::changes::{Change, ChangeFeed, ChangeListener, Liveness};

/// What a change makes stale in one cache.
pub enum Stale {
    Nothing,
    One(Uuid),
    All,
}

pub struct KnownRows<V> {
    rows: Mutex<LruCache<Uuid, V>>,
    generation: AtomicU64,
    live: Liveness,
    stale: fn(&Change) -> Stale,
}

impl<V: Clone + Send + 'static> KnownRows<V> {
    /// At most `capacity` rows (the least recently used go first); `stale` says which changes concern them.
    pub fn new(changes: &ChangeFeed, capacity: usize, stale: fn(&Change) -> Stale) -> std::sync::Arc<Self> {
        let capacity = NonZeroUsize::new(capacity).unwrap_or(NonZeroUsize::MIN);
        let known = std::sync::Arc::new(Self {
            rows: Mutex::new(LruCache::new(capacity)),
            generation: AtomicU64::new(0),
            live: changes.liveness(),
            stale,
        });
        changes.subscribe(known.clone());
        known
    }

    /// The row, if known (and the change feed is live).
    pub fn get(&self, id: Uuid) -> Option<V> {
        if !self.live.is_live() {
            return None;
        }
        self.rows.lock().ok().and_then(|mut rows| rows.get(&id).cloned())
    }

    /// Where the cache stands now; pass it to [`KnownRows::remember`] with what was read after this.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Remembers rows read at `generation`, unless a change came since.
    pub fn remember(&self, read: impl IntoIterator<Item = (Uuid, V)>, generation: u64) {
        let Ok(mut rows) = self.rows.lock() else { return };
        // Checked under the lock that invalidations also take: none can slip between the check and the insert.
        if self.generation() == generation {
            for (id, row) in read {
                rows.put(id, row);
            }
        }
    }

    /// The row from memory, or from `load` (then remembered; an absent row is not).
    pub async fn get_or_load<E, F>(&self, id: Uuid, load: F) -> Result<Option<V>, E>
    where
        F: Future<Output = Result<Option<V>, E>>,
    {
        if let Some(known) = self.get(id) {
            return Ok(Some(known));
        }
        let generation = self.generation();
        let loaded = load.await?;
        if let Some(row) = &loaded {
            self.remember([(id, row.clone())], generation);
        }
        Ok(loaded)
    }

    fn forget(&self, which: Stale) {
        let Ok(mut rows) = self.rows.lock() else { return };
        match which {
            Stale::Nothing => return,
            Stale::One(id) => {
                rows.pop(&id);
            }
            Stale::All => rows.clear(),
        }
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

impl<V: Clone + Send + 'static> ChangeListener for KnownRows<V> {
    fn changed(&self, change: &Change) {
        self.forget((self.stale)(change));
    }

    fn clear(&self) {
        self.forget(Stale::All);
    }
}
