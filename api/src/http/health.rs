//! Liveness and readiness probes.

use poem::{handler, http::StatusCode, web::Data};
use sea_orm::DatabaseConnection;

/// The process is up.
#[handler]
pub fn healthz() -> &'static str {
    "ok"
}

/// The database answers; else 503 so a load balancer stops sending traffic here.
#[handler]
pub async fn readyz(db: Data<&DatabaseConnection>) -> (StatusCode, &'static str) {
    match db.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(err) => {
            tracing::warn!(error = %err, "readiness check failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
