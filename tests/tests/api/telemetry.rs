//! Telemetry: anonymous, aggregate-only app statistics. Recording leaves no trace of the person who sent it; the
//! report never shows a group smaller than five, not even as the difference of two reports; only analysts (and
//! admins) read it.

use chrono::{Duration, Utc};
use cogo_tests::{TestApp, data, error_code, spawn_app};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::privacy::catalogue::traces_of;

const RECORD: &str = "mutation RecordTelemetry($events: [TelemetryEventInput!]!) { recordTelemetry(events: $events) }";
const REPORT: &str = "query TelemetryReport($from: Date!, $to: Date!) {
  telemetryReport(from: $from, to: $to) { day kind name deviceType os appVersion country count } }";
const PURGE: &str = "mutation { runRetentionPurge { total } }";

fn event(name: &str, days_ago: i64) -> Value {
    json!({ "kind": "screen_view", "name": name, "deviceType": "phone", "os": "iOS", "osVersion": "26.1",
        "appVersion": "2.4.1", "country": "SE", "occurredAt": (Utc::now() - Duration::days(days_ago)).to_rfc3339() })
}

fn day(days_ago: i64) -> String {
    (Utc::now() - Duration::days(days_ago)).date_naive().to_string()
}

async fn record(app: &TestApp, events: Vec<Value>) -> Value {
    app.gql(RECORD, json!({ "events": events })).await
}

async fn report_as(app: &TestApp, analyst: &cogo_tests::TestUser, from: &str, to: &str) -> Vec<Value> {
    let body = app.gql_as(analyst, REPORT, json!({ "from": from, "to": to })).await;
    data(&body)["telemetryReport"].as_array().unwrap().clone()
}

#[tokio::test]
async fn events_from_a_signed_in_user_leave_no_trace_of_them_in_any_table() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna Telemetrysson").await;
    let id = Uuid::parse_str(&anna.id).unwrap();
    let needles = [anna.email.as_str(), "127.0.0.1"];
    let before = traces_of(&app, &needles, &[&anna.name], id).await;

    let body = app.gql_as(&anna, RECORD, json!({ "events": [event("home", 0), event("offers", 0)] })).await;
    let after = traces_of(&app, &needles, &[&anna.name], id).await;

    assert_eq!(data(&body)["recordTelemetry"], 2);
    assert_eq!(before, after, "recording added no trace of the person or their address");
    assert!(!after.iter().any(|t| t.starts_with("telemetry")), "{after:?}");
}

#[tokio::test]
async fn small_counts_are_merged_into_other_or_dropped_and_differencing_reveals_nothing() {
    let app = spawn_app().await;
    let analyst = app.grant_role(&app.sign_up("Ada Analyst").await, "ANALYST").await;
    let mut events = vec![event("home", 2); 7];
    events.extend(vec![event("rare", 2); 2]);
    events.extend(vec![event("settings", 2); 3]);
    events.extend(vec![event("rare", 1); 2]);
    data(&record(&app, events).await);

    let one_day = report_as(&app, &analyst, &day(2), &day(2)).await;
    let two_days = report_as(&app, &analyst, &day(2), &day(1)).await;

    let shown: Vec<(String, i64)> =
        one_day.iter().map(|r| (r["name"].as_str().unwrap().to_string(), r["count"].as_i64().unwrap())).collect();
    assert_eq!(shown, vec![("home".to_string(), 7), ("other".to_string(), 5)]);
    assert_eq!(two_days, one_day, "the second day's group of two shows in no report, nor in their difference");
    for row in two_days {
        assert!(row["count"].as_i64().unwrap() >= 5, "{row}");
        assert_ne!(row["name"], "rare");
    }
}

#[tokio::test]
async fn bad_events_are_refused_with_their_index_and_good_ones_kept() {
    let app = spawn_app().await;
    let mut bad_kind = event("home", 0);
    bad_kind["kind"] = json!("purchase");
    let mut bad_country = event("home", 0);
    bad_country["country"] = json!("XX");
    let mut free_text = event("home", 0);
    free_text["name"] = json!("Anna Andersson anna@example.se");

    let body = record(&app, vec![event("home", 0), bad_kind, bad_country, event("home", 8), free_text]).await;

    assert_eq!(body["data"]["recordTelemetry"], 1);
    let refused: Vec<i64> =
        body["errors"].as_array().unwrap().iter().map(|e| e["extensions"]["index"].as_i64().unwrap()).collect();
    assert_eq!(refused, vec![1, 2, 3, 4]);
    assert!(body["errors"].as_array().unwrap().iter().all(|e| e["extensions"]["code"] == "BAD_USER_INPUT"));
    let positions = app
        .gql(
            RECORD,
            json!({ "events": [{ "kind": "app_open", "deviceType": "phone", "os": "iOS", "appVersion": "1",
            "occurredAt": Utc::now().to_rfc3339(), "latitude": 59.33 }] }),
        )
        .await;
    assert!(positions.get("errors").is_some(), "a position is not even accepted as input: {positions}");
}

#[tokio::test]
async fn more_than_a_hundred_events_are_refused_whole() {
    let app = spawn_app().await;
    let analyst = app.grant_role(&app.sign_up("Ada Analyst").await, "ANALYST").await;

    let body = record(&app, vec![event("home", 0); 101]).await;

    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    assert!(report_as(&app, &analyst, &day(0), &day(0)).await.is_empty());
}

#[tokio::test]
async fn only_analysts_and_admins_read_the_report() {
    let app = spawn_app().await;
    let user = app.sign_up("Olle User").await;
    let officer = app.grant_role(&app.sign_up("Petra Officer").await, "PRIVACY_OFFICER").await;
    let admin = app.grant_role(&app.sign_up("Adam Admin").await, "ADMIN").await;
    let analyst = app.grant_role(&app.sign_up("Ada Analyst").await, "ANALYST").await;
    let range = json!({ "from": day(1), "to": day(0) });

    assert_eq!(error_code(&app.gql(REPORT, range.clone()).await), "UNAUTHENTICATED");
    for forbidden in [&user, &officer] {
        assert_eq!(error_code(&app.gql_as(forbidden, REPORT, range.clone()).await), "FORBIDDEN");
    }
    for allowed in [&admin, &analyst] {
        data(&app.gql_as(allowed, REPORT, range.clone()).await);
    }
}

#[tokio::test]
async fn counters_past_their_retention_are_purged() {
    let app = spawn_app().await;
    data(&record(&app, vec![event("home", 1); 6]).await);
    let recorded_on = day(1);

    app.advance_clock(Duration::days(400));
    let officer = app.grant_role(&app.sign_up("Petra Officer").await, "PRIVACY_OFFICER").await;
    let analyst = app.grant_role(&app.sign_up("Ada Analyst").await, "ANALYST").await;
    let purged = app.gql_as(&officer, PURGE, json!({})).await;

    assert!(data(&purged)["runRetentionPurge"]["total"].as_i64().unwrap() >= 1);
    assert!(report_as(&app, &analyst, &recorded_on, &recorded_on).await.is_empty());
}

#[tokio::test]
async fn concurrent_calls_add_up_to_one_counter() {
    let app = spawn_app().await;
    let analyst = app.grant_role(&app.sign_up("Ada Analyst").await, "ANALYST").await;

    let calls = (0..20).map(|_| record(&app, vec![event("home", 0); 5]));
    for body in futures::future::join_all(calls).await {
        assert_eq!(data(&body)["recordTelemetry"], 5);
    }

    let rows = report_as(&app, &analyst, &day(0), &day(0)).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["count"], 100);
}
