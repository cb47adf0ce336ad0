//! Data-subject rights in the users, points and steps modules: consent withdrawal, minimisation of the device
//! source, erasure (closing record, forfeited points) and the retention purge.

use chrono::{DateTime, Duration, Utc};
use cogo_kernel::{DomainEvent, retention::purged};
use cogo_tests::{LOG_IN, TestApp, TestUser, data, error_code, spawn_app};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

const SYNC: &str = "mutation SyncSteps($samples: [StepSampleInput!]!) {
  syncSteps(samples: $samples) { accepted pointsAwarded balance } }";
const SET_CONSENT: &str = "mutation SetConsent($purpose: String!, $granted: Boolean!) {
  setConsent(purpose: $purpose, granted: $granted) { granted } }";
const REFRESH: &str = "mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken } }";
const POINTS: &str = "{ me { points { balance } } }";

fn sample(id: &str, from: DateTime<Utc>, minutes: i64, metres: f64, source: &str) -> Value {
    let steps = (metres / 0.8).round() as i64;
    json!({ "externalId": id, "startAt": from.to_rfc3339(), "endAt": (from + Duration::minutes(minutes)).to_rfc3339(),
            "steps": steps, "distanceMeters": metres, "source": source })
}

/// A user with the `health_data` consent who walked 4.5 km an hour ago (4 points, 500 m carried over).
async fn walker(app: &TestApp, name: &str) -> TestUser {
    let user = app.sign_up(name).await;
    data(&app.gql_as(&user, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    let start = cogo_tests::an_hour_within_one_day(app.context.now());
    let body = app.gql_as(&user, SYNC, json!({ "samples": [sample("hk-1", start, 60, 4500.0, "iPhone")] })).await;
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 4);
    user
}

fn id_of(user: &TestUser) -> Uuid {
    Uuid::parse_str(&user.id).unwrap()
}

async fn export_of(app: &TestApp, user_id: Uuid) -> Value {
    let txn = app.context.db.begin().await.unwrap();
    let export = app.hooks_export(&txn, user_id).await;
    txn.rollback().await.unwrap();
    export
}

/// One number from the database (`SELECT COUNT(*)`, a cast sum, …).
async fn number(app: &TestApp, sql: &str) -> i64 {
    let backend = app.context.db.get_database_backend();
    let row = app.context.db.query_one_raw(Statement::from_string(backend, sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn erase(app: &TestApp, user_id: Uuid) {
    let txn = app.context.db.begin().await.unwrap();
    app.context.hooks.erase_user_data(&txn, user_id, app.context.now()).await.unwrap();
    txn.commit().await.unwrap();
}

async fn purge(app: &TestApp) -> cogo_kernel::PurgeReport {
    let txn = app.context.db.begin().await.unwrap();
    let report = app.context.hooks.purge_expired(&txn, app.context.now(), &app.context.retention).await.unwrap();
    txn.commit().await.unwrap();
    report
}

async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    data(&app.gql_as(user, POINTS, json!({})).await)["me"]["points"]["balance"].as_i64().unwrap()
}

#[tokio::test]
async fn withdrawing_health_data_deletes_the_samples_and_keeps_points_and_day_totals() {
    let app = spawn_app().await;
    let anna = walker(&app, "Anna").await;

    // The consent module publishes this when the consent is withdrawn; published here directly so the steps
    // module's reaction is tested on its own.
    let txn = app.context.db.begin().await.unwrap();
    let withdrawn = DomainEvent::ConsentChanged {
        user_id: id_of(&anna),
        purpose: "health_data".into(),
        granted: false,
        at: app.context.now(),
    };
    app.context.hooks.publish(&txn, &withdrawn).await.unwrap();
    txn.commit().await.unwrap();

    let steps = &export_of(&app, id_of(&anna)).await["steps"];
    assert_eq!(steps["samples"], json!([]), "{steps}");
    assert_eq!(steps["days"].as_array().unwrap().len(), 1, "{steps}");
    assert!(steps["days"][0]["walkedMeters"].as_f64().unwrap() > 4400.0, "{steps}");
    assert_eq!(balance(&app, &anna).await, 4);
}

#[tokio::test]
async fn only_the_device_class_is_stored_and_exported_never_the_source_name() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    let start = app.context.now() - Duration::hours(5);
    let samples = json!([
        sample("hk-watch", start, 30, 2000.0, "Anna's Apple Watch"),
        sample("hk-phone", start + Duration::hours(1), 30, 2000.0, "Bertils iPhone 15"),
        sample("hk-other", start + Duration::hours(2), 30, 2000.0, "Oura Ring"),
    ]);
    assert_eq!(data(&app.gql_as(&anna, SYNC, json!({ "samples": samples })).await)["syncSteps"]["accepted"], 3);

    let export = export_of(&app, id_of(&anna)).await;
    let classes: Vec<&str> =
        export["steps"]["samples"].as_array().unwrap().iter().map(|s| s["deviceClass"].as_str().unwrap()).collect();
    assert_eq!(classes, ["WATCH", "PHONE", "OTHER"]);
    let text = export.to_string();
    for name in ["Apple Watch", "Bertils", "iPhone", "Oura", "\"source\""] {
        assert!(!text.contains(name), "{name} found in {text}");
    }
}

#[tokio::test]
async fn a_large_step_history_is_exported_whole_across_pages() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    let start = app.context.now() - Duration::days(2);
    let all: Vec<Value> =
        (0..1_005).map(|i| sample(&format!("hk-{i}"), start + Duration::minutes(i), 1, 60.0, "iPhone")).collect();
    for batch in all.chunks(1_000) {
        assert!(app.gql_as(&anna, SYNC, json!({ "samples": batch })).await.get("errors").is_none());
    }

    let export = export_of(&app, id_of(&anna)).await;
    let samples = export["steps"]["samples"].as_array().unwrap();
    assert_eq!(samples.len(), 1_005);
    let mut ids: Vec<&str> = samples.iter().map(|s| s["externalId"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 1_005);
}

#[tokio::test]
async fn erasure_leaves_a_closing_record_and_a_ledger_that_sums_to_the_forfeited_balance() {
    let app = spawn_app().await;
    let anna = walker(&app, "Anna").await;
    // A failed log-in leaves a throttle row for Anna's address.
    let wrong = app.gql(LOG_IN, json!({ "email": anna.email, "password": "not the password" })).await;
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");

    erase(&app, id_of(&anna)).await;

    assert_eq!(number(&app, "SELECT COUNT(*) FROM users").await, 0);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM closed_accounts").await, 1);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM sessions").await, 0);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM login_throttles").await, 0);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM step_samples").await, 0);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM point_ledger_entries WHERE kind = 'ACCOUNT_CLOSED'").await, 1);
    assert_eq!(number(&app, "SELECT CAST(SUM(amount) AS BIGINT) FROM point_ledger_entries").await, 0);
    assert_eq!(number(&app, "SELECT CAST(SUM(balance) AS BIGINT) FROM point_balances").await, 0);
    let closing = export_of(&app, id_of(&anna)).await["points"]["ledger"][1].clone();
    assert_eq!(closing["amount"], -4);
    assert_eq!(closing["description"], "Account closed: remaining points forfeited");

    // Erasing again changes nothing.
    erase(&app, id_of(&anna)).await;
    assert_eq!(number(&app, "SELECT COUNT(*) FROM point_ledger_entries").await, 2);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM point_balances").await, 1);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM closed_accounts").await, 1);

    let log_in = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&log_in), "UNAUTHENTICATED");
    let again = app.sign_up_with("Anna", &anna.email, "correct horse battery").await;
    assert_ne!(again.id, anna.id);
}

#[tokio::test]
async fn an_account_without_points_left_is_closed_without_a_closing_entry() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;

    erase(&app, id_of(&anna)).await;

    assert_eq!(number(&app, "SELECT COUNT(*) FROM point_ledger_entries").await, 0);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM closed_accounts").await, 1);
}

#[tokio::test]
async fn the_account_directory_finds_open_accounts_and_checks_passwords_like_log_in() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let accounts = app.context.hooks.accounts().unwrap();
    let txn = app.context.db.begin().await.unwrap();

    let typed = format!("  {} ", anna.email.to_uppercase());
    assert_eq!(accounts.open_account_by_email(&txn, &typed).await.unwrap(), Some(id_of(&anna)));
    assert!(accounts.is_open(&txn, id_of(&anna)).await.unwrap());
    txn.commit().await.unwrap();
    // Outside any transaction, as log-in.
    accounts.verify_password(&app.context.db, id_of(&anna), &anna.password, app.context.now()).await.unwrap();
    let wrong = accounts
        .verify_password(&app.context.db, id_of(&anna), "not the password", app.context.now())
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), cogo_kernel::ErrorCode::Unauthenticated);

    erase(&app, id_of(&anna)).await;
    let txn = app.context.db.begin().await.unwrap();
    assert!(!accounts.is_open(&txn, id_of(&anna)).await.unwrap());
    assert_eq!(accounts.open_account_by_email(&txn, &anna.email).await.unwrap(), None);
}

#[tokio::test]
async fn wrong_passwords_for_account_actions_count_towards_the_log_in_lock_out() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let accounts = app.context.hooks.accounts().unwrap();

    for _ in 0..5 {
        assert!(
            accounts
                .verify_password(&app.context.db, id_of(&anna), "not the password", app.context.now())
                .await
                .is_err()
        );
    }

    let log_in = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&log_in), "RATE_LIMITED");
}

#[tokio::test]
async fn the_purge_removes_what_is_past_its_time_and_a_second_run_removes_nothing() {
    let app = spawn_app().await;
    let anna = walker(&app, "Anna").await;
    let bertil = app.sign_up("Bertil").await;
    let wrong = app.gql(LOG_IN, json!({ "email": bertil.email, "password": "not the password" })).await;
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    let cecilia = app.sign_up("Cecilia").await;
    erase(&app, id_of(&cecilia)).await;
    // Nothing is old yet.
    let early = purge(&app).await;
    assert_eq!((early.count(purged::STEP_SAMPLES), early.count(purged::ACCOUNTS)), (0, 0));
    assert_eq!((early.count(purged::SESSIONS), early.count(purged::LOGIN_THROTTLES)), (0, 0));

    app.advance_clock(Duration::days(366));
    let report = purge(&app).await;

    assert_eq!(report.count(purged::STEP_SAMPLES), 1);
    assert_eq!(report.count(purged::SESSIONS), 2);
    assert_eq!(report.count(purged::LOGIN_THROTTLES), 1);
    assert_eq!(report.count(purged::ACCOUNTS), 1);
    // Cecilia's bookkeeping is younger than seven years; Anna's ledger is an open account's.
    assert_eq!(report.count(purged::BOOKKEEPING_RECORDS), 0);
    assert_eq!(purge(&app).await.total(), 0);
    let steps = &export_of(&app, id_of(&anna)).await["steps"];
    assert_eq!(steps["samples"], json!([]));
    assert_eq!(steps["days"].as_array().unwrap().len(), 1);
    assert_eq!(number(&app, "SELECT CAST(SUM(balance) AS BIGINT) FROM point_balances").await, 4);
}

#[tokio::test]
async fn the_books_of_a_closed_account_go_after_the_seventh_calendar_year_and_an_open_accounts_ledger_stays() {
    let app = spawn_app().await;
    let anna = walker(&app, "Anna").await;
    walker(&app, "Bertil").await;
    erase(&app, id_of(&anna)).await;

    app.advance_clock(Duration::days(8 * 366));
    let report = purge(&app).await;

    // Anna's walking entry, her closing entry and her balance row.
    assert_eq!(report.count(purged::BOOKKEEPING_RECORDS), 3);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM point_ledger_entries").await, 1);
    assert_eq!(number(&app, "SELECT COUNT(*) FROM point_balances").await, 1);
    assert_eq!(purge(&app).await.total(), 0);
}

#[tokio::test]
async fn used_refresh_tokens_are_kept_while_they_can_reveal_reuse() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let first = data(&app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await)["refreshSession"].clone();
    app.advance_clock(Duration::days(20));
    data(&app.gql(REFRESH, json!({ "refreshToken": first["refreshToken"] })).await);

    app.advance_clock(Duration::days(11));
    let report = purge(&app).await;

    // The token used 31 days ago goes; the one used 11 days ago stays, and so does the live session.
    assert_eq!(report.count(purged::REFRESH_TOKENS), 1);
    assert_eq!(report.count(purged::SESSIONS), 0);
    let reuse = app.gql(REFRESH, json!({ "refreshToken": first["refreshToken"] })).await;
    assert_eq!(error_code(&reuse), "UNAUTHENTICATED");
    assert!(reuse.to_string().contains("already used"), "{reuse}");
}
