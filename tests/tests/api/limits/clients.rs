//! What the clients send fits within the limits.

use cogo_tests::spawn_app;
use serde_json::json;

/// Every operation in the clients' documents, at the largest page they may ask for, passes every limit (it may
/// fail for other reasons: signed out, or a field this API does not have yet).
#[tokio::test]
async fn every_client_operation_fits_within_the_limits() {
    let app = spawn_app().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/clients");
    let limit_codes =
        ["QUERY_TOO_DEEP", "QUERY_TOO_COMPLEX", "TOO_MANY_FIELDS", "TOO_MANY_DIRECTIVES", "FIELD_ONCE_PER_REQUEST"];
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for operation in operations_of(&text) {
            let variables = json!({ "first": 100, "from": "2026-01-01", "to": "2026-12-31" });
            let body = app.gql(&operation, variables).await;
            for error in body["errors"].as_array().into_iter().flatten() {
                let code = error["extensions"]["code"].as_str().unwrap_or_default();
                assert!(!limit_codes.contains(&code), "{operation}\n{body}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 50, "only {checked} operations found in {dir}");
}

/// The operations of a client document, one text each (each starts at the beginning of a line).
fn operations_of(document: &str) -> Vec<String> {
    let mut operations: Vec<String> = Vec::new();
    for line in document.lines() {
        if line.starts_with('#') {
            continue;
        }
        if ["query ", "mutation ", "subscription "].iter().any(|start| line.starts_with(start)) {
            operations.push(String::new());
        }
        if let Some(current) = operations.last_mut() {
            current.push_str(line);
            current.push('\n');
        }
    }
    operations
}
