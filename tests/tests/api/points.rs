//! Points: the ledger, balances, idempotency and concurrent debits.

use cogo_points::{
    EntryKind,
    service::{self, Movement, Outcome},
};
use cogo_tests::{TestApp, data, error_code, spawn_app};
use sea_orm::TransactionTrait;
use serde_json::json;
use uuid::Uuid;

const POINTS: &str = "query PointsHistory($first: Int, $after: String) {
  me { points { balance lifetimeEarned
    ledger(first: $first, after: $after) {
      edges { cursor node { id amount kind description createdAt } }
      pageInfo { hasNextPage endCursor } } } } }";

fn movement(user: &str, kind: EntryKind, amount: i64, reference: &str) -> Movement {
    Movement {
        user_id: Uuid::parse_str(user).unwrap(),
        kind,
        amount,
        description: format!("{} {amount}", kind.as_str()),
        reference: reference.to_string(),
    }
}

async fn credit(app: &TestApp, user: &str, amount: i64, reference: &str) -> Outcome {
    let ctx = &app.context;
    let txn = ctx.db.begin().await.unwrap();
    let outcome =
        service::credit(&txn, &ctx.hooks, ctx.now(), movement(user, EntryKind::Adjustment, amount, reference))
            .await
            .unwrap();
    txn.commit().await.unwrap();
    outcome
}

async fn debit(app: &TestApp, user: &str, amount: i64, reference: &str) -> Result<Outcome, cogo_kernel::AppError> {
    let ctx = &app.context;
    let txn = ctx.db.begin().await.unwrap();
    let outcome = service::debit(&txn, ctx.now(), movement(user, EntryKind::OfferUnlock, amount, reference)).await?;
    txn.commit().await.unwrap();
    Ok(outcome)
}

#[tokio::test]
async fn a_new_user_has_no_points() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql_as(&anna, POINTS, json!({})).await;
    let points = &data(&body)["me"]["points"];
    assert_eq!(points["balance"], 0);
    assert_eq!(points["lifetimeEarned"], 0);
    assert_eq!(points["ledger"]["edges"], json!([]));
}

#[tokio::test]
async fn the_same_reference_is_written_once() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    assert_eq!(credit(&app, &anna.id, 7, "test:once").await, Outcome::Recorded { balance: 7 });
    assert_eq!(credit(&app, &anna.id, 7, "test:once").await, Outcome::AlreadyRecorded);
    assert_eq!(debit(&app, &anna.id, 2, "test:spend").await.unwrap(), Outcome::Recorded { balance: 5 });
    assert_eq!(debit(&app, &anna.id, 2, "test:spend").await.unwrap(), Outcome::AlreadyRecorded);
    let body = app.gql_as(&anna, POINTS, json!({})).await;
    let points = &data(&body)["me"]["points"];
    assert_eq!(points["balance"], 5);
    assert_eq!(points["lifetimeEarned"], 7);
    assert_eq!(points["ledger"]["edges"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn a_debit_beyond_the_balance_writes_nothing() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    credit(&app, &anna.id, 3, "test:three").await;
    let err = debit(&app, &anna.id, 4, "test:too-much").await.unwrap_err();
    assert_eq!(err.code().as_str(), "INSUFFICIENT_POINTS");
    let body = app.gql_as(&anna, POINTS, json!({})).await;
    assert_eq!(data(&body)["me"]["points"]["balance"], 3);
    assert_eq!(data(&body)["me"]["points"]["ledger"]["edges"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn parallel_debits_never_spend_the_same_points() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    credit(&app, &anna.id, 70, "test:seventy").await;
    // 20 debits of 10 against a balance of 70: exactly 7 can succeed.
    let attempts = (0..20).map(|i| {
        let (app, user) = (&app, anna.id.clone());
        async move { debit(app, &user, 10, &format!("test:debit:{i}")).await }
    });
    let results = futures::future::join_all(attempts).await;
    let succeeded = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(succeeded, 7, "{results:?}");
    for failure in results.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(failure.code().as_str(), "INSUFFICIENT_POINTS");
    }
    let body = app.gql_as(&anna, POINTS, json!({ "first": 100 })).await;
    let points = &data(&body)["me"]["points"];
    assert_eq!(points["balance"], 0);
    let ledger_sum: i64 =
        points["ledger"]["edges"].as_array().unwrap().iter().map(|e| e["node"]["amount"].as_i64().unwrap()).sum();
    assert_eq!(ledger_sum, 0, "the ledger and the balance agree");
}

#[tokio::test]
async fn the_ledger_pages_newest_first() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for i in 1..=5 {
        credit(&app, &anna.id, i, &format!("test:{i}")).await;
        app.advance_clock(chrono::Duration::seconds(1));
    }
    let first = app.gql_as(&anna, POINTS, json!({ "first": 2 })).await;
    let ledger = &data(&first)["me"]["points"]["ledger"];
    let amounts: Vec<i64> =
        ledger["edges"].as_array().unwrap().iter().map(|e| e["node"]["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, vec![5, 4]);
    assert_eq!(ledger["pageInfo"]["hasNextPage"], true);

    let rest = app.gql_as(&anna, POINTS, json!({ "first": 10, "after": ledger["pageInfo"]["endCursor"] })).await;
    let ledger = &data(&rest)["me"]["points"]["ledger"];
    let amounts: Vec<i64> =
        ledger["edges"].as_array().unwrap().iter().map(|e| e["node"]["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, vec![3, 2, 1]);
    assert_eq!(ledger["pageInfo"]["hasNextPage"], false);
}

#[tokio::test]
async fn points_are_only_ever_your_own() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = app.sign_up("Bertil").await;
    credit(&app, &anna.id, 9, "test:anna").await;
    let body = app.gql_as(&bertil, POINTS, json!({})).await;
    assert_eq!(data(&body)["me"]["points"]["balance"], 0);
    assert_eq!(data(&body)["me"]["points"]["ledger"]["edges"], json!([]));
    assert_eq!(error_code(&app.gql(POINTS, json!({})).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_bad_page_request_is_bad_input() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    assert_eq!(error_code(&app.gql_as(&anna, POINTS, json!({ "first": 0 })).await), "BAD_USER_INPUT");
    assert_eq!(error_code(&app.gql_as(&anna, POINTS, json!({ "after": "garbage!" })).await), "BAD_USER_INPUT");
}
