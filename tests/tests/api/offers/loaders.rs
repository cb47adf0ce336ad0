//! DataLoaders: the number of SQL statements of a list request does not grow with its page size.

use cogo_tests::{TestApp, TestUser, data};
use serde_json::{Value, json};

use super::*;

const OFFERS_WITH_PARTNERS: &str = "query Offers($first: Int) {
  offers(first: $first) { edges { node { id partner { name } } } } }";

/// Runs the request and returns how many SQL statements the server sent for it, and the response.
async fn statements_of(app: &TestApp, user: &TestUser, query: &str, variables: Value) -> (u64, Value) {
    let before = app.statements.get();
    let body = app.gql_as(user, query, variables).await;
    let after = app.statements.get();
    (after - before, body)
}

#[tokio::test]
async fn listing_offers_loads_their_partners_in_one_batch() {
    let w = world().await;
    let admin = &w.admin;
    let mut merchants = vec![w.merchant_a.clone(), w.merchant_b.clone()];
    for i in 0..3 {
        let partner = create_partner(&w.app, admin, &format!("Partner {i}"), &format!("55000{i}-0000")).await;
        let merchant = w.app.sign_up(&format!("Merchant {i}")).await;
        add_member(&w.app, admin, &partner, &merchant).await;
        merchants.push(merchant);
    }
    for i in 0..50 {
        live_offer(&w.app, &merchants[i % merchants.len()], json!({ "title": format!("Offer {i}") })).await;
    }

    // First sight of the session and of the five partners (later pages find both remembered: see `hot_paths`).
    let (cold, body) = statements_of(&w.app, &w.user, OFFERS_WITH_PARTNERS, json!({ "first": 50 })).await;

    let offers = nodes(&body, &["offers"]);
    assert_eq!(offers.len(), 50);
    assert!(offers.iter().all(|n| n["partner"]["name"].is_string()));
    // The session, the page and one batch for all five partners; rarely two batches on a loaded machine (a
    // DataLoader sends its batch 1 ms after the first key), never one query per offer.
    assert!((3..=4).contains(&cold), "{cold} statements");
}

#[tokio::test]
async fn listing_redemptions_loads_offers_partners_and_customers_in_batches() {
    let w = world().await;
    give_points(&w.app, &w.user, 10_000).await;
    for i in 0..10 {
        let kind = if i % 2 == 0 { "ONE_TIME" } else { "REUSABLE" };
        let merchant = if i % 3 == 0 { &w.merchant_b } else { &w.merchant_a };
        let offer = live_offer(&w.app, merchant, json!({ "title": format!("Offer {i}"), "kind": kind })).await;
        data(&unlock(&w.app, &w.user, &offer).await);
    }

    let (small, _) = statements_of(&w.app, &w.user, MY_REDEMPTIONS, json!({ "first": 2 })).await;
    let (large, body) = statements_of(&w.app, &w.user, MY_REDEMPTIONS, json!({ "first": 10 })).await;
    assert_eq!(nodes(&body, &["me", "redemptions"]).len(), 10);
    assert_eq!(small, large, "me.redemptions: {small} vs {large}");

    let (small, _) = statements_of(&w.app, &w.merchant_a, PARTNER_REDEMPTIONS, json!({ "first": 2 })).await;
    let (large, body) = statements_of(&w.app, &w.merchant_a, PARTNER_REDEMPTIONS, json!({ "first": 6 })).await;
    assert_eq!(nodes(&body, &["myPartner", "redemptions"]).len(), 6);
    assert_eq!(small, large, "myPartner.redemptions: {small} vs {large}");
}

#[tokio::test]
async fn the_restrictions_of_a_page_of_customers_load_in_one_batch() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "kind": "ONE_TIME", "costPoints": 10 })).await;
    for i in 0..6 {
        let customer = w.app.sign_up(&format!("Customer {i}")).await;
        give_points(&w.app, &customer, 10).await;
        data(&unlock(&w.app, &customer, &offer).await);
        if i % 2 == 0 {
            let body = w.app.gql_as(&customer, "mutation { restrictProcessing(restricted: true) }", json!({})).await;
            data(&body);
        }
    }

    let (small, _) = statements_of(&w.app, &w.merchant_a, PARTNER_REDEMPTIONS, json!({ "first": 2 })).await;
    let (large, body) = statements_of(&w.app, &w.merchant_a, PARTNER_REDEMPTIONS, json!({ "first": 6 })).await;

    let customers: Vec<_> = nodes(&body, &["myPartner", "redemptions"]).into_iter().map(|n| &n["customer"]).collect();
    assert_eq!(customers.iter().filter(|c| c["name"].is_null()).count(), 3, "restricted customers hide their name");
    assert_eq!(customers.iter().filter(|c| c["email"].is_string()).count(), 3);
    assert_eq!(small, large, "myPartner.redemptions: {small} vs {large}");
}
