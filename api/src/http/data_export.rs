//! `GET /privacy/export`: the signed-in user's register extract (GDPR art. 15, 20) streamed as a JSON file, the
//! same document as the `myDataExport` query. The modules page through their tables while the body is sent, so an
//! account with years of step samples exports in bounded memory. `?kind=portability` logs the request as one for
//! portability (default: access).

use std::sync::Arc;

use cogo_kernel::{AppContext, AppError};
use cogo_privacy::service::export::{ExportReason, stream_own_export};
use cogo_users::UsersConfig;
use futures_util::stream;
use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::Data,
};

use crate::http::graphql::bearer_token;
use crate::rate_limit::{ClientIp, Decision, RateLimiter};

#[handler]
pub async fn export(
    req: &Request,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
    limiter: Data<&RateLimiter>,
) -> Response {
    let reason = match req.uri().query().unwrap_or_default() {
        "" | "kind=access" => ExportReason::Access,
        "kind=portability" => ExportReason::Portability,
        _ => return error(StatusCode::BAD_REQUEST, &AppError::bad_input("kind", "access or portability")),
    };
    let Some(bearer) = bearer_token(req) else {
        return error(StatusCode::UNAUTHORIZED, &AppError::Unauthenticated("sign in first"));
    };
    let actor = match cogo_users::service::authenticate(&app, &users, bearer).await {
        Ok(actor) => actor,
        Err(refused @ AppError::Unauthenticated(_)) => return error(StatusCode::UNAUTHORIZED, &refused),
        Err(other) => return error(StatusCode::SERVICE_UNAVAILABLE, &other),
    };
    // The same per-user budget as a GraphQL request: each download logs a request and writes a whole export.
    if let Decision::Refused { retry_after_seconds } =
        limiter.check_operation(ClientIp::of(req), Some(actor.user_id), &["myDataExport"]).await
    {
        let mut refused = error(StatusCode::TOO_MANY_REQUESTS, &AppError::RateLimited { retry_after_seconds });
        if let Ok(value) = retry_after_seconds.to_string().try_into() {
            refused.headers_mut().insert(header::RETRY_AFTER, value);
        }
        return refused;
    }
    let chunks = stream_own_export(app.0.clone(), actor.user_id, reason);
    let body = stream::unfold(chunks, |mut chunks| async move {
        chunks.recv().await.map(|chunk| (Ok::<_, std::io::Error>(chunk), chunks))
    });
    Response::builder()
        .content_type("application/json")
        .header(header::CONTENT_DISPOSITION, "attachment; filename=\"cogo-export.json\"")
        .header(header::CACHE_CONTROL, "no-store")
        .body(Body::from_bytes_stream(body))
}

fn error(status: StatusCode, error: &AppError) -> Response {
    let mut extensions = serde_json::json!({ "code": error.code().as_str() });
    match error {
        AppError::RateLimited { retry_after_seconds } => {
            extensions["retryAfterSeconds"] = serde_json::json!(retry_after_seconds);
        }
        AppError::ServiceUnavailable => {
            extensions["retryAfterSeconds"] = serde_json::json!(cogo_kernel::SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS);
        }
        _ => {}
    }
    let body = serde_json::json!({ "errors": [{ "message": error.public_message(), "extensions": extensions }] });
    (status, poem::web::Json(body)).into_response()
}
