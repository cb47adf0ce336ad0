//! Linking a provider identity to an existing account: only when both the provider and the account vouch for the
//! address; otherwise `error=email_in_use` and nothing changes.

use cogo_tests::{data, verify_email_in_database};
use serde_json::json;

use super::{
    SIGN_IN_METHODS, account_count, identity, password, sign_in_as, sign_in_error, sign_in_methods,
    spawn_with_provider, through_provider,
};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn a_verified_provider_address_links_to_the_account_whose_address_is_verified() {
    // Arrange: a password account whose address is verified.
    let (provider, app) = spawn_with_provider().await;
    let anna = app.sign_up_with("Anna", "anna@example.se", PASSWORD).await;
    verify_email_in_database(&app, &anna).await;

    // Act
    let linked =
        sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna A. at the provider")).await;

    // Assert: the same account, its own name kept, both ways in, the password still working.
    assert_eq!(linked.id, anna.id);
    assert_eq!(linked.name, "Anna");
    assert_eq!(account_count(&app).await, 1);
    assert_eq!(sign_in_methods(&app, &linked).await, vec![through_provider(), password()]);
    let methods = app.gql_as(&linked, SIGN_IN_METHODS, json!({})).await;
    assert!(data(&methods)["me"]["signInMethods"].as_array().unwrap().iter().all(|m| m["linkedAt"].is_string()));
    app.log_in(&anna).await;
    // And the identity now signs in straight to it.
    let again = sign_in_as(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna")).await;
    assert_eq!(again.id, anna.id);
}

#[tokio::test]
async fn an_unverified_provider_address_never_links_to_an_existing_account() {
    // Arrange
    let (provider, app) = spawn_with_provider().await;
    let anna = app.sign_up_with("Anna", "anna@example.se", PASSWORD).await;
    verify_email_in_database(&app, &anna).await;

    // Act: someone at the provider claims Anna's address without the provider vouching for it.
    let error = sign_in_error(&app, &provider, identity("mallory-1", "anna@example.se", false, "Mallory")).await;

    // Assert
    assert_eq!(error, "email_in_use");
    assert_eq!(account_count(&app).await, 1);
    assert_eq!(sign_in_methods(&app, &anna).await, vec![password()]);
}

#[tokio::test]
async fn a_provider_address_never_links_to_an_account_whose_own_address_is_unverified() {
    // Arrange: the account's address was never proven (anyone may have signed up with it).
    let (provider, app) = spawn_with_provider().await;
    let squatter = app.sign_up_with("Squatter", "anna@example.se", PASSWORD).await;

    // Act: the address's real owner signs in through the provider, which vouches for it.
    let error = sign_in_error(&app, &provider, identity("anna-1", "anna@example.se", true, "Anna")).await;

    // Assert
    assert_eq!(error, "email_in_use");
    assert_eq!(account_count(&app).await, 1);
    assert_eq!(sign_in_methods(&app, &squatter).await, vec![password()]);
}
