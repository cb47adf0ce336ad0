//! `/graphql`: POST for queries and mutations, GET for GraphiQL (no query string) and read-only queries.

use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql::parser::{parse_query, types::OperationType};
use async_graphql_poem::{GraphQLRequest, GraphQLResponse};
use cogo_kernel::{AppContext, AppError, actor::RejectedCredentials};
use cogo_users::UsersConfig;
use poem::{
    FromRequest, IntoResponse, Request, Response, handler,
    http::{Method, StatusCode, header},
    web::{Data, Html},
};

use crate::http::nul_bytes;
use crate::schema::CogoSchema;

#[handler]
pub async fn graphiql_or_query(
    req: &Request,
    schema: Data<&CogoSchema>,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
) -> Response {
    if req.uri().query().is_none_or(str::is_empty) {
        return Html(GraphiQLSource::build().endpoint("/graphql").title("CoGo API").finish()).into_response();
    }
    match GraphQLRequest::from_request_without_body(req).await {
        Ok(gql) => execute(req, gql, &schema, &app, &users).await,
        Err(err) => err.into_response(),
    }
}

#[handler]
pub async fn post(
    req: &Request,
    gql: GraphQLRequest,
    schema: Data<&CogoSchema>,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
) -> Response {
    execute(req, gql, &schema, &app, &users).await
}

async fn execute(
    req: &Request,
    gql: GraphQLRequest,
    schema: &CogoSchema,
    app: &AppContext,
    users: &UsersConfig,
) -> Response {
    let mut request = gql.0;
    if let Err(error) = nul_bytes::reject_nul_bytes(&request) {
        return GraphQLResponse::from(async_graphql::Response::from_errors(vec![error])).into_response();
    }
    if req.method() == Method::GET && is_mutation(&request) {
        // A GET must never change anything (links, prefetchers and caches issue GETs freely).
        return (StatusCode::METHOD_NOT_ALLOWED, "mutations must be sent with POST").into_response();
    }
    if let Some(bearer) = bearer_token(req) {
        match cogo_users::service::authenticate(app, users, bearer).await {
            Ok(actor) => request = request.data(actor),
            Err(AppError::Unauthenticated(why)) => request = request.data(RejectedCredentials(why)),
            // The database is away: say so (retry later) rather than UNAUTHENTICATED, which would sign the app out.
            Err(AppError::ServiceUnavailable) => {
                let error = async_graphql::Error::from(AppError::ServiceUnavailable);
                let response = async_graphql::Response::from_errors(vec![error.into_server_error(Default::default())]);
                return GraphQLResponse::from(response).into_response();
            }
            Err(other) => {
                tracing::error!(code = other.code().as_str(), "could not check credentials");
                request = request.data(RejectedCredentials("credentials could not be checked; try again"));
            }
        }
    }
    GraphQLResponse::from(schema.execute(request).await).into_response()
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer_token(req: &Request) -> Option<&str> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim()).filter(|t| !t.is_empty())
}

/// Whether the operation that would run is a mutation (an unparsable query is left to the executor to reject).
fn is_mutation(request: &async_graphql::Request) -> bool {
    let Ok(document) = parse_query(&request.query) else { return false };
    let name = request.operation_name.as_deref();
    document.operations.iter().any(|(op_name, op)| {
        let selected = match (name, op_name) {
            (Some(wanted), Some(op_name)) => wanted == op_name.as_str(),
            (None, _) => true,
            (Some(_), None) => false,
        };
        selected && op.node.ty == OperationType::Mutation
    })
}
