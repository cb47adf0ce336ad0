//! How a request that changed cached data makes sure every instance has heard of it before it answers, so the
//! client's next request finds caches that know, whichever instance the load balancer picks.
//!
//! The protocol, all on the one notification channel (payloads carry instance ids and numbers only):
//! - `heartbeat:<instance>` every [`HEARTBEAT`] from every instance: who is alive (and proof, to each listener,
//!   that its connection still delivers).
//! - `barrier:<instance>:<n>`: sent by an instance after a request's changes committed. PostgreSQL delivers
//!   notifications to every listener in commit order, and each listener handles them in order, so an instance
//!   that has handled the barrier has handled the change.
//! - `ack:<instance>:<from>:<n>`: every other instance's answer once it handled barrier `n` of `instance`.
//!
//! The request answers once its own listener heard the barrier and every instance heard alive within the last
//! [`super::SILENCE`] acknowledged it, or after [`PROPAGATION_WAIT`] at most (an instance that does not answer
//! is going silent, and a silent instance's caches switch themselves off).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use cogo_kernel::{Propagation, changes::CHANNEL};
use sea_orm::sqlx::postgres::PgPool;
use tokio::sync::Notify;
use uuid::Uuid;

/// How often each instance says it is alive.
pub const HEARTBEAT: Duration = Duration::from_secs(1);
/// The longest a request that changed cached data waits for the other instances (usually about a millisecond).
const PROPAGATION_WAIT: Duration = Duration::from_millis(250);

const HEARTBEAT_PREFIX: &str = "heartbeat:";
const BARRIER_PREFIX: &str = "barrier:";
const ACK_PREFIX: &str = "ack:";

/// This instance and the others it has heard.
pub struct Instances {
    pool: PgPool,
    me: Uuid,
    barriers_sent: AtomicU64,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Default)]
struct State {
    last_heard: HashMap<Uuid, Instant>,
    /// The highest of this instance's barriers its own listener heard.
    own_barrier_heard: u64,
    /// For each of this instance's barriers still awaited: who acknowledged it.
    acks: HashMap<u64, HashSet<Uuid>>,
}

impl Instances {
    pub fn new(pool: PgPool) -> Arc<Self> {
        Arc::new(Self {
            pool,
            me: Uuid::new_v4(),
            barriers_sent: AtomicU64::new(0),
            state: Mutex::new(State::default()),
            changed: Notify::new(),
        })
    }

    /// Handles a notification of the protocol (true), or leaves it to the change feed (false).
    pub fn handle(self: &Arc<Self>, payload: &str) -> bool {
        if let Some(instance) = payload.strip_prefix(HEARTBEAT_PREFIX) {
            if let (Ok(instance), Ok(mut state)) = (Uuid::parse_str(instance), self.state.lock()) {
                state.last_heard.insert(instance, Instant::now());
            }
            return true;
        }
        if let Some(barrier) = payload.strip_prefix(BARRIER_PREFIX) {
            if let Some((instance, number)) = parse_id_number(barrier) {
                self.barrier_handled(instance, number);
            }
            return true;
        }
        if let Some(ack) = payload.strip_prefix(ACK_PREFIX) {
            if let Some((to, from_and_number)) = ack.split_once(':')
                && to == self.me.to_string()
                && let Some((from, number)) = parse_id_number(from_and_number)
                && let Ok(mut state) = self.state.lock()
            {
                if let Some(acks) = state.acks.get_mut(&number) {
                    acks.insert(from);
                }
                self.changed.notify_waiters();
            }
            return true;
        }
        false
    }

    fn barrier_handled(self: &Arc<Self>, instance: Uuid, number: u64) {
        if instance == self.me {
            if let Ok(mut state) = self.state.lock() {
                state.own_barrier_heard = state.own_barrier_heard.max(number);
            }
            self.changed.notify_waiters();
            return;
        }
        // Everything committed before that barrier has been handled (notifications come in order): say so.
        let ack = format!("{ACK_PREFIX}{instance}:{}:{number}", self.me);
        let pool = self.pool.clone();
        tokio::spawn(async move { notify(&pool, &ack).await });
    }

    /// The other instances heard alive recently.
    fn live_others(state: &State, me: Uuid) -> HashSet<Uuid> {
        let now = Instant::now();
        state
            .last_heard
            .iter()
            .filter(|(id, heard)| **id != me && now.duration_since(**heard) < super::SILENCE)
            .map(|(id, _)| *id)
            .collect()
    }

    fn all_heard(&self, number: u64, expected: &HashSet<Uuid>) -> bool {
        let Ok(state) = self.state.lock() else { return true };
        let acked = state.acks.get(&number).is_none_or(|acks| expected.is_subset(acks));
        state.own_barrier_heard >= number && acked
    }
}

#[async_trait::async_trait]
impl Propagation for Instances {
    async fn wait_until_heard(&self) {
        let number = self.barriers_sent.fetch_add(1, Ordering::AcqRel) + 1;
        let expected = match self.state.lock() {
            Ok(mut state) => {
                state.acks.insert(number, HashSet::new());
                Self::live_others(&state, self.me)
            }
            Err(_) => return,
        };
        let heard_by_all = async {
            loop {
                let changed = self.changed.notified();
                if self.all_heard(number, &expected) {
                    return;
                }
                changed.await;
            }
        };
        if notify(&self.pool, &format!("{BARRIER_PREFIX}{}:{number}", self.me)).await
            && tokio::time::timeout(PROPAGATION_WAIT, heard_by_all).await.is_err()
        {
            tracing::warn!(instances = expected.len(), "a change was not acknowledged by every instance in time");
        }
        if let Ok(mut state) = self.state.lock() {
            state.acks.remove(&number);
        }
    }
}

/// Says every [`HEARTBEAT`] that this instance is alive, until the pool closes.
pub async fn send_heartbeats(instances: Arc<Instances>) {
    let mut ticks = tokio::time::interval(HEARTBEAT);
    let payload = format!("{HEARTBEAT_PREFIX}{}", instances.me);
    while !instances.pool.is_closed() {
        ticks.tick().await;
        notify(&instances.pool, &payload).await;
    }
}

/// Sent through sqlx's pool directly, not through SeaORM: protocol traffic, no request's statement.
async fn notify(pool: &PgPool, payload: &str) -> bool {
    sea_orm::sqlx::query("SELECT pg_notify($1, $2)").bind(CHANNEL).bind(payload).execute(pool).await.is_ok()
}

fn parse_id_number(text: &str) -> Option<(Uuid, u64)> {
    let (id, number) = text.split_once(':')?;
    Some((Uuid::parse_str(id).ok()?, number.parse().ok()?))
}
