//! The HTTP part of the metrics: requests by route and status (a middleware), and the `/metrics` endpoint.

use std::time::Instant;

use poem::{Endpoint, IntoResponse, Middleware, Request, Response, Result, handler, web::Data};
use sea_orm::DatabaseConnection;

use super::Metrics;

/// The routes the server has; any other path (scanners probe thousands) counts as `other`.
const ROUTES: &[&str] = &["/graphql", "/privacy/export", "/healthz", "/readyz", "/metrics"];

pub struct HttpMetrics(pub Metrics);

impl<E: Endpoint> Middleware<E> for HttpMetrics {
    type Output = HttpMetricsEndpoint<E>;

    fn transform(&self, ep: E) -> Self::Output {
        HttpMetricsEndpoint { inner: ep, metrics: self.0.clone() }
    }
}

pub struct HttpMetricsEndpoint<E> {
    inner: E,
    metrics: Metrics,
}

impl<E: Endpoint> Endpoint for HttpMetricsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let started = Instant::now();
        let route = ROUTES.iter().find(|route| **route == req.uri().path()).copied().unwrap_or("other");
        let response = match self.inner.call(req).await {
            Ok(output) => output.into_response(),
            Err(err) => err.into_response(),
        };
        let inner = &self.metrics.0;
        inner.http_requests.with_label_values(&[route, response.status().as_str()]).inc();
        inner.http_latency.with_label_values(&[route]).observe(started.elapsed().as_secs_f64());
        Ok(response)
    }
}

/// `GET /metrics`: the Prometheus text format.
#[handler]
pub fn metrics_endpoint(metrics: Data<&Metrics>, db: Data<&DatabaseConnection>) -> Response {
    metrics.render(&db).with_content_type("text/plain; version=0.0.4; charset=utf-8").into_response()
}
