//! The whole flow: the providers offered, the redirect to the provider, a new account from an ID token, and the same
//! identity signing in again.

use cogo_tests::oidc::{self, CLIENT_ID, DISPLAY_NAME, PROVIDER_ID, query_value};
use cogo_tests::{data, spawn_app};
use serde_json::json;

use super::{
    APP_LINK, AUTH_PROVIDERS, PORTAL, SIGN_IN_METHODS, account_count, complete_sign_in, identity, sign_in_as,
    signed_in, spawn_with_provider, through_provider,
};

const ME: &str = "query { me { id email } }";
const PENDING_POLICY: &str = "query { me { pendingPolicyVersion } }";
const POLICY_IN_FORCE: &str = "query { privacyPolicy { version } }";
const REFRESH: &str = "mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken } }";

#[tokio::test]
async fn auth_providers_lists_the_configured_provider() {
    let (_provider, app) = spawn_with_provider().await;

    let body = app.gql(AUTH_PROVIDERS, json!({})).await;

    assert_eq!(data(&body)["authProviders"], json!([{ "id": PROVIDER_ID, "displayName": DISPLAY_NAME }]));
}

#[tokio::test]
async fn auth_providers_is_empty_when_none_is_configured() {
    let app = spawn_app().await;

    let body = app.gql(AUTH_PROVIDERS, json!({})).await;

    assert_eq!(data(&body)["authProviders"], json!([]));
}

#[tokio::test]
async fn start_sends_the_browser_to_the_provider_with_state_nonce_and_pkce() {
    let (provider, app) = spawn_with_provider().await;

    let first = oidc::start(&app, PROVIDER_ID, PORTAL).await;
    let second = oidc::start(&app, PROVIDER_ID, PORTAL).await;

    assert_eq!(first.as_str().split('?').next(), Some(format!("{}/authorize", provider.issuer()).as_str()));
    let param = |name: &str| query_value(&first, name).unwrap_or_else(|| panic!("{name} missing from {first}"));
    assert_eq!(param("response_type"), "code");
    assert_eq!(param("client_id"), CLIENT_ID);
    assert_eq!(param("redirect_uri"), format!("{}/auth/{PROVIDER_ID}/callback", app.address));
    let scopes: Vec<String> = param("scope").split(' ').map(String::from).collect();
    for scope in ["openid", "email", "profile"] {
        assert!(scopes.iter().any(|s| s == scope), "{scope} in {scopes:?}");
    }
    assert_eq!(param("code_challenge_method"), "S256");
    assert!(param("code_challenge").len() >= 43, "a SHA-256 challenge in base64url");
    for name in ["state", "nonce", "code_challenge"] {
        assert!(param(name).len() >= 16, "{name} is long enough not to be guessed");
        assert_ne!(query_value(&second, name), Some(param(name)), "{name} is new for every start");
    }
}

#[tokio::test]
async fn a_new_identity_creates_an_account_from_the_id_token() {
    // Arrange
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna Andersson")).await;

    // Act: back to the app's deep link.
    let outcome = oidc::sign_in(&app, PROVIDER_ID, APP_LINK).await;
    let body = complete_sign_in(&app, outcome.code()).await;

    // Assert: the name and address from the token, the address verified as the provider said, the policy still
    // to be accepted, and tokens that work.
    let anna = signed_in(&body);
    assert_eq!(anna.name, "Anna Andersson");
    assert_eq!(anna.email, "anna@example.se");
    let me = app.gql_as(&anna, ME, json!({})).await;
    assert_eq!(data(&me)["me"], json!({ "id": anna.id, "email": "anna@example.se" }));
    let methods = app.gql_as(&anna, SIGN_IN_METHODS, json!({})).await;
    assert_eq!(data(&methods)["me"]["emailVerified"], true);
    let ways = data(&methods)["me"]["signInMethods"].as_array().unwrap();
    assert_eq!(ways.len(), 1, "{ways:?}");
    assert_eq!(ways[0]["kind"], "OIDC");
    assert_eq!(ways[0]["provider"], PROVIDER_ID);
    assert!(ways[0]["linkedAt"].is_string());
    let in_force = data(&app.gql(POLICY_IN_FORCE, json!({})).await)["privacyPolicy"]["version"].clone();
    assert!(in_force.is_i64());
    assert_eq!(data(&app.gql_as(&anna, PENDING_POLICY, json!({})).await)["me"]["pendingPolicyVersion"], in_force);
}

#[tokio::test]
async fn an_unverified_provider_address_gives_an_account_with_an_unverified_address() {
    let (provider, app) = spawn_with_provider().await;

    let anna = sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", false, "Anna Andersson")).await;

    let methods = app.gql_as(&anna, SIGN_IN_METHODS, json!({})).await;
    assert_eq!(data(&methods)["me"]["emailVerified"], false);
    assert_eq!(anna.email, "anna@example.se");
}

#[tokio::test]
async fn without_a_name_the_account_is_named_from_given_and_family_name_or_the_address() {
    let (provider, app) = spawn_with_provider().await;
    let given_and_family = json!({ "sub": "anna-1", "email": "anna@example.se", "email_verified": true,
        "given_name": "Anna", "family_name": "Andersson" });
    let address_only = json!({ "sub": "bertil-1", "email": "bertil.berg@example.se", "email_verified": true });

    let anna = sign_in_as(&app, &provider, given_and_family).await;
    let bertil = sign_in_as(&app, &provider, address_only).await;

    assert_eq!(anna.name, "Anna Andersson");
    assert_eq!(bertil.name, "bertil.berg");
}

#[tokio::test]
async fn the_same_identity_signs_in_to_the_same_account() {
    // Arrange
    let (provider, app) = spawn_with_provider().await;
    let first = sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna Andersson")).await;

    // Act: the same `sub`, even with another address at the provider since.
    let again = sign_in_as(&app, &provider, identity("anna-1", "anna.new@example.se", true, "Anna Andersson")).await;

    // Assert
    assert_eq!(again.id, first.id);
    assert_eq!(account_count(&app).await, 1);
    assert_eq!(super::sign_in_methods(&app, &again).await, vec![through_provider()]);
}

#[tokio::test]
async fn complete_sign_in_gives_a_session_that_refreshes_like_a_log_in() {
    let (provider, app) = spawn_with_provider().await;
    let anna = sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna Andersson")).await;

    let body = app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await;

    let access_token = data(&body)["refreshSession"]["accessToken"].as_str().unwrap();
    let me = app.graphql(Some(access_token), ME, json!({})).await;
    assert_eq!(data(&me)["me"]["id"], anna.id.as_str());
}
