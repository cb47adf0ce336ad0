//! `OpenSessions`: the sessions this instance has recently seen open, so a signed-in request is authenticated
//! without a database round trip.
//!
//! Correctness first: an entry says only "this session was open, and nothing has ended a session of this user
//! since". Whatever ends sessions (log-out, password change, refresh-token reuse, account deletion) publishes
//! [`Change::SessionsEnded`] for the user on this instance once committed, and PostgreSQL's trigger on `sessions`
//! tells every other instance; either way the user's entries are dropped and the next request reads the row. An
//! entry also stops counting at the session's end as the row said (expiry, absolute lifetime), and nothing is
//! answered from memory while the change feed is not live.

use std::num::NonZeroUsize;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use cogo_kernel::{Change, ChangeListener};
use lru::LruCache;
use uuid::Uuid;

/// Users whose open sessions are remembered; the least recently seen are forgotten first.
const REMEMBERED_USERS: usize = 100_000;
/// Sessions remembered per user (phone, tablet, a browser...); more are simply read from the database.
const SESSIONS_PER_USER: usize = 4;

/// A user's sessions known open: (session id, open until).
type UserSessions = Vec<(Uuid, DateTime<Utc>)>;

pub struct OpenSessions {
    by_user: Mutex<LruCache<Uuid, UserSessions>>,
    /// Bumped by every invalidation: a row read before one must not be remembered after it.
    generation: AtomicU64,
}

impl Default for OpenSessions {
    fn default() -> Self {
        let capacity = NonZeroUsize::new(REMEMBERED_USERS).unwrap_or(NonZeroUsize::MIN);
        Self { by_user: Mutex::new(LruCache::new(capacity)), generation: AtomicU64::new(0) }
    }
}

impl OpenSessions {
    /// Where the cache stands now; pass it to [`OpenSessions::remember`] with what was read after this.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Whether the session is known open at `now`.
    pub fn is_open(&self, user_id: Uuid, session_id: Uuid, now: DateTime<Utc>) -> bool {
        let Ok(mut by_user) = self.by_user.lock() else { return false };
        by_user
            .get(&user_id)
            .is_some_and(|sessions| sessions.iter().any(|(id, until)| *id == session_id && now < *until))
    }

    /// Remembers a session read open (until `open_until`), unless something ended sessions since `generation`.
    pub fn remember(&self, user_id: Uuid, session_id: Uuid, open_until: DateTime<Utc>, generation: u64) {
        let Ok(mut by_user) = self.by_user.lock() else { return };
        // Checked under the lock that invalidations also take: no invalidation can slip between check and insert.
        if self.generation() != generation {
            return;
        }
        let sessions = by_user.get_or_insert_mut(user_id, Vec::new);
        sessions.retain(|(id, _)| *id != session_id);
        if sessions.len() >= SESSIONS_PER_USER {
            sessions.remove(0);
        }
        sessions.push((session_id, open_until));
    }

    fn forget(&self, user_id: Option<Uuid>) {
        let Ok(mut by_user) = self.by_user.lock() else { return };
        self.generation.fetch_add(1, Ordering::AcqRel);
        match user_id {
            Some(user_id) => {
                by_user.pop(&user_id);
            }
            None => by_user.clear(),
        }
    }
}

impl ChangeListener for OpenSessions {
    fn changed(&self, change: &Change) {
        if let Change::SessionsEnded { user_id } = change {
            self.forget(Some(*user_id));
        }
    }

    fn clear(&self) {
        self.forget(None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_is_known_open_until_its_end_or_until_the_user_s_sessions_end() {
        let cache = OpenSessions::default();
        let (user, session, now) = (Uuid::now_v7(), Uuid::now_v7(), Utc::now());
        let until = now + chrono::Duration::minutes(5);
        cache.remember(user, session, until, cache.generation());
        assert!(cache.is_open(user, session, now));
        assert!(!cache.is_open(user, Uuid::now_v7(), now), "another session of the user");
        assert!(!cache.is_open(Uuid::now_v7(), session, now), "the session under another user");
        assert!(!cache.is_open(user, session, until), "past its end");

        cache.changed(&Change::SessionsEnded { user_id: user });
        assert!(!cache.is_open(user, session, now));
    }

    #[test]
    fn a_row_read_before_an_invalidation_is_not_remembered_after_it() {
        let cache = OpenSessions::default();
        let (user, session, now) = (Uuid::now_v7(), Uuid::now_v7(), Utc::now());
        let before = cache.generation();
        cache.changed(&Change::SessionsEnded { user_id: Uuid::now_v7() });
        cache.remember(user, session, now + chrono::Duration::minutes(5), before);
        assert!(!cache.is_open(user, session, now));
    }
}
