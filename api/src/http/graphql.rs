//! `/graphql`, GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): POST for queries and
//! mutations, GET for GraphiQL (no query string) and read-only queries. The `Accept` header chooses between
//! `application/graphql-response+json` and `application/json`, which differ in their status codes.

use std::sync::Arc;

use cogo_kernel::{AppContext, AppError, actor::RejectedCredentials};
use cogo_users::UsersConfig;
use poem::{
    Body, Request, Response, handler,
    http::{Method, header},
    web::Data,
};

use crate::http::get_is_read_only::ViaGet;
use crate::http::graphql_request;
use crate::http::graphql_response::{self, ExecutionStarted, Refusal};
use crate::http::media_type::{self, ResponseMediaType};
use crate::http::web_pages;
use crate::schema::CogoSchema;
use crate::settings::Exposure;

#[handler]
pub async fn graphiql_or_query(
    req: &Request,
    schema: Data<&CogoSchema>,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
    exposure: Data<&Exposure>,
) -> Response {
    let query_string = req.uri().query().unwrap_or_default();
    if query_string.is_empty() && exposure.graphiql {
        return web_pages::graphiql_page();
    }
    let media = match response_media_type(req) {
        Ok(media) => media,
        Err(refusal) => return refusal.into_response(ResponseMediaType::Json),
    };
    match graphql_request::from_query_string(query_string) {
        Ok(request) => execute(req, request, media, &schema, &app, &users).await,
        Err(refusal) => refusal.into_response(media),
    }
}

#[handler]
pub async fn post(
    req: &Request,
    body: Body,
    schema: Data<&CogoSchema>,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
) -> Response {
    let media = match response_media_type(req) {
        Ok(media) => media,
        Err(refusal) => return refusal.into_response(ResponseMediaType::Json),
    };
    match graphql_request::from_post(req, body).await {
        Ok(request) => execute(req, request, media, &schema, &app, &users).await,
        Err(refusal) => refusal.into_response(media),
    }
}

async fn execute(
    req: &Request,
    mut request: async_graphql::Request,
    media: ResponseMediaType,
    schema: &CogoSchema,
    app: &AppContext,
    users: &UsersConfig,
) -> Response {
    request = request.data(crate::rate_limit::ClientIp::of(req));
    if let Some(id) = req.extensions().get::<cogo_kernel::RequestId>() {
        request = request.data(id.clone());
    }
    if req.method() == Method::GET {
        // Refused as a mutation by `GetIsReadOnly` once the document is known (a hash names it only then).
        request = request.data(ViaGet);
    }
    if let Some(bearer) = bearer_token(req) {
        match cogo_users::service::authenticate(app, users, bearer).await {
            Ok(actor) => request = request.data(actor),
            Err(AppError::Unauthenticated(why)) => request = request.data(RejectedCredentials(why)),
            // The database is away: say so (retry later) rather than UNAUTHENTICATED, which would sign the app out.
            Err(AppError::ServiceUnavailable) => {
                let error = async_graphql::Error::from(AppError::ServiceUnavailable);
                let response = async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())]);
                return graphql_response::into_http(response, false, media);
            }
            Err(other) => {
                tracing::error!(code = other.code().as_str(), "could not check credentials");
                request = request.data(RejectedCredentials("credentials could not be checked; try again"));
            }
        }
    }
    if let Some(key) = req.headers().get(cogo_kernel::IdempotencyKey::HEADER) {
        request = request.data(cogo_kernel::IdempotencyKey::from_header(key.as_bytes()));
    }
    let started = ExecutionStarted::default();
    request = request.data(started.clone());
    // Changes the request's transactions made reach this instance's caches when it ends, after they committed.
    let response = app.changes.scope(schema.execute(request)).await;
    graphql_response::into_http(response, started.get(), media)
}

/// The response media type the request's `Accept` headers ask for, or `406 Not Acceptable`.
fn response_media_type(req: &Request) -> Result<ResponseMediaType, Refusal> {
    let accept: Vec<&str> =
        req.headers().get_all(header::ACCEPT).iter().filter_map(|value| value.to_str().ok()).collect();
    let accept = (!accept.is_empty()).then(|| accept.join(","));
    media_type::negotiate(accept.as_deref()).ok_or_else(Refusal::not_acceptable)
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer_token(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}
