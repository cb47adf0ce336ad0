//! Rate-limit settings: the budgets, the trusted proxies and where the buckets live (documented in the README).

use crate::rate_limit::{Budget, TrustedProxies};

/// How requests are limited (see `crate::rate_limit`).
#[derive(Clone, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// `COGO_RATE_LIMITS`: `on` (default) or `off`.
    pub enabled: bool,
    /// `COGO_RATE_LIMIT_PER_IP`: every request from one client address, on every route but the probes.
    pub per_ip: Budget,
    /// `COGO_RATE_LIMIT_PER_USER`: every GraphQL request of one signed-in user, from wherever.
    pub per_user: Budget,
    /// `COGO_RATE_LIMIT_STRICT`: each of `signUp`, `logIn`, password reset and `recordTelemetry`, per client address.
    pub strict: Budget,
    /// `COGO_TRUSTED_PROXIES`: the proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: TrustedProxies,
    /// `COGO_REDIS_URL`: buckets in Redis, shared by every instance; unset: in this process's memory.
    pub redis_url: Option<String>,
    /// `COGO_RATE_LIMIT_REDIS_PREFIX`: the prefix of the bucket keys in Redis.
    pub redis_prefix: String,
}

impl Default for RateLimitSettings {
    /// Suited to a mobile app: many phones share one carrier address (CGNAT), so the per-address budget is wide;
    /// a user's app sends a few requests per screen; log-in and sign-up are rare for a person, common for a bot.
    fn default() -> Self {
        Self {
            enabled: true,
            per_ip: Budget::per_minute(600),
            per_user: Budget::per_minute(120),
            strict: Budget { capacity: 20, period: std::time::Duration::from_secs(600) },
            trusted_proxies: TrustedProxies::default(),
            redis_url: None,
            redis_prefix: DEFAULT_REDIS_PREFIX.to_string(),
        }
    }
}

pub const DEFAULT_REDIS_PREFIX: &str = "cogo:rl:";

impl RateLimitSettings {
    /// Off: what tests and tools start with (a test that wants limits switches them on).
    pub fn off() -> Self {
        Self { enabled: false, ..Self::default() }
    }
}

impl std::fmt::Debug for RateLimitSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimitSettings")
            .field("enabled", &self.enabled)
            .field("per_ip", &self.per_ip.to_string())
            .field("per_user", &self.per_user.to_string())
            .field("strict", &self.strict.to_string())
            .field("trusted_proxies", &self.trusted_proxies)
            .field("redis", &self.redis_url.as_deref().map(super::redact_url))
            .field("redis_prefix", &self.redis_prefix)
            .finish()
    }
}

/// The rate-limit settings: each variable overrides its default.
pub(super) fn rate_limits_from(var: &dyn Fn(&str) -> Option<String>) -> Result<RateLimitSettings, String> {
    let defaults = RateLimitSettings::default();
    let budget = |name: &str, default: Budget| match var(name) {
        Some(text) => Budget::parse(&text).map_err(|e| format!("{name}: {e}")),
        None => Ok(default),
    };
    let enabled = match var("COGO_RATE_LIMITS").map(|v| v.trim().to_ascii_lowercase()) {
        None => true,
        Some(v) if v == "on" => true,
        Some(v) if v == "off" => false,
        Some(_) => return Err("COGO_RATE_LIMITS must be on or off".into()),
    };
    Ok(RateLimitSettings {
        enabled,
        per_ip: budget("COGO_RATE_LIMIT_PER_IP", defaults.per_ip)?,
        per_user: budget("COGO_RATE_LIMIT_PER_USER", defaults.per_user)?,
        strict: budget("COGO_RATE_LIMIT_STRICT", defaults.strict)?,
        trusted_proxies: var("COGO_TRUSTED_PROXIES")
            .map(|list| TrustedProxies::parse(&list))
            .transpose()?
            .unwrap_or_default(),
        redis_url: var("COGO_REDIS_URL"),
        redis_prefix: var("COGO_RATE_LIMIT_REDIS_PREFIX").unwrap_or(defaults.redis_prefix),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn rate_limits_are_on_with_defaults_and_each_variable_overrides_one() {
        assert_eq!(rate_limits_from(&env(vec![])).unwrap(), RateLimitSettings::default());
        let custom = rate_limits_from(&env(vec![
            ("COGO_RATE_LIMIT_STRICT", "3/h"),
            ("COGO_TRUSTED_PROXIES", "10.0.0.0/8"),
            ("COGO_REDIS_URL", "redis://:secret@cache:6379"),
        ]))
        .unwrap();
        assert_eq!(custom.strict, Budget::parse("3/h").unwrap());
        assert!(custom.trusted_proxies.contains("10.1.1.1".parse().unwrap()));
        assert!(!format!("{custom:?}").contains("secret"), "the Redis password stays out of logs");
        assert!(!rate_limits_from(&env(vec![("COGO_RATE_LIMITS", "OFF")])).unwrap().enabled);
    }

    #[test]
    fn nonsensical_rate_limits_are_refused() {
        for bad in [
            ("COGO_RATE_LIMITS", "maybe"),
            ("COGO_RATE_LIMIT_PER_IP", "lots"),
            ("COGO_RATE_LIMIT_PER_USER", "0/min"),
            ("COGO_TRUSTED_PROXIES", "proxy.internal"),
        ] {
            assert!(rate_limits_from(&env(vec![bad])).is_err(), "{bad:?}");
        }
    }
}
