//! Rate limits: token buckets per client IP (every route but the probes, in [`PerIpLimit`]), per signed-in user and,
//! stricter, per client IP for each sensitive root field (`signUp`, `logIn`, password reset, `recordTelemetry`; in
//! [`RateLimitExtension`], which sees the operation before anything runs). Buckets live in memory, or in Redis when
//! `COGO_REDIS_URL` is set so that every instance spends one budget. A refusal is `RATE_LIMITED` with
//! `retryAfterSeconds` (an HTTP 429 with `Retry-After` from the middleware).

mod bucket;
mod client_ip;
mod extension;
mod memory;
mod middleware;
mod redis;

use std::sync::Arc;

use uuid::Uuid;

pub use bucket::Budget;
pub use client_ip::{ClientIp, TrustedProxies};
pub use extension::RateLimitExtension;
pub use middleware::PerIpLimit;

use crate::settings::RateLimitSettings;

/// The root fields that spend the strict budget (by name: password reset lands later and is covered already).
pub const STRICT_FIELDS: &[&str] = &["signUp", "logIn", "requestPasswordReset", "resetPassword", "recordTelemetry"];

/// One bucket to take `cost` tokens from.
#[derive(Debug, Clone, PartialEq)]
pub struct Charge {
    pub key: String,
    pub budget: Budget,
    pub cost: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Refused { retry_after_seconds: i64 },
}

/// The limiter the middleware and the GraphQL extension share; cheap to clone.
#[derive(Clone)]
pub struct RateLimiter(Option<Arc<Inner>>);

struct Inner {
    settings: RateLimitSettings,
    store: Store,
}

enum Store {
    Memory(memory::MemoryStore),
    Redis(redis::RedisStore),
}

impl RateLimiter {
    /// The limiter the settings describe; off when `COGO_RATE_LIMITS=off`. Must run inside the tokio runtime.
    pub fn new(settings: &RateLimitSettings) -> Result<Self, String> {
        if !settings.enabled {
            return Ok(Self(None));
        }
        let store = match &settings.redis_url {
            Some(url) => Store::Redis(redis::RedisStore::new(url, &settings.redis_prefix)?),
            None => Store::Memory(memory::MemoryStore::new()),
        };
        Ok(Self(Some(Arc::new(Inner { settings: settings.clone(), store }))))
    }

    /// No limits at all (`COGO_RATE_LIMITS=off`).
    pub fn off() -> Self {
        Self(None)
    }

    /// One request from `ip`, whatever it asks.
    pub async fn check_request(&self, ip: ClientIp) -> Decision {
        let Some(inner) = &self.0 else { return Decision::Allowed };
        let charge = Charge { key: format!("ip:{}", ip.bucket_name()), budget: inner.settings.per_ip, cost: 1 };
        inner.take(&[charge]).await
    }

    /// One GraphQL operation: a token from the user's bucket when signed in, and one from the strict bucket of
    /// `ip` for each sensitive root field it calls.
    pub async fn check_operation(&self, ip: ClientIp, user: Option<Uuid>, root_fields: &[&str]) -> Decision {
        let Some(inner) = &self.0 else { return Decision::Allowed };
        let mut charges = Vec::new();
        if let Some(user) = user {
            charges.push(Charge { key: format!("user:{user}"), budget: inner.settings.per_user, cost: 1 });
        }
        for field in STRICT_FIELDS {
            let cost = root_fields.iter().filter(|name| *name == field).count();
            if cost > 0 {
                charges.push(Charge {
                    key: format!("strict:{field}:{}", ip.bucket_name()),
                    budget: inner.settings.strict,
                    cost: u32::try_from(cost).unwrap_or(u32::MAX),
                });
            }
        }
        if charges.is_empty() { Decision::Allowed } else { inner.take(&charges).await }
    }

    /// Requests let through unchecked because the Redis back end did not answer, since start (for metrics).
    pub fn backend_failures(&self) -> u64 {
        match self.0.as_deref().map(|inner| &inner.store) {
            Some(Store::Redis(redis)) => redis.failures(),
            _ => 0,
        }
    }
}

impl Inner {
    async fn take(&self, charges: &[Charge]) -> Decision {
        match &self.store {
            Store::Memory(memory) => memory.take(charges),
            // Fail open: for a rewards app a few unthrottled requests while Redis is down hurt less than refusing
            // every user; the per-e-mail log-in lockout in the database still holds. Logged and counted.
            Store::Redis(redis) => redis.take(charges).await.unwrap_or(Decision::Allowed),
        }
    }
}
