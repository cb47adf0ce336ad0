//! The gateway: HTTP endpoints, GraphiQL, GET rules, schema drift, error masking.

use cogo_tests::{error_code, spawn_app};
use serde_json::json;

#[tokio::test]
async fn schema_graphql_matches_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let generated = cogo_api::schema::sdl();
    if std::env::var("COGO_UPDATE_SCHEMA").is_ok() {
        std::fs::write(path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "schema.graphql is out of date: run `cargo run -p cogo-api -- export-schema > schema.graphql`"
    );
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = app.client.get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready = app.client.get(format!("{}/readyz", app.address)).send().await.unwrap();
    assert_eq!(ready.status(), 200);
}

#[tokio::test]
async fn get_without_a_query_serves_graphiql() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/graphql", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().to_lowercase().contains("graphiql"));
}

#[tokio::test]
async fn get_answers_queries_but_never_mutations() {
    let app = spawn_app().await;
    let query =
        app.client.get(format!("{}/graphql", app.address)).query(&[("query", "{ __typename }")]).send().await.unwrap();
    assert_eq!(query.status(), 200);
    assert_eq!(query.json::<serde_json::Value>().await.unwrap()["data"]["__typename"], "Query");

    let mutation = app
        .client
        .get(format!("{}/graphql", app.address))
        .query(&[("query", "mutation { logOut }")])
        .send()
        .await
        .unwrap();
    assert_eq!(mutation.status(), 405);
    assert_eq!(mutation.headers()["allow"], "POST");
    assert_eq!(error_code(&mutation.json().await.unwrap()), "METHOD_NOT_ALLOWED");
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
}

/// GraphiQL's introspection query (shared with the limits' unit tests).
const INTROSPECTION: &str = include_str!("../../data/graphiql-introspection.graphql");

#[tokio::test]
async fn graphiql_introspection_fits_within_the_limits() {
    let app = spawn_app().await;
    let body = app.gql(INTROSPECTION, json!({})).await;
    assert!(body.get("errors").is_none(), "{body}");
    assert_eq!(body["data"]["__schema"]["queryType"]["name"], "Query");
}

#[tokio::test]
async fn absurdly_deep_queries_are_refused() {
    let app = spawn_app().await;
    let deep = format!("{{ __schema {{ queryType {{ {}name{} }} }} }}", "ofType { ".repeat(20), " }".repeat(20));
    let body = app.gql(&deep, json!({})).await;
    let message = body["errors"][0]["message"].as_str().unwrap_or_default().to_lowercase();
    assert!(message.contains("nested too deep"), "expected a depth error: {body}");
}

#[tokio::test]
async fn thousands_of_aliased_fields_are_refused() {
    let app = spawn_app().await;
    let aliases: String = (0..2000).map(|i| format!("p{i}: privacyPolicy {{ version }} ")).collect();
    let body = app.gql(&format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(error_code(&body), "TOO_MANY_FIELDS");
}

#[tokio::test]
async fn a_signed_out_caller_gets_unauthenticated() {
    let app = spawn_app().await;
    let body = app.gql("{ me { id } }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn text_with_a_nul_byte_is_bad_input_not_an_internal_error() {
    let app = spawn_app().await;
    let log_in = "mutation LogIn($email: String!, $password: String!) { logIn(email: $email, password: $password) { accessToken } }";
    let body = app.gql(log_in, json!({ "email": "anna\u{0}@example.se", "password": "whatever it is" })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let nested = "mutation SyncSteps($samples: [StepSampleInput!]!) { syncSteps(samples: $samples) { accepted } }";
    let samples = json!([{ "externalId": "hk\u{0}", "startAt": "2026-01-01T00:00:00Z", "endAt": "2026-01-01T00:10:00Z",
        "steps": 10, "distanceMeters": 8.0, "source": "iPhone" }]);
    assert_eq!(error_code(&app.gql(nested, json!({ "samples": samples })).await), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_binary_serves_as_its_own_process_and_stops_on_sigterm() {
    let database_url = cogo_tests::fresh_database_url().await;
    let mut server = cogo_tests::process::spawn_server_process(&database_url, &[]).await;
    let body = server.graphql("{ __typename }", serde_json::json!({})).await;
    assert_eq!(body["data"]["__typename"], "Query");
    server.terminate();
    assert_eq!(server.wait_for_exit(std::time::Duration::from_secs(20)).await, Some(0), "{}", server.output());
}
