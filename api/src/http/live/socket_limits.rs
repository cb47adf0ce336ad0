//! How many live-update sockets one address and one user may hold open on this instance. A slot is held for the
//! socket's life and given back when it closes (however it closes).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex};

use uuid::Uuid;

use crate::rate_limit::ClientIp;

#[derive(Clone)]
pub struct SocketLimits {
    per_address: Counter<String>,
    per_user: Counter<Uuid>,
    total: Counter<()>,
}

/// How many sockets one instance holds at most, whoever opens them.
pub const MAX_SOCKETS_PER_INSTANCE: usize = 10_000;

impl SocketLimits {
    pub fn new(max_per_ip: usize, max_per_user: usize) -> Self {
        Self {
            per_address: Counter::new(max_per_ip),
            per_user: Counter::new(max_per_user),
            total: Counter::new(MAX_SOCKETS_PER_INSTANCE),
        }
    }

    /// Slots for one more socket from this address (an IPv6 address counts by its /64, as the rate limits do) and
    /// on this instance, or `None` when either holds its maximum.
    pub fn for_address(&self, ip: &ClientIp) -> Option<(Slot, Slot)> {
        let total = self.total.acquire(())?;
        Some((self.per_address.acquire(ip.bucket_name())?, total))
    }

    /// Returns once no socket is open on this instance (at shutdown, after every socket was told to close).
    pub async fn all_closed(&self) {
        while self.total.held() > 0 {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// A slot for one more socket of this user, or `None` when they hold their maximum.
    pub fn for_user(&self, user_id: Uuid) -> Option<Slot> {
        self.per_user.acquire(user_id)
    }
}

/// Counts open sockets per key, up to a maximum.
#[derive(Clone)]
struct Counter<K> {
    max: usize,
    open: Arc<Mutex<HashMap<K, usize>>>,
}

impl<K: Eq + Hash + Clone + Send + Sync + 'static> Counter<K> {
    fn new(max: usize) -> Self {
        Self { max, open: Arc::new(Mutex::new(HashMap::new())) }
    }

    /// How many slots are held now, over all keys.
    fn held(&self) -> usize {
        self.open.lock().map(|open| open.values().sum()).unwrap_or(0)
    }

    fn acquire(&self, key: K) -> Option<Slot> {
        let mut open = self.open.lock().ok()?;
        let count = open.entry(key.clone()).or_insert(0);
        if *count >= self.max {
            return None;
        }
        *count += 1;
        let counter = self.open.clone();
        Some(Slot(Some(Box::new(move || {
            if let Ok(mut open) = counter.lock()
                && let Some(count) = open.get_mut(&key)
            {
                *count -= 1;
                if *count == 0 {
                    open.remove(&key);
                }
            }
        }))))
    }
}

/// One open socket counted; dropping it gives the slot back.
pub struct Slot(Option<Box<dyn FnOnce() + Send + Sync>>);

impl Drop for Slot {
    fn drop(&mut self) {
        if let Some(release) = self.0.take() {
            release();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_counted_per_key_and_given_back_when_dropped() {
        let limits = SocketLimits::new(2, 1);
        let ip = ClientIp([127, 0, 0, 1].into());
        let first = limits.for_address(&ip).unwrap();
        let _second = limits.for_address(&ip).unwrap();
        assert!(limits.for_address(&ip).is_none());
        assert!(limits.for_address(&ClientIp([127, 0, 0, 2].into())).is_some());
        drop(first);
        assert!(limits.for_address(&ip).is_some());
        // One IPv6 subscriber line is one /64.
        let a = ClientIp("2001:db8::1".parse().unwrap());
        let b = ClientIp("2001:db8::2".parse().unwrap());
        let _a = (limits.for_address(&a).unwrap(), limits.for_address(&a).unwrap());
        assert!(limits.for_address(&b).is_none());
        let user = Uuid::now_v7();
        let held = limits.for_user(user).unwrap();
        assert!(limits.for_user(user).is_none());
        drop(held);
        assert!(limits.for_user(user).is_some());
    }
}
