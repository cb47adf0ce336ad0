//! Persisted queries: the Apollo protocol (hash first, text once) and the trusted-documents mode.

use std::sync::Arc;

use cogo_api::persisted_queries::{PersistedQueryMode, TrustedDocuments, sha256_hex};
use cogo_tests::{TestApp, data, error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const CONSENT_PURPOSES: &str = "query ConsentPurposes {\n  consentPurposes { key legalBasis description }\n}";

/// POSTs a request body as given (query, hash extension, or both).
async fn post(app: &TestApp, body: Value) -> Value {
    let response = app.client.post(format!("{}/graphql", app.address)).json(&body).send().await.unwrap();
    response.json().await.unwrap()
}

fn by_hash(hash: &str) -> Value {
    json!({ "extensions": { "persistedQuery": { "version": 1, "sha256Hash": hash } } })
}

fn with_text(query: &str) -> Value {
    json!({ "query": query, "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(query) } } })
}

/// GET `/graphql` naming the document by its hash alone.
async fn get_by_hash(app: &TestApp, hash: &str) -> reqwest::Response {
    let extensions = by_hash(hash)["extensions"].to_string();
    let request = app.client.get(format!("{}/graphql", app.address)).query(&[("extensions", extensions.as_str())]);
    request.send().await.unwrap()
}

/// The text of one of the mobile app's operations (from its first words, `mutation SignUp`, to its closing brace),
/// as it stands in the app's document and in the trusted-documents list.
fn mobile_operation(start_of: &str) -> String {
    let clients =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients/mobile.graphql"))
            .unwrap();
    let start = clients.find(start_of).unwrap();
    let end = start + clients[start..].find("\n}\n").unwrap() + 2;
    clients[start..end].to_string()
}

fn trusted_app_settings(settings: &mut cogo_api::Settings) {
    let list = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../clients/trusted-documents.json");
    settings.persisted_queries = PersistedQueryMode::Trusted(Arc::new(TrustedDocuments::load(&list).unwrap()));
}

#[tokio::test]
async fn an_unknown_hash_is_asked_for_then_the_text_registers_it_and_the_hash_alone_runs() {
    let app = spawn_app().await;
    let query = "{ consentPurposes { key } }";
    let unknown = post(&app, by_hash(&sha256_hex(query))).await;
    assert_eq!(error_code(&unknown), "PERSISTED_QUERY_NOT_FOUND");
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound", "the message Apollo clients look for");

    let registered = post(&app, with_text(query)).await;
    assert!(data(&registered)["consentPurposes"].as_array().is_some_and(|p| !p.is_empty()));
    let by_hash_alone = post(&app, by_hash(&sha256_hex(query))).await;
    assert_eq!(data(&by_hash_alone), data(&registered));
}

#[tokio::test]
async fn the_hash_must_be_the_texts_and_well_formed() {
    let app = spawn_app().await;
    let mismatch = json!({ "query": "{ __typename }", "extensions": { "persistedQuery": {
        "version": 1, "sha256Hash": sha256_hex("{ consentPurposes { key } }") } } });
    assert_eq!(error_code(&post(&app, mismatch).await), "BAD_USER_INPUT");
    // Nothing was registered under the other document's hash.
    let lookup = post(&app, by_hash(&sha256_hex("{ consentPurposes { key } }"))).await;
    assert_eq!(error_code(&lookup), "PERSISTED_QUERY_NOT_FOUND");
    for bad in [json!({ "version": 2, "sha256Hash": sha256_hex("{ a }") }), json!({ "version": 1, "sha256Hash": "x" })]
    {
        let body = post(&app, json!({ "query": "{ __typename }", "extensions": { "persistedQuery": bad } })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
    }
}

#[tokio::test]
async fn a_registered_hash_also_runs_over_get() {
    let app = spawn_app().await;
    let query = "{ consentPurposes { key } }";
    data(&post(&app, with_text(query)).await);
    let body: Value = get_by_hash(&app, &sha256_hex(query)).await.json().await.unwrap();
    assert!(data(&body)["consentPurposes"].is_array(), "{body}");
}

#[tokio::test]
async fn with_persisted_queries_off_a_hash_is_refused_and_text_still_runs() {
    let app = spawn_app_with(|s| s.persisted_queries = PersistedQueryMode::Off).await;
    assert_eq!(error_code(&post(&app, by_hash(&sha256_hex("{ __typename }"))).await), "PERSISTED_QUERY_NOT_SUPPORTED");
    assert_eq!(data(&app.gql("{ __typename }", json!({})).await)["__typename"], "Query");
}

#[tokio::test]
async fn in_trusted_mode_only_the_clients_operations_run_by_hash_or_by_text() {
    let app = spawn_app_with(trusted_app_settings).await;
    let by_hash = post(
        &app,
        json!({ "operationName": "ConsentPurposes",
        "extensions": { "persistedQuery": { "version": 1, "sha256Hash": sha256_hex(CONSENT_PURPOSES) } } }),
    )
    .await;
    assert!(data(&by_hash)["consentPurposes"].is_array());
    let by_text = app.gql(CONSENT_PURPOSES, json!({})).await;
    assert_eq!(data(&by_text), data(&by_hash));

    for foreign in
        ["{ __typename }", "{ consentPurposes { key } }", "query ConsentPurposes { consentPurposes { key } }"]
    {
        let refused = app.gql(foreign, json!({})).await;
        assert_eq!(error_code(&refused), "PERSISTED_QUERY_NOT_TRUSTED", "{foreign}");
        assert!(refused.get("data").is_none_or(Value::is_null));
    }
    // Registering a new document through the Automatic protocol is not possible either.
    let registering = post(&app, with_text("{ __typename }")).await;
    assert_eq!(error_code(&registering), "PERSISTED_QUERY_NOT_TRUSTED");
}

#[tokio::test]
async fn in_trusted_mode_a_mutation_outside_the_list_changes_nothing() {
    let app = spawn_app_with(trusted_app_settings).await;
    let foreign_sign_up = "mutation { signUp(input: { name: \"Eve\", email: \"eve@example.se\", password: \"correct horse battery\" }) { accessToken } }";
    assert_eq!(error_code(&app.gql(foreign_sign_up, json!({})).await), "PERSISTED_QUERY_NOT_TRUSTED");
    // The app's own SignUp, sent by hash, works, and the address was still free.
    let mut request = by_hash(&sha256_hex(&mobile_operation("mutation SignUp")));
    request["variables"] = json!({ "name": "Eve", "email": "eve@example.se", "password": "correct horse battery" });
    let body = post(&app, request).await;
    assert!(data(&body)["signUp"]["accessToken"].is_string(), "{body}");
}

#[tokio::test]
async fn a_mutation_named_by_its_hash_is_refused_over_get_and_changes_nothing() {
    let app = spawn_app().await;
    let log_out = "mutation LogOut { logOut }";
    // Registered over POST (it fails there for want of a session, but the document is kept).
    post(&app, with_text(log_out)).await;
    let statements = app.statements.get();
    let response = get_by_hash(&app, &sha256_hex(log_out)).await;
    assert_eq!(response.status(), 405);
    assert_eq!(response.headers()["allow"], "POST");
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "METHOD_NOT_ALLOWED");
    assert_eq!(app.statements.get(), statements, "nothing ran");
}

#[tokio::test]
async fn in_trusted_mode_a_listed_mutation_is_refused_over_get() {
    let app = spawn_app_with(trusted_app_settings).await;
    let response = get_by_hash(&app, &sha256_hex(&mobile_operation("mutation LogOut"))).await;
    assert_eq!(response.status(), 405);
    let body: Value = response.json().await.unwrap();
    assert_eq!(error_code(&body), "METHOD_NOT_ALLOWED");
}
