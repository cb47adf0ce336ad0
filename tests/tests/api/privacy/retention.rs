//! Retention: what may no longer be kept is purged, by staff on demand and by the server's schedule; a second run
//! removes nothing.

use chrono::Duration;
use cogo_tests::data;
use serde_json::json;

use super::{DELETE_ACCOUNT, RUN_PURGE, catalogue::traces_of, everything};

#[tokio::test]
async fn thirteen_months_after_an_erasure_the_purge_removes_the_rest_and_then_nothing() {
    let w = everything().await;
    data(&w.app.gql_as(&w.person, DELETE_ACCOUNT, json!({ "password": w.person.password })).await);
    let soon = data(&w.app.gql_as(&w.privacy_officer, RUN_PURGE, json!({})).await)["runRetentionPurge"].clone();

    w.app.advance_clock(Duration::days(396));
    let officer = w.app.log_in(&w.privacy_officer).await;
    let first = data(&w.app.gql_as(&officer, RUN_PURGE, json!({})).await)["runRetentionPurge"].clone();
    let second = data(&w.app.gql_as(&officer, RUN_PURGE, json!({})).await)["runRetentionPurge"].clone();

    assert_eq!(soon["accountsPurged"], 0, "a closed account is kept for a year: {soon}");
    assert_eq!(first["accountsPurged"], 1, "{first}");
    assert!(first["sessionsPurged"].as_u64().unwrap() >= 1, "expired sessions: {first}");
    assert_eq!(second["total"], 0, "idempotent: {second}");
    let traces = traces_of(&w.app, &[&w.person.email], &[&w.first_name, &w.person.name], w.person_id()).await;
    assert!(traces.is_empty(), "{traces:?}");
}

#[tokio::test]
async fn bookkeeping_goes_after_the_seventh_calendar_year() {
    let w = everything().await;
    data(&w.app.gql_as(&w.person, DELETE_ACCOUNT, json!({ "password": w.person.password })).await);

    // Written this year, kept through the end of the seventh year after it: gone in the eighth.
    w.app.advance_clock(Duration::days(8 * 366));
    let officer = w.app.log_in(&w.privacy_officer).await;
    let report = data(&w.app.gql_as(&officer, RUN_PURGE, json!({})).await)["runRetentionPurge"].clone();

    assert!(report["bookkeepingRecordsPurged"].as_u64().unwrap() >= 2, "redemptions and ledger: {report}");
    let again = data(&w.app.gql_as(&officer, RUN_PURGE, json!({})).await)["runRetentionPurge"].clone();
    assert_eq!(again["total"], 0, "{again}");
}

#[tokio::test]
async fn an_open_account_keeps_its_points_and_day_totals_when_old_samples_go() {
    let w = everything().await;

    w.app.advance_clock(Duration::days(100));
    let officer = w.app.log_in(&w.privacy_officer).await;
    let person = w.app.log_in(&w.person).await;
    let report = data(&w.app.gql_as(&officer, RUN_PURGE, json!({})).await)["runRetentionPurge"].clone();

    assert_eq!(report["stepSamplesPurged"], 2, "{report}");
    assert_eq!(report["accountsPurged"], 0);
    let me = data(&w.app.gql_as(&person, "{ me { points { balance } } }", json!({})).await)["me"].clone();
    assert_eq!(me["points"]["balance"], 13, "six walked, ten for the referral, three spent");
}

#[tokio::test]
async fn on_postgresql_one_instance_purges_at_a_time() {
    use cogo_privacy::service::retention::{PURGE_LOCK_KEY, PurgeOrderedBy, WhenBusy, run_purge};
    use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};

    let app = cogo_tests::spawn_app().await;
    let ctx = &app.context;
    if ctx.db.get_database_backend() != DatabaseBackend::Postgres {
        return; // SQLite has one writer: purges cannot overlap.
    }
    // Another instance is purging: it holds the lock in its transaction.
    let other = ctx.db.begin().await.unwrap();
    other
        .execute_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_advisory_xact_lock($1)",
            [PURGE_LOCK_KEY.into()],
        ))
        .await
        .unwrap();

    let skipped = run_purge(ctx, WhenBusy::Skip, PurgeOrderedBy::Schedule).await.unwrap();
    let waiting = tokio::spawn({
        let ctx = ctx.clone();
        async move { run_purge(&ctx, WhenBusy::Wait, PurgeOrderedBy::Schedule).await.unwrap() }
    });
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let finished_early = waiting.is_finished();
    other.commit().await.unwrap();
    let waited = waiting.await.unwrap();

    assert!(skipped.is_none(), "the scheduler leaves the work to the instance holding the lock");
    assert!(!finished_early, "an explicit purge waits for the other one");
    assert!(waited.is_some());
}

#[tokio::test]
async fn the_servers_scheduler_runs_the_purge_by_itself() {
    use sea_orm::{ConnectionTrait, Statement};

    let app = cogo_tests::spawn_app().await;
    app.sign_up("Anna Scheduled").await;
    // The session's 30 days pass without a refresh: it has expired.
    app.advance_clock(Duration::days(31));
    let count = |app: &cogo_tests::TestApp| {
        let db = app.context.db.clone();
        async move {
            let backend = db.get_database_backend();
            let row = db
                .query_one_raw(Statement::from_string(backend, "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM sessions"))
                .await
                .unwrap()
                .unwrap();
            row.try_get::<i64>("", "n").unwrap()
        }
    };
    assert_eq!(count(&app).await, 1);

    let scheduler =
        cogo_privacy::service::retention::spawn_scheduler(app.context.clone(), std::time::Duration::from_millis(50));
    let mut remaining = count(&app).await;
    for _ in 0..100 {
        if remaining == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        remaining = count(&app).await;
    }
    scheduler.abort();

    assert_eq!(remaining, 0, "the scheduled purge removed the expired session");
}

#[tokio::test]
async fn the_schedule_purges_once_per_period_however_many_instances_are_due() {
    use cogo_privacy::service::retention::run_scheduled_purge;

    let a = cogo_tests::spawn_app().await;
    // On PostgreSQL a second instance on the same database (its own pool, clock and timer); SQLite is one
    // process's file, so there the same instance's timer fires twice.
    let b = match a.context.db.get_database_backend() {
        sea_orm::DatabaseBackend::Postgres => Some(cogo_tests::spawn_app_on(a.database_url.clone(), |_| {}).await),
        _ => None,
    };
    let b_ctx = b.as_ref().map_or(&a.context, |b| &b.context);
    let every = std::time::Duration::from_secs(24 * 3600);

    let (first, second) = tokio::join!(run_scheduled_purge(&a.context, every), run_scheduled_purge(b_ctx, every));
    let runs = [first.unwrap(), second.unwrap()].iter().filter(|run| run.is_some()).count();
    assert_eq!(runs, 1, "both timers due at once: one purge");

    a.advance_clock(Duration::hours(12));
    if let Some(b) = &b {
        b.advance_clock(Duration::hours(12));
    }
    assert!(run_scheduled_purge(b_ctx, every).await.unwrap().is_none(), "half a period later: not again");

    a.advance_clock(Duration::hours(12));
    if let Some(b) = &b {
        b.advance_clock(Duration::hours(12));
    }
    assert!(run_scheduled_purge(b_ctx, every).await.unwrap().is_some(), "a period later: again, once");
    assert!(run_scheduled_purge(&a.context, every).await.unwrap().is_none());
}
