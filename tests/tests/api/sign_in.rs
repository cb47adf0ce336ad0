//! Sign-in with an OpenID Connect provider (issue 13), against a real provider process (oauth2-mock-server from
//! npm, see `cogo_tests::oidc`) and without a browser: start, the provider's log-in, the callback and
//! `completeSignIn`; linking by verified address; the refusals of a wrong or spent state, a spent or expired
//! one-time code, a redirect URI outside the allow-list and spoiled ID tokens; unlinking.
//!
//! The mobile client's operations (`shared/clients/mobile.graphql`) are used as written.

mod flow;
mod linking;
mod refusals;
mod unlinking;

use cogo_tests::oidc::{self, MockProvider, PROVIDER_ID, SignInOutcome};
use cogo_tests::{TestApp, TestUser, data, spawn_app_with};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

// --- as the clients send them ------------------------------------------------------------------------------------

pub const AUTH_PROVIDERS: &str = "query AuthProviders {
  authProviders { id displayName }
}";
pub const COMPLETE_SIGN_IN: &str = "mutation CompleteSignIn($code: String!) {
  completeSignIn(code: $code) {
    accessToken
    refreshToken
    user { id name email }
  }
}";
pub const SIGN_IN_METHODS: &str = "query SignInMethods {
  me { emailVerified signInMethods { kind provider linkedAt } }
}";
pub const UNLINK_PROVIDER: &str = "mutation UnlinkProvider($provider: String!) {
  unlinkProvider(provider: $provider)
}";

// --- where a finished sign-in may return -------------------------------------------------------------------------

/// The app's deep link.
pub const APP_LINK: &str = "cogo://signed-in";
/// The portal's page.
pub const PORTAL: &str = "https://portal.cogo.test/signed-in";

/// A provider and the API configured with it, both allow-listed redirect URIs.
pub async fn spawn_with_provider() -> (MockProvider, TestApp) {
    let provider = MockProvider::start().await;
    let app = spawn_app_with(|settings| oidc::configure(settings, &provider, &[APP_LINK, PORTAL])).await;
    (provider, app)
}

/// The claims of an ID token.
pub fn identity(sub: &str, email: &str, email_verified: bool, name: &str) -> Value {
    json!({ "sub": sub, "email": email, "email_verified": email_verified, "name": name })
}

pub async fn complete_sign_in(app: &TestApp, code: &str) -> Value {
    app.gql(COMPLETE_SIGN_IN, json!({ "code": code })).await
}

/// The user of a successful `completeSignIn` (no password).
pub fn signed_in(body: &Value) -> TestUser {
    let payload = &data(body)["completeSignIn"];
    TestUser {
        id: payload["user"]["id"].as_str().unwrap().to_string(),
        name: payload["user"]["name"].as_str().unwrap().to_string(),
        email: payload["user"]["email"].as_str().unwrap().to_string(),
        password: String::new(),
        access_token: payload["accessToken"].as_str().unwrap().to_string(),
        refresh_token: payload["refreshToken"].as_str().unwrap().to_string(),
    }
}

/// The whole sign-in as `claims` at the provider, back to the portal, then `completeSignIn`.
pub async fn sign_in_as(app: &TestApp, provider: &MockProvider, claims: Value) -> TestUser {
    provider.next_identity(claims).await;
    let code = oidc::sign_in(app, PROVIDER_ID, PORTAL).await;
    signed_in(&complete_sign_in(app, code.code()).await)
}

/// The sign-in as `claims` up to the error the browser is sent back with.
pub async fn sign_in_error(app: &TestApp, provider: &MockProvider, claims: Value) -> String {
    provider.next_identity(claims).await;
    match oidc::sign_in(app, PROVIDER_ID, PORTAL).await {
        SignInOutcome::Error(error) => error,
        SignInOutcome::Code(_) => panic!("the sign-in succeeded"),
    }
}

/// `(kind, provider)` of each way into the account, sorted.
pub async fn sign_in_methods(app: &TestApp, user: &TestUser) -> Vec<(String, Option<String>)> {
    let body = app.gql_as(user, SIGN_IN_METHODS, json!({})).await;
    let mut methods: Vec<(String, Option<String>)> = data(&body)["me"]["signInMethods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap().to_string(), m["provider"].as_str().map(String::from)))
        .collect();
    methods.sort();
    methods
}

pub fn password() -> (String, Option<String>) {
    ("PASSWORD".to_string(), None)
}

pub fn through_provider() -> (String, Option<String>) {
    ("OIDC".to_string(), Some(PROVIDER_ID.to_string()))
}

/// How many accounts the database holds.
pub async fn account_count(app: &TestApp) -> i64 {
    let db = &app.context.db;
    let sql = "SELECT COUNT(*) FROM users";
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}
