//! Changes that in-process caches must hear about, from this instance and from every other instance on the same
//! database.
//!
//! Caches of read-mostly data (sessions known to be open, the policy version in force, ...) subscribe here. A
//! service that changes such data tells this instance's caches at once, after its transaction commits
//! ([`ChangeFeed::publish`]); other instances hear of it from PostgreSQL (`LISTEN/NOTIFY`, fed by triggers on the
//! tables, so a change made by any instance, by the CLI or by hand in `psql` is heard). While the feed is not
//! [`live`](ChangeFeed::is_live) (no listener yet, or its connection was lost) caches must not answer from memory:
//! every read goes to the database until the listener is back and the caches were emptied.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};

use uuid::Uuid;

/// The PostgreSQL channel the triggers notify on; payloads are `kind` or `kind:uuid` (ids only, never personal
/// data).
pub const CHANNEL: &str = "cogo_changes";

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// One or more sessions of this user ended (log-out, password change, refresh-token reuse, account deleted).
    SessionsEnded { user_id: Uuid },
    /// A privacy-policy version was published or changed.
    PolicyChanged,
    /// A partner's row was created, changed or removed.
    PartnerChanged { partner_id: Uuid },
}

impl Change {
    /// The notification payload of this change.
    pub fn payload(&self) -> String {
        match self {
            Self::SessionsEnded { user_id } => format!("sessions_ended:{user_id}"),
            Self::PolicyChanged => "policy".into(),
            Self::PartnerChanged { partner_id } => format!("partner:{partner_id}"),
        }
    }

    /// Reads a notification payload; `None` for one this version does not know (a newer instance's), which the
    /// listener treats as "forget everything" to stay safe.
    pub fn parse(payload: &str) -> Option<Self> {
        match payload.split_once(':') {
            Some(("sessions_ended", id)) => Uuid::parse_str(id).ok().map(|user_id| Self::SessionsEnded { user_id }),
            Some(("partner", id)) => Uuid::parse_str(id).ok().map(|partner_id| Self::PartnerChanged { partner_id }),
            None if payload == "policy" => Some(Self::PolicyChanged),
            _ => None,
        }
    }
}

/// A cache that forgets what a change makes stale.
pub trait ChangeListener: Send + Sync {
    /// Forget what `change` made stale.
    fn changed(&self, change: &Change);
    /// Forget everything (changes may have been missed).
    fn clear(&self);
}

/// The instance's feed of changes. Cloning shares it.
#[derive(Clone)]
pub struct ChangeFeed(Arc<Inner>);

struct Inner {
    listeners: RwLock<Vec<Arc<dyn ChangeListener>>>,
    live: AtomicBool,
}

impl ChangeFeed {
    /// A feed that is live from the start: one process alone on its database (SQLite), where every change is made
    /// by this process and published here.
    pub fn single_process() -> Self {
        Self::new(true)
    }

    /// A feed that stays off until [`ChangeFeed::listening`] says a listener for other instances' changes runs.
    pub fn shared_database() -> Self {
        Self::new(false)
    }

    fn new(live: bool) -> Self {
        Self(Arc::new(Inner { listeners: RwLock::new(Vec::new()), live: AtomicBool::new(live) }))
    }

    pub fn subscribe(&self, listener: Arc<dyn ChangeListener>) {
        if let Ok(mut listeners) = self.0.listeners.write() {
            listeners.push(listener);
        }
    }

    /// Whether caches may answer from memory.
    pub fn is_live(&self) -> bool {
        self.0.live.load(Ordering::Acquire)
    }

    /// Tells this instance's caches; call it after the change committed (other instances hear of it from the
    /// database).
    pub fn publish(&self, change: Change) {
        self.each(|listener| listener.changed(&change));
    }

    /// The listener for other instances' changes lost its connection: stop answering from memory.
    pub fn not_listening(&self) {
        self.0.live.store(false, Ordering::Release);
        self.each(|listener| listener.clear());
    }

    /// The listener (re)started: changes missed meanwhile are unknown, so the caches start empty.
    pub fn listening(&self) {
        self.each(|listener| listener.clear());
        self.0.live.store(true, Ordering::Release);
    }

    /// A notification from another instance (or this one: publishing twice is harmless).
    pub fn notified(&self, payload: &str) {
        match Change::parse(payload) {
            Some(change) => self.publish(change),
            None => self.each(|listener| listener.clear()),
        }
    }

    fn each(&self, f: impl Fn(&Arc<dyn ChangeListener>)) {
        if let Ok(listeners) = self.0.listeners.read() {
            listeners.iter().for_each(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn payloads_round_trip_and_unknown_ones_are_not_guessed() {
        let user_id = Uuid::now_v7();
        for change in
            [Change::SessionsEnded { user_id }, Change::PolicyChanged, Change::PartnerChanged { partner_id: user_id }]
        {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("sessions_ended:not-a-uuid"), None);
        assert_eq!(Change::parse("offers"), None);
    }
}
