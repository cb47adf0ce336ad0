//! Liveness and readiness probes.

use std::time::Duration;

use poem::{handler, http::StatusCode, web::Data};
use sea_orm::DatabaseConnection;

/// A readiness probe answers within this even while the database is unreachable (a connection attempt then waits
/// for the whole acquire timeout): below Kubernetes' default probe timeout of 1 s, far above a healthy ping.
const READINESS_TIMEOUT: Duration = Duration::from_millis(750);

/// The process is up.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// The database answers; else 503 so a load balancer stops sending traffic here until it does again.
#[handler]
pub async fn readyz(db: Data<&DatabaseConnection>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(READINESS_TIMEOUT, db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
        Err(_) => {
            tracing::warn!(timeout_ms = READINESS_TIMEOUT.as_millis(), "readiness check timed out");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
