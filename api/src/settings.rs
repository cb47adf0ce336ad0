//! Configuration from environment variables, every one with a working default (documented in the README).

mod accountability;
mod exposure;
mod faults;
mod http;
pub mod limits;
mod live;
mod mail;
pub mod oidc;
mod persisted_queries;
mod rate_limits;
mod redaction;
mod secrets;
mod sessions;

use std::net::SocketAddr;

use cogo_kernel::environment::{number, positive, switch};
use cogo_kernel::{Environment, RetentionPolicy};
use cogo_privacy::SupervisoryAuthorityContact;
use cogo_referrals::ReferralRewards;

pub use exposure::Exposure;
pub use faults::FaultSettings;
pub use http::{HttpSettings, MetricsExposure, TlsFiles};
pub use limits::LimitSettings;
pub use live::LiveSettings;
pub use mail::MailSettings;
pub use oidc::{OidcProviderSettings, OidcSettings};
pub use rate_limits::RateLimitSettings;
pub use redaction::{UrlRedactor, redact_url, scrub_database_url_from};
pub use secrets::{Secrets, SubKey, purpose};
pub use sessions::SessionSettings;

pub use cogo_mail::{MailFrom, SmtpUrl};

use crate::persisted_queries::PersistedQueryMode;

/// Everything the gateway needs to start.
#[derive(Clone)]
pub struct Settings {
    /// `DATABASE_URL`: `sqlite://…` (default: `cogo.db` in the working directory) or `postgres://…`.
    pub database_url: String,
    /// `COGO_BIND`: address to listen on (default `127.0.0.1:8080`; port 0 picks a free port).
    pub bind: SocketAddr,
    /// `COGO_SECRET` (or `COGO_TOKEN_SECRET`) and `COGO_PSEUDONYM_SECRET`: the sub-keys derived from them.
    pub secrets: Secrets,
    /// `COGO_SESSION_MAX_DAYS`, `COGO_REFRESH_GRACE_SECONDS`: a session's absolute lifetime, a racing refresh's
    /// grace.
    pub sessions: SessionSettings,
    /// `COGO_DB_MAX_CONNECTIONS`: pool size for PostgreSQL (SQLite always uses one writer connection).
    pub db_max_connections: u32,
    /// `COGO_REFERRAL_RECRUITER_POINTS`, `COGO_REFERRAL_RECRUIT_POINTS`, `COGO_REFERRAL_QUALIFYING_WALKING_POINTS`,
    /// `COGO_REFERRAL_MONTHLY_CAP`: how referrals are rewarded (defaults 50, 10, 5, 20).
    pub referral_rewards: ReferralRewards,
    /// `COGO_RETENTION_CLOSED_ACCOUNT_DAYS`, `COGO_RETENTION_BOOKKEEPING_YEARS`, `COGO_RETENTION_STEP_SAMPLE_DAYS`,
    /// `COGO_RETENTION_REQUEST_REGISTER_YEARS`: how long data is kept (defaults 365, 7, 90, 3).
    pub retention: RetentionPolicy,
    /// `COGO_RETENTION_PURGE_INTERVAL_HOURS`: how often the server runs the retention purge (default 24; 0: never,
    /// leave it to `cogo-api purge` from a scheduler of your own).
    pub purge_interval_hours: u32,
    /// `COGO_PERSISTED_QUERIES` (`automatic` or `off`), `COGO_APQ_CACHE_SIZE`, `COGO_TRUSTED_DOCUMENTS` (a list built
    /// by `cogo-api trusted-documents`: only its operations run).
    pub persisted_queries: PersistedQueryMode,
    /// `COGO_RATE_LIMITS`, `COGO_RATE_LIMIT_*`, `COGO_TRUSTED_PROXIES`, `COGO_REDIS_URL`: see `RateLimitSettings`.
    pub rate_limits: RateLimitSettings,
    /// `COGO_INTROSPECTION`, `COGO_GRAPHIQL`: introspection (and suggestions) and GraphiQL; off in production.
    pub exposure: Exposure,
    /// `COGO_REQUEST_TIMEOUT_SECONDS`: what one GraphQL request may take (default 10 s).
    pub limits: LimitSettings,
    /// CORS, TLS, the request timeout and `/metrics` (see [`HttpSettings`]).
    pub http: HttpSettings,
    /// `COGO_DB_ACQUIRE_TIMEOUT_SECONDS`, `COGO_SHUTDOWN_GRACE_SECONDS`: database outages and shutdown.
    pub faults: FaultSettings,
    /// `COGO_SUPERVISORY_AUTHORITY_NAME`, `_WEBSITE`, `_EMAIL`, `_POSTAL_ADDRESS`, `_PHONE`: where people can
    /// complain (policy §7; default Integritetsskyddsmyndigheten, IMY).
    pub supervisory_authority: SupervisoryAuthorityContact,
    /// `COGO_OIDC_<ID>_*`, `COGO_AUTH_REDIRECT_URIS`, `COGO_PUBLIC_URL`: sign-in with OpenID Connect providers.
    pub oidc: OidcSettings,
    /// `COGO_REQUIRE_VERIFIED_EMAIL`: unlocking offers and earning referral rewards need a verified e-mail address
    /// (default `true` with `COGO_ENV=production`, `false` otherwise).
    pub require_verified_email: bool,
    /// `COGO_SUBPROCESSOR_NOTICE_DAYS`: how long before a new sub-processor or location takes effect users are
    /// told (policy §5.2; default 30).
    pub subprocessor_notice_days: u32,
    /// `COGO_SMTP_URL`, `COGO_MAIL_FROM`: where mail goes (unset: the log) and who it is from.
    pub mail: MailSettings,
    /// The whole environment, for the modules that read their own settings from it (such as
    /// `COGO_TELEMETRY_RETENTION_DAYS`); empty in tests unless a test sets a variable.
    pub environment: Environment,
    /// `COGO_WS_MAX_PER_IP`, `COGO_WS_MAX_PER_USER`: live-update sockets per address and per user.
    pub live: LiveSettings,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("database", &redact_url(&self.database_url))
            .field("bind", &self.bind)
            .field("secrets", &self.secrets)
            .field("sessions", &self.sessions)
            .field("db_max_connections", &self.db_max_connections)
            .field("referral_rewards", &self.referral_rewards)
            .field("retention", &self.retention)
            .field("purge_interval_hours", &self.purge_interval_hours)
            .field("persisted_queries", &self.persisted_queries)
            .field("rate_limits", &self.rate_limits)
            .field("exposure", &self.exposure)
            .field("limits", &self.limits)
            .field("http", &self.http)
            .field("faults", &self.faults)
            .field("oidc", &self.oidc)
            .field("require_verified_email", &self.require_verified_email)
            .field("supervisory_authority", &self.supervisory_authority.name)
            .field("subprocessor_notice_days", &self.subprocessor_notice_days)
            .field("mail", &self.mail)
            .field("environment", &self.environment)
            .field("live", &self.live)
            .finish()
    }
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://cogo.db?mode=rwc";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

impl Settings {
    /// Reads the environment. `COGO_ENV=production` makes the root secret (`COGO_SECRET` or `COGO_TOKEN_SECRET`)
    /// mandatory; in development one is generated once and kept in `.cogo/token-secret`, so sessions survive a
    /// restart.
    pub fn from_env() -> Result<Self, String> {
        // One reading of the environment, which the modules that read their own settings get too.
        let environment = Environment::from_process();
        let var = |name: &str| environment.var(name);
        let database_url = var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let bind = var("COGO_BIND")
            .unwrap_or_else(|| DEFAULT_BIND.to_string())
            .parse()
            .map_err(|_| "COGO_BIND must be an address like 127.0.0.1:8080".to_string())?;
        let production = var("COGO_ENV").is_some_and(|env| env.eq_ignore_ascii_case("production"));
        let secrets = Secrets::from_env(&var, production)?;
        let sessions = SessionSettings::from_env(&var)?;
        let db_max_connections = match var("COGO_DB_MAX_CONNECTIONS") {
            Some(n) => n.parse().map_err(|_| "COGO_DB_MAX_CONNECTIONS must be a number".to_string())?,
            None => 16,
        };
        let referral_rewards = referral_rewards_from(&var)?;
        let retention = retention_from(&var)?;
        let purge_interval_hours = number(&var, "COGO_RETENTION_PURGE_INTERVAL_HOURS", 24)?;
        let persisted_queries = persisted_queries::from_env(&var)?;
        let rate_limits = rate_limits::rate_limits_from(&var)?;
        let exposure = Exposure::from_env(&var, production)?;
        let limits = LimitSettings::from_env(&var)?;
        let mut http = HttpSettings::from_vars(&var)?;
        // Like introspection, `/metrics` on the public port is opt-in in production: operation names and traffic
        // are not for everyone who can reach the API.
        if production && var("COGO_METRICS").is_none() && var("COGO_METRICS_BIND").is_none() {
            http.metrics = MetricsExposure::Off;
        }
        if http.request_timeout <= limits.request_timeout {
            return Err(
                "COGO_HTTP_TIMEOUT_SECONDS must be longer than COGO_REQUEST_TIMEOUT_SECONDS (the HTTP timeout \
                        also covers reading the body and checking the token)"
                    .into(),
            );
        }
        let faults = FaultSettings::from_env(&var)?;
        let oidc = OidcSettings::from_vars(std::env::vars().map(|(name, _)| name), &var)?;
        let require_verified_email = switch(&var, "COGO_REQUIRE_VERIFIED_EMAIL", production)?;
        let supervisory_authority = accountability::supervisory_authority_from(&var);
        let subprocessor_notice_days = accountability::subprocessor_notice_days_from(&var)?;
        let mail = MailSettings::from_env(&var, production)?;
        Ok(Self {
            database_url,
            bind,
            secrets,
            sessions,
            db_max_connections,
            referral_rewards,
            retention,
            purge_interval_hours,
            persisted_queries,
            rate_limits,
            exposure,
            limits,
            http,
            faults,
            oidc,
            require_verified_email,
            supervisory_authority,
            subprocessor_notice_days,
            mail,
            live: LiveSettings::from_env(&var)?,
            environment,
        })
    }

    /// Settings for tests and tools: a given database, a random port, a random secret.
    pub fn for_database(database_url: impl Into<String>) -> Self {
        Self {
            database_url: database_url.into(),
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            secrets: Secrets::random(),
            sessions: SessionSettings::default(),
            db_max_connections: 16,
            referral_rewards: ReferralRewards::default(),
            retention: RetentionPolicy::default(),
            // Tests run the purge when they ask for it.
            purge_interval_hours: 0,
            persisted_queries: persisted_queries::default_mode(),
            // Tests switch limits on when they test them, so that no other test is throttled by accident.
            rate_limits: RateLimitSettings::off(),
            exposure: Exposure::OPEN,
            limits: LimitSettings::default(),
            http: HttpSettings::default(),
            faults: FaultSettings::default(),
            oidc: OidcSettings::default(),
            require_verified_email: false,
            supervisory_authority: SupervisoryAuthorityContact::imy(),
            subprocessor_notice_days: cogo_privacy::domain::subprocessor_register::DEFAULT_NOTICE_DAYS,
            // Mails go to the log; a test that needs a real server sets `mail.smtp`.
            mail: MailSettings::log_only(),
            environment: Environment::default(),
            live: LiveSettings::default(),
        }
    }
}

/// The retention periods: each variable overrides its default; a period of zero is refused (it would purge data
/// the moment it is written).
fn retention_from(var: &dyn Fn(&str) -> Option<String>) -> Result<RetentionPolicy, String> {
    let defaults = RetentionPolicy::default();
    Ok(RetentionPolicy {
        closed_account_days: positive(var, "COGO_RETENTION_CLOSED_ACCOUNT_DAYS", defaults.closed_account_days)?,
        bookkeeping_years: positive(var, "COGO_RETENTION_BOOKKEEPING_YEARS", defaults.bookkeeping_years)?,
        step_sample_days: positive(var, "COGO_RETENTION_STEP_SAMPLE_DAYS", defaults.step_sample_days)?,
        request_register_years: positive(
            var,
            "COGO_RETENTION_REQUEST_REGISTER_YEARS",
            defaults.request_register_years,
        )?,
    })
}

/// The referral reward settings: each variable overrides its default.
fn referral_rewards_from(var: &dyn Fn(&str) -> Option<String>) -> Result<ReferralRewards, String> {
    let defaults = ReferralRewards::default();
    ReferralRewards {
        recruiter_points: number(var, "COGO_REFERRAL_RECRUITER_POINTS", defaults.recruiter_points)?,
        recruit_points: number(var, "COGO_REFERRAL_RECRUIT_POINTS", defaults.recruit_points)?,
        qualifying_walking_points: number(
            var,
            "COGO_REFERRAL_QUALIFYING_WALKING_POINTS",
            defaults.qualifying_walking_points,
        )?,
        monthly_cap: number(var, "COGO_REFERRAL_MONTHLY_CAP", defaults.monthly_cap)?,
    }
    .validate()
}

/// An environment of the given variables only, for the settings' unit tests.
#[cfg(test)]
pub(crate) fn test_env(pairs: Vec<(&'static str, &'static str)>) -> impl Fn(&str) -> Option<String> {
    move |name| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
}

#[cfg(test)]
mod tests {
    use super::test_env as env;
    use super::*;

    #[test]
    fn referral_rewards_have_defaults_and_each_variable_overrides_one() {
        assert_eq!(referral_rewards_from(&env(vec![])).unwrap(), ReferralRewards::default());
        let overridden = env(vec![("COGO_REFERRAL_MONTHLY_CAP", "3"), ("COGO_REFERRAL_RECRUIT_POINTS", "0")]);
        let rewards = referral_rewards_from(&overridden).unwrap();
        assert_eq!(rewards, ReferralRewards { monthly_cap: 3, recruit_points: 0, ..ReferralRewards::default() });
    }

    #[test]
    fn retention_periods_have_defaults_and_refuse_zero() {
        assert_eq!(retention_from(&env(vec![])).unwrap(), RetentionPolicy::default());
        let shorter = retention_from(&env(vec![("COGO_RETENTION_STEP_SAMPLE_DAYS", "30")])).unwrap();
        assert_eq!(shorter.step_sample_days, 30);
        assert!(retention_from(&env(vec![("COGO_RETENTION_CLOSED_ACCOUNT_DAYS", "0")])).is_err());
        assert!(retention_from(&env(vec![("COGO_RETENTION_BOOKKEEPING_YEARS", "seven")])).is_err());
    }

    #[test]
    fn the_settings_as_logged_show_no_password_and_no_key() {
        let settings = Settings::for_database("postgres://cogo:db-pass-1@db/cogo?sslmode=require&password=db-pass-2");
        let logged = format!("{settings:?}");
        assert!(logged.contains("postgres://cogo:***@db/cogo?sslmode=require&password=***"), "{logged}");
        assert!(!logged.contains("db-pass"), "{logged}");
        assert!(!logged.contains(&hex::encode(settings.secrets.token_key.as_bytes())), "{logged}");
    }

    #[test]
    fn nonsensical_referral_rewards_are_refused() {
        for bad in [
            ("COGO_REFERRAL_RECRUITER_POINTS", "-1"),
            ("COGO_REFERRAL_QUALIFYING_WALKING_POINTS", "0"),
            ("COGO_REFERRAL_MONTHLY_CAP", "many"),
        ] {
            assert!(referral_rewards_from(&env(vec![bad])).is_err(), "{bad:?}");
        }
    }
}
