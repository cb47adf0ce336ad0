//! `GET /auth/{provider}/start` and `GET /auth/{provider}/callback`: the browser's side of a sign-in with an
//! OpenID Connect provider (the rules are in `cogo_users::sign_in`). Both answer with a redirect, or with a plain
//! `400`/`404` when there is nowhere safe to send the browser.

use std::sync::Arc;

use cogo_kernel::AppContext;
use cogo_users::UsersConfig;
use cogo_users::sign_in::{CallbackParams, SignInError, flow};
use poem::{
    IntoResponse, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path, Query},
};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct StartParams {
    redirect_uri: Option<String>,
}

#[handler]
pub async fn start(
    Path(provider): Path<String>,
    Query(params): Query<StartParams>,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
) -> Response {
    let Some(redirect_uri) = params.redirect_uri else {
        return refusal(StatusCode::BAD_REQUEST, "redirect_uri is required");
    };
    match flow::start(&app, &users.sign_in, &provider, &redirect_uri).await {
        Ok(url) => redirect(&url),
        Err(error) => refused(&error),
    }
}

#[handler]
pub async fn callback(
    Path(provider): Path<String>,
    Query(params): Query<CallbackParams>,
    app: Data<&AppContext>,
    users: Data<&Arc<UsersConfig>>,
) -> Response {
    match flow::callback(&app, &users.sign_in, &provider, params).await {
        Ok(url) => redirect(&url),
        Err(error) => refused(&error),
    }
}

/// `302 Found` to `url`, never cached (it carries a one-time code or a state).
fn redirect(url: &str) -> Response {
    Response::builder()
        .status(StatusCode::FOUND)
        .header(header::LOCATION, url)
        .header(header::CACHE_CONTROL, "no-store")
        .finish()
}

fn refused(error: &SignInError) -> Response {
    match error {
        SignInError::UnknownProvider => refusal(StatusCode::NOT_FOUND, "no such sign-in provider"),
        SignInError::RedirectNotAllowed => refusal(StatusCode::BAD_REQUEST, "redirect_uri is not allowed"),
        SignInError::UnknownState => {
            refusal(StatusCode::BAD_REQUEST, "this sign-in is unknown, finished or expired; start again")
        }
        SignInError::ProviderUnavailable => {
            refusal(StatusCode::BAD_GATEWAY, "the sign-in provider cannot be reached; try again later")
        }
        SignInError::Internal(cause) => {
            tracing::error!(code = cause.code().as_str(), "a sign-in could not start");
            refusal(StatusCode::INTERNAL_SERVER_ERROR, "internal error")
        }
        other => refusal(StatusCode::BAD_REQUEST, other.reason()),
    }
}

fn refusal(status: StatusCode, message: &str) -> Response {
    (status, message.to_string()).into_response()
}
