//! What a sign-in refuses: a redirect URI outside the allow-list, a wrong, spent or stale state (400: there is no
//! trusted place to send the browser), a spent, unknown or expired one-time code (UNAUTHENTICATED), an ID token the
//! API must not trust (`error=invalid_token`, no account), and what the provider would not or could not say.

use chrono::Duration;
use cogo_tests::oidc::{self, PROVIDER_ID, SignInOutcome, Tamper, with_query_value};
use cogo_tests::{data, error_code};
use reqwest::StatusCode;
use serde_json::json;

use super::{PORTAL, account_count, complete_sign_in, identity, sign_in_error, signed_in, spawn_with_provider};

// --- the redirect URI ----------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_uri_outside_the_allow_list_is_refused_at_start() {
    let (_provider, app) = spawn_with_provider().await;

    for outside in [
        "https://evil.example/signed-in",
        "https://portal.cogo.test/signed-in/../../evil",
        "https://portal.cogo.test/signed-in.evil.example",
        "https://portal.cogo.test/signed-in?next=https://evil.example",
        "https://portal.cogo.test/signed-in-elsewhere",
        "http://portal.cogo.test/signed-in",
        "",
    ] {
        let response = oidc::request_start(&app, PROVIDER_ID, outside).await;

        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{outside:?}");
        assert!(response.headers().get(reqwest::header::LOCATION).is_none(), "{outside:?}: no redirect");
    }
}

#[tokio::test]
async fn an_unknown_provider_is_not_found() {
    let (_provider, app) = spawn_with_provider().await;

    let response = oidc::request_start(&app, "nowhere", PORTAL).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

// --- the state -------------------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_wrong_state_is_refused_without_a_redirect() {
    // Arrange: the provider sends the browser back, but with a state the API never issued.
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna")).await;
    let authorization = oidc::start(&app, PROVIDER_ID, PORTAL).await;
    let callback = oidc::log_in_at_provider(&authorization).await;
    let forged = with_query_value(&callback, "state", "a-state-the-api-never-issued");

    // Act
    let response = oidc::request_callback(&app, &forged).await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(reqwest::header::LOCATION).is_none());
    assert_eq!(account_count(&app).await, 0);
}

#[tokio::test]
async fn a_replayed_state_is_refused_without_a_redirect() {
    // Arrange: a sign-in finished once.
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna")).await;
    let authorization = oidc::start(&app, PROVIDER_ID, PORTAL).await;
    let callback = oidc::log_in_at_provider(&authorization).await;
    oidc::callback(&app, &callback, PORTAL).await.code();

    // Act: the same callback again.
    let response = oidc::request_callback(&app, &callback).await;

    // Assert
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(response.headers().get(reqwest::header::LOCATION).is_none());
}

#[tokio::test]
async fn a_state_older_than_ten_minutes_is_refused() {
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna")).await;
    let authorization = oidc::start(&app, PROVIDER_ID, PORTAL).await;
    let callback = oidc::log_in_at_provider(&authorization).await;

    app.advance_clock(Duration::minutes(10) + Duration::seconds(1));
    let response = oidc::request_callback(&app, &callback).await;

    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(account_count(&app).await, 0);
}

// --- the one-time code -----------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_one_time_code_works_once() {
    // Arrange
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna")).await;
    let outcome = oidc::sign_in(&app, PROVIDER_ID, PORTAL).await;
    signed_in(&complete_sign_in(&app, outcome.code()).await);

    // Act
    let replayed = complete_sign_in(&app, outcome.code()).await;

    // Assert
    assert_eq!(error_code(&replayed), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_one_time_code_expires_after_sixty_seconds() {
    // Arrange: two finished sign-ins of the same identity.
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna")).await;
    let in_time = oidc::sign_in(&app, PROVIDER_ID, PORTAL).await;
    let late = oidc::sign_in(&app, PROVIDER_ID, PORTAL).await;

    // Act
    app.advance_clock(Duration::seconds(59));
    let within = complete_sign_in(&app, in_time.code()).await;
    app.advance_clock(Duration::seconds(2));
    let after = complete_sign_in(&app, late.code()).await;

    // Assert
    assert!(data(&within)["completeSignIn"]["accessToken"].is_string());
    assert_eq!(error_code(&after), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_unknown_one_time_code_is_refused() {
    let (_provider, app) = spawn_with_provider().await;

    let body = complete_sign_in(&app, "not-a-code-the-api-issued").await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

// --- the ID token ----------------------------------------------------------------------------------------------------

/// A sign-in whose ID token is spoiled comes back with `error=invalid_token` and creates nothing; the next,
/// unspoiled one succeeds (so the refusal was the spoiling's).
async fn a_spoiled_id_token_is_refused(tamper: Tamper) {
    // Arrange
    let (provider, app) = spawn_with_provider().await;
    provider.next_identity(identity("anna-1", "anna@example.se", true, "Anna")).await;
    provider.tamper_next(tamper).await;

    // Act
    let spoiled = oidc::sign_in(&app, PROVIDER_ID, PORTAL).await;

    // Assert
    assert_eq!(spoiled, SignInOutcome::Error("invalid_token".into()), "{tamper:?}");
    assert_eq!(account_count(&app).await, 0, "{tamper:?}");
    let sound = oidc::sign_in(&app, PROVIDER_ID, PORTAL).await;
    signed_in(&complete_sign_in(&app, sound.code()).await);
    assert_eq!(account_count(&app).await, 1);
}

#[tokio::test]
async fn an_id_token_for_another_audience_is_refused() {
    a_spoiled_id_token_is_refused(Tamper::Audience).await;
}

#[tokio::test]
async fn an_id_token_with_a_wrong_nonce_is_refused() {
    a_spoiled_id_token_is_refused(Tamper::Nonce).await;
}

#[tokio::test]
async fn an_id_token_signed_by_an_unknown_key_is_refused() {
    a_spoiled_id_token_is_refused(Tamper::UnknownKey).await;
}

#[tokio::test]
async fn an_expired_id_token_is_refused() {
    a_spoiled_id_token_is_refused(Tamper::Expired).await;
}

// --- what the provider would not or could not say -------------------------------------------------------------------

#[tokio::test]
async fn a_refusal_at_the_provider_comes_back_as_provider_error() {
    // Arrange: the person declined at the provider, which sends the browser back with an error and the state.
    let (_provider, app) = spawn_with_provider().await;
    let authorization = oidc::start(&app, PROVIDER_ID, PORTAL).await;
    let state = oidc::query_value(&authorization, "state").unwrap();
    let mut declined = reqwest::Url::parse(&format!("{}/auth/{PROVIDER_ID}/callback", app.address)).unwrap();
    declined.query_pairs_mut().append_pair("error", "access_denied").append_pair("state", &state);

    // Act
    let outcome = oidc::callback(&app, &declined, PORTAL).await;

    // Assert
    assert_eq!(outcome, SignInOutcome::Error("provider_error".into()));
    assert_eq!(account_count(&app).await, 0);
}

#[tokio::test]
async fn an_id_token_without_an_address_comes_back_as_email_missing() {
    let (provider, app) = spawn_with_provider().await;

    let error = sign_in_error(&app, &provider, json!({ "sub": "anna-1", "name": "Anna" })).await;

    assert_eq!(error, "email_missing");
    assert_eq!(account_count(&app).await, 0);
}
