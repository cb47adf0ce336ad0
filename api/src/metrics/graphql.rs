//! The GraphQL part of the metrics, as an async-graphql extension: every request (valid or not) is counted under
//! its operation name, timed, and its errors counted by `extensions.code`. The name is the one the client asked
//! for (`operationName`) or, when it names none, that of the document's only operation.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::{
    Request, Response, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest},
    parser::types::{DocumentOperations, ExecutableDocument},
};

use super::Metrics;

/// Registered on the schema builder: one [`RequestMetrics`] per request.
pub struct GraphQLMetrics(pub Metrics);

impl ExtensionFactory for GraphQLMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestMetrics { metrics: self.0.clone(), operation: Mutex::new(None) })
    }
}

struct RequestMetrics {
    metrics: Metrics,
    operation: Mutex<Option<String>>,
}

impl RequestMetrics {
    fn remember(&self, name: &str) {
        if let Ok(mut operation) = self.operation.lock()
            && operation.is_none()
        {
            *operation = Some(name.to_string());
        }
    }
}

/// Keeps the in-flight gauge right when a request is dropped half-way (the HTTP timeout cancels it).
struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.0.graphql_in_flight.dec();
    }
}

#[async_trait::async_trait]
impl Extension for RequestMetrics {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        self.metrics.0.graphql_in_flight.inc();
        let in_flight = InFlight(&self.metrics);
        let response = next.run(ctx).await;
        drop(in_flight);
        let name = self.operation.lock().ok().and_then(|name| name.clone());
        let operation = self.metrics.operation_label(name.as_deref());
        let outcome = if response.errors.is_empty() { "ok" } else { "error" };
        let inner = &self.metrics.0;
        inner.graphql_requests.with_label_values(&[operation.as_str(), outcome]).inc();
        inner.graphql_latency.with_label_values(&[operation.as_str()]).observe(started.elapsed().as_secs_f64());
        for error in &response.errors {
            let code = error.extensions.as_ref().and_then(|ext| match ext.get("code") {
                Some(Value::String(code)) => Some(code.as_str()),
                _ => None,
            });
            inner.graphql_errors.with_label_values(&[self.metrics.error_code_label(code).as_str()]).inc();
        }
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(name) = &request.operation_name {
            self.remember(name);
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // Named operations are kept by name; a lone anonymous one (`Single`) has none.
        if let DocumentOperations::Multiple(operations) = &document.operations
            && operations.len() == 1
            && let Some(name) = operations.keys().next()
        {
            self.remember(name.as_str());
        }
        Ok(document)
    }
}
