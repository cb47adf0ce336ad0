//! Idempotent unlocks: `unlockOffer` with an `Idempotency-Key` header answers a repeat with the first answer and
//! debits once, even when the repeats race; a key is the user's own, bounded, and forgotten after 24 hours.

use chrono::Duration;
use cogo_kernel::retention::purged;
use cogo_tests::{TestApp, TestUser, data, error_code};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait};
use serde_json::{Value, json};

use super::*;

const LEDGER: &str = "query Ledger { me { points { balance ledger(first: 100) { edges { node { kind amount } } } } } }";
const DELETE_ACCOUNT: &str = "mutation DeleteAccount($password: String!) { deleteAccount(password: $password) }";

/// `unlockOffer` as the user, with the `Idempotency-Key` header set to these raw bytes.
async fn unlock_with_key(app: &TestApp, user: &TestUser, offer_id: &str, key: &[u8]) -> Value {
    let key = reqwest::header::HeaderValue::from_bytes(key).expect("a header value");
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&user.access_token)
        .header("Idempotency-Key", key)
        .json(&json!({ "query": UNLOCK_OFFER, "variables": { "offerId": offer_id } }))
        .send()
        .await
        .expect("the server answers");
    assert!(response.status().is_success(), "HTTP {}", response.status());
    response.json().await.expect("the answer is JSON")
}

/// The amounts of the user's `OFFER_UNLOCK` ledger entries.
async fn unlock_debits(app: &TestApp, user: &TestUser) -> Vec<i64> {
    let body = app.gql_as(user, LEDGER, json!({})).await;
    let edges = data(&body)["me"]["points"]["ledger"]["edges"].as_array().unwrap().clone();
    edges
        .iter()
        .filter(|e| e["node"]["kind"] == "OFFER_UNLOCK")
        .map(|e| e["node"]["amount"].as_i64().unwrap())
        .collect()
}

async fn my_redemption_count(app: &TestApp, user: &TestUser) -> usize {
    nodes(&app.gql_as(user, MY_REDEMPTIONS, json!({})).await, &["me", "redemptions"]).len()
}

async fn stored_keys(app: &TestApp) -> i64 {
    let db = &app.context.db;
    let sql = "SELECT COUNT(*) FROM offer_unlock_requests";
    let row = db.query_one_raw(Statement::from_string(db.get_database_backend(), sql)).await.unwrap().unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn purge(app: &TestApp) -> cogo_kernel::PurgeReport {
    let txn = app.context.db.begin().await.unwrap();
    let report = app.context.hooks.purge_expired(&txn, app.context.now(), &app.context.retention).await.unwrap();
    txn.commit().await.unwrap();
    report
}

#[tokio::test]
async fn the_same_key_twice_returns_the_first_answer_and_debits_once() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40, "totalQuantity": 5 })).await;
    give_points(&w.app, &w.user, 100).await;

    let first = unlock_with_key(&w.app, &w.user, &offer, b"0f8fad5b-d9cb-469f-a165-70867728950e").await;
    let again = unlock_with_key(&w.app, &w.user, &offer, b"0f8fad5b-d9cb-469f-a165-70867728950e").await;

    assert_eq!(data(&first)["unlockOffer"]["balance"], 60);
    assert_eq!(data(&again), data(&first), "the repeat gets the first answer");
    assert_eq!(balance(&w.app, &w.user).await, 60);
    assert_eq!(unlock_debits(&w.app, &w.user).await, vec![-40], "one debit in the ledger");
    assert_eq!(my_redemption_count(&w.app, &w.user).await, 1);
    let portal = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    assert_eq!(nodes(&portal, &["myPartner", "offers"])[0]["remainingQuantity"], 4, "one unit of stock taken");
}

#[tokio::test]
async fn a_repeat_after_the_code_was_redeemed_still_gets_the_first_answer() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 100).await;
    let first = unlock_with_key(&w.app, &w.user, &offer, b"key-1").await;
    let code = data(&first)["unlockOffer"]["redemption"]["code"].as_str().unwrap().to_string();
    data(&w.app.gql_as(&w.merchant_a, REDEEM_CODE, json!({ "code": code })).await);

    let again = unlock_with_key(&w.app, &w.user, &offer, b"key-1").await;

    assert_eq!(data(&again), data(&first));
    assert_eq!(data(&again)["unlockOffer"]["redemption"]["status"], "UNLOCKED");
    assert_eq!(balance(&w.app, &w.user).await, 60);
    let mine = w.app.gql_as(&w.user, MY_REDEMPTIONS, json!({})).await;
    assert_eq!(nodes(&mine, &["me", "redemptions"])[0]["status"], "REDEEMED", "the list shows it as it is now");
}

#[tokio::test]
async fn the_same_key_for_another_offer_is_a_conflict_and_debits_nothing() {
    let w = world().await;
    let coffee = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    let book = live_offer(&w.app, &w.merchant_b, json!({ "title": "A book", "costPoints": 30 })).await;
    give_points(&w.app, &w.user, 100).await;
    data(&unlock_with_key(&w.app, &w.user, &coffee, b"key-1").await);

    let other = unlock_with_key(&w.app, &w.user, &book, b"key-1").await;

    assert_eq!(error_code(&other), "CONFLICT");
    assert!(!other.to_string().contains("key-1"), "the key is not echoed: {other}");
    assert_eq!(balance(&w.app, &w.user).await, 60);
    assert_eq!(unlock_debits(&w.app, &w.user).await, vec![-40]);
    data(&unlock_with_key(&w.app, &w.user, &book, b"key-2").await);
    assert_eq!(balance(&w.app, &w.user).await, 30);
}

#[tokio::test]
async fn another_users_same_key_is_their_own() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    let bertil = w.app.sign_up("Bertil Berg").await;
    give_points(&w.app, &w.user, 100).await;
    give_points(&w.app, &bertil, 100).await;

    let annas = unlock_with_key(&w.app, &w.user, &offer, b"shared-key").await;
    let bertils = unlock_with_key(&w.app, &bertil, &offer, b"shared-key").await;

    let (annas, bertils) = (&data(&annas)["unlockOffer"], &data(&bertils)["unlockOffer"]);
    assert_ne!(annas["redemption"]["id"], bertils["redemption"]["id"]);
    assert_eq!((annas["balance"].clone(), bertils["balance"].clone()), (json!(60), json!(60)));
    assert_eq!(unlock_debits(&w.app, &bertil).await, vec![-40]);
    assert_eq!(my_redemption_count(&w.app, &bertil).await, 1);
}

#[tokio::test]
async fn without_a_key_every_unlock_is_a_new_one() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 100).await;

    let first = unlock(&w.app, &w.user, &offer).await;
    let second = unlock(&w.app, &w.user, &offer).await;

    assert_ne!(data(&first)["unlockOffer"]["redemption"]["id"], data(&second)["unlockOffer"]["redemption"]["id"]);
    assert_eq!(data(&second)["unlockOffer"]["balance"], 20);
    assert_eq!(unlock_debits(&w.app, &w.user).await, vec![-40, -40]);
    assert_eq!(stored_keys(&w.app).await, 0);
}

#[tokio::test]
async fn ten_parallel_requests_with_one_key_debit_once_and_get_one_redemption() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 100).await;

    let results = futures::future::join_all((0..10).map(|_| unlock_with_key(&w.app, &w.user, &offer, b"race"))).await;

    let answers: Vec<&Value> = results.iter().map(|r| &data(r)["unlockOffer"]).collect();
    for answer in &answers {
        assert_eq!(*answer, answers[0], "every request gets the first answer");
    }
    assert_eq!(answers[0]["balance"], 90);
    assert_eq!(balance(&w.app, &w.user).await, 90);
    assert_eq!(unlock_debits(&w.app, &w.user).await, vec![-10]);
    assert_eq!(my_redemption_count(&w.app, &w.user).await, 1);
}

#[tokio::test]
async fn a_refused_unlock_stores_nothing_so_a_retry_with_its_key_can_succeed() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 39).await;
    let refused = unlock_with_key(&w.app, &w.user, &offer, b"key-1").await;
    assert_eq!(error_code(&refused), "INSUFFICIENT_POINTS");
    assert_eq!(stored_keys(&w.app).await, 0);
    give_points(&w.app, &w.user, 1).await;

    let retried = unlock_with_key(&w.app, &w.user, &offer, b"key-1").await;

    assert_eq!(data(&retried)["unlockOffer"]["balance"], 0);
    assert_eq!(data(&unlock_with_key(&w.app, &w.user, &offer, b"key-1").await), data(&retried));
    assert_eq!(unlock_debits(&w.app, &w.user).await, vec![-40]);
}

#[tokio::test]
async fn empty_long_control_and_non_ascii_keys_are_bad_user_input_and_debit_nothing() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 100).await;
    let too_long = "k".repeat(256);

    for key in [&b""[..], too_long.as_bytes(), b"tab\there", b"nyckel-\xf6", "nyckel-ö".as_bytes()] {
        let body = unlock_with_key(&w.app, &w.user, &offer, key).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{key:?}: {body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "Idempotency-Key");
    }

    assert_eq!(balance(&w.app, &w.user).await, 100);
    assert_eq!(stored_keys(&w.app).await, 0);
    data(&unlock_with_key(&w.app, &w.user, &offer, "k".repeat(255).as_bytes()).await);
    assert_eq!(balance(&w.app, &w.user).await, 60);
}

#[tokio::test]
async fn a_key_is_remembered_for_24_hours_and_then_purged_and_forgotten() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 100).await;
    let first = unlock_with_key(&w.app, &w.user, &offer, b"key-1").await;
    w.app.advance_clock(Duration::hours(23));
    let user = w.app.log_in(&w.user).await;
    assert_eq!(data(&unlock_with_key(&w.app, &user, &offer, b"key-1").await), data(&first));
    assert_eq!(purge(&w.app).await.count(purged::IDEMPOTENCY_KEYS), 0, "still within its 24 hours");

    w.app.advance_clock(Duration::hours(2));
    let report = purge(&w.app).await;

    assert_eq!(report.count(purged::IDEMPOTENCY_KEYS), 1);
    assert_eq!(stored_keys(&w.app).await, 0);
    let user = w.app.log_in(&user).await;
    let later = unlock_with_key(&w.app, &user, &offer, b"key-1").await;
    assert_ne!(data(&later)["unlockOffer"]["redemption"]["id"], data(&first)["unlockOffer"]["redemption"]["id"]);
    assert_eq!(data(&later)["unlockOffer"]["balance"], 20);
    assert_eq!(unlock_debits(&w.app, &user).await, vec![-40, -40]);
}

#[tokio::test]
async fn a_key_past_24_hours_is_forgotten_even_before_the_purge() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 100).await;
    let first = unlock_with_key(&w.app, &w.user, &offer, b"key-1").await;
    w.app.advance_clock(Duration::hours(25));
    let user = w.app.log_in(&w.user).await;

    let later = unlock_with_key(&w.app, &user, &offer, b"key-1").await;

    assert_ne!(data(&later)["unlockOffer"]["redemption"]["id"], data(&first)["unlockOffer"]["redemption"]["id"]);
    assert_eq!(unlock_debits(&w.app, &user).await, vec![-40, -40]);
    assert_eq!(stored_keys(&w.app).await, 1, "the old entry gave way to the new one");
}

#[tokio::test]
async fn erasing_the_account_deletes_its_keys() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40 })).await;
    give_points(&w.app, &w.user, 100).await;
    data(&unlock_with_key(&w.app, &w.user, &offer, b"key-1").await);
    assert_eq!(stored_keys(&w.app).await, 1);

    let erased = w.app.gql_as(&w.user, DELETE_ACCOUNT, json!({ "password": w.user.password })).await;

    assert_eq!(data(&erased)["deleteAccount"], true);
    assert_eq!(stored_keys(&w.app).await, 0);
}
