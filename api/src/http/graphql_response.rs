//! GraphQL responses over HTTP: the status code, body and media type the GraphQL-over-HTTP spec asks for, and
//! the refusals of requests that never reach GraphQL.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute};
use async_graphql::{ServerError, Value};
use poem::{
    Response,
    http::{StatusCode, header},
};
use serde::Serialize;

use crate::http::media_type::ResponseMediaType;

/// A request refused before GraphQL saw it: an HTTP status and a GraphQL error body with a stable code.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: Cow<'static, str>,
}

impl Refusal {
    /// The body is not a GraphQL-over-HTTP request (not JSON, no `query`, a parameter of the wrong type).
    pub fn bad_request(message: impl Into<Cow<'static, str>>) -> Self {
        Self { status: StatusCode::BAD_REQUEST, code: "BAD_REQUEST", message: message.into() }
    }

    /// A JSON array of requests: each would be another full request's worth of work behind one HTTP request.
    pub fn batch() -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            code: "BATCH_NOT_SUPPORTED",
            message: "batched requests are not accepted: send one GraphQL operation per request".into(),
        }
    }

    pub fn unsupported_media_type() -> Self {
        Self {
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: "UNSUPPORTED_MEDIA_TYPE",
            message: "send the request as application/json (UTF-8)".into(),
        }
    }

    pub fn payload_too_large(max_bytes: usize) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "PAYLOAD_TOO_LARGE",
            message: format!("the request body is larger than {} bytes", max_bytes).into(),
        }
    }

    pub fn not_acceptable() -> Self {
        Self {
            status: StatusCode::NOT_ACCEPTABLE,
            code: "NOT_ACCEPTABLE",
            message: "this endpoint answers with application/graphql-response+json or application/json".into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        self.status
    }

    pub fn into_response(self, media: ResponseMediaType) -> Response {
        let error = coded_error(self.code, self.message);
        Body { data: None, errors: &[error], extensions: &BTreeMap::new() }.into_response(self.status, media)
    }
}

/// A GraphQL response as HTTP. With `application/graphql-response+json`, a request that never started executing
/// (it did not parse, validate, or coerce its variables) is a 400 without `data`; one that did is a 200, even
/// when every field failed. With `application/json` every GraphQL response is a 200.
pub fn into_http(response: async_graphql::Response, executed: bool, media: ResponseMediaType) -> Response {
    let refused_for_now = (!executed).then(|| retry_later(&response.errors)).flatten();
    let mutation_over_get = !executed && first_code(&response.errors) == Some("METHOD_NOT_ALLOWED");
    let status = match (media, refused_for_now) {
        // As the handler's own refusal of a GET mutation, whatever the media type.
        _ if mutation_over_get => StatusCode::METHOD_NOT_ALLOWED,
        (ResponseMediaType::GraphQLResponseJson, Some((status, _))) => status,
        (ResponseMediaType::GraphQLResponseJson, None) if !executed => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    let body =
        Body { data: executed.then_some(&response.data), errors: &response.errors, extensions: &response.extensions };
    let mut http = body.into_response(status, media);
    if response.is_ok()
        && let Some(cache_control) = response.cache_control.value()
        && let Ok(value) = cache_control.try_into()
    {
        http.headers_mut().insert(header::CACHE_CONTROL, value);
    }
    http.headers_mut().extend(response.http_headers);
    if mutation_over_get {
        http.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("POST"));
    }
    if let Some((_, seconds)) = refused_for_now
        && let Ok(value) = seconds.to_string().try_into()
    {
        http.headers_mut().insert(header::RETRY_AFTER, value);
    }
    http
}

/// A request refused before execution because of load or an outage, not because of what it asked: `429` for
/// `RATE_LIMITED`, `503` for `SERVICE_UNAVAILABLE` (under graphql-response+json; `application/json` stays 200), with
/// the error's `retryAfterSeconds` as a `Retry-After` header either way.
/// A refusal before execution as a GraphQL error: a message and a stable `extensions.code`.
pub fn coded_error(code: &str, message: impl Into<String>) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

fn first_code(errors: &[ServerError]) -> Option<&str> {
    match errors.first()?.extensions.as_ref()?.get("code") {
        Some(Value::String(code)) => Some(code),
        _ => None,
    }
}

fn retry_later(errors: &[ServerError]) -> Option<(StatusCode, i64)> {
    let extensions = errors.first()?.extensions.as_ref()?;
    let status = match extensions.get("code") {
        Some(Value::String(code)) if code == "RATE_LIMITED" => StatusCode::TOO_MANY_REQUESTS,
        Some(Value::String(code)) if code == "SERVICE_UNAVAILABLE" => StatusCode::SERVICE_UNAVAILABLE,
        _ => return None,
    };
    let seconds = match extensions.get("retryAfterSeconds") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(1),
        _ => 1,
    };
    Some((status, seconds.max(1)))
}

/// The JSON of a GraphQL response; without `data` for a request that never executed, as the GraphQL spec says.
#[derive(Serialize)]
struct Body<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, Value>,
}

impl Body<'_> {
    fn into_response(self, status: StatusCode, media: ResponseMediaType) -> Response {
        match serde_json::to_vec(&self) {
            Ok(json) => Response::builder().status(status).content_type(media.content_type()).body(json),
            Err(error) => {
                tracing::error!(%error, "could not serialise a GraphQL response");
                StatusCode::INTERNAL_SERVER_ERROR.into()
            }
        }
    }
}

/// Put into every request's data; [`ExecutionMarker`] sets it when the executor starts, which is what decides
/// the status code (the response alone cannot tell a refused request from one whose non-null root field failed).
#[derive(Clone, Default)]
pub struct ExecutionStarted(Arc<AtomicBool>);

impl ExecutionStarted {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// The schema extension that sets [`ExecutionStarted`]. Its `execute` hook runs only for a request that parsed,
/// validated and found its operation; it must be registered last, so it runs innermost, after every other
/// extension's `execute` hook has let the request through.
pub struct ExecutionMarker;

impl ExtensionFactory for ExecutionMarker {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ExecutionMarker)
    }
}

#[async_trait::async_trait]
impl Extension for ExecutionMarker {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> async_graphql::Response {
        if let Some(started) = ctx.data_opt::<ExecutionStarted>() {
            started.0.store(true, Ordering::Release);
        }
        next.run(ctx, operation_name).await
    }
}
