//! Unlocking: points debited atomically, codes, limits, and the races that must never sell twice.

use chrono::Duration;
use cogo_tests::{data, error_code};
use serde_json::json;

use super::*;

#[tokio::test]
async fn unlocking_debits_the_points_and_gives_a_code() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 40, "totalQuantity": 5 })).await;
    give_points(&w.app, &w.user, 100).await;

    let body = unlock(&w.app, &w.user, &offer).await;

    let result = &data(&body)["unlockOffer"];
    assert_eq!(result["balance"], 60);
    let code = result["redemption"]["code"].as_str().unwrap();
    assert_eq!(code.len(), 10);
    assert!(code.chars().all(|c| "ABCDEFGHJKMNPQRSTUVWXYZ23456789".contains(c)), "{code}");
    assert_eq!(result["redemption"]["status"], "UNLOCKED");
    assert_eq!(result["redemption"]["offer"]["partner"]["name"], "Café Ågren");
    assert_eq!(balance(&w.app, &w.user).await, 60);
    let mine = w.app.gql_as(&w.user, MY_REDEMPTIONS, json!({})).await;
    let mine = nodes(&mine, &["me", "redemptions"]);
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["code"], code);
    assert_eq!(mine[0]["offer"]["partner"]["id"], w.partner_a.as_str());
    let portal = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    let listed = nodes(&portal, &["myPartner", "offers"]);
    assert_eq!((listed[0]["remainingQuantity"].clone(), listed[0]["redemptionCount"].clone()), (json!(4), json!(1)));
}

#[tokio::test]
async fn draft_archived_expired_and_unknown_offers_cannot_be_unlocked() {
    let w = world().await;
    give_points(&w.app, &w.user, 1_000).await;
    let draft = draft_offer(&w.app, &w.merchant_a, json!({})).await;
    assert_eq!(error_code(&unlock(&w.app, &w.user, &draft).await), "NOT_FOUND");
    let archived = live_offer(&w.app, &w.merchant_a, json!({})).await;
    w.app.gql_as(&w.merchant_a, ARCHIVE_OFFER, json!({ "id": archived })).await;
    assert_eq!(error_code(&unlock(&w.app, &w.user, &archived).await), "CONFLICT");
    assert_eq!(error_code(&unlock(&w.app, &w.user, &uuid::Uuid::new_v4().to_string()).await), "NOT_FOUND");
    let until = chrono::Utc::now() + Duration::hours(1);
    let expiring = live_offer(&w.app, &w.merchant_a, json!({ "validUntil": rfc3339(until) })).await;
    w.app.advance_clock(Duration::hours(2));
    let user = w.app.log_in(&w.user).await;
    assert_eq!(error_code(&unlock(&w.app, &user, &expiring).await), "CONFLICT");

    assert_eq!(balance(&w.app, &user).await, 1_000, "no points were spent");
    let mine = w.app.gql_as(&user, MY_REDEMPTIONS, json!({})).await;
    assert!(nodes(&mine, &["me", "redemptions"]).is_empty());
}

#[tokio::test]
async fn too_few_points_changes_nothing() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 50, "totalQuantity": 1 })).await;
    give_points(&w.app, &w.user, 49).await;

    assert_eq!(error_code(&unlock(&w.app, &w.user, &offer).await), "INSUFFICIENT_POINTS");

    assert_eq!(balance(&w.app, &w.user).await, 49);
    let portal = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    let listed = nodes(&portal, &["myPartner", "offers"]);
    assert_eq!((listed[0]["remainingQuantity"].clone(), listed[0]["redemptionCount"].clone()), (json!(1), json!(0)));
    let redemptions = w.app.gql_as(&w.merchant_a, PARTNER_REDEMPTIONS, json!({})).await;
    assert!(nodes(&redemptions, &["myPartner", "redemptions"]).is_empty());
}

#[tokio::test]
async fn the_per_user_limit_holds_for_each_user() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10, "perUserLimit": 2 })).await;
    give_points(&w.app, &w.user, 100).await;
    give_points(&w.app, &w.merchant_b, 100).await;

    data(&unlock(&w.app, &w.user, &offer).await);
    data(&unlock(&w.app, &w.user, &offer).await);
    assert_eq!(error_code(&unlock(&w.app, &w.user, &offer).await), "CONFLICT");

    assert_eq!(balance(&w.app, &w.user).await, 80);
    data(&unlock(&w.app, &w.merchant_b, &offer).await);
}

#[tokio::test]
async fn the_last_unit_is_sold_once_under_ten_parallel_unlocks() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10, "totalQuantity": 1 })).await;
    let mut buyers = Vec::new();
    for i in 0..10 {
        let buyer = w.app.sign_up(&format!("Buyer {i}")).await;
        give_points(&w.app, &buyer, 10).await;
        buyers.push(buyer);
    }

    let results = futures::future::join_all(buyers.iter().map(|b| unlock(&w.app, b, &offer))).await;

    let winners = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(winners, 1, "{results:?}");
    for loser in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(error_code(loser), "CONFLICT", "{loser}");
    }
    let mut spent = 0;
    for buyer in &buyers {
        spent += 10 - balance(&w.app, buyer).await;
    }
    assert_eq!(spent, 10, "only the winner paid");
    let portal = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    let listed = nodes(&portal, &["myPartner", "offers"]);
    assert_eq!((listed[0]["remainingQuantity"].clone(), listed[0]["redemptionCount"].clone()), (json!(0), json!(1)));
}

#[tokio::test]
async fn points_for_one_unlock_buy_exactly_one_under_ten_parallel_unlocks() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 30 })).await;
    give_points(&w.app, &w.user, 59).await;

    let results = futures::future::join_all((0..10).map(|_| unlock(&w.app, &w.user, &offer))).await;

    let winners = results.iter().filter(|r| r.get("errors").is_none()).count();
    assert_eq!(winners, 1, "{results:?}");
    for loser in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(error_code(loser), "INSUFFICIENT_POINTS", "{loser}");
    }
    assert_eq!(balance(&w.app, &w.user).await, 29);
    let mine = w.app.gql_as(&w.user, MY_REDEMPTIONS, json!({})).await;
    assert_eq!(nodes(&mine, &["me", "redemptions"]).len(), 1);
    let portal = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    assert_eq!(nodes(&portal, &["myPartner", "offers"])[0]["redemptionCount"], 1);
}
