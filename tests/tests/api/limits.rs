//! The limits of one request (issue 10): no amplification, cost refused before anything runs, no control
//! characters. Each refusal is asserted by its code, and that nothing ran: no SQL statement was sent, or the
//! state a refused mutation would have changed is unchanged.

mod amplification;
mod clients;
mod cost;
mod text;

use cogo_tests::{TestApp, TestUser, data, error_code};
use serde_json::{Value, json};

/// POSTs and returns the size of the raw answer with the answer.
pub async fn post_measured(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> (usize, Value) {
    let mut request =
        app.client.post(format!("{}/graphql", app.address)).json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let bytes = request.send().await.expect("the server answers").bytes().await.expect("a body");
    (bytes.len(), serde_json::from_slice(&bytes).expect("the answer is JSON"))
}

/// `query` refused with `code` without a single SQL statement (signed out: not even a credentials check).
pub async fn refused_untouched(app: &TestApp, query: &str, variables: Value, code: &str) -> Value {
    let before = app.statements.get();
    let body = app.gql(query, variables).await;
    assert_eq!(error_code(&body), code, "{body}");
    assert_eq!(app.statements.get(), before, "a refused request sent SQL: {body}");
    body
}

pub fn aliases(n: usize, field: &str) -> String {
    (0..n).map(|i| format!("a{i}: {field} ")).collect()
}

pub async fn name_of(app: &TestApp, user: &TestUser) -> String {
    data(&app.gql_as(user, "{ me { name } }", json!({})).await)["me"]["name"].as_str().unwrap().to_string()
}
