//! The per-IP limit on every route, before any body is read: a refused request gets an HTTP 429 with
//! `Retry-After` and a GraphQL-shaped body. It also resolves the [`super::ClientIp`] the GraphQL handler passes on
//! and the live-update sockets count by — through the trusted proxies even when the limits are off.

use poem::http::{StatusCode, header};
use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result};
use serde_json::json;

use super::{Decision, RateLimiter, TrustedProxies, client_ip};

/// Liveness and readiness probes are never limited: a throttled probe would take a healthy instance out of service.
const UNLIMITED_PATHS: &[&str] = &["/healthz", "/readyz"];

pub struct PerIpLimit {
    pub limiter: RateLimiter,
    /// Whose `X-Forwarded-For` is believed (`COGO_TRUSTED_PROXIES`).
    pub trusted: TrustedProxies,
}

impl<E: Endpoint> Middleware<E> for PerIpLimit {
    type Output = PerIpLimitEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        PerIpLimitEndpoint { ep, limiter: self.limiter.clone(), trusted: self.trusted.clone() }
    }
}

pub struct PerIpLimitEndpoint<E> {
    ep: E,
    limiter: RateLimiter,
    trusted: TrustedProxies,
}

impl<E: Endpoint> Endpoint for PerIpLimitEndpoint<E> {
    type Output = Response;

    async fn call(&self, mut req: Request) -> Result<Self::Output> {
        let ip = client_ip::resolve(&req, &self.trusted);
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
