//! The outer limit on one HTTP request: past it the request is dropped (an open transaction rolls back) and the
//! client gets 503 with a GraphQL-shaped error, code `TIMEOUT`. The GraphQL execution timeout inside the schema is
//! shorter, so an operation that runs long normally gets that error first; this one also covers reading the body,
//! authenticating and anything else around the execution. The streamed data export is not wrapped: its body is
//! sent after the handler returns, and it has a stall limit of its own.

use std::time::Duration;

use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result, http::StatusCode, web::Json};

pub struct RequestTimeout(pub Duration);

impl<E: Endpoint> Middleware<E> for RequestTimeout {
    type Output = RequestTimeoutEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        RequestTimeoutEndpoint { inner: ep, limit: self.0 }
    }
}

pub struct RequestTimeoutEndpoint<E> {
    inner: E,
    limit: Duration,
}

impl<E: Endpoint> Endpoint for RequestTimeoutEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        match tokio::time::timeout(self.limit, self.inner.call(req)).await {
            Ok(answer) => answer.map(IntoResponse::into_response),
            Err(_) => {
                tracing::warn!(limit_seconds = self.limit.as_secs(), "request timed out");
                let message = format!("the request took longer than {} s and was stopped", self.limit.as_secs());
                let body =
                    serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": "TIMEOUT" } }] });
                Ok((StatusCode::SERVICE_UNAVAILABLE, Json(body)).into_response())
            }
        }
    }
}
