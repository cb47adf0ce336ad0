//! The staff audit log (policy §4.12, GDPR art. 5(2)): who did what to whose data, by id and request, never by name
//! or e-mail; append-only and hash-chained, so that an entry changed or removed in the database shows as a break
//! at that entry.

use cogo_tests::{TestApp, TestUser, data, spawn_app};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use super::{
    AUDIT_LOG, LOOK_UP_USER, REPORT_INCIDENT, VERIFY_AUDIT_LOG, admin_of, audit_entries, incident, int, latest_entry,
    now_of, officer_of, verify,
};

/// `n` look-ups of one person by the officer, one request each.
async fn look_up_times(app: &TestApp, officer: &TestUser, person: &TestUser, n: usize) {
    for _ in 0..n {
        data(&app.gql_as(officer, LOOK_UP_USER, json!({ "email": person.email })).await);
    }
}

/// A log of at least a dozen entries, all of them read before anything is tampered with.
async fn a_dozen_entries() -> (TestApp, TestUser, Vec<Value>) {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let person = app.sign_up("Olle Person").await;
    look_up_times(&app, &officer, &person, 12).await;
    let entries = audit_entries(&app, &officer).await;
    (app, officer, entries)
}

fn entry_at(entries: &[Value], position: i64) -> &Value {
    entries.iter().find(|e| int(&e["position"]) == position).unwrap_or_else(|| panic!("no entry at {position}"))
}

async fn execute(app: &TestApp, sql: &str) {
    let done = app.context.db.execute_unprepared(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    assert_eq!(done.rows_affected(), 1, "{sql}");
}

#[tokio::test]
async fn a_look_up_is_logged_with_who_whom_and_which_request_but_no_name_or_email() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let person = app.sign_up("Zelma Quarnström").await;

    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&officer.access_token)
        .json(&json!({ "query": LOOK_UP_USER, "variables": { "email": person.email } }))
        .send()
        .await
        .unwrap();
    let request_id = response.headers()["x-request-id"].to_str().unwrap().to_string();
    let body: Value = response.json().await.unwrap();

    assert_eq!(data(&body)["userByEmail"]["id"], person.id.as_str());
    let entries = audit_entries(&app, &officer).await;
    let entry = entries.iter().find(|e| e["action"] == "USER_LOOKED_UP").expect("the look-up is logged");
    assert_eq!(entry["actorKind"], "STAFF", "{entry}");
    assert_eq!(entry["actorId"], officer.id.as_str(), "{entry}");
    assert_eq!(entry["subjectKind"], "USER", "{entry}");
    assert_eq!(entry["subjectId"], person.id.as_str(), "{entry}");
    assert_eq!(entry["requestId"], request_id.as_str(), "{entry}");
    let whole_log = serde_json::to_string(&entries).unwrap().to_lowercase();
    for personal in [person.email.to_lowercase(), "zelma".into(), "quarnstr".into()] {
        assert!(!whole_log.contains(&personal), "the audit log holds {personal:?}: {whole_log}");
    }
    let as_the_client_asks = app.gql_as(&officer, AUDIT_LOG, json!({ "first": 1 })).await;
    assert_eq!(data(&as_the_client_asks)["auditLog"]["edges"][0]["node"]["id"], entries[0]["id"]);
}

#[tokio::test]
async fn a_look_up_that_finds_nobody_is_logged_without_a_subject() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;

    let body = app.gql_as(&officer, LOOK_UP_USER, json!({ "email": "nobody.at.all@example.se" })).await;

    assert!(data(&body)["userByEmail"].is_null(), "{body}");
    let entry = latest_entry(&app, &officer, "USER_LOOKED_UP").await;
    assert_eq!(entry["actorId"], officer.id.as_str(), "{entry}");
    assert!(entry["subjectId"].is_null(), "{entry}");
    let whole_log = serde_json::to_string(&audit_entries(&app, &officer).await).unwrap();
    assert!(!whole_log.contains("nobody.at.all"), "{whole_log}");
}

#[tokio::test]
async fn a_role_granted_from_the_command_line_is_logged_as_the_operators() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let admin = admin_of(&app).await;

    let entries = audit_entries(&app, &officer).await;

    for staff in [&officer, &admin] {
        let granted = entries
            .iter()
            .find(|e| e["action"] == "ROLE_GRANTED" && e["subjectId"] == staff.id.as_str())
            .unwrap_or_else(|| panic!("no ROLE_GRANTED for {}: {entries:?}", staff.name));
        assert_eq!(granted["actorKind"], "OPERATOR", "{granted}");
        assert!(granted["actorId"].is_null(), "{granted}");
        assert_eq!(granted["subjectKind"], "USER", "{granted}");
        assert!(granted["requestId"].is_null(), "{granted}");
    }
}

#[tokio::test]
async fn the_chain_holds_after_a_hundred_concurrent_staff_actions() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let admin = admin_of(&app).await;
    let person = app.sign_up("Olle Person").await;
    let now = now_of(&app);

    let actions = (0..100).map(|i| match i % 3 {
        0 => app.gql_as(&officer, REPORT_INCIDENT, json!({ "input": incident(now) })),
        1 => app.gql_as(&officer, LOOK_UP_USER, json!({ "email": person.email })),
        _ => app.gql_as(&admin, LOOK_UP_USER, json!({ "email": person.email })),
    });
    let results = futures::future::join_all(actions).await;

    for result in &results {
        data(result);
    }
    let mut entries = audit_entries(&app, &officer).await;
    entries.sort_by_key(|e| -int(&e["position"]));
    let verification = verify(&app, &officer).await;
    assert_eq!(verification["intact"], true, "{verification}");
    assert!(verification["firstBrokenEntryId"].is_null(), "{verification}");
    assert!(int(&verification["checkedEntries"]) >= 100, "{verification}");
    assert_eq!(int(&verification["checkedEntries"]), entries.len() as i64, "{verification}");
    let staff_actions = entries.iter().filter(|e| e["actorKind"] == "STAFF").count();
    assert!(staff_actions >= 100, "{staff_actions} staff entries");
    for pair in entries.windows(2) {
        let (newer, older) = (&pair[0], &pair[1]);
        assert_eq!(int(&newer["position"]), int(&older["position"]) + 1, "a gap or a repeat: {newer} {older}");
        assert_eq!(newer["previousHash"], older["hash"], "the chain is not linked: {newer} {older}");
    }
    let as_the_client_asks = data(&app.gql_as(&officer, VERIFY_AUDIT_LOG, json!({})).await)["verifyAuditLog"].clone();
    assert_eq!(as_the_client_asks["intact"], true);
    assert_eq!(verification["headHash"], entries[0]["hash"], "{verification}");
}

#[tokio::test]
async fn an_entry_changed_in_the_database_breaks_the_chain_at_that_entry() {
    let (app, officer, entries) = a_dozen_entries().await;
    assert_eq!(verify(&app, &officer).await["intact"], true);
    let seventh = entry_at(&entries, 7)["id"].clone();

    execute(&app, "UPDATE audit_log SET action = 'TAMPERED' WHERE position = 7").await;

    let verification = verify(&app, &officer).await;
    assert_eq!(verification["intact"], false, "{verification}");
    assert_eq!(int(&verification["firstBrokenPosition"]), 7, "{verification}");
    assert_eq!(verification["firstBrokenEntryId"], seventh, "{verification}");
    assert!(verification["problem"].as_str().is_some_and(|p| !p.is_empty()), "{verification}");
    let as_the_client_asks = data(&app.gql_as(&officer, VERIFY_AUDIT_LOG, json!({})).await)["verifyAuditLog"].clone();
    assert_eq!(as_the_client_asks["intact"], false);
    assert_eq!(as_the_client_asks["firstBrokenEntryId"], seventh);
}

#[tokio::test]
async fn an_entry_deleted_from_the_database_breaks_the_chain_at_its_place() {
    let (app, officer, entries) = a_dozen_entries().await;
    let ninth = entry_at(&entries, 9)["id"].clone();

    execute(&app, "DELETE FROM audit_log WHERE position = 9").await;

    let verification = verify(&app, &officer).await;
    assert_eq!(verification["intact"], false, "{verification}");
    assert_eq!(int(&verification["firstBrokenPosition"]), 9, "{verification}");
    assert_eq!(verification["firstBrokenEntryId"], ninth, "{verification}");
}

#[tokio::test]
async fn deleting_the_newest_entry_is_detected() {
    let (app, officer, entries) = a_dozen_entries().await;
    let newest = int(&entries[0]["position"]);

    execute(&app, &format!("DELETE FROM audit_log WHERE position = {newest}")).await;

    let verification = verify(&app, &officer).await;
    assert_eq!(verification["intact"], false, "{verification}");
}

#[tokio::test]
async fn the_api_offers_no_way_to_change_or_remove_an_entry() {
    let (app, officer, entries) = a_dozen_entries().await;
    let id = &entries[0]["id"];

    for mutation in [
        "mutation($id: ID!) { deleteAuditLogEntry(id: $id) }",
        "mutation($id: ID!) { updateAuditLogEntry(id: $id, action: \"NOTHING\") { id } }",
        "mutation { clearAuditLog }",
    ] {
        let body = app.gql_as(&officer, mutation, json!({ "id": id })).await;
        assert!(body["errors"].as_array().is_some_and(|e| !e.is_empty()), "{mutation}: {body}");
        assert!(body["data"].is_null(), "{mutation} ran: {body}");
    }
    assert_eq!(audit_entries(&app, &officer).await, entries);
}
