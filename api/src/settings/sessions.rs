//! How long a session lives and how a racing refresh is forgiven: `COGO_SESSION_MAX_DAYS`,
//! `COGO_REFRESH_GRACE_SECONDS`.

/// Session limits (the idle lifetime of 30 days is fixed in the users module).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionSettings {
    /// `COGO_SESSION_MAX_DAYS`: a session ends this many days after log-in however often it is refreshed.
    pub max_days: u32,
    /// `COGO_REFRESH_GRACE_SECONDS`: how long after a rotation the previous refresh token is still accepted
    /// (once per racing request, never revoking the session); 0 turns the grace off.
    pub refresh_grace_seconds: u32,
}

/// Longer than this would stop being a race and start being a second life for a stolen token.
const MAX_GRACE_SECONDS: u32 = 60;

impl Default for SessionSettings {
    fn default() -> Self {
        Self { max_days: 90, refresh_grace_seconds: 10 }
    }
}

/// The longest absolute session lifetime `COGO_SESSION_MAX_DAYS` accepts.
const MAX_SESSION_DAYS: u32 = 3_650;

impl SessionSettings {
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let defaults = Self::default();
        let max_days = super::number(var, "COGO_SESSION_MAX_DAYS", defaults.max_days)?;
        // Ten years is far beyond any sensible session; the cap also keeps date arithmetic far from overflowing.
        if !(1..=MAX_SESSION_DAYS).contains(&max_days) {
            return Err(format!("COGO_SESSION_MAX_DAYS must be between 1 and {MAX_SESSION_DAYS}"));
        }
        let refresh_grace_seconds = super::number(var, "COGO_REFRESH_GRACE_SECONDS", defaults.refresh_grace_seconds)?;
        if refresh_grace_seconds > MAX_GRACE_SECONDS {
            return Err(format!("COGO_REFRESH_GRACE_SECONDS must be at most {MAX_GRACE_SECONDS}"));
        }
        Ok(Self { max_days, refresh_grace_seconds })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn session_limits_have_defaults_and_refuse_nonsense() {
        assert_eq!(SessionSettings::from_env(&env(vec![])).unwrap(), SessionSettings::default());
        let set = env(vec![("COGO_SESSION_MAX_DAYS", "7"), ("COGO_REFRESH_GRACE_SECONDS", "0")]);
        assert_eq!(SessionSettings::from_env(&set).unwrap(), SessionSettings { max_days: 7, refresh_grace_seconds: 0 });
        for bad in [
            ("COGO_SESSION_MAX_DAYS", "0"),
            ("COGO_SESSION_MAX_DAYS", "-1"),
            ("COGO_SESSION_MAX_DAYS", "3651"),
            ("COGO_SESSION_MAX_DAYS", "4000000000"),
            ("COGO_REFRESH_GRACE_SECONDS", "61"),
        ] {
            assert!(SessionSettings::from_env(&env(vec![bad])).is_err(), "{bad:?}");
        }
    }
}
