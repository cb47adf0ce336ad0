//! Changes that in-process caches must hear about, from this instance and from every other instance on the same
//! database.
//!
//! Caches of read-mostly data (sessions known to be open, the policy version in force, profiles, balances, ...)
//! subscribe here. A service that changes such data tells this instance's caches once its transaction committed:
//! [`ChangeFeed::publish`] when it commits the transaction itself, [`after_commit`] when it writes inside a
//! transaction someone else commits (the change is published when the request ends, see [`ChangeFeed::scope`]).
//! Other instances hear of it from PostgreSQL (`LISTEN/NOTIFY`, fed by triggers on the tables, so a change made
//! by any instance, by the CLI or by hand in `psql` is heard). While the feed is not
//! [`live`](ChangeFeed::is_live) (no listener yet, or its connection was lost) caches must not answer from memory:
//! every read goes to the database until the listener is back and the caches were emptied.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};

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
    /// A user's profile (name, e-mail) changed, or the account is gone.
    UserChanged { user_id: Uuid },
    /// A user's points balance moved.
    PointsChanged { user_id: Uuid },
    /// Someone signed up with this user's referral code (or a recruit's link went).
    RecruitsChanged { recruiter_id: Uuid },
    /// A redemption code was unlocked or redeemed. Its partner and customer let live updates pass over what is
    /// not their subscriber's without reading the database; the row itself is loaded for those it concerns.
    RedemptionChanged { redemption_id: Uuid, partner_id: Uuid, user_id: Option<Uuid> },
}

/// What live updates (subscriptions) hear: each committed change once, in commit order on PostgreSQL, or word that
/// changes may have been missed (the listener was away), after which a subscriber reloads what it shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedEvent {
    Changed(Change),
    Missed,
}

/// How many events a slow subscriber may fall behind before it is told [`FeedEvent::Missed`].
const EVENT_BUFFER: usize = 1024;

/// What the current request changed: published when it ends, and whether it published anything at all.
#[derive(Default)]
struct RequestChanges {
    pending: Vec<Change>,
    published: bool,
}

tokio::task_local! {
    static REQUEST_CHANGES: Arc<Mutex<RequestChanges>>;
}

/// Publishes a request's pending changes if the request is dropped before it ends (a timeout after its commit):
/// this instance must not keep what the committed change made stale.
struct PublishIfDropped {
    feed: ChangeFeed,
    changes: Arc<Mutex<RequestChanges>>,
}

impl Drop for PublishIfDropped {
    fn drop(&mut self) {
        let pending = self.changes.lock().map(|mut changes| std::mem::take(&mut changes.pending)).unwrap_or_default();
        for change in pending {
            self.feed.publish(change);
        }
    }
}

/// How a request that changed something waits, before it answers, until other instances can have heard of it.
#[async_trait::async_trait]
pub trait Propagation: Send + Sync {
    /// Returns once this instance's listener heard a notification sent now, so everything committed before it
    /// was delivered to every listener (PostgreSQL delivers notifications in commit order); at most a short,
    /// fixed time.
    async fn wait_until_heard(&self);
}

/// Publishes `change` on this instance when the current request ends, after the transaction it was made in
/// committed (or rolled back: then forgetting was merely unneeded). For a write inside a transaction the caller
/// commits: forgetting before the commit would let a reader cache the old value again. Outside a request (a
/// background job) only other instances hear of it, through the database's trigger.
pub fn after_commit(change: Change) {
    let _ = REQUEST_CHANGES.try_with(|changes| {
        if let Ok(mut changes) = changes.lock() {
            changes.pending.push(change);
        }
    });
}

impl Change {
    /// The notification payload of this change.
    pub fn payload(&self) -> String {
        match self {
            Self::SessionsEnded { user_id } => format!("sessions_ended:{user_id}"),
            Self::PolicyChanged => "policy".into(),
            Self::PartnerChanged { partner_id } => format!("partner:{partner_id}"),
            Self::UserChanged { user_id } => format!("user:{user_id}"),
            Self::PointsChanged { user_id } => format!("points:{user_id}"),
            Self::RecruitsChanged { recruiter_id } => format!("recruits:{recruiter_id}"),
            Self::RedemptionChanged { redemption_id, partner_id, user_id } => {
                let user = user_id.map_or_else(|| "none".to_string(), |id| id.to_string());
                format!("redemption:{redemption_id}:{partner_id}:{user}")
            }
        }
    }

    /// Reads a notification payload; `None` for one this version does not know (a newer instance's), which the
    /// listener treats as "forget everything" to stay safe.
    pub fn parse(payload: &str) -> Option<Self> {
        let Some((kind, id)) = payload.split_once(':') else {
            return (payload == "policy").then_some(Self::PolicyChanged);
        };
        if kind == "redemption" {
            return Self::parse_redemption(id);
        }
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "sessions_ended" => Some(Self::SessionsEnded { user_id: id }),
            "partner" => Some(Self::PartnerChanged { partner_id: id }),
            "user" => Some(Self::UserChanged { user_id: id }),
            "points" => Some(Self::PointsChanged { user_id: id }),
            "recruits" => Some(Self::RecruitsChanged { recruiter_id: id }),
            _ => None,
        }
    }
}

impl Change {
    /// `<redemption id>:<partner id>:<user id or none>` (the customer is gone once their account is erased).
    fn parse_redemption(ids: &str) -> Option<Self> {
        let mut parts = ids.split(':');
        let redemption_id = Uuid::parse_str(parts.next()?).ok()?;
        let partner_id = Uuid::parse_str(parts.next()?).ok()?;
        let user_id = match parts.next()? {
            "none" => None,
            id => Some(Uuid::parse_str(id).ok()?),
        };
        parts.next().is_none().then_some(Self::RedemptionChanged { redemption_id, partner_id, user_id })
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
    live: Liveness,
    propagation: RwLock<Option<Arc<dyn Propagation>>>,
    /// Whether this process makes every change itself (SQLite): then live updates come from what it publishes;
    /// on a shared database they come from the database's notifications only, so each is heard once.
    single_process: bool,
    events: tokio::sync::broadcast::Sender<FeedEvent>,
}

/// Whether caches may answer from memory: what a cache keeps of the feed (keeping the feed itself would make a
/// cycle, feed → cache → feed, that keeps the database pool open after the application is gone).
#[derive(Clone)]
pub struct Liveness(Arc<AtomicBool>);

impl Liveness {
    pub fn is_live(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
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
        Self(Arc::new(Inner {
            listeners: RwLock::new(Vec::new()),
            live: Liveness(Arc::new(AtomicBool::new(live))),
            propagation: RwLock::new(None),
            single_process: live,
            events: tokio::sync::broadcast::channel(EVENT_BUFFER).0,
        }))
    }

    pub fn subscribe(&self, listener: Arc<dyn ChangeListener>) {
        if let Ok(mut listeners) = self.0.listeners.write() {
            listeners.push(listener);
        }
    }

    /// Whether caches may answer from memory.
    pub fn is_live(&self) -> bool {
        self.0.live.is_live()
    }

    /// The live flag alone, for a cache to keep.
    pub fn liveness(&self) -> Liveness {
        self.0.live.clone()
    }

    /// Live updates from now on: every committed change, from this instance and (on PostgreSQL) every other.
    pub fn events(&self) -> tokio::sync::broadcast::Receiver<FeedEvent> {
        self.0.events.subscribe()
    }

    /// How many live-update listeners there are now (open sockets and running subscriptions), for metrics.
    pub fn event_receivers(&self) -> usize {
        self.0.events.receiver_count()
    }

    /// Tells this instance's caches; call it after the change committed (other instances hear of it from the
    /// database).
    pub fn publish(&self, change: Change) {
        self.each(|listener| listener.changed(&change));
        if self.0.single_process {
            let _ = self.0.events.send(FeedEvent::Changed(change));
        }
        let _ = REQUEST_CHANGES.try_with(|changes| {
            if let Ok(mut changes) = changes.lock() {
                changes.published = true;
            }
        });
    }

    /// How requests that changed something wait for other instances (PostgreSQL's listener sets it).
    pub fn set_propagation(&self, propagation: Arc<dyn Propagation>) {
        if let Ok(mut slot) = self.0.propagation.write() {
            *slot = Some(propagation);
        }
    }

    /// Runs one request: what its services publish with [`after_commit`] is published when it ends, and a request
    /// that changed cached data answers only once other instances can have heard of it (so the client's next
    /// request, wherever the load balancer sends it, finds caches that know).
    pub async fn scope<F: Future>(&self, request: F) -> F::Output {
        let changes = Arc::new(Mutex::new(RequestChanges::default()));
        let guard = PublishIfDropped { feed: self.clone(), changes: changes.clone() };
        let output = REQUEST_CHANGES.scope(changes.clone(), request).await;
        let (pending, published) = match changes.lock() {
            Ok(mut changes) => (std::mem::take(&mut changes.pending), changes.published),
            Err(_) => (Vec::new(), false),
        };
        drop(guard);
        for change in &pending {
            self.publish(*change);
        }
        if published || !pending.is_empty() {
            let propagation = self.0.propagation.read().ok().and_then(|slot| slot.clone());
            if let Some(propagation) = propagation {
                propagation.wait_until_heard().await;
            }
        }
        output
    }

    /// The listener for other instances' changes lost its connection: stop answering from memory.
    pub fn not_listening(&self) {
        self.0.live.0.store(false, Ordering::Release);
        self.each(|listener| listener.clear());
    }

    /// The listener (re)started: changes missed meanwhile are unknown, so the caches start empty and live updates
    /// reload what they show.
    pub fn listening(&self) {
        self.each(|listener| listener.clear());
        self.0.live.0.store(true, Ordering::Release);
        let _ = self.0.events.send(FeedEvent::Missed);
    }

    /// A notification from another instance (or this one: publishing twice is harmless to caches; live updates
    /// hear only this one).
    pub fn notified(&self, payload: &str) {
        match Change::parse(payload) {
            Some(change) => {
                self.publish(change);
                if !self.0.single_process {
                    let _ = self.0.events.send(FeedEvent::Changed(change));
                }
            }
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

    #[derive(Default)]
    struct Heard(Mutex<Vec<Change>>);

    impl ChangeListener for Heard {
        fn changed(&self, change: &Change) {
            self.0.lock().unwrap().push(*change);
        }
        fn clear(&self) {}
    }

    fn feed_and_ear() -> (ChangeFeed, Arc<Heard>) {
        let feed = ChangeFeed::single_process();
        let heard = Arc::new(Heard::default());
        feed.subscribe(heard.clone());
        (feed, heard)
    }

    #[tokio::test]
    async fn a_change_made_inside_a_request_is_published_when_the_request_ends_not_before() {
        let (feed, heard) = feed_and_ear();
        let user_id = Uuid::now_v7();
        let heard_during = feed
            .scope(async {
                after_commit(Change::PointsChanged { user_id });
                heard.0.lock().unwrap().len()
            })
            .await;
        assert_eq!(heard_during, 0);
        assert_eq!(*heard.0.lock().unwrap(), vec![Change::PointsChanged { user_id }]);
    }

    #[tokio::test]
    async fn a_request_dropped_after_its_change_still_publishes_it() {
        let (feed, heard) = feed_and_ear();
        let user_id = Uuid::now_v7();
        let request = feed.scope(async {
            after_commit(Change::UserChanged { user_id });
            std::future::pending::<()>().await;
        });
        let _ = tokio::time::timeout(std::time::Duration::from_millis(10), request).await;
        assert_eq!(*heard.0.lock().unwrap(), vec![Change::UserChanged { user_id }]);
    }

    #[test]
    fn payloads_round_trip_and_unknown_ones_are_not_guessed() {
        let user_id = Uuid::now_v7();
        let id = user_id;
        for change in [
            Change::SessionsEnded { user_id },
            Change::PolicyChanged,
            Change::PartnerChanged { partner_id: id },
            Change::UserChanged { user_id },
            Change::PointsChanged { user_id },
            Change::RecruitsChanged { recruiter_id: id },
            Change::RedemptionChanged { redemption_id: id, partner_id: id, user_id: Some(user_id) },
            Change::RedemptionChanged { redemption_id: id, partner_id: id, user_id: None },
        ] {
            assert_eq!(Change::parse(&change.payload()), Some(change));
        }
        assert_eq!(Change::parse("sessions_ended:not-a-uuid"), None);
        assert_eq!(Change::parse("offers"), None);
    }
}
