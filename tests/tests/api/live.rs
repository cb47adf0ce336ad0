//! Live updates over WebSocket (`/graphql/ws`): who hears what, sign-in and its end, limits; and across two API
//! processes on one PostgreSQL database.

use std::time::Duration;

use cogo_api::settings::Secrets;
use cogo_tests::live::{LiveClient, listening};
use cogo_tests::process::{SHARED_SECRET, spawn_server_process};
use cogo_tests::{SIGN_UP, TestApp, TestUser, data, fresh_database_url, spawn_app_on};
use serde_json::{Value, json};

use crate::offers::{REDEEM_CODE, UNLOCK_OFFER, add_member, create_partner, give_points, live_offer, world};

const MY_REDEMPTION_UPDATES: &str = "subscription MyRedemptionUpdates {
  myRedemptionUpdates { id code status redeemedAt offer { title } } }";
const MY_POINTS_BALANCE: &str = "subscription MyPointsBalance { myPointsBalance { balance lifetimeEarned } }";
const PARTNER_REDEMPTION_EVENTS: &str = "subscription PartnerRedemptionEvents {
  partnerRedemptionEvents { id code status unlockedAt redeemedAt offer { id title kind } customer { pseudonym name email } } }";

/// Long enough for an event that will come; what must not come is waited for this long too.
const SOON: Duration = Duration::from_secs(3);

async fn unlock(app: &TestApp, user: &TestUser, offer_id: &str) -> String {
    let body = app.gql_as(user, UNLOCK_OFFER, json!({ "offerId": offer_id })).await;
    data(&body)["unlockOffer"]["redemption"]["code"].as_str().expect("a code").to_string()
}

async fn redeem(app: &TestApp, merchant: &TestUser, code: &str) {
    let body = app.gql_as(merchant, REDEEM_CODE, json!({ "code": code })).await;
    assert_eq!(data(&body)["redeemCode"]["status"], "REDEEMED");
}

#[tokio::test]
async fn a_customer_hears_their_own_code_unlocked_and_redeemed_and_nobody_elses() {
    let w = world().await;
    let other = w.app.sign_up("Bertil Berg").await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({})).await;
    give_points(&w.app, &w.user, 100).await;
    let mut mine = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");
    let mut theirs = LiveClient::connect(&w.app.address, Some(&other.access_token)).await.expect("signed in");
    mine.subscribe(MY_REDEMPTION_UPDATES).await;
    theirs.subscribe(MY_REDEMPTION_UPDATES).await;
    listening(&w.app.address, 4).await;

    let code = unlock(&w.app, &w.user, &offer).await;
    let unlocked = mine.next_payload(SOON).await.expect("the unlock is heard");
    redeem(&w.app, &w.merchant_a, &code).await;
    let redeemed = mine.next_payload(SOON).await.expect("the redemption is heard");

    assert_eq!(unlocked["data"]["myRedemptionUpdates"]["status"], "UNLOCKED");
    assert_eq!(redeemed["data"]["myRedemptionUpdates"]["code"], code.as_str());
    assert_eq!(redeemed["data"]["myRedemptionUpdates"]["status"], "REDEEMED");
    assert_eq!(redeemed["data"]["myRedemptionUpdates"]["offer"]["title"], "Free coffee");
    assert_eq!(theirs.next_payload(SOON).await, None, "another user hears nothing of it");
}

#[tokio::test]
async fn the_balance_comes_at_once_and_after_every_ledger_entry() {
    let w = world().await;
    let mut live = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");
    live.subscribe(MY_POINTS_BALANCE).await;

    let first = live.next_payload(SOON).await.expect("the balance now");
    give_points(&w.app, &w.user, 120).await;
    let credited = live.next_payload(SOON).await.expect("the balance after a credit");
    let offer = live_offer(&w.app, &w.merchant_a, json!({})).await;
    unlock(&w.app, &w.user, &offer).await;
    let debited = live.next_payload(SOON).await.expect("the balance after an unlock");

    assert_eq!(first["data"]["myPointsBalance"], json!({ "balance": 0, "lifetimeEarned": 0 }));
    assert_eq!(credited["data"]["myPointsBalance"], json!({ "balance": 120, "lifetimeEarned": 120 }));
    assert_eq!(debited["data"]["myPointsBalance"], json!({ "balance": 20, "lifetimeEarned": 120 }));
}

#[tokio::test]
async fn a_merchant_hears_their_partners_unlocks_and_redemptions_only() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "kind": "ONE_TIME" })).await;
    give_points(&w.app, &w.user, 100).await;
    let mut till_a = LiveClient::connect(&w.app.address, Some(&w.merchant_a.access_token)).await.expect("signed in");
    let mut till_b = LiveClient::connect(&w.app.address, Some(&w.merchant_b.access_token)).await.expect("signed in");
    till_a.subscribe(PARTNER_REDEMPTION_EVENTS).await;
    till_b.subscribe(PARTNER_REDEMPTION_EVENTS).await;
    listening(&w.app.address, 4).await;

    let code = unlock(&w.app, &w.user, &offer).await;
    let unlocked = till_a.next_payload(SOON).await.expect("the unlock is heard at the till");
    redeem(&w.app, &w.merchant_a, &code).await;
    let redeemed = till_a.next_payload(SOON).await.expect("the redemption is heard at the till");

    let event = &unlocked["data"]["partnerRedemptionEvents"];
    assert_eq!(event["code"], code.as_str());
    assert_eq!(event["status"], "UNLOCKED");
    assert_eq!(event["customer"]["name"], "Anna Andersson", "a one-time offer names its customer");
    assert!(event["customer"]["pseudonym"].is_string());
    assert_eq!(redeemed["data"]["partnerRedemptionEvents"]["status"], "REDEEMED");
    assert_eq!(till_b.next_payload(SOON).await, None, "another partner's till hears nothing");
}

#[tokio::test]
async fn only_merchants_may_watch_a_partners_redemptions() {
    let w = world().await;
    let mut live = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");

    live.subscribe(PARTNER_REDEMPTION_EVENTS).await;
    let refused = live.next_payload(SOON).await.expect("an answer");

    assert_eq!(refused["errors"][0]["extensions"]["code"], "FORBIDDEN", "{refused}");
}

#[tokio::test]
async fn a_socket_without_a_valid_token_is_closed() {
    let w = world().await;

    let without = LiveClient::connect(&w.app.address, None).await.err().expect("refused");
    let forged = LiveClient::connect(&w.app.address, Some("not-a-token")).await.err().expect("refused");

    assert_eq!(without.0, 4403, "{without:?}");
    assert_eq!(forged.0, 4403, "{forged:?}");
}

#[tokio::test]
async fn a_log_out_closes_the_users_socket() {
    let w = world().await;
    let mut live = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");
    live.subscribe(MY_REDEMPTION_UPDATES).await;

    let body = w.app.gql_as(&w.user, "mutation LogOut { logOut }", json!({})).await;
    assert_eq!(data(&body)["logOut"], true);

    let closed = live.closed_within(SOON).await.expect("the socket is closed");
    assert_eq!(closed.0, 4401, "{closed:?}");
}

#[tokio::test]
async fn a_user_may_hold_only_so_many_sockets() {
    let database_url = fresh_database_url().await;
    let app = spawn_app_on(database_url, |s| s.live.max_per_user = 2).await;
    let user = app.sign_up("Cecilia Carlsson").await;

    let _first = LiveClient::connect(&app.address, Some(&user.access_token)).await.expect("the first");
    let _second = LiveClient::connect(&app.address, Some(&user.access_token)).await.expect("the second");
    let third = LiveClient::connect(&app.address, Some(&user.access_token)).await.err().expect("refused");

    assert_eq!(third.0, 4403, "{third:?}");
    assert!(third.1.contains("too many"), "{third:?}");
    drop(_first);
    // The server gives the slot back once it sees the connection gone.
    for attempt in 0.. {
        match LiveClient::connect(&app.address, Some(&user.access_token)).await {
            Ok(_) => break,
            Err(refused) if attempt < 50 => {
                assert_eq!(refused.0, 4403);
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(refused) => panic!("the slot never came back: {refused:?}"),
        }
    }
}

#[tokio::test]
async fn a_socket_may_run_only_so_many_subscriptions_at_once() {
    let w = world().await;
    let mut live = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");

    for _ in 0..20 {
        live.subscribe(MY_REDEMPTION_UPDATES).await;
    }
    listening(&w.app.address, 21).await;
    assert_eq!(live.closed_within(Duration::from_millis(500)).await, None, "twenty run");
    live.subscribe(MY_REDEMPTION_UPDATES).await;

    let closed = live.closed_within(SOON).await.expect("the socket is closed");
    assert_eq!(closed.0, 4400, "{closed:?}");
}

#[tokio::test]
async fn reusing_the_id_of_a_running_subscription_closes_the_socket() {
    let w = world().await;
    let mut live = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");
    live.subscribe_as("till", MY_REDEMPTION_UPDATES).await;
    listening(&w.app.address, 2).await;

    live.subscribe_as("till", MY_REDEMPTION_UPDATES).await;

    let closed = live.closed_within(SOON).await.expect("the socket is closed");
    assert_eq!(closed.0, 4409, "{closed:?}");
}

#[tokio::test]
async fn the_socket_carries_subscriptions_only() {
    let w = world().await;
    let mut live = LiveClient::connect(&w.app.address, Some(&w.user.access_token)).await.expect("signed in");

    live.subscribe("mutation LogOut { logOut }").await;
    let refused = live.next_payload(SOON).await.expect("an answer");

    assert_eq!(refused["errors"][0]["extensions"]["code"], "SUBSCRIPTIONS_ONLY", "{refused}");
    let me = w.app.gql_as(&w.user, "{ me { id } }", json!({})).await;
    assert!(me.get("errors").is_none(), "the session is still open: {me}");
}

#[tokio::test]
async fn a_socket_that_never_signs_in_is_closed() {
    let w = world().await;
    let mut silent = LiveClient::open(&w.app.address).await;

    let closed = silent.closed_within(Duration::from_secs(15)).await.expect("the socket is closed");

    assert_eq!(closed.0, 4408, "{closed:?}");
}

// --- Two API processes on one PostgreSQL database ---------------------------------------------------------------

/// A deployment on PostgreSQL: an in-process instance for the set-up (it shares the root secret, so its tokens
/// work everywhere) and two server processes, A and B. `None` on SQLite (one process's file).
async fn two_processes() -> Option<(TestApp, cogo_tests::process::ServerProcess, cogo_tests::process::ServerProcess)> {
    let database_url = fresh_database_url().await;
    if !database_url.starts_with("postgres") {
        return None;
    }
    let setup =
        spawn_app_on(database_url.clone(), |s| s.secrets = Secrets::derive_from(SHARED_SECRET.as_bytes(), None)).await;
    let a = spawn_server_process(&database_url, &[]).await;
    let b = spawn_server_process(&database_url, &[]).await;
    Some((setup, a, b))
}

/// A partner with a merchant and a live offer, and a customer with points, made through the set-up instance.
async fn shop(setup: &TestApp, overrides: Value, points: i64) -> (TestUser, String, TestUser) {
    let admin = setup.sign_up("Admin").await;
    let admin = setup.grant_role(&admin, "ADMIN").await;
    let partner = create_partner(setup, &admin, "Café Ågren", "556677-8899").await;
    let merchant = setup.sign_up("Merchant").await;
    add_member(setup, &admin, &partner, &merchant).await;
    let offer = live_offer(setup, &merchant, overrides).await;
    let customer = setup.sign_up("Anna Andersson").await;
    give_points(setup, &customer, points).await;
    (merchant, offer, customer)
}

#[tokio::test]
async fn a_redemption_made_through_one_process_reaches_a_subscriber_on_the_other_within_a_second() {
    let Some((setup, a, b)) = two_processes().await else { return };
    let (merchant, offer, customer) = shop(&setup, json!({}), 100).await;
    let mut phone = LiveClient::connect(&b.address, Some(&customer.access_token)).await.expect("signed in on B");
    let mut till = LiveClient::connect(&b.address, Some(&merchant.access_token)).await.expect("signed in on B");
    phone.subscribe(MY_REDEMPTION_UPDATES).await;
    till.subscribe(PARTNER_REDEMPTION_EVENTS).await;
    listening(&b.address, 4).await;
    let via_a = setup.at(&a.address);

    let code = unlock(&via_a, &customer, &offer).await;
    assert!(phone.next_payload(Duration::from_secs(1)).await.is_some(), "the unlock on A reaches B's phone");
    assert!(till.next_payload(Duration::from_secs(1)).await.is_some(), "and B's till");
    redeem(&via_a, &merchant, &code).await;
    let heard = phone.next_payload(Duration::from_secs(1)).await.expect("the redemption on A reaches B within 1 s");

    assert_eq!(heard["data"]["myRedemptionUpdates"]["status"], "REDEEMED");
    let at_till = till.next_payload(Duration::from_secs(1)).await.expect("and B's till within 1 s");
    assert_eq!(at_till["data"]["partnerRedemptionEvents"]["code"], code.as_str());
}

#[tokio::test]
async fn two_hundred_unlocks_across_two_processes_sell_exactly_fifty_and_debit_each_buyer_once() {
    let Some((setup, a, b)) = two_processes().await else { return };
    let (_merchant, offer, first) = shop(&setup, json!({ "totalQuantity": 50, "costPoints": 10 }), 1_000).await;
    let mut buyers = vec![first];
    for n in 1..20 {
        let buyer = setup.sign_up(&format!("Buyer {n}")).await;
        give_points(&setup, &buyer, 1_000).await;
        buyers.push(buyer);
    }
    let instances = [setup.at(&a.address), setup.at(&b.address)];

    let offer = &offer;
    let attempts = (0..200).map(|n| {
        let (instance, buyer) = (&instances[n % 2], &buyers[n % buyers.len()]);
        async move { instance.gql_as(buyer, UNLOCK_OFFER, json!({ "offerId": offer })).await }
    });
    let answers = futures::future::join_all(attempts).await;

    let sold = answers.iter().filter(|body| body.get("errors").is_none()).count();
    assert_eq!(sold, 50, "exactly the stock is sold");
    let refusals: Vec<&str> = answers
        .iter()
        .filter_map(|body| body["errors"][0]["extensions"]["code"].as_str())
        .filter(|code| *code != "CONFLICT")
        .collect();
    assert!(refusals.is_empty(), "the others are told it is sold out: {refusals:?}");
    let mut spent = 0;
    for buyer in &buyers {
        let bought = answers
            .iter()
            .enumerate()
            .filter(|(n, body)| buyers[n % buyers.len()].id == buyer.id && body.get("errors").is_none())
            .count() as i64;
        let balance =
            data(&setup.gql_as(buyer, "{ me { points { balance } } }", json!({})).await)["me"]["points"]["balance"]
                .as_i64()
                .unwrap();
        assert_eq!(balance, 1_000 - 10 * bought, "each unlock debited once");
        spent += 1_000 - balance;
    }
    assert_eq!(spent, 500);
}

#[tokio::test]
async fn a_lost_listener_connection_recovers_and_later_events_still_arrive() {
    let Some((setup, a, b)) = two_processes().await else { return };
    let (merchant, offer, customer) = shop(&setup, json!({}), 300).await;
    let mut phone = LiveClient::connect(&b.address, Some(&customer.access_token)).await.expect("signed in on B");
    phone.subscribe(MY_REDEMPTION_UPDATES).await;
    listening(&b.address, 2).await;

    // Every instance's LISTEN connection is cut, as a database restart or a proxy would.
    use sea_orm::ConnectionTrait;
    let killed = setup
        .context
        .db
        .execute_unprepared(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'LISTEN%'",
        )
        .await
        .expect("the listeners are cut");
    assert!(killed.rows_affected() >= 2, "A's, B's and the set-up's listeners");
    // B reconnects and tells its subscriber that events may have been missed meanwhile.
    let gap = phone.next_payload(Duration::from_secs(15)).await.expect("word of the gap");
    assert_eq!(gap["errors"][0]["extensions"]["code"], "EVENTS_MISSED", "{gap}");
    // A's listener may still be reconnecting: what A commits is heard through the database either way.
    let via_a = setup.at(&a.address);
    let code = unlock(&via_a, &customer, &offer).await;
    let heard = phone.next_payload(SOON).await.expect("an event after the reconnection");
    assert_eq!(heard["data"]["myRedemptionUpdates"]["code"], code.as_str());
    redeem(&via_a, &merchant, &code).await;
    let redeemed = phone.next_payload(SOON).await.expect("and the next");
    assert_eq!(redeemed["data"]["myRedemptionUpdates"]["status"], "REDEEMED");
}

#[tokio::test]
async fn a_log_out_through_one_process_is_refused_by_the_other_and_closes_its_sockets() {
    let Some((setup, a, b)) = two_processes().await else { return };
    let user = setup.sign_up("Doris Dahl").await;
    let mut live = LiveClient::connect(&b.address, Some(&user.access_token)).await.expect("signed in on B");
    live.subscribe(MY_POINTS_BALANCE).await;
    assert!(live.next_payload(SOON).await.is_some());
    let (via_a, via_b) = (setup.at(&a.address), setup.at(&b.address));
    assert!(via_b.gql_as(&user, "{ me { id } }", json!({})).await.get("errors").is_none(), "B knows the session");

    let out = via_a.gql_as(&user, "mutation LogOut { logOut }", json!({})).await;
    assert_eq!(data(&out)["logOut"], true);

    let refused = via_b.gql_as(&user, "{ me { id } }", json!({})).await;
    assert_eq!(refused["errors"][0]["extensions"]["code"], "UNAUTHENTICATED", "the next request to B: {refused}");
    let closed = live.closed_within(SOON).await.expect("B closes the socket");
    assert_eq!(closed.0, 4401, "{closed:?}");
}

#[tokio::test]
async fn a_server_asked_to_stop_closes_its_sockets_as_going_away() {
    let mut server = spawn_server_process(&fresh_database_url().await, &[]).await;
    let variables = json!({ "name": "Hugo Holm", "email": "hugo@example.se", "password": "ett långt lösenord" });
    let hugo = TestUser::from_sign_up(&server.graphql(SIGN_UP, variables).await, "Hugo Holm", "ett långt lösenord");
    let mut live = LiveClient::connect(&server.address, Some(&hugo.access_token)).await.expect("signed in");
    live.subscribe(MY_POINTS_BALANCE).await;
    assert!(live.next_payload(SOON).await.is_some());

    server.terminate();

    let closed = live.closed_within(SOON).await.expect("the socket is closed");
    assert_eq!(closed.0, 1001, "going away, so the client reconnects elsewhere: {closed:?}");
    assert_eq!(server.wait_for_exit(Duration::from_secs(20)).await, Some(0), "{}", server.output());
}
