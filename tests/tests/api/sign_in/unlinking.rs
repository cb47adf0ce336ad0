//! `unlinkProvider`: never the last way into an account, only the caller's own identities.

use cogo_tests::oidc::PROVIDER_ID;
use cogo_tests::{data, error_code, verify_email_in_database};
use serde_json::json;

use super::{UNLINK_PROVIDER, identity, password, sign_in_as, sign_in_methods, spawn_with_provider, through_provider};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn unlinking_the_only_way_in_is_refused() {
    // Arrange: an account made through the provider, without a password.
    let (provider, app) = spawn_with_provider().await;
    let anna = sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna")).await;

    // Act
    let body = app.gql_as(&anna, UNLINK_PROVIDER, json!({ "provider": PROVIDER_ID })).await;

    // Assert
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(sign_in_methods(&app, &anna).await, vec![through_provider()]);
}

#[tokio::test]
async fn unlinking_a_provider_works_when_the_account_has_a_password() {
    // Arrange: a password account linked to the provider.
    let (provider, app) = spawn_with_provider().await;
    let anna = app.sign_up_with("Anna", "anna@example.se", PASSWORD).await;
    verify_email_in_database(&app, &anna).await;
    sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna")).await;

    // Act
    let body = app.gql_as(&anna, UNLINK_PROVIDER, json!({ "provider": PROVIDER_ID })).await;

    // Assert
    assert_eq!(data(&body)["unlinkProvider"], true);
    assert_eq!(sign_in_methods(&app, &anna).await, vec![password()]);
    app.log_in(&anna).await;
}

#[tokio::test]
async fn unlinking_a_provider_that_is_not_linked_is_not_found() {
    let (_provider, app) = spawn_with_provider().await;
    let anna = app.sign_up_with("Anna", "anna@example.se", PASSWORD).await;

    for provider in [PROVIDER_ID, "nowhere"] {
        let body = app.gql_as(&anna, UNLINK_PROVIDER, json!({ "provider": provider })).await;

        assert_eq!(error_code(&body), "NOT_FOUND", "{provider}");
    }
}

#[tokio::test]
async fn unlinking_touches_only_the_callers_own_identities() {
    // Arrange: Anna is linked; Bertil has only a password.
    let (provider, app) = spawn_with_provider().await;
    let anna = app.sign_up_with("Anna", "anna@example.se", PASSWORD).await;
    verify_email_in_database(&app, &anna).await;
    sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna")).await;
    let bertil = app.sign_up_with("Bertil", "bertil@example.se", PASSWORD).await;

    // Act
    let body = app.gql_as(&bertil, UNLINK_PROVIDER, json!({ "provider": PROVIDER_ID })).await;

    // Assert
    assert_eq!(error_code(&body), "NOT_FOUND");
    assert_eq!(sign_in_methods(&app, &anna).await, vec![through_provider(), password()]);
}

#[tokio::test]
async fn unlinking_needs_a_signed_in_user() {
    let (_provider, app) = spawn_with_provider().await;

    let body = app.gql(UNLINK_PROVIDER, json!({ "provider": PROVIDER_ID })).await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}
