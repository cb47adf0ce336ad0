//! The app's hot requests (`Me`, `Offers`, `PointsHistory`, `MyRedemptions`, run on every app open), counted in
//! SQL statements: counts are deterministic, so they are asserted here; speed is measured by `cogo-bench load`
//! and never asserted. Counts are taken once the instance has seen the user's session, as for every request
//! after an app's first. And the caches behind those counts never outlive what they remember: a log-out, a new
//! policy version or a password change is seen on the very next request, on this instance and on another.

use cogo_api::settings::Secrets;
use cogo_tests::{TestApp, TestUser, data, error_code, spawn_app, spawn_app_on, spawn_app_with};
use serde_json::{Value, json};

use crate::offers::{
    MY_REDEMPTIONS, OFFERS, add_member, create_partner, give_points, live_offer, nodes, unlock, world,
};

/// The contract's `Me` (`../shared/clients/mobile.graphql`).
const ME: &str = "query Me { me { id name email referralCode points { balance lifetimeEarned }
  recruits { name joinedAt } pendingPolicyVersion } }";
const POINTS_HISTORY: &str = "query PointsHistory($first: Int, $after: String) {
  me { points { balance ledger(first: $first, after: $after) {
    edges { cursor node { id amount kind description createdAt } } pageInfo { hasNextPage endCursor } } } } }";
const TYPENAME: &str = "{ __typename }";
const UPDATE_PROFILE: &str = "mutation UpdateProfile($name: String, $email: String) {
  updateProfile(input: { name: $name, email: $email }) { id name email } }";
/// Needs a signed-in user and nothing from the database once the session is remembered.
const ME_ID: &str = "{ me { id } }";
const LOG_OUT: &str = "mutation LogOut { logOut }";
const PUBLISH: &str = "mutation PublishPrivacyPolicy($body: String!, $summaryOfChanges: String!) {
  publishPrivacyPolicy(body: $body, summaryOfChanges: $summaryOfChanges) { version } }";
const SIGN_UP_WITH_CODE: &str = "mutation SignUp($name: String!, $email: String!, $password: String!,
  $referralCode: String) {
  signUp(input: { name: $name, email: $email, password: $password, referralCode: $referralCode }) {
    accessToken refreshToken user { id name email referralCode } } }";

/// Runs the request and returns how many SQL statements the server sent for it, and the response.
async fn statements_of(app: &TestApp, user: &TestUser, query: &str, variables: Value) -> (u64, Value) {
    let before = app.statements.get();
    let body = app.gql_as(user, query, variables).await;
    (app.statements.get() - before, body)
}

/// As [`statements_of`], for the request's second run (the first taught the instance the session).
async fn warm_statements_of(app: &TestApp, user: &TestUser, query: &str, variables: Value) -> (u64, Value) {
    data(&app.gql_as(user, query, variables.clone()).await);
    statements_of(app, user, query, variables).await
}

#[tokio::test]
async fn a_known_open_session_is_checked_without_sql() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let (first, _) = statements_of(&app, &anna, TYPENAME, json!({})).await;
    let (second, body) = statements_of(&app, &anna, TYPENAME, json!({})).await;
    assert_eq!(data(&body)["__typename"], "Query");
    assert_eq!(first, 1, "the session's row, once");
    assert_eq!(second, 0);
}

#[tokio::test]
async fn me_takes_no_statement_once_seen_and_at_most_seven_the_first_time() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let (cold, _) = statements_of(&app, &anna, ME, json!({})).await;
    let (warm, body) = statements_of(&app, &anna, ME, json!({})).await;
    let me = &data(&body)["me"];
    assert_eq!(me["name"], "Anna");
    assert!(me["referralCode"].is_string());
    assert!(me["pendingPolicyVersion"].is_null());
    assert_eq!(me["points"]["balance"], 0);
    // Session, profile, balance, recruits, policy in force, its acceptance, referral code: each once.
    assert!(cold <= 7, "{cold} statements");
    assert_eq!(warm, 0);
}

#[tokio::test]
async fn what_me_remembers_follows_every_change_on_the_next_request() {
    let w = world().await;
    let (app, user) = (&w.app, &w.user);
    data(&app.gql_as(user, ME, json!({})).await);

    give_points(app, user, 500).await;
    let renamed = app.gql_as(user, UPDATE_PROFILE, json!({ "name": "Anna Berg" })).await;
    assert_eq!(data(&renamed)["updateProfile"]["name"], "Anna Berg");
    let me = app.gql_as(user, ME, json!({})).await;
    assert_eq!(data(&me)["me"]["name"], "Anna Berg");
    assert_eq!(data(&me)["me"]["points"]["balance"], 500);

    let offer = live_offer(app, &w.merchant_a, json!({ "costPoints": 120 })).await;
    data(&unlock(app, user, &offer).await);
    let me = app.gql_as(user, ME, json!({})).await;
    assert_eq!(data(&me)["me"]["points"]["balance"], 380);
}

#[tokio::test]
async fn me_with_recruits_takes_as_many_statements_whatever_their_number() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bo = app.sign_up("Bo").await;
    let code_of = |user: &TestUser| {
        let (app, user) = (&app, user.clone());
        async move { data(&app.gql_as(&user, ME, json!({})).await)["me"]["referralCode"].as_str().unwrap().to_string() }
    };
    let (anna_code, bo_code) = (code_of(&anna).await, code_of(&bo).await);
    let sign_up = |name: &str, code: &str| {
        let email = format!("{}.{}@example.se", name.to_lowercase(), uuid::Uuid::new_v4().simple());
        let variables =
            json!({ "name": name, "email": email, "password": "correct horse battery", "referralCode": code });
        let app = &app;
        async move { data(&app.gql(SIGN_UP_WITH_CODE, variables).await).clone() }
    };
    sign_up("Cilla", &anna_code).await;
    for name in ["Dan", "Eva", "Frans"] {
        sign_up(name, &bo_code).await;
    }

    let (one, body) = warm_statements_of(&app, &anna, ME, json!({})).await;
    assert_eq!(data(&body)["me"]["recruits"].as_array().unwrap().len(), 1);
    let (three, body) = warm_statements_of(&app, &bo, ME, json!({})).await;
    assert_eq!(data(&body)["me"]["recruits"].as_array().unwrap().len(), 3);
    assert_eq!(one, three, "the count does not grow with the recruits");
}

#[tokio::test]
async fn a_page_of_offers_with_their_partners_takes_one_statement_once_the_partners_were_seen() {
    let w = world().await;
    let mut merchants = vec![w.merchant_a.clone(), w.merchant_b.clone()];
    for i in 0..3 {
        let partner = create_partner(&w.app, &w.admin, &format!("Partner {i}"), &format!("55100{i}-0000")).await;
        let merchant = w.app.sign_up(&format!("Merchant {i}")).await;
        add_member(&w.app, &w.admin, &partner, &merchant).await;
        merchants.push(merchant);
    }
    for i in 0..50 {
        live_offer(&w.app, &merchants[i % merchants.len()], json!({ "title": format!("Offer {i}") })).await;
    }

    let (large, body) = warm_statements_of(&w.app, &w.user, OFFERS, json!({ "first": 50 })).await;
    let (small, _) = statements_of(&w.app, &w.user, OFFERS, json!({ "first": 2 })).await;
    let offers = nodes(&body, &["offers"]);
    assert_eq!(offers.len(), 50);
    assert!(offers.iter().all(|offer| offer["partner"]["name"].is_string()));
    assert_eq!((small, large), (1, 1));
}

#[tokio::test]
async fn a_page_of_the_points_ledger_takes_two_statements_whatever_its_size() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for _ in 0..60 {
        give_points(&app, &anna, 7).await;
    }
    let (small, _) = warm_statements_of(&app, &anna, POINTS_HISTORY, json!({ "first": 2 })).await;
    let (large, body) = statements_of(&app, &anna, POINTS_HISTORY, json!({ "first": 50 })).await;
    assert_eq!(data(&body)["me"]["points"]["ledger"]["edges"].as_array().unwrap().len(), 50);
    assert_eq!(data(&body)["me"]["points"]["balance"], 420);
    assert_eq!((small, large), (1, 1), "one page (the balance is remembered)");
}

#[tokio::test]
async fn a_page_of_my_redemptions_takes_two_statements_whatever_its_size() {
    let w = world().await;
    give_points(&w.app, &w.user, 10_000).await;
    for i in 0..12 {
        let merchant = if i % 3 == 0 { &w.merchant_b } else { &w.merchant_a };
        let offer = live_offer(&w.app, merchant, json!({ "title": format!("Offer {i}") })).await;
        data(&unlock(&w.app, &w.user, &offer).await);
    }
    let (small, _) = warm_statements_of(&w.app, &w.user, MY_REDEMPTIONS, json!({ "first": 2 })).await;
    let (large, body) = statements_of(&w.app, &w.user, MY_REDEMPTIONS, json!({ "first": 12 })).await;
    let redemptions = nodes(&body, &["me", "redemptions"]);
    assert_eq!(redemptions.len(), 12);
    assert!(redemptions.iter().all(|r| r["offer"]["partner"]["name"].is_string()));
    // The page and one batch of its offers (partners are remembered); rarely two batches on a loaded machine (a
    // DataLoader sends its batch 1 ms after the first key), never one query per redemption.
    for count in [small, large] {
        assert!((2..=3).contains(&count), "{small} and {large} statements");
    }
}

/// The root secret the instances of one deployment share.
const ROOT: &[u8] = b"one-deployment-root-secret-0123456789";

/// Two instances on one database, as behind a load balancer: PostgreSQL only (SQLite is one process's file).
async fn two_instances() -> Option<(TestApp, TestApp)> {
    let a = spawn_app_with(|s| s.secrets = Secrets::derive_from(ROOT, None)).await;
    a.database_url.starts_with("postgres").then_some(())?;
    let b = spawn_app_on(a.database_url.clone(), |s| s.secrets = Secrets::derive_from(ROOT, None)).await;
    Some((a, b))
}

#[tokio::test]
async fn a_log_out_on_one_instance_is_refused_on_the_next_request_to_another() {
    let Some((a, b)) = two_instances().await else { return };
    let anna = a.sign_up("Anna").await;
    data(&b.gql_as(&anna, ME_ID, json!({})).await);
    data(&a.gql_as(&anna, ME_ID, json!({})).await);

    assert_eq!(data(&a.gql_as(&anna, LOG_OUT, json!({})).await)["logOut"], true);
    assert_eq!(error_code(&b.gql_as(&anna, ME_ID, json!({})).await), "UNAUTHENTICATED");
    assert_eq!(error_code(&a.gql_as(&anna, ME_ID, json!({})).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn points_and_profile_changed_through_one_instance_show_on_the_next_request_to_another() {
    let Some((a, b)) = two_instances().await else { return };
    let anna = a.sign_up("Anna").await;
    data(&b.gql_as(&anna, ME, json!({})).await);

    // Written straight through the service, outside any request of either instance: only the database's
    // notification can tell B.
    cogo_tests::credit_points_outside_requests(&a, &anna, 250).await;
    let renamed = a.gql_as(&anna, UPDATE_PROFILE, json!({ "name": "Anna Berg" })).await;
    assert_eq!(data(&renamed)["updateProfile"]["name"], "Anna Berg");

    let me = b.gql_as(&anna, ME, json!({})).await;
    assert_eq!(data(&me)["me"]["name"], "Anna Berg");
    assert_eq!(data(&me)["me"]["points"]["balance"], 250);
}

#[tokio::test]
async fn a_policy_published_on_one_instance_is_pending_on_the_next_request_to_another() {
    let Some((a, b)) = two_instances().await else { return };
    let anna = a.sign_up("Anna").await;
    let admin = a.grant_role(&a.sign_up("Ada").await, "ADMIN").await;
    assert!(data(&b.gql_as(&anna, ME, json!({})).await)["me"]["pendingPolicyVersion"].is_null());

    let published = a.gql_as(&admin, PUBLISH, json!({ "body": "Version two", "summaryOfChanges": "New partners" }));
    assert_eq!(data(&published.await)["publishPrivacyPolicy"]["version"], 2);
    assert_eq!(data(&b.gql_as(&anna, ME, json!({})).await)["me"]["pendingPolicyVersion"], 2);
}
