//! The request register: every request with its one-month deadline, in-app requests complete at once, requests by
//! e-mail or letter recorded and completed by the privacy officer.

use chrono::{DateTime, Datelike, TimeZone, Utc};
use cogo_tests::{data, error_code, spawn_app};
use serde_json::json;

use super::{COMPLETE_REQUEST, RECORD_REQUEST, everything, register_entries, request_kinds_of};

const RESTRICT: &str =
    "mutation RestrictProcessing($restricted: Boolean!) { restrictProcessing(restricted: $restricted) }";

fn date_of(value: &serde_json::Value) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap().with_timezone(&Utc)
}

#[tokio::test]
async fn rights_exercised_in_the_app_are_logged_and_complete_at_once() {
    let w = everything().await;

    data(&w.app.gql_as(&w.person, RESTRICT, json!({ "restricted": true })).await);
    data(&w.app.gql_as(&w.person, RESTRICT, json!({ "restricted": false })).await);

    let kinds = request_kinds_of(&w.app, &w.privacy_officer, &w.person).await;
    assert_eq!(kinds, vec!["RECTIFICATION", "OBJECTION", "RESTRICTION", "RESTRICTION"]);
    for entry in register_entries(&w.app, &w.privacy_officer).await {
        assert_eq!(entry["channel"], "app");
        assert_eq!(entry["completedAt"], entry["receivedAt"], "{entry}");
        assert_eq!(entry["overdue"], false);
    }
}

#[tokio::test]
async fn a_request_by_email_is_due_one_month_later_and_completed_by_the_officer() {
    let w = everything().await;

    let body = w
        .app
        .gql_as(
            &w.privacy_officer,
            RECORD_REQUEST,
            json!({ "email": w.person.email.to_uppercase(), "kind": "ACCESS", "channel": "email" }),
        )
        .await;
    let recorded = data(&body)["recordDataSubjectRequest"].clone();
    let completed =
        data(&w.app.gql_as(&w.privacy_officer, COMPLETE_REQUEST, json!({ "id": recorded["id"] })).await)
            ["completeDataSubjectRequest"]
            .clone();
    let again = w.app.gql_as(&w.privacy_officer, COMPLETE_REQUEST, json!({ "id": recorded["id"] })).await;

    assert_eq!(recorded["kind"], "ACCESS");
    assert_eq!(recorded["channel"], "email");
    assert!(recorded["completedAt"].is_null());
    let (received, due) = (date_of(&recorded["receivedAt"]), date_of(&recorded["dueAt"]));
    assert!(due > received + chrono::Duration::days(27) && due <= received + chrono::Duration::days(31));
    assert!(completed["completedAt"].is_string());
    assert_eq!(error_code(&again), "CONFLICT");
}

#[tokio::test]
async fn a_request_received_on_31_january_is_due_at_the_end_of_february() {
    let app = spawn_app().await;
    let officer = app.grant_role(&app.sign_up("Petra Officer").await, "PRIVACY_OFFICER").await;
    let person = app.sign_up("Olle Person").await;
    let received = Utc.with_ymd_and_hms(2027, 1, 31, 10, 0, 0).unwrap();
    app.advance_clock(received - Utc::now());

    let officer = app.log_in(&officer).await;
    let body = app
        .gql_as(&officer, RECORD_REQUEST, json!({ "email": person.email, "kind": "ERASURE", "channel": "letter" }))
        .await;

    let due = date_of(&data(&body)["recordDataSubjectRequest"]["dueAt"]);
    assert_eq!((due.year(), due.month(), due.day()), (2027, 2, 28));
}

#[tokio::test]
async fn an_open_request_past_its_deadline_is_overdue() {
    let w = everything().await;
    data(
        &w.app
            .gql_as(
                &w.privacy_officer,
                RECORD_REQUEST,
                json!({ "email": w.person.email, "kind": "RECTIFICATION", "channel": "letter" }),
            )
            .await,
    );

    w.app.advance_clock(chrono::Duration::days(32));
    let officer = w.app.log_in(&w.privacy_officer).await;

    let open: Vec<_> =
        register_entries(&w.app, &officer).await.into_iter().filter(|e| e["completedAt"].is_null()).collect();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["overdue"], true);
}

#[tokio::test]
async fn recording_a_request_checks_the_email_and_the_channel() {
    let w = everything().await;

    let unknown = w
        .app
        .gql_as(
            &w.privacy_officer,
            RECORD_REQUEST,
            json!({ "email": "nobody@example.se", "kind": "ACCESS", "channel": "email" }),
        )
        .await;
    let bad_channel = w
        .app
        .gql_as(&w.privacy_officer, RECORD_REQUEST, json!({ "email": w.person.email, "kind": "ACCESS", "channel": "" }))
        .await;

    assert_eq!(error_code(&unknown), "NOT_FOUND");
    assert_eq!(error_code(&bad_channel), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_register_pages_newest_first() {
    let w = everything().await;
    let all = register_entries(&w.app, &w.privacy_officer).await;

    let first = w.app.gql_as(&w.privacy_officer, super::DATA_SUBJECT_REQUESTS, json!({ "first": 1 })).await;
    let cursor = data(&first)["dataSubjectRequests"]["pageInfo"]["endCursor"].clone();
    let second =
        w.app.gql_as(&w.privacy_officer, super::DATA_SUBJECT_REQUESTS, json!({ "first": 1, "after": cursor })).await;

    assert!(all.len() >= 2);
    assert_eq!(data(&first)["dataSubjectRequests"]["edges"][0]["node"]["id"], all[0]["id"]);
    assert_eq!(data(&second)["dataSubjectRequests"]["edges"][0]["node"]["id"], all[1]["id"]);
}
