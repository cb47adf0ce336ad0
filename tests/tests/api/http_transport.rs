//! GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): media types and their status codes,
//! request bodies that are refused, and what the API reveals about itself in production.

use cogo_api::settings::Exposure;
use cogo_tests::{TestApp, error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// POSTs a JSON body with an `Accept` header; returns the status, the response `Content-Type` and the body.
async fn post(app: &TestApp, accept: &str, body: &Value) -> (u16, String, Value) {
    let response =
        app.client.post(format!("{}/graphql", app.address)).header("accept", accept).json(body).send().await.unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").unwrap().to_str().unwrap().to_string();
    (status, content_type, response.json().await.unwrap())
}

/// POSTs raw bytes with a given `Content-Type` (or none).
async fn post_raw(app: &TestApp, content_type: Option<&str>, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let mut request = app.client.post(format!("{}/graphql", app.address)).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn graphql_response_json_is_answered_when_the_client_accepts_it() {
    let app = spawn_app().await;
    let (status, content_type, body) = post(&app, GRAPHQL_RESPONSE_JSON, &json!({ "query": "{ __typename }" })).await;
    assert_eq!(status, 200);
    assert_eq!(content_type, "application/graphql-response+json; charset=utf-8");
    assert_eq!(body["data"]["__typename"], "Query");
}

#[tokio::test]
async fn application_json_is_answered_to_clients_that_accept_json_or_anything() {
    let app = spawn_app().await;
    for accept in ["application/json", "*/*", "text/html, */*;q=0.8"] {
        let (status, content_type, body) = post(&app, accept, &json!({ "query": "{ __typename }" })).await;
        assert_eq!((status, content_type.as_str()), (200, "application/json; charset=utf-8"), "{accept}");
        assert_eq!(body["data"]["__typename"], "Query");
    }
}

#[tokio::test]
async fn a_request_refused_before_execution_is_400_without_data_under_graphql_response_json() {
    let app = spawn_app().await;
    let refused = [
        json!({ "query": "{" }),
        json!({ "query": "{ noSuchField }" }),
        json!({ "query": "query Q($id: ID!) { __typename }", "variables": { "id": null } }),
        json!({ "query": "query A { __typename }", "operationName": "B" }),
    ];
    for request in refused {
        let (status, content_type, body) = post(&app, GRAPHQL_RESPONSE_JSON, &request).await;
        assert_eq!(status, 400, "{request}: {body}");
        assert!(content_type.starts_with(GRAPHQL_RESPONSE_JSON));
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"][0]["message"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn the_same_refusals_are_200_with_errors_under_application_json() {
    let app = spawn_app().await;
    for query in ["{", "{ noSuchField }"] {
        let (status, _, body) = post(&app, "application/json", &json!({ "query": query })).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"][0]["message"].is_string(), "{body}");
    }
}

#[tokio::test]
async fn an_executed_request_is_200_with_data_even_when_its_field_fails() {
    let app = spawn_app().await;
    let (status, _, body) = post(&app, GRAPHQL_RESPONSE_JSON, &json!({ "query": "{ me { id } }" })).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("data").is_some(), "{body}");
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_accept_header_that_admits_neither_json_type_is_406() {
    let app = spawn_app().await;
    for accept in ["text/html", "application/xml", "application/json;q=0"] {
        let (status, _, body) = post(&app, accept, &json!({ "query": "{ __typename }" })).await;
        assert_eq!(status, 406, "{accept}");
        assert_eq!(error_code(&body), "NOT_ACCEPTABLE");
    }
}

#[tokio::test]
async fn a_post_that_is_not_json_is_415() {
    let app = spawn_app().await;
    let query = r#"{"query":"{ __typename }"}"#;
    for content_type in [Some("text/plain"), Some("application/x-www-form-urlencoded"), None] {
        let (status, body) = post_raw(&app, content_type, query).await;
        assert_eq!(status, 415, "{content_type:?}");
        assert_eq!(error_code(&body), "UNSUPPORTED_MEDIA_TYPE");
    }
}

#[tokio::test]
async fn a_body_that_is_not_a_graphql_request_is_400_with_a_graphql_error() {
    let app = spawn_app().await;
    for body in [
        "",
        r#"{ "not JSON"#,
        r#"{"qeury":"{ __typename }"}"#,
        r#"{"query":1}"#,
        r#"{"query":"{ __typename }","variables":"{}"}"#,
        r#"{"query":"{ __typename }","extensions":[]}"#,
    ] {
        let (status, answer) = post_raw(&app, Some("application/json"), body).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(error_code(&answer), "BAD_REQUEST", "{body}");
    }
}

#[tokio::test]
async fn a_batch_of_ten_is_refused_and_nothing_runs() {
    let app = spawn_app().await;
    let batch: Vec<Value> =
        (0..10).map(|i| json!({ "query": format!("{{ p{i}: privacyPolicy {{ version body }} }}") })).collect();
    let statements_before = app.statements.get();

    let (status, body) = post_raw(&app, Some("application/json"), serde_json::to_vec(&batch).unwrap()).await;

    assert_eq!(status, 400);
    assert_eq!(error_code(&body), "BATCH_NOT_SUPPORTED");
    assert_eq!(app.statements.get(), statements_before);
}

#[tokio::test]
async fn a_body_of_three_megabytes_is_413_with_a_clear_error() {
    let app = spawn_app().await;
    let padding = "x".repeat(3 * 1024 * 1024);
    let body = json!({ "query": "{ __typename }", "variables": { "padding": padding } });
    let (status, answer) = post_raw(&app, Some("application/json"), serde_json::to_vec(&body).unwrap()).await;
    assert_eq!(status, 413);
    assert_eq!(error_code(&answer), "PAYLOAD_TOO_LARGE");
}

const INTROSPECTION: &str = "{ __schema { queryType { name } } }";
const MISSPELLED: &str = "{ privacyPolicyy { version } }";

/// The first error message of an anonymous POST (default `Accept`: application/json, 200).
async fn first_message(app: &TestApp, query: &str) -> String {
    let body = app.gql(query, json!({})).await;
    body["errors"][0]["message"].as_str().unwrap_or_else(|| panic!("expected an error: {body}")).to_string()
}

#[tokio::test]
async fn introspection_and_suggestions_are_on_in_development() {
    let app = spawn_app().await;
    assert_eq!(app.gql(INTROSPECTION, json!({})).await["data"]["__schema"]["queryType"]["name"], "Query");
    assert!(first_message(&app, MISSPELLED).await.contains("Did you mean"));
}

#[tokio::test]
async fn introspection_and_suggestions_are_off_when_closed_as_in_production() {
    let app = spawn_app_with(|settings| settings.exposure = Exposure::CLOSED).await;

    let (status, _, body) = post(&app, GRAPHQL_RESPONSE_JSON, &json!({ "query": INTROSPECTION })).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(error_code(&body), "INTROSPECTION_DISABLED");
    let in_a_fragment = "query { ...T } fragment T on Query { __type(name: \"Query\") { name } }";
    assert_eq!(error_code(&app.gql(in_a_fragment, json!({})).await), "INTROSPECTION_DISABLED");

    let misspelled = first_message(&app, MISSPELLED).await;
    assert!(misspelled.contains("privacyPolicyy") && !misspelled.contains("Did you mean"), "{misspelled}");
    assert_eq!(app.gql("{ __typename }", json!({})).await["data"]["__typename"], "Query");
}

#[tokio::test]
async fn introspection_comes_back_when_switched_on() {
    let app = spawn_app_with(|settings| settings.exposure = Exposure { introspection: true, graphiql: false }).await;
    assert_eq!(app.gql(INTROSPECTION, json!({})).await["data"]["__schema"]["queryType"]["name"], "Query");
    assert!(first_message(&app, MISSPELLED).await.contains("Did you mean"));
}

#[tokio::test]
async fn graphiql_is_off_when_closed() {
    let app = spawn_app_with(|settings| settings.exposure = Exposure::CLOSED).await;
    let response = app.client.get(format!("{}/graphql", app.address)).send().await.unwrap();
    assert_eq!(response.status(), 400);
    assert!(!response.text().await.unwrap().to_lowercase().contains("graphiql"));
}

#[tokio::test]
async fn production_closes_introspection_and_graphiql_unless_switched_on() {
    let closed = cogo_tests::process::spawn_server_process(
        &cogo_tests::fresh_database_url().await,
        &[("COGO_ENV", "production")],
    )
    .await;
    let opened = cogo_tests::process::spawn_server_process(
        &cogo_tests::fresh_database_url().await,
        &[("COGO_ENV", "production"), ("COGO_INTROSPECTION", "true"), ("COGO_GRAPHIQL", "true")],
    )
    .await;
    let client = reqwest::Client::new();
    let probe = |address: String| {
        let client = client.clone();
        async move {
            let introspection: Value = client
                .post(format!("{address}/graphql"))
                .json(&json!({ "query": INTROSPECTION }))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let graphiql = client.get(format!("{address}/graphql")).send().await.unwrap().text().await.unwrap();
            (
                introspection["data"]["__schema"]["queryType"]["name"] == "Query",
                graphiql.to_lowercase().contains("graphiql"),
            )
        }
    };

    assert_eq!(probe(closed.address.clone()).await, (false, false));
    assert_eq!(probe(opened.address.clone()).await, (true, true));
    // `/metrics` too is off in production unless asked for.
    let metrics_status = |address: String| {
        let client = client.clone();
        async move { client.get(format!("{address}/metrics")).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(metrics_status(closed.address.clone()).await, 404);
    let metered = cogo_tests::process::spawn_server_process(
        &cogo_tests::fresh_database_url().await,
        &[("COGO_ENV", "production"), ("COGO_METRICS", "true")],
    )
    .await;
    assert_eq!(metrics_status(metered.address.clone()).await, 200);
}

#[tokio::test]
async fn an_http_timeout_shorter_than_the_execution_timeout_stops_the_start() {
    let (code, output) = cogo_tests::process::run_to_exit(
        &cogo_tests::fresh_database_url().await,
        &[("COGO_HTTP_TIMEOUT_SECONDS", "5"), ("COGO_REQUEST_TIMEOUT_SECONDS", "10")],
        &["serve"],
    )
    .await;
    assert_ne!(code, Some(0));
    assert!(output.contains("COGO_HTTP_TIMEOUT_SECONDS must be longer"), "{output}");
}
