//! What a merchant learns about customers (§4.6): a per-partner pseudonym; name and e-mail for one-time offers.

use cogo_tests::data;
use sea_orm::TransactionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use super::*;

async fn customers(w: &World, merchant: &TestUser) -> Vec<Value> {
    let body = w.app.gql_as(merchant, PARTNER_REDEMPTIONS, json!({})).await;
    nodes(&body, &["myPartner", "redemptions"]).into_iter().map(|n| n["customer"].clone()).collect()
}

#[tokio::test]
async fn pseudonyms_are_stable_per_partner_and_differ_between_partners() {
    let w = world().await;
    let at_a = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    let at_b = live_offer(&w.app, &w.merchant_b, json!({ "costPoints": 10 })).await;
    let other = w.app.sign_up("Bertil").await;
    give_points(&w.app, &w.user, 100).await;
    give_points(&w.app, &other, 100).await;
    for (user, offer) in [(&w.user, &at_a), (&w.user, &at_a), (&w.user, &at_b), (&other, &at_a)] {
        data(&unlock(&w.app, user, offer).await);
    }

    let seen_by_a = customers(&w, &w.merchant_a).await;
    let seen_by_b = customers(&w, &w.merchant_b).await;

    // Newest first: Bertil at A, then Anna twice at A.
    assert_eq!(seen_by_a.len(), 3);
    assert_eq!(seen_by_a[1]["pseudonym"], seen_by_a[2]["pseudonym"], "stable for one partner");
    assert_ne!(seen_by_a[0]["pseudonym"], seen_by_a[1]["pseudonym"], "different customers differ");
    assert_eq!(seen_by_b.len(), 1);
    assert_ne!(seen_by_b[0]["pseudonym"], seen_by_a[1]["pseudonym"], "partners cannot join their lists");
    for customer in seen_by_a.iter().chain(&seen_by_b) {
        assert!(customer["pseudonym"].as_str().is_some_and(|p| p.len() == 32));
        assert_eq!((&customer["name"], &customer["email"]), (&Value::Null, &Value::Null), "reusable offer");
        assert!(!customer["pseudonym"].as_str().unwrap().contains(&w.user.id));
    }
}

#[tokio::test]
async fn one_time_offers_show_the_customers_name_and_email_to_that_merchant_only() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, json!({ "kind": "ONE_TIME", "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 10).await;
    data(&unlock(&w.app, &w.user, &one_time).await);

    let seen_by_a = customers(&w, &w.merchant_a).await;

    assert_eq!(seen_by_a[0]["name"], "Anna Andersson");
    assert_eq!(seen_by_a[0]["email"], w.user.email.as_str());
    assert!(customers(&w, &w.merchant_b).await.is_empty());
}

#[tokio::test]
async fn redemptions_are_exported_and_kept_under_the_pseudonym_on_erasure() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, json!({ "kind": "ONE_TIME", "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 10).await;
    data(&unlock(&w.app, &w.user, &one_time).await);
    let user_id = Uuid::parse_str(&w.user.id).unwrap();
    let ctx = &w.app.context;

    let txn = ctx.db.begin().await.unwrap();
    let export = w.app.hooks_export(&txn, user_id).await;
    txn.commit().await.unwrap();
    assert_eq!(export["offers"]["redemptions"][0]["offer"]["title"], "Free coffee");
    assert_eq!(export["offers"]["redemptions"][0]["partner"], "Café Ågren");

    let txn = ctx.db.begin().await.unwrap();
    ctx.hooks.erase_user_data(&txn, user_id, chrono::Utc::now()).await.unwrap();
    txn.commit().await.unwrap();

    let seen_by_a = customers(&w, &w.merchant_a).await;
    assert_eq!(seen_by_a.len(), 1, "the sale stays");
    assert!(seen_by_a[0]["pseudonym"].is_string(), "under the pseudonym");
    assert_eq!((&seen_by_a[0]["name"], &seen_by_a[0]["email"]), (&Value::Null, &Value::Null), "the customer is gone");
    let txn = ctx.db.begin().await.unwrap();
    let export = w.app.hooks_export(&txn, user_id).await;
    txn.commit().await.unwrap();
    assert!(export["offers"].get("disclosures").is_none());
    assert_eq!(export["offers"]["redemptions"][0]["sharedWithPartner"], Value::Null);

    let merchant_id = Uuid::parse_str(&w.merchant_b.id).unwrap();
    let txn = ctx.db.begin().await.unwrap();
    assert_eq!(w.app.hooks_export(&txn, merchant_id).await["offers"]["merchantOf"]["partner"], "Bokhandeln Berg");
    ctx.hooks.erase_user_data(&txn, merchant_id, chrono::Utc::now()).await.unwrap();
    txn.commit().await.unwrap();
}
