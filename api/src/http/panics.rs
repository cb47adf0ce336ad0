//! A panic (a bug) fails the one request it happens in, never the process or other requests: GraphQL requests get
//! an `INTERNAL` error with an incident id, other routes a JSON 500; the panic message goes to the log only.
//!
//! Without this, poem catches the unwind per connection and drops the connection: the client sees a reset.

use std::any::Any;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{Pos, Response};
use cogo_kernel::AppError;
use futures_util::FutureExt;
use poem::{
    IntoResponse,
    http::StatusCode,
    middleware::{CatchPanic, PanicHandler},
};

/// The schema extension that turns a panic anywhere in parsing, validation or resolving into `INTERNAL`. Register
/// it first so it wraps every other extension.
pub struct CatchPanics;

impl ExtensionFactory for CatchPanics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(CatchPanicsExtension)
    }
}

struct CatchPanicsExtension;

#[async_trait::async_trait]
impl Extension for CatchPanicsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        // Unwind safety: a panicking request's own state is dropped with it; what it shares (the pool, loaders'
        // caches) is either behind locks that survive a panic or rebuilt per request.
        match AssertUnwindSafe(next.run(ctx)).catch_unwind().await {
            Ok(response) => response,
            Err(payload) => {
                // Logged with an incident id by the `AppError` conversion, like every internal error.
                let error: async_graphql::Error = incident(&payload).into();
                Response::from_errors(vec![error.into_server_error(Pos::default())])
            }
        }
    }
}

/// The poem middleware for the routes outside GraphQL (and for a panic in the GraphQL handler itself).
pub fn catch_http_panics() -> CatchPanic<JsonPanicResponse> {
    CatchPanic::new().with_handler(JsonPanicResponse)
}

/// A 500 with the same error shape as GraphQL's (`INTERNAL` and an incident id), without the panic message.
#[derive(Clone, Copy)]
pub struct JsonPanicResponse;

impl PanicHandler for JsonPanicResponse {
    type Response = poem::Response;

    fn get_response(&self, payload: Box<dyn Any + Send + 'static>) -> poem::Response {
        let error: async_graphql::Error = incident(&payload).into();
        let extensions = error.extensions.as_ref().and_then(|ext| serde_json::to_value(ext).ok());
        let body = serde_json::json!({ "errors": [{ "message": error.message, "extensions": extensions }] });
        (StatusCode::INTERNAL_SERVER_ERROR, poem::web::Json(body)).into_response()
    }
}

fn incident(payload: &Box<dyn Any + Send + 'static>) -> AppError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into());
    AppError::Internal(format!("panic: {message}"))
}

#[cfg(test)]
mod tests {
    use async_graphql::{Context, EmptyMutation, EmptySubscription, Object, Schema};
    use poem::{Endpoint, EndpointExt, Request, Route, handler};

    use super::*;

    struct Query;

    #[Object]
    impl Query {
        async fn fine(&self) -> i32 {
            7
        }

        async fn broken(&self, ctx: &Context<'_>) -> i32 {
            // A real kind of bug: reading data the schema was never given panics.
            *ctx.data_unchecked::<i32>()
        }
    }

    fn schema() -> Schema<Query, EmptyMutation, EmptySubscription> {
        Schema::build(Query, EmptyMutation, EmptySubscription).extension(CatchPanics).finish()
    }

    #[tokio::test]
    async fn a_panicking_resolver_fails_its_request_as_internal_and_the_next_request_succeeds() {
        let schema = schema();

        let failed = schema.execute("{ fine broken }").await;
        let after = schema.execute("{ fine }").await;

        assert_eq!(failed.errors.len(), 1);
        let ext = failed.errors[0].extensions.as_ref().expect("the error has extensions");
        assert_eq!(ext.get("code"), Some(&async_graphql::Value::from("INTERNAL")));
        assert!(ext.get("incident").is_some(), "an incident id to quote to support");
        assert_eq!(failed.errors[0].message, "internal error", "no panic text reaches the client");
        assert!(after.errors.is_empty(), "{:?}", after.errors);
        assert_eq!(after.data, async_graphql::value!({ "fine": 7 }));
    }

    #[handler]
    fn panicking() -> &'static str {
        panic!("secret detail")
    }

    #[handler]
    fn healthy() -> &'static str {
        "ok"
    }

    #[tokio::test]
    async fn a_panicking_http_handler_answers_a_json_500_without_the_panic_text() {
        let routes = Route::new().at("/boom", panicking).at("/ok", healthy).with(catch_http_panics());

        let failed = routes.get_response(Request::builder().uri_str("/boom").finish()).await;
        let after = routes.get_response(Request::builder().uri_str("/ok").finish()).await;

        assert_eq!(failed.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let body = failed.into_body().into_string().await.expect("a text body");
        let json: serde_json::Value = serde_json::from_str(&body).expect("a JSON body");
        assert_eq!(json["errors"][0]["extensions"]["code"], "INTERNAL");
        assert!(json["errors"][0]["extensions"]["incident"].is_string());
        assert!(!body.contains("secret detail") && !body.contains("panicked"), "{body}");
        assert_eq!(after.status(), StatusCode::OK);
    }
}
