//! How the server behaves when something goes wrong: the database away, a stop signal.

use std::time::Duration;

/// `COGO_DB_ACQUIRE_TIMEOUT_SECONDS`, `COGO_SHUTDOWN_GRACE_SECONDS`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultSettings {
    /// How long a request waits for a PostgreSQL connection before it is answered `SERVICE_UNAVAILABLE`. While the
    /// database is down every request waits this long, so it is a few seconds rather than sqlx's 30.
    pub db_acquire_timeout: Duration,
    /// After SIGTERM, how long in-flight requests (a streamed export too) may take to finish before the process
    /// exits anyway. Keep it below the orchestrator's own grace period (Kubernetes: 30 s).
    pub shutdown_grace: Duration,
}

impl Default for FaultSettings {
    fn default() -> Self {
        Self { db_acquire_timeout: Duration::from_secs(3), shutdown_grace: Duration::from_secs(10) }
    }
}

impl FaultSettings {
    /// Each variable overrides its default; zero is refused (no wait at all would fail every request under load,
    /// or cut every in-flight request at once).
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let defaults = Self::default();
        Ok(Self {
            db_acquire_timeout: seconds(var, "COGO_DB_ACQUIRE_TIMEOUT_SECONDS", defaults.db_acquire_timeout)?,
            shutdown_grace: seconds(var, "COGO_SHUTDOWN_GRACE_SECONDS", defaults.shutdown_grace)?,
        })
    }
}

fn seconds(var: &dyn Fn(&str) -> Option<String>, name: &str, default: Duration) -> Result<Duration, String> {
    match var(name) {
        None => Ok(default),
        Some(text) => match text.trim().parse::<u64>() {
            Ok(0) | Err(_) => Err(format!("{name} must be a whole number of seconds, at least 1")),
            Ok(n) => Ok(Duration::from_secs(n)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn fault_settings_have_defaults_and_refuse_zero() {
        assert_eq!(FaultSettings::from_env(&env(vec![])).unwrap(), FaultSettings::default());
        let grace = FaultSettings::from_env(&env(vec![("COGO_SHUTDOWN_GRACE_SECONDS", "25")])).unwrap();
        assert_eq!(grace.shutdown_grace, Duration::from_secs(25));
        assert!(FaultSettings::from_env(&env(vec![("COGO_DB_ACQUIRE_TIMEOUT_SECONDS", "0")])).is_err());
        assert!(FaultSettings::from_env(&env(vec![("COGO_SHUTDOWN_GRACE_SECONDS", "soon")])).is_err());
    }
}
