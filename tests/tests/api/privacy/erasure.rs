//! Erasure: `deleteAccount` by the person and `eraseUser` on a request received outside the app.

use cogo_tests::{LOG_IN, data, error_code};
use serde_json::json;

use super::{
    DELETE_ACCOUNT, ERASE_USER, RECORD_REQUEST, catalogue::traces_of, everything, register_entries, sign_up_recruited,
};
use crate::offers::PARTNER_REDEMPTIONS;

const RECRUITS: &str = "{ me { recruits { name joinedAt } } }";
const LEDGER_TOTALS: &str = "{ me { points { balance } } }";

#[tokio::test]
async fn a_wrong_password_erases_nothing() {
    let w = everything().await;

    let body = w.app.gql_as(&w.person, DELETE_ACCOUNT, json!({ "password": "not my password" })).await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let me = w.app.gql_as(&w.person, "{ me { email } }", json!({})).await;
    assert_eq!(data(&me)["me"]["email"], w.person.email.as_str());
}

#[tokio::test]
async fn a_deleted_account_leaves_no_trace_outside_bookkeeping() {
    let w = everything().await;
    let old_email = w.person.email.clone();

    let body = w.app.gql_as(&w.person, DELETE_ACCOUNT, json!({ "password": w.person.password })).await;

    assert_eq!(data(&body)["deleteAccount"], true);
    // Signed out everywhere, and no way back in.
    let me = w.app.gql_as(&w.person, "{ me { id } }", json!({})).await;
    assert_eq!(error_code(&me), "UNAUTHENTICATED");
    let log_in = w.app.gql(LOG_IN, json!({ "email": old_email, "password": w.person.password })).await;
    assert_eq!(error_code(&log_in), "UNAUTHENTICATED");
    // The recruiter's list no longer names them.
    let recruits = data(&w.app.gql_as(&w.recruiter, RECRUITS, json!({})).await)["me"]["recruits"].clone();
    assert_eq!(recruits, json!([]));
    // The merchant keeps the sales, under a pseudonym only.
    let seen =
        data(&w.app.gql_as(&w.merchant, PARTNER_REDEMPTIONS, json!({ "first": 10 })).await)["myPartner"]["redemptions"]
            ["edges"]
            .clone();
    assert_eq!(seen.as_array().unwrap().len(), 2);
    for edge in seen.as_array().unwrap() {
        let customer = &edge["node"]["customer"];
        assert!(customer["pseudonym"].is_string(), "{customer}");
        assert!(customer["name"].is_null() && customer["email"].is_null(), "{customer}");
    }
    // The erasure is in the register, with the partner that must be told (art. 19).
    let erasure = register_entries(&w.app, &w.privacy_officer)
        .await
        .into_iter()
        .find(|e| e["kind"] == "ERASURE")
        .expect("the erasure is logged");
    assert_eq!(erasure["subjectId"], w.person.id.as_str());
    assert!(erasure["completedAt"].is_string());
    assert_eq!(erasure["recipients"], json!([w.partner_name]));
    // Nothing names them anywhere in the database.
    let traces = traces_of(&w.app, &[&old_email], &[&w.first_name, &w.person.name], w.person_id()).await;
    assert!(traces.is_empty(), "left behind: {traces:?}");
}

#[tokio::test]
async fn the_ledger_of_an_erased_account_still_adds_up() {
    let w = everything().await;
    data(&w.app.gql_as(&w.person, DELETE_ACCOUNT, json!({ "password": w.person.password })).await);

    let db = &w.app.context.db;
    let backend = sea_orm::ConnectionTrait::get_database_backend(db);
    let sql = format!(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) AS total FROM point_ledger_entries WHERE user_id = {}",
        uuid_literal(backend, w.person_id())
    );
    let row = sea_orm::ConnectionTrait::query_one_raw(db, sea_orm::Statement::from_string(backend, sql))
        .await
        .unwrap()
        .unwrap();
    let ledger_total: i64 = row.try_get("", "total").unwrap();
    assert_eq!(ledger_total, 0, "what was left is forfeited on closure, so the ledger sums to the balance (0)");
    // The other users' balances are untouched.
    let recruiter =
        data(&w.app.gql_as(&w.recruiter, LEDGER_TOTALS, json!({})).await)["me"]["points"]["balance"].clone();
    assert!(recruiter.is_i64());
}

fn uuid_literal(backend: sea_orm::DatabaseBackend, id: uuid::Uuid) -> String {
    match backend {
        sea_orm::DatabaseBackend::Postgres => format!("'{id}'"),
        _ => format!("X'{}'", id.simple()),
    }
}

#[tokio::test]
async fn the_email_signs_up_again_at_once() {
    let w = everything().await;
    data(&w.app.gql_as(&w.person, DELETE_ACCOUNT, json!({ "password": w.person.password })).await);

    let again = w.app.sign_up_with("Zelma Again", &w.person.email, "another good password").await;

    assert_ne!(again.id, w.person.id);
    let export = super::export_of(&w.app, &again).await.to_string();
    assert!(!export.contains("Quarnström") && !export.contains(&w.person.id), "a fresh account: {export}");
}

#[tokio::test]
async fn a_recruit_who_is_erased_leaves_the_recruiters_list() {
    let w = everything().await;
    let recruit_code = super::code_of(&w.app, &w.recruit).await;
    let grandchild = sign_up_recruited(&w.app, "Gustav Grandchild", &recruit_code).await;

    data(&w.app.gql_as(&w.recruit, DELETE_ACCOUNT, json!({ "password": w.recruit.password })).await);

    let recruits = data(&w.app.gql_as(&w.person, RECRUITS, json!({})).await)["me"]["recruits"].clone();
    assert_eq!(recruits, json!([]));
    // Their own recruit stays, no longer linked to anyone.
    let export = super::export_of(&w.app, &grandchild).await;
    assert_eq!(export["referrals"]["referred"], false, "{}", export["referrals"]);
}

#[tokio::test]
async fn the_privacy_officer_erases_on_a_recorded_request_and_completes_it() {
    let w = everything().await;
    let officer = &w.privacy_officer;
    let request = data(
        &w.app
            .gql_as(officer, RECORD_REQUEST, json!({ "email": w.person.email, "kind": "ERASURE", "channel": "letter" }))
            .await,
    )["recordDataSubjectRequest"]["id"]
        .clone();
    let access_request = data(
        &w.app
            .gql_as(officer, RECORD_REQUEST, json!({ "email": w.person.email, "kind": "ACCESS", "channel": "letter" }))
            .await,
    )["recordDataSubjectRequest"]["id"]
        .clone();

    let wrong_kind =
        w.app.gql_as(officer, ERASE_USER, json!({ "userId": w.person.id, "requestId": access_request })).await;
    let wrong_user = w.app.gql_as(officer, ERASE_USER, json!({ "userId": w.recruiter.id, "requestId": request })).await;
    let erased = w.app.gql_as(officer, ERASE_USER, json!({ "userId": w.person.id, "requestId": request })).await;
    let twice = w.app.gql_as(officer, ERASE_USER, json!({ "userId": w.person.id, "requestId": request })).await;

    assert_eq!(error_code(&wrong_kind), "BAD_USER_INPUT");
    assert_eq!(error_code(&wrong_user), "BAD_USER_INPUT");
    assert_eq!(data(&erased)["eraseUser"], true);
    assert_eq!(error_code(&twice), "CONFLICT");
    let entry = register_entries(&w.app, officer).await.into_iter().find(|e| e["id"] == request).unwrap();
    assert!(entry["completedAt"].is_string());
    assert_eq!(entry["recipients"], json!([w.partner_name]));
    let me = w.app.gql_as(&w.person, "{ me { id } }", json!({})).await;
    assert_eq!(error_code(&me), "UNAUTHENTICATED");
    let traces = traces_of(&w.app, &[&w.person.email], &[&w.first_name, &w.person.name], w.person_id()).await;
    assert!(traces.is_empty(), "left behind: {traces:?}");
}

#[tokio::test]
async fn on_postgresql_an_erasure_waits_for_a_write_in_flight_and_later_writes_find_no_account() {
    use sea_orm::{DatabaseBackend, TransactionTrait};

    let w = everything().await;
    let ctx = &w.app.context;
    if ctx.db.get_database_backend() != DatabaseBackend::Postgres {
        return; // SQLite runs one transaction at a time.
    }
    // A sync (or unlock) in flight holds the account.
    let in_flight = ctx.db.begin().await.unwrap();
    ctx.hooks.accounts().unwrap().hold_open_account(&in_flight, w.person_id()).await.unwrap();

    let deleting = tokio::spawn({
        let (app_address, client, person) = (w.app.address.clone(), w.app.client.clone(), w.person.clone());
        async move {
            client
                .post(format!("{app_address}/graphql"))
                .bearer_auth(&person.access_token)
                .json(&json!({ "query": DELETE_ACCOUNT, "variables": { "password": person.password } }))
                .send()
                .await
                .unwrap()
                .json::<serde_json::Value>()
                .await
                .unwrap()
        }
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let waited = !deleting.is_finished();
    in_flight.commit().await.unwrap();
    let body = deleting.await.unwrap();

    assert!(waited, "the erasure waits for the write in flight");
    assert_eq!(data(&body)["deleteAccount"], true);
    // A write that starts after the erasure finds no account.
    let late = ctx.db.begin().await.unwrap();
    let refused = ctx.hooks.accounts().unwrap().hold_open_account(&late, w.person_id()).await;
    assert!(refused.is_err());
}
