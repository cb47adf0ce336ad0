//! Prometheus metrics: GraphQL operations (count, latency, errors by `extensions.code`), HTTP requests by route and
//! status, and the database pool. Every label has a bounded set of values: operation names are chosen by clients,
//! so only the first [`MAX_OPERATION_NAMES`] names seen get a series of their own (the rest count as `other`), and
//! routes and error codes are the server's own (anything else counts as `other`).

mod graphql;
mod http;

use std::collections::HashSet;
use std::sync::{Arc, Mutex};

use prometheus::{
    HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use sea_orm::{DatabaseConnection, DbBackend};

use crate::database::StatementCounter;
use crate::rate_limit::RateLimiter;

pub use graphql::GraphQLMetrics;
pub use http::{HttpMetrics, metrics_endpoint};

/// Operation names with a series of their own; the clients send a few dozen.
pub const MAX_OPERATION_NAMES: usize = 100;
/// Distinct error codes with a series of their own (the kernel has about a dozen).
const MAX_ERROR_CODES: usize = 40;
/// Longest operation name or error code kept as a label value.
const MAX_LABEL_CHARS: usize = 64;
/// Latency buckets in seconds: from a cached read to the request timeout.
const LATENCY_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// One application's metrics (tests run several applications in one process: each has its own registry).
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    graphql_requests: IntCounterVec,
    graphql_latency: HistogramVec,
    graphql_errors: IntCounterVec,
    graphql_in_flight: IntGauge,
    http_requests: IntCounterVec,
    http_latency: HistogramVec,
    pool_connections: IntGaugeVec,
    rate_limit_store_failures: IntGauge,
    live_receivers: IntGauge,
    /// The change feed whose live-update receivers are counted at each scrape (set once the feed exists).
    live_feed: std::sync::OnceLock<cogo_kernel::ChangeFeed>,
    rate_limiter: RateLimiter,
    db_statements: IntCounter,
    statements: StatementCounter,
    operation_names: Mutex<HashSet<String>>,
    error_codes: Mutex<HashSet<String>>,
}

impl Metrics {
    /// The registry; `rate_limiter` (its back end's failures) and `statements` are read at each scrape.
    pub fn new(rate_limiter: RateLimiter, statements: StatementCounter) -> Result<Self, String> {
        Self::build(rate_limiter, statements).map_err(|e| format!("cannot set up metrics: {e}"))
    }

    fn build(rate_limiter: RateLimiter, statements: StatementCounter) -> prometheus::Result<Self> {
        let registry = Registry::new_custom(Some("cogo".into()), None)?;
        let graphql_requests = IntCounterVec::new(
            Opts::new("graphql_requests_total", "GraphQL operations by operation name and outcome (ok, error)"),
            &["operation", "outcome"],
        )?;
        let graphql_latency = HistogramVec::new(
            HistogramOpts::new("graphql_request_duration_seconds", "GraphQL operation latency by operation name")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["operation"],
        )?;
        let graphql_errors =
            IntCounterVec::new(Opts::new("graphql_errors_total", "GraphQL errors by extensions.code"), &["code"])?;
        let graphql_in_flight = IntGauge::new("graphql_requests_in_flight", "GraphQL operations running now")?;
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route and status"),
            &["route", "status"],
        )?;
        let http_latency = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP latency by route (until the response head)")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        )?;
        let pool_connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections: in_use, idle, and max (the limit)"),
            &["state"],
        )?;
        let rate_limit_store_failures = IntGauge::new(
            "rate_limit_store_failures",
            "Requests let through unchecked since start because the rate-limit store (Redis) did not answer",
        )?;
        // Statements per request (this over `graphql_requests_total`) is what the benchmark reports and what a
        // missing DataLoader or cache shows up in first.
        let db_statements = IntCounter::new("db_statements_total", "SQL statements sent to the database since start")?;
        registry.register(Box::new(db_statements.clone()))?;
        registry.register(Box::new(rate_limit_store_failures.clone()))?;
        registry.register(Box::new(graphql_requests.clone()))?;
        registry.register(Box::new(graphql_latency.clone()))?;
        registry.register(Box::new(graphql_errors.clone()))?;
        registry.register(Box::new(graphql_in_flight.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_latency.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        let live_receivers = IntGauge::new(
            "live_event_receivers",
            "Live-update listeners on this instance: one per open socket and one per running subscription",
        )?;
        registry.register(Box::new(live_receivers.clone()))?;
        Ok(Self(Arc::new(Inner {
            registry,
            graphql_requests,
            graphql_latency,
            graphql_errors,
            graphql_in_flight,
            http_requests,
            http_latency,
            pool_connections,
            rate_limit_store_failures,
            live_receivers,
            live_feed: std::sync::OnceLock::new(),
            rate_limiter,
            db_statements,
            statements,
            operation_names: Mutex::new(HashSet::new()),
            error_codes: Mutex::new(HashSet::new()),
        })))
    }

    /// Counts the live-update listeners of this feed at each scrape.
    pub fn count_live_receivers_of(&self, feed: cogo_kernel::ChangeFeed) {
        let _ = self.0.live_feed.set(feed);
    }

    /// The Prometheus text exposition, with the pool gauges read now.
    pub fn render(&self, db: &DatabaseConnection) -> String {
        self.read_pool(db);
        if let Some(feed) = self.0.live_feed.get() {
            self.0.live_receivers.set(i64::try_from(feed.event_receivers()).unwrap_or(i64::MAX));
        }
        let failures = i64::try_from(self.0.rate_limiter.backend_failures()).unwrap_or(i64::MAX);
        self.0.rate_limit_store_failures.set(failures);
        let sent = self.0.statements.get();
        self.0.db_statements.inc_by(sent.saturating_sub(self.0.db_statements.get()));
        TextEncoder::new().encode_to_string(&self.0.registry.gather()).unwrap_or_else(|err| {
            tracing::error!(error = %err, "cannot encode metrics");
            String::new()
        })
    }

    /// sqlx counts open connections (`size`) and idle ones; the difference is in use. It has no count of tasks
    /// waiting for a connection: when `in_use` equals the maximum while `graphql_requests_in_flight` is higher,
    /// requests are queueing for the pool.
    fn read_pool(&self, db: &DatabaseConnection) {
        let (size, idle, max) = match db.get_database_backend() {
            DbBackend::Postgres => {
                let pool = db.get_postgres_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            DbBackend::Sqlite => {
                let pool = db.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle(), pool.options().get_max_connections())
            }
            _ => return,
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        let in_use = (i64::from(size) - idle).max(0);
        self.0.pool_connections.with_label_values(&["in_use"]).set(in_use);
        self.0.pool_connections.with_label_values(&["idle"]).set(idle);
        self.0.pool_connections.with_label_values(&["max"]).set(i64::from(max));
    }

    fn operation_label(&self, name: Option<&str>) -> String {
        match name {
            None => "anonymous".into(),
            Some(name) => bounded_label(&self.0.operation_names, name, MAX_OPERATION_NAMES),
        }
    }

    fn error_code_label(&self, code: Option<&str>) -> String {
        match code {
            None => "NONE".into(),
            Some(code) => bounded_label(&self.0.error_codes, code, MAX_ERROR_CODES),
        }
    }
}

/// `value` itself while the set of values is small and `value` looks like a GraphQL name; `other` otherwise.
fn bounded_label(seen: &Mutex<HashSet<String>>, value: &str, cap: usize) -> String {
    let is_name = value.len() <= MAX_LABEL_CHARS
        && value.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !is_name {
        return "other".into();
    }
    let Ok(mut seen) = seen.lock() else { return "other".into() };
    if seen.contains(value) || (seen.len() < cap && seen.insert(value.to_string())) {
        value.to_string()
    } else {
        "other".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_names_beyond_the_cap_count_as_other() {
        let metrics = Metrics::new(RateLimiter::off(), StatementCounter::default()).unwrap();
        for i in 0..MAX_OPERATION_NAMES {
            assert_eq!(metrics.operation_label(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
        assert_eq!(metrics.operation_label(Some("Op7")), "Op7");
        assert_eq!(metrics.operation_label(None), "anonymous");
    }

    #[test]
    fn labels_that_are_not_names_count_as_other() {
        let metrics = Metrics::new(RateLimiter::off(), StatementCounter::default()).unwrap();
        assert_eq!(metrics.operation_label(Some("a\"b")), "other");
        assert_eq!(metrics.operation_label(Some(&"x".repeat(MAX_LABEL_CHARS + 1))), "other");
        assert_eq!(metrics.error_code_label(Some("BAD_USER_INPUT")), "BAD_USER_INPUT");
        assert_eq!(metrics.error_code_label(None), "NONE");
    }
}
