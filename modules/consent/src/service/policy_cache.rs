//! `PolicyCache`: the number of the privacy-policy version in force, and who has accepted it, kept in memory so
//! `me { pendingPolicyVersion }` (asked on every app open) costs no database round trip.
//!
//! The version in force changes only when staff publish one: `publish_policy` tells this instance once committed
//! and PostgreSQL's trigger on `privacy_policy_versions` tells the others ([`Change::PolicyChanged`], which empties
//! both maps). An acceptance is never withdrawn (only erased with the account, whose sessions end with it), so
//! "user U accepted version V" stays true once read; a user who has not accepted is read from the database each
//! time. Both are the kernel's [`KnownRows`], so nothing is answered from memory while the change feed is not live.

use std::sync::Arc;

use cogo_kernel::{AppContext, AppError, Change, ChangeFeed, KnownRows, Stale};
use uuid::Uuid;

/// Users whose acceptance of the version in force is remembered.
const REMEMBERED_USERS: usize = 100_000;
/// The key of the one entry of `in_force`.
const IN_FORCE: Uuid = Uuid::nil();

pub struct PolicyCache {
    in_force: Arc<KnownRows<i32>>,
    /// The version each user is known to have accepted.
    accepted: Arc<KnownRows<i32>>,
}

/// A new version in force makes both the number and every known acceptance stale.
fn stale(change: &Change) -> Stale {
    if *change == Change::PolicyChanged { Stale::All } else { Stale::Nothing }
}

impl PolicyCache {
    pub fn new(changes: &ChangeFeed) -> Self {
        Self { in_force: KnownRows::new(changes, 1, stale), accepted: KnownRows::new(changes, REMEMBERED_USERS, stale) }
    }

    /// The version in force now.
    pub async fn version_in_force(&self, app: &AppContext) -> Result<i32, AppError> {
        let load = async { super::policy::current_policy_version(&app.db).await.map(Some) };
        self.in_force.get_or_load(IN_FORCE, load).await?.ok_or_else(|| AppError::internal("no policy version"))
    }

    /// The version in force while the user has not accepted it, else `None`.
    pub async fn pending_for(&self, app: &AppContext, user_id: Uuid) -> Result<Option<i32>, AppError> {
        let in_force = self.version_in_force(app).await?;
        if self.accepted.get(user_id).is_some_and(|accepted| accepted >= in_force) {
            return Ok(None);
        }
        let generation = self.accepted.generation();
        if super::policy::has_accepted(&app.db, user_id, in_force).await? {
            self.accepted.remember([(user_id, in_force)], generation);
            return Ok(None);
        }
        Ok(Some(in_force))
    }
}
