//! Buckets in this process's memory: the default, for one instance. Bounded: at most [`MAX_BUCKETS`] are kept,
//! so a client rotating addresses cannot grow the map without limit.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use super::bucket::{self, Level};
use super::{Charge, Decision};

/// About 100 bytes each: ~10 MB at most.
pub const MAX_BUCKETS: usize = 100_000;

/// Two generations of buckets: new and touched buckets go into `current`; when it holds half the maximum it becomes
/// `previous` and the old `previous` is dropped. A bucket untouched for a whole generation is forgotten, which only
/// ever hands its owner a full bucket again — the least recently used are evicted first, in O(1).
pub struct MemoryStore {
    started: Instant,
    generations: Mutex<Generations>,
}

#[derive(Default)]
struct Generations {
    current: HashMap<String, Level>,
    previous: HashMap<String, Level>,
}

impl Generations {
    fn get(&self, key: &str) -> Option<Level> {
        self.current.get(key).or_else(|| self.previous.get(key)).copied()
    }

    fn put(&mut self, key: &str, level: Level) {
        self.previous.remove(key);
        self.current.insert(key.to_string(), level);
        if self.current.len() >= MAX_BUCKETS / 2 {
            self.previous = std::mem::take(&mut self.current);
        }
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.current.len() + self.previous.len()
    }
}

impl MemoryStore {
    pub fn new() -> Self {
        Self { started: Instant::now(), generations: Mutex::new(Generations::default()) }
    }

    /// Takes every charge, or none of them when one bucket is short.
    pub fn take(&self, charges: &[Charge]) -> Decision {
        let now_ms = u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX);
        // A poisoned lock only means another request panicked mid-update; the levels are still usable numbers.
        let mut generations = self.generations.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let levels: Vec<f64> =
            charges.iter().map(|c| bucket::refilled(c.budget, generations.get(&c.key), now_ms)).collect();
        let wait = charges.iter().zip(&levels).map(|(c, tokens)| bucket::wait_ms(c.budget, *tokens, c.cost)).max();
        if let Some(wait) = wait.filter(|ms| *ms > 0) {
            return Decision::Refused { retry_after_seconds: bucket::retry_after_seconds(wait) };
        }
        for (charge, tokens) in charges.iter().zip(levels) {
            generations.put(&charge.key, Level { tokens: tokens - f64::from(charge.cost), at_ms: now_ms });
        }
        Decision::Allowed
    }

    #[cfg(test)]
    fn buckets(&self) -> usize {
        self.generations.lock().map(|g| g.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::Budget;

    fn charge(key: &str, budget: Budget, cost: u32) -> Charge {
        Charge { key: key.to_string(), budget, cost }
    }

    #[test]
    fn a_bucket_allows_its_burst_then_refuses_with_a_wait() {
        let store = MemoryStore::new();
        let hourly = Budget::parse("3/h").unwrap();
        for _ in 0..3 {
            assert_eq!(store.take(&[charge("ip:a", hourly, 1)]), Decision::Allowed);
        }
        let Decision::Refused { retry_after_seconds } = store.take(&[charge("ip:a", hourly, 1)]) else {
            panic!("the fourth request in an hour is refused");
        };
        assert!((1..=1200).contains(&retry_after_seconds), "{retry_after_seconds}");
        assert_eq!(store.take(&[charge("ip:b", hourly, 1)]), Decision::Allowed, "another key has its own bucket");
    }

    #[test]
    fn a_refusal_takes_from_no_bucket() {
        let store = MemoryStore::new();
        let roomy = Budget::parse("2/h").unwrap();
        let tight = Budget::parse("1/h").unwrap();
        assert_eq!(store.take(&[charge("a", roomy, 1), charge("b", tight, 1)]), Decision::Allowed);
        assert!(matches!(store.take(&[charge("a", roomy, 1), charge("b", tight, 1)]), Decision::Refused { .. }));
        assert_eq!(store.take(&[charge("a", roomy, 1)]), Decision::Allowed, "the refused request left `a` alone");
    }

    #[test]
    fn the_number_of_buckets_stays_bounded() {
        let store = MemoryStore::new();
        let budget = Budget::per_minute(10);
        for i in 0..(MAX_BUCKETS + MAX_BUCKETS / 2 + 7) {
            store.take(&[charge(&format!("ip:{i}"), budget, 1)]);
        }
        assert!(store.buckets() <= MAX_BUCKETS, "{}", store.buckets());
    }
}
