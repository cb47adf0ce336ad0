//! `PolicyCache`: the number of the privacy-policy version in force, and who has accepted it, kept in memory so
//! `me { pendingPolicyVersion }` (asked on every app open) costs no database round trip.
//!
//! The version in force changes only when staff publish one: `publish_policy` tells this instance once committed
//! and PostgreSQL's trigger on `privacy_policy_versions` tells the others ([`Change::PolicyChanged`]). An
//! acceptance is never withdrawn (only erased with the account, whose sessions end with it), so "user U accepted
//! version V" stays true once read; a user who has not accepted is read from the database each time. Nothing is
//! answered from memory while the change feed is not live.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use cogo_kernel::{AppContext, AppError, Change, ChangeListener};
use lru::LruCache;
use uuid::Uuid;

/// Users whose acceptance of the version in force is remembered.
const REMEMBERED_USERS: usize = 100_000;

pub struct PolicyCache {
    state: Mutex<State>,
    /// Bumped when the version in force may have changed: a number read before must not be remembered after.
    generation: AtomicU64,
}

struct State {
    in_force: Option<i32>,
    /// The newest version each user is known to have accepted.
    accepted: LruCache<Uuid, i32>,
}

impl Default for PolicyCache {
    fn default() -> Self {
        let capacity = NonZeroUsize::new(REMEMBERED_USERS).unwrap_or(NonZeroUsize::MIN);
        let state = State { in_force: None, accepted: LruCache::new(capacity) };
        Self { state: Mutex::new(state), generation: AtomicU64::new(0) }
    }
}

impl PolicyCache {
    /// The version in force now.
    pub async fn version_in_force(&self, app: &AppContext) -> Result<i32, AppError> {
        if app.changes.is_live()
            && let Some(version) = self.state.lock().ok().and_then(|state| state.in_force)
        {
            return Ok(version);
        }
        let generation = self.generation.load(Ordering::Acquire);
        let version = super::policy::current_policy_version(&app.db).await?;
        if let Ok(mut state) = self.state.lock()
            && self.generation.load(Ordering::Acquire) == generation
        {
            state.in_force = Some(version);
        }
        Ok(version)
    }

    /// The version in force while the user has not accepted it, else `None`.
    pub async fn pending_for(&self, app: &AppContext, user_id: Uuid) -> Result<Option<i32>, AppError> {
        let in_force = self.version_in_force(app).await?;
        let known = self.state.lock().ok().and_then(|mut state| state.accepted.get(&user_id).copied());
        if app.changes.is_live() && known.is_some_and(|accepted| accepted >= in_force) {
            return Ok(None);
        }
        if super::policy::has_accepted(&app.db, user_id, in_force).await? {
            if let Ok(mut state) = self.state.lock() {
                state.accepted.put(user_id, in_force);
            }
            return Ok(None);
        }
        Ok(Some(in_force))
    }
}

impl ChangeListener for PolicyCache {
    fn changed(&self, change: &Change) {
        if *change == Change::PolicyChanged {
            self.clear();
        }
    }

    fn clear(&self) {
        if let Ok(mut state) = self.state.lock() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            state.in_force = None;
            state.accepted.clear();
        }
    }
}
