//! `KnownWithoutRecruits`: users this instance has seen without a recruit, so most users' `me { recruits }` costs
//! no query. Someone signing up with the user's code publishes [`Change::RecruitsChanged`] once committed, and
//! PostgreSQL's trigger on `referrals` tells the other instances. (A list that is not empty is read every time:
//! its recruits' names and restrictions belong to other modules and change without this module's knowledge.)
//!
//! `KnownCodes`: users' referral codes as this instance has read them. A user's code never changes once made (and
//! goes only with the account, whose sessions end with it), so a remembered code needs no invalidation: `me {
//! referralCode }`, asked on every app open, costs no database round trip after the first.

use std::num::NonZeroUsize;
use std::sync::Mutex;

use cogo_kernel::{AppContext, AppError, Change, ChangeFeed, KnownRows, Stale};
use lru::LruCache;
use uuid::Uuid;

/// Users whose code is remembered, and users remembered without recruits; the least recently asked go first.
const REMEMBERED_USERS: usize = 100_000;

pub type KnownWithoutRecruits = KnownRows<()>;

pub fn known_without_recruits(changes: &ChangeFeed) -> std::sync::Arc<KnownWithoutRecruits> {
    KnownRows::new(changes, REMEMBERED_USERS, |change| match change {
        Change::RecruitsChanged { recruiter_id } => Stale::One(*recruiter_id),
        _ => Stale::Nothing,
    })
}

pub struct KnownCodes(Mutex<LruCache<Uuid, String>>);

impl Default for KnownCodes {
    fn default() -> Self {
        Self(Mutex::new(LruCache::new(NonZeroUsize::new(REMEMBERED_USERS).unwrap_or(NonZeroUsize::MIN))))
    }
}

impl KnownCodes {
    /// The user's code (created now for an account from before referral codes existed).
    pub async fn code_of(&self, app: &AppContext, user_id: Uuid) -> Result<String, AppError> {
        if let Some(code) = self.0.lock().ok().and_then(|mut codes| codes.get(&user_id).cloned()) {
            return Ok(code);
        }
        let code = super::ensure_code_of(app, user_id).await?;
        if let Ok(mut codes) = self.0.lock() {
            codes.put(user_id, code.clone());
        }
        Ok(code)
    }
}
