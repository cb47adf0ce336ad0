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
}

#[tokio::test]
async fn every_response_carries_a_request_id() {
    let app = spawn_app().await;
    let response = app.client.get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
}

#[tokio::test]
async fn absurdly_deep_queries_are_refused() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ {}__typename{} }}",
        "__schema { types { fields { type { ofType { ".repeat(4),
        " } } } } }".repeat(4)
    );
    let body = app.gql(&deep, json!({})).await;
    assert!(body["errors"].is_array(), "expected a depth error: {body}");
}

#[tokio::test]
async fn a_signed_out_caller_gets_unauthenticated() {
    let app = spawn_app().await;
    let body = app.gql("{ me { id } }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}
