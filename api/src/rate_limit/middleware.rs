//! The per-IP limit on every route, before any body is read: a refused request gets an HTTP 429 with
//! `Retry-After` and a GraphQL-shaped body. It also resolves the [`super::ClientIp`] the GraphQL handler passes on.

use poem::http::{StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use serde_json::json;

use super::{Decision, RateLimiter, client_ip};

/// Liveness and readiness probes are never limited: a throttled probe would take a healthy instance out of service.
const UNLIMITED_PATHS: &[&str] = &["/healthz", "/readyz"];

pub struct PerIpLimit(pub RateLimiter);

impl<E: Endpoint> Middleware<E> for PerIpLimit {
    type Output = PerIpLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        PerIpLimitEndpoint { ep, limiter: self.0.clone() }
    }
}

pub struct PerIpLimitEndpoint<E> {
    ep: E,
    limiter: RateLimiter,
}

impl<E: Endpoint> Endpoint for PerIpLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let Some(trusted) = self.limiter.trusted_proxies() else {
            return self.ep.call(req).await.map(IntoResponse::into_response);
        };
        let ip = client_ip::resolve(&req, trusted);
        req.extensions_mut().insert(ip);
        if !UNLIMITED_PATHS.contains(&req.uri().path())
            && let Decision::Refused { retry_after_seconds } = self.limiter.check_request(ip).await
        {
            return Ok(too_many_requests(retry_after_seconds));
        }
        self.ep.call(req).await.map(IntoResponse::into_response)
    }
}

fn too_many_requests(retry_after_seconds: i64) -> Response {
    let error = async_graphql::Error::from(cogo_kernel::AppError::RateLimited { retry_after_seconds });
    let body = json!({ "errors": [{ "message": error.message, "extensions": error.extensions }] });
    Response::builder()
        .status(StatusCode::TOO_MANY_REQUESTS)
        .header(header::RETRY_AFTER, retry_after_seconds.to_string())
        .content_type("application/json")
        .body(body.to_string())
}
