//! The per-request execution timeout (`COGO_REQUEST_TIMEOUT_SECONDS`). A request that runs longer is answered
//! `TIMEOUT` and its work is dropped: an open transaction is rolled back when its future is dropped, so a
//! mutation cut short leaves nothing behind (one that had already committed stays done).

use std::future::Future;
use std::time::Duration;

use async_graphql::Response;

use crate::limits::errors::{LimitCode, over_limit};

/// `request`'s response, or `TIMEOUT` once `limit` has passed.
pub async fn within(limit: Duration, request: impl Future<Output = Response>) -> Response {
    match tokio::time::timeout(limit, request).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(limit_ms = limit.as_millis() as u64, "request timed out");
            let seconds = limit.as_secs();
            let message = format!("the request took longer than {seconds} seconds and was stopped");
            Response::from_errors(vec![over_limit(LimitCode::Timeout, message, seconds as usize, None)])
        }
    }
}
