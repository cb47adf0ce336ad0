//! No amplification: what a response echoes is bounded whatever the request.

use cogo_tests::{error_code, spawn_app};
use serde_json::json;

use super::{aliases, post_measured, refused_untouched};

#[tokio::test]
async fn the_issue_repro_answers_in_well_under_100_kb() {
    let app = spawn_app().await;
    let query = format!("mutation($i: UpdateProfileInput!) {{ {} }}", aliases(500, "updateProfile(input: $i) { id }"));
    let key = "k".repeat(1_900_000);

    let (size, body) = post_measured(&app, None, &query, json!({ "i": { key: 1 } })).await;

    assert!(size < 300, "{size} bytes");
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn five_hundred_aliases_with_a_short_key_are_refused_in_one_small_error() {
    let app = spawn_app().await;
    let query = format!("mutation($i: UpdateProfileInput!) {{ {} }}", aliases(500, "updateProfile(input: $i) { id }"));

    let (size, body) = post_measured(&app, None, &query, json!({ "i": { "nope": 1 } })).await;

    assert!(size < 1_000, "{size} bytes");
    assert_eq!(error_code(&body), "TOO_MANY_FIELDS");
    assert_eq!(body["errors"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn echoed_input_is_cut_to_a_short_prefix() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let set_consent = "mutation($p: String!) { setConsent(purpose: $p, granted: true) { granted } }";

    let (size, body) =
        post_measured(&app, Some(&anna.access_token), set_consent, json!({ "p": "x".repeat(100_000) })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(body["errors"][0]["message"].as_str().unwrap().chars().count() <= 201, "{body}");
    assert!(size < 1_000, "{size} bytes");

    // async-graphql's own coercion message quotes the literal it could not use.
    let coercion = format!("{{ privacyPolicyVersion(version: \"{}\") {{ version }} }}", "y".repeat(100_000));
    let (size, body) = post_measured(&app, None, &coercion, json!({})).await;
    assert!(body["errors"][0]["message"].as_str().unwrap().chars().count() <= 201, "{body}");
    assert!(size < 1_000, "{size} bytes");
}

#[tokio::test]
async fn a_response_carries_at_most_twenty_errors_and_a_summary() {
    let app = spawn_app().await;
    let unknown: String = (0..60).map(|i| format!("unknown{i} ")).collect();

    let body = app.gql(&format!("{{ {unknown} }}"), json!({})).await;

    let errors = body["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 21, "{body}");
    assert_eq!(errors[20]["extensions"]["code"], "TOO_MANY_ERRORS");
    assert_eq!(errors[20]["message"], "40 more errors were left out");
}

#[tokio::test]
async fn strings_and_keys_in_variables_are_bounded_before_validation() {
    let app = spawn_app().await;
    // To the resolver, a refresh token of any length is only an unknown token (`UNAUTHENTICATED`).
    let refresh = "mutation($token: String!) { refreshSession(refreshToken: $token) { accessToken } }";

    let body = refused_untouched(&app, refresh, json!({ "token": "t".repeat(200_001) }), "BAD_USER_INPUT").await;
    assert_eq!(body["errors"][0]["extensions"]["field"], "token");
    assert_eq!(error_code(&app.gql(refresh, json!({ "token": "t".repeat(200_000) })).await), "UNAUTHENTICATED");

    let update = "mutation($i: UpdateProfileInput!) { updateProfile(input: $i) { id } }";
    refused_untouched(&app, update, json!({ "i": { "n".repeat(101): "Anna" } }), "BAD_USER_INPUT").await;
}
