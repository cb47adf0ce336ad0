//! The token bucket: a budget (`N` requests per period, bursts up to `N`) and the arithmetic both back ends share
//! (the Redis script does the same sums in Lua).

use std::time::Duration;

/// `N` tokens per period: a full bucket holds `N` (the burst) and refills at `N` per period, continuously.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    pub capacity: u32,
    pub period: Duration,
}

impl Budget {
    pub const fn per_minute(capacity: u32) -> Self {
        Self { capacity, period: Duration::from_secs(60) }
    }

    /// Parses `N/PERIOD`: `600/min`, `20/10min`, `5/h`, `2/s` (units `s`, `min`, `h`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let bad = || format!("'{text}' is not a budget like 600/min, 20/10min or 5/h");
        let (count, period) = text.trim().split_once('/').ok_or_else(bad)?;
        let capacity: u32 = count.trim().parse().map_err(|_| bad())?;
        let period = period.trim();
        let unit_at = period.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
        let (times, unit) = period.split_at(unit_at);
        let times: u64 = if times.is_empty() { 1 } else { times.parse().map_err(|_| bad())? };
        let unit_seconds = match unit {
            "s" | "sec" => 1,
            "min" => 60,
            "h" | "hour" => 3600,
            _ => return Err(bad()),
        };
        if capacity == 0 || times == 0 {
            return Err(format!("'{text}': a budget needs at least one request per period"));
        }
        Ok(Self { capacity, period: Duration::from_secs(times * unit_seconds) })
    }

    fn period_ms(&self) -> f64 {
        self.period.as_millis() as f64
    }

    /// Tokens regained per millisecond.
    fn rate_per_ms(&self) -> f64 {
        f64::from(self.capacity) / self.period_ms()
    }
}

impl std::fmt::Display for Budget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}s", self.capacity, self.period.as_secs())
    }
}

/// A bucket's level at a moment: `None` for a bucket never used (or evicted), which is full.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Level {
    pub tokens: f64,
    pub at_ms: u64,
}

/// The level of a bucket at `now_ms`, refilled since it was last written.
pub fn refilled(budget: Budget, stored: Option<Level>, now_ms: u64) -> f64 {
    let capacity = f64::from(budget.capacity);
    match stored {
        None => capacity,
        Some(level) => {
            let elapsed = now_ms.saturating_sub(level.at_ms) as f64;
            (level.tokens + elapsed * budget.rate_per_ms()).min(capacity)
        }
    }
}

/// Milliseconds until `cost` tokens are there, from `tokens` now (0: they are). A cost above the capacity can
/// never be paid; it is told to wait a whole period.
pub fn wait_ms(budget: Budget, tokens: f64, cost: u32) -> u64 {
    let cost = f64::from(cost);
    if cost > f64::from(budget.capacity) {
        return budget.period.as_millis() as u64;
    }
    if tokens >= cost { 0 } else { ((cost - tokens) / budget.rate_per_ms()).ceil() as u64 }
}

/// Whole seconds to tell a client, never 0 for a refusal.
pub fn retry_after_seconds(wait_ms: u64) -> i64 {
    i64::try_from(wait_ms.div_ceil(1000)).unwrap_or(i64::MAX).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budgets_parse_with_and_without_a_period_count() {
        assert_eq!(Budget::parse("600/min").unwrap(), Budget::per_minute(600));
        assert_eq!(Budget::parse("20/10min").unwrap(), Budget { capacity: 20, period: Duration::from_secs(600) });
        assert_eq!(Budget::parse(" 5/h ").unwrap(), Budget { capacity: 5, period: Duration::from_secs(3600) });
        for bad in ["", "600", "0/min", "5/0min", "x/min", "5/day", "5/min10", "-1/s"] {
            assert!(Budget::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_bucket_refills_at_its_rate_up_to_its_capacity() {
        let budget = Budget::per_minute(60); // one token a second
        assert_eq!(refilled(budget, None, 5), 60.0);
        let empty = Some(Level { tokens: 0.0, at_ms: 1_000 });
        assert_eq!(refilled(budget, empty, 3_000), 2.0);
        assert_eq!(refilled(budget, empty, 1_000_000), 60.0);
        // A clock that went backwards refills nothing.
        assert_eq!(refilled(budget, empty, 0), 0.0);
    }

    #[test]
    fn the_wait_is_the_time_to_the_missing_tokens() {
        let budget = Budget::per_minute(60);
        assert_eq!(wait_ms(budget, 1.0, 1), 0);
        assert_eq!(wait_ms(budget, 0.5, 1), 500);
        assert_eq!(wait_ms(budget, 0.0, 61), 60_000);
        assert_eq!(retry_after_seconds(500), 1);
        assert_eq!(retry_after_seconds(0), 1);
        assert_eq!(retry_after_seconds(1_001), 2);
    }
}
