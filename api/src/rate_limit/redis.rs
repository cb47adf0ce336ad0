//! Buckets in Redis (`COGO_REDIS_URL`), so every API instance spends one budget. One Lua script reads, refills,
//! takes, writes and expires all the buckets of a request atomically (`EVALSHA`, with the server's `TIME`, so the
//! instances' clocks do not matter); nothing is read in Rust and written back.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::{Charge, Decision, bucket};

/// KEYS: the buckets. ARGV: capacity, period in ms and cost of each bucket, in turn. Returns 0 when every charge
/// was taken, else the milliseconds to wait (and takes nothing). Mirrors `bucket.rs`.
const TAKE: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local levels = {}
local wait = 0
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[3 * i - 2])
  local period = tonumber(ARGV[3 * i - 1])
  local cost = tonumber(ARGV[3 * i])
  local rate = capacity / period
  local stored = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens = tonumber(stored[1])
  local at = tonumber(stored[2])
  if tokens == nil or at == nil then
    tokens = capacity
  else
    tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  end
  levels[i] = tokens
  local need = 0
  if cost > capacity then
    need = period
  elseif tokens < cost then
    need = math.ceil((cost - tokens) / rate)
  end
  if need > wait then wait = need end
end
if wait > 0 then return wait end
for i = 1, #KEYS do
  local capacity = tonumber(ARGV[3 * i - 2])
  local period = tonumber(ARGV[3 * i - 1])
  local left = levels[i] - tonumber(ARGV[3 * i])
  redis.call('HSET', KEYS[i], 'tokens', tostring(left), 'at', now)
  -- Gone once it would be full again: an absent bucket is a full one.
  redis.call('PEXPIRE', KEYS[i], math.ceil((capacity - left) * period / capacity) + 1000)
end
return 0
";

/// How long one call may take before the request goes on without it.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(250);
/// After a failure, requests skip Redis this long instead of each waiting for a timeout.
const BACKOFF: Duration = Duration::from_secs(1);
/// At most one warning per this interval while Redis is failing.
const WARN_EVERY: Duration = Duration::from_secs(30);

pub struct RedisStore {
    connection: ConnectionManager,
    script: redis::Script,
    prefix: String,
    skip_until_ms: AtomicU64,
    last_warning_ms: AtomicU64,
    failures: AtomicU64,
}

impl RedisStore {
    /// Connects lazily (and reconnects by itself): an API instance starts, and serves, while Redis is down.
    pub fn new(url: &str, prefix: &str) -> Result<Self, String> {
        let client = redis::Client::open(url).map_err(|_| "COGO_REDIS_URL is not a valid redis:// URL".to_string())?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(RESPONSE_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1);
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| format!("cannot set up the Redis client: {}", e.category()))?;
        Ok(Self {
            connection,
            script: redis::Script::new(TAKE),
            prefix: prefix.to_string(),
            skip_until_ms: AtomicU64::new(0),
            last_warning_ms: AtomicU64::new(0),
            failures: AtomicU64::new(0),
        })
    }

    /// The decision, or `None` when Redis could not be asked (the caller fails open).
    pub async fn take(&self, charges: &[Charge]) -> Option<Decision> {
        let now = now_ms();
        if now < self.skip_until_ms.load(Ordering::Relaxed) {
            self.failures.fetch_add(1, Ordering::Relaxed);
            return None;
        }
        let mut invocation = self.script.prepare_invoke();
        for charge in charges {
            invocation.key(format!("{}{}", self.prefix, charge.key));
        }
        for charge in charges {
            invocation.arg(charge.budget.capacity).arg(charge.budget.period.as_millis() as u64).arg(charge.cost);
        }
        let mut connection = self.connection.clone();
        match invocation.invoke_async::<u64>(&mut connection).await {
            Ok(0) => Some(Decision::Allowed),
            Ok(wait) => Some(Decision::Refused { retry_after_seconds: bucket::retry_after_seconds(wait) }),
            Err(error) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
                self.skip_until_ms.store(now + BACKOFF.as_millis() as u64, Ordering::Relaxed);
                let last = self.last_warning_ms.load(Ordering::Relaxed);
                if now.saturating_sub(last) >= WARN_EVERY.as_millis() as u64
                    && self.last_warning_ms.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
                {
                    tracing::warn!(
                        error = %error.category(),
                        failures = self.failures.load(Ordering::Relaxed),
                        "Redis unreachable: rate limits are not enforced until it answers again"
                    );
                }
                None
            }
        }
    }

    /// Requests let through unchecked because Redis did not answer, since start.
    pub fn failures(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}
