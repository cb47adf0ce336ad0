//! Steps: sync, plausibility, overlap, daily cap, km → points with carry-over, consent.

use chrono::{DateTime, Duration, DurationRound, Utc};
use cogo_tests::{TestApp, TestUser, data, error_code, spawn_app};
use serde_json::{Value, json};

const SYNC: &str = "mutation SyncSteps($samples: [StepSampleInput!]!) {
  syncSteps(samples: $samples) { accepted duplicates rejected { externalId reason } creditedMeters pointsAwarded balance } }";
const STEP_DAYS: &str = "query StepDays($from: Date!, $to: Date!) {
  me { stepDays(from: $from, to: $to) { date steps distanceMeters pointsEarned } } }";
const SET_CONSENT: &str = "mutation SetConsent($purpose: String!, $granted: Boolean!) {
  setConsent(purpose: $purpose, granted: $granted) { granted } }";
const LEDGER: &str =
    "{ me { points { balance lifetimeEarned ledger(first: 50) { edges { node { amount kind } } } } } }";

/// Midnight UTC two days ago: every test walk happens on that day, safely in the past.
fn day() -> DateTime<Utc> {
    (Utc::now() - Duration::days(2)).duration_trunc(Duration::days(1)).unwrap()
}

fn at(hour: i64, minute: i64) -> DateTime<Utc> {
    day() + Duration::hours(hour) + Duration::minutes(minute)
}

fn sample(id: &str, from: DateTime<Utc>, to: DateTime<Utc>, steps: i64, metres: f64, source: &str) -> Value {
    json!({ "externalId": id, "startAt": from.to_rfc3339(), "endAt": to.to_rfc3339(), "steps": steps,
            "distanceMeters": metres, "source": source })
}

async fn walker(app: &TestApp) -> TestUser {
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    anna
}

async fn sync(app: &TestApp, user: &TestUser, samples: Vec<Value>) -> Value {
    app.gql_as(user, SYNC, json!({ "samples": samples })).await
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    data(&app.gql_as(user, LEDGER, json!({})).await)["me"]["points"]["balance"].as_i64().unwrap()
}

#[tokio::test]
async fn sync_needs_the_health_data_consent_and_stores_nothing_without_it() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let walk = vec![sample("hk-1", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone")];
    let body = sync(&app, &anna, walk.clone()).await;
    assert_eq!(error_code(&body), "CONSENT_REQUIRED");
    assert_eq!(body["errors"][0]["extensions"]["purpose"], "health_data");

    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    let body = sync(&app, &anna, walk).await;
    // Nothing was stored before: the same sample is new now.
    assert_eq!(data(&body)["syncSteps"]["accepted"], 1);
    assert_eq!(data(&body)["syncSteps"]["duplicates"], 0);
}

#[tokio::test]
async fn withdrawing_consent_stops_conversion_at_once_and_keeps_earned_points() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let body = sync(&app, &anna, vec![sample("hk-1", at(8, 0), at(9, 0), 5000, 3000.0, "iPhone")]).await;
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 3);
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": false })).await);
    let body = sync(&app, &anna, vec![sample("hk-2", at(10, 0), at(11, 0), 5000, 3000.0, "iPhone")]).await;
    assert_eq!(error_code(&body), "CONSENT_REQUIRED");
    assert_eq!(balance(&app, &anna).await, 3);
}

#[tokio::test]
async fn a_resent_batch_changes_nothing() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let walk = vec![
        sample("hk-1", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone"),
        sample("hk-2", at(10, 0), at(10, 30), 2500, 2000.0, "iPhone"),
    ];
    let first = sync(&app, &anna, walk.clone()).await;
    assert_eq!(data(&first)["syncSteps"]["accepted"], 2);
    assert_eq!(data(&first)["syncSteps"]["pointsAwarded"], 6);
    let again = sync(&app, &anna, walk).await;
    let result = &data(&again)["syncSteps"];
    assert_eq!(result["accepted"], 0);
    assert_eq!(result["duplicates"], 2);
    assert_eq!(result["pointsAwarded"], 0);
    assert_eq!(result["creditedMeters"], 0.0);
    assert_eq!(result["balance"], 6);
}

#[tokio::test]
async fn a_sample_repeated_within_one_batch_counts_once() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let walk = sample("hk-1", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone");
    let body = sync(&app, &anna, vec![walk.clone(), walk]).await;
    assert_eq!(data(&body)["syncSteps"]["accepted"], 1);
    assert_eq!(data(&body)["syncSteps"]["duplicates"], 1);
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 4);
}

#[tokio::test]
async fn implausible_samples_are_rejected_each_with_its_reason() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let now = Utc::now();
    let cases = [
        (sample("backwards", at(9, 0), at(8, 0), 100, 50.0, "iPhone"), "END_NOT_AFTER_START"),
        (sample("zero-length", at(9, 0), at(9, 0), 0, 0.0, "iPhone"), "END_NOT_AFTER_START"),
        (sample("too-long", at(0, 0), at(24, 1), 100, 50.0, "iPhone"), "SPAN_TOO_LONG"),
        (
            sample("future", now + Duration::minutes(10), now + Duration::minutes(20), 100, 50.0, "iPhone"),
            "IN_THE_FUTURE",
        ),
        (sample("negative-steps", at(8, 0), at(9, 0), -5, 50.0, "iPhone"), "NEGATIVE_VALUE"),
        (sample("negative-distance", at(8, 0), at(9, 0), 5, -50.0, "iPhone"), "NEGATIVE_VALUE"),
        (sample("cadence", at(8, 0), at(8, 1), 300, 200.0, "iPhone"), "CADENCE_TOO_HIGH"),
        (sample("speed", at(8, 0), at(9, 0), 14000, 20000.0, "iPhone"), "SPEED_TOO_HIGH"),
        (sample("stride", at(8, 0), at(9, 0), 1000, 3000.0, "iPhone"), "STRIDE_TOO_LONG"),
        (sample("", at(8, 0), at(9, 0), 1000, 800.0, "iPhone"), "INVALID_IDENTIFIER"),
        (sample("old", at(8, 0) - Duration::days(6), at(9, 0) - Duration::days(6), 1000, 800.0, "iPhone"), "TOO_OLD"),
    ];
    let body = sync(&app, &anna, cases.iter().map(|(s, _)| s.clone()).collect()).await;
    let result = &data(&body)["syncSteps"];
    assert_eq!(result["accepted"], 0);
    let rejected = result["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), cases.len());
    for (rejection, (sample, reason)) in rejected.iter().zip(cases.iter()) {
        assert_eq!(rejection["externalId"], sample["externalId"]);
        assert_eq!(rejection["reason"], *reason, "{sample}");
    }
    assert_eq!(balance(&app, &anna).await, 0);
}

#[tokio::test]
async fn every_full_kilometre_is_a_point_and_the_rest_carries_over() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let first = sync(&app, &anna, vec![sample("a", at(8, 0), at(8, 30), 2000, 1600.0, "iPhone")]).await;
    assert_eq!(data(&first)["syncSteps"]["creditedMeters"], 1600.0);
    assert_eq!(data(&first)["syncSteps"]["pointsAwarded"], 1);
    // 0.6 km carried + 0.5 km = 1.1 km: one more point.
    let second = sync(&app, &anna, vec![sample("b", at(9, 0), at(9, 10), 700, 500.0, "iPhone")]).await;
    assert_eq!(data(&second)["syncSteps"]["pointsAwarded"], 1);
    // 0.1 km carried + 0.8 km = 0.9 km: none yet.
    let third = sync(&app, &anna, vec![sample("c", at(10, 0), at(10, 15), 1000, 800.0, "iPhone")]).await;
    assert_eq!(data(&third)["syncSteps"]["pointsAwarded"], 0);
    assert_eq!(data(&third)["syncSteps"]["balance"], 2);

    let ledger = app.gql_as(&anna, LEDGER, json!({})).await;
    let points = &data(&ledger)["me"]["points"];
    assert_eq!(points["lifetimeEarned"], 2);
    assert!(points["ledger"]["edges"].as_array().unwrap().iter().all(|e| e["node"]["kind"] == "WALKING"));
}

#[tokio::test]
async fn iphone_and_watch_reporting_the_same_walk_are_credited_once() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let body = sync(
        &app,
        &anna,
        vec![
            sample("phone", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone"),
            sample("watch", at(8, 0), at(9, 0), 5300, 4200.0, "Apple Watch"),
        ],
    )
    .await;
    assert_eq!(data(&body)["syncSteps"]["creditedMeters"], 4200.0);
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 4);

    // The watch's half-overlapping report arriving in a later sync adds only the part not yet counted.
    let later = sync(&app, &anna, vec![sample("watch-2", at(8, 30), at(9, 30), 5000, 4000.0, "Apple Watch")]).await;
    // 9:00–9:30 is new (2 km); 8:30–9:00 was already credited at the larger 4.2 km/h report... which is higher
    // than this report's 4 km/h, so nothing changes there.
    assert_eq!(data(&later)["syncSteps"]["creditedMeters"], 2000.0);
}

#[tokio::test]
async fn a_day_credits_at_most_fifty_kilometres() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let walks = (0..5).map(|h| sample(&format!("h{h}"), at(h, 0), at(h + 1, 0), 14000, 12000.0, "iPhone")).collect();
    let body = sync(&app, &anna, walks).await;
    assert_eq!(data(&body)["syncSteps"]["accepted"], 5);
    assert_eq!(data(&body)["syncSteps"]["creditedMeters"], 50000.0);
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 50);
    let more = sync(&app, &anna, vec![sample("h9", at(9, 0), at(10, 0), 5000, 4000.0, "iPhone")]).await;
    assert_eq!(data(&more)["syncSteps"]["pointsAwarded"], 0);

    let date = day().format("%Y-%m-%d").to_string();
    let days = app.gql_as(&anna, STEP_DAYS, json!({ "from": date, "to": date })).await;
    let today = &data(&days)["me"]["stepDays"][0];
    assert_eq!(today["distanceMeters"], 64000.0);
    assert_eq!(today["pointsEarned"], 50);
}

#[tokio::test]
async fn hand_typed_samples_are_stored_but_never_credited() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let mut typed = sample("typed", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone");
    typed["wasUserEntered"] = json!(true);
    let body = sync(&app, &anna, vec![typed.clone()]).await;
    assert_eq!(data(&body)["syncSteps"]["accepted"], 1);
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 0);
    let again = sync(&app, &anna, vec![typed]).await;
    assert_eq!(data(&again)["syncSteps"]["duplicates"], 1);
}

#[tokio::test]
async fn a_batch_over_a_thousand_samples_is_refused_whole() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let batch: Vec<Value> = (0..1001)
        .map(|i| {
            sample(
                &format!("s{i}"),
                at(0, 0) + Duration::seconds(i * 60),
                at(0, 0) + Duration::seconds(i * 60 + 50),
                50,
                40.0,
                "iPhone",
            )
        })
        .collect();
    let body = sync(&app, &anna, batch.clone()).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
    let body = sync(&app, &anna, batch[..1000].to_vec()).await;
    assert_eq!(data(&body)["syncSteps"]["accepted"], 1000);
    assert_eq!(data(&body)["syncSteps"]["duplicates"], 0);
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 40);
}

#[tokio::test]
async fn step_days_cover_the_range_and_add_up_to_the_walking_points() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let yesterday = day() + Duration::days(1);
    sync(
        &app,
        &anna,
        vec![
            sample("d1", at(8, 0), at(9, 0), 5000, 3500.0, "iPhone"),
            sample("d2", yesterday + Duration::hours(8), yesterday + Duration::hours(9), 5000, 3700.0, "iPhone"),
        ],
    )
    .await;
    let from = (day() - Duration::days(1)).format("%Y-%m-%d").to_string();
    let to = yesterday.format("%Y-%m-%d").to_string();
    let body = app.gql_as(&anna, STEP_DAYS, json!({ "from": from, "to": to })).await;
    let days = data(&body)["me"]["stepDays"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[0]["steps"], 0);
    assert_eq!(days[1]["steps"], 5000);
    assert_eq!(days[1]["distanceMeters"], 3500.0);
    assert_eq!(days[1]["pointsEarned"], 3);
    // 0.5 km carried into the next day: 4.2 km in all crosses four more kilometres... 3.5 + 3.7 = 7.2 → 7 points.
    assert_eq!(days[2]["pointsEarned"], 4);
    assert_eq!(balance(&app, &anna).await, 7);
}

#[tokio::test]
async fn step_days_are_bounded_and_ordered() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let too_long = app.gql_as(&anna, STEP_DAYS, json!({ "from": "2025-01-01", "to": "2026-01-02" })).await;
    assert_eq!(error_code(&too_long), "BAD_USER_INPUT");
    let backwards = app.gql_as(&anna, STEP_DAYS, json!({ "from": "2026-01-02", "to": "2026-01-01" })).await;
    assert_eq!(error_code(&backwards), "BAD_USER_INPUT");
    let year = app.gql_as(&anna, STEP_DAYS, json!({ "from": "2025-01-01", "to": "2026-01-01" })).await;
    assert_eq!(data(&year)["me"]["stepDays"].as_array().unwrap().len(), 366);
    let not_a_date = app.gql_as(&anna, STEP_DAYS, json!({ "from": "yesterday", "to": "2026-01-01" })).await;
    assert!(not_a_date["errors"].is_array());
}

#[tokio::test]
async fn step_data_is_only_ever_your_own() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let bertil = walker(&app).await;
    sync(&app, &anna, vec![sample("a", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone")]).await;
    let date = day().format("%Y-%m-%d").to_string();
    let body = app.gql_as(&bertil, STEP_DAYS, json!({ "from": date, "to": date })).await;
    assert_eq!(data(&body)["me"]["stepDays"][0]["steps"], 0);
    // Bertil may send a sample with Anna's HealthKit id: it is his own, not a duplicate of hers.
    let his = sync(&app, &bertil, vec![sample("a", at(10, 0), at(11, 0), 5000, 4000.0, "iPhone")]).await;
    assert_eq!(data(&his)["syncSteps"]["accepted"], 1);
    assert_eq!(error_code(&app.gql(STEP_DAYS, json!({ "from": date, "to": date })).await), "UNAUTHENTICATED");
    assert_eq!(error_code(&app.gql(SYNC, json!({ "samples": [] })).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn parallel_syncs_of_one_batch_credit_it_once() {
    let app = spawn_app().await;
    let anna = walker(&app).await;
    let walk = vec![sample("hk-1", at(8, 0), at(9, 0), 5000, 4000.0, "iPhone")];
    let attempts = (0..5).map(|_| sync(&app, &anna, walk.clone()));
    let results = futures::future::join_all(attempts).await;
    let awarded: i64 = results.iter().map(|b| data(b)["syncSteps"]["pointsAwarded"].as_i64().unwrap()).sum();
    assert_eq!(awarded, 4, "{results:?}");
    assert_eq!(balance(&app, &anna).await, 4);
}
