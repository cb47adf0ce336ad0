//! Offers and the data-subject rights (§4.6, §5.9, GDPR art. 17–19): restriction of one-time unlocks, the
//! snapshot shared with the merchant, the disclosure log, separate pseudonyms, erasure and the bookkeeping purge.

use chrono::Duration;
use cogo_kernel::{DataRecipient, ModuleHooks, retention::purged};
use cogo_offers::hooks::OffersHooks;
use cogo_tests::error_code;
use sea_orm::TransactionTrait;

use super::*;

const RESTRICT: &str = "mutation Restrict($restricted: Boolean!) { restrictProcessing(restricted: $restricted) }";

/// The customers on the merchant's redemptions, newest first.
async fn customers(w: &World, merchant: &TestUser) -> Vec<Value> {
    let body = w.app.gql_as(merchant, PARTNER_REDEMPTIONS, json!({})).await;
    nodes(&body, &["myPartner", "redemptions"]).into_iter().map(|n| n["customer"].clone()).collect()
}

async fn restrict(w: &World, user: &TestUser, restricted: bool) {
    let body = w.app.gql_as(user, RESTRICT, json!({ "restricted": restricted })).await;
    assert_eq!(data(&body)["restrictProcessing"], restricted);
}

fn id_of(user: &TestUser) -> Uuid {
    Uuid::parse_str(&user.id).unwrap()
}

fn one_time() -> Value {
    json!({ "kind": "ONE_TIME", "costPoints": 10, "title": "Birthday cake" })
}

#[tokio::test]
async fn a_restricted_user_cannot_unlock_a_one_time_offer_but_can_unlock_a_reusable_one() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, one_time()).await;
    let reusable = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 100).await;
    restrict(&w, &w.user, true).await;

    let refused = unlock(&w.app, &w.user, &one_time).await;
    let allowed = unlock(&w.app, &w.user, &reusable).await;

    assert_eq!(error_code(&refused), "PROCESSING_RESTRICTED");
    assert_eq!(data(&allowed)["unlockOffer"]["balance"], 90, "only the reusable unlock was paid for");
    let sold = w.app.gql_as(&w.merchant_a, PARTNER_REDEMPTIONS, json!({})).await;
    let sold = nodes(&sold, &["myPartner", "redemptions"]);
    assert_eq!(sold.len(), 1, "the refused unlock wrote nothing");
    assert_eq!(sold[0]["offer"]["kind"], "REUSABLE");
}

#[tokio::test]
async fn the_merchant_sees_no_name_or_email_while_the_customer_is_restricted_and_sees_them_again_after_lifting() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, one_time()).await;
    let other = w.app.sign_up("Bertil Berg").await;
    for user in [&w.user, &other] {
        give_points(&w.app, user, 10).await;
        data(&unlock(&w.app, user, &offer).await);
    }
    let before = customers(&w, &w.merchant_a).await;

    restrict(&w, &w.user, true).await;
    let while_restricted = customers(&w, &w.merchant_a).await;
    restrict(&w, &w.user, false).await;
    let after_lifting = customers(&w, &w.merchant_a).await;

    // Newest first: Bertil, then Anna.
    assert_eq!(while_restricted[1]["pseudonym"], before[1]["pseudonym"], "the pseudonym stays");
    assert_eq!((&while_restricted[1]["name"], &while_restricted[1]["email"]), (&Value::Null, &Value::Null));
    assert_eq!(while_restricted[0]["name"], "Bertil Berg", "other customers on the same page are unaffected");
    assert_eq!(after_lifting[1]["name"], "Anna Andersson");
    assert_eq!(after_lifting[1]["email"], w.user.email.as_str());
}

#[tokio::test]
async fn the_merchant_sees_the_name_and_email_shared_at_unlock_after_the_customer_changes_their_email() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, one_time()).await;
    give_points(&w.app, &w.user, 10).await;
    data(&unlock(&w.app, &w.user, &offer).await);

    // The change as it lands once the new address is verified (the mailed-code flow is tested in `email`).
    cogo_tests::set_email_in_database(&w.app, &w.user, "anna.ny@example.se").await;
    let seen = customers(&w, &w.merchant_a).await;

    assert_eq!(seen[0]["email"], w.user.email.as_str(), "the snapshot, not the live account");
    assert_eq!(seen[0]["name"], "Anna Andersson");
}

#[tokio::test]
async fn the_one_time_pseudonym_differs_from_the_reusable_pseudonym_of_the_same_customer_at_the_same_partner() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, one_time()).await;
    let reusable = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 40).await;
    for offer in [&reusable, &one_time, &reusable, &one_time] {
        data(&unlock(&w.app, &w.user, offer).await);
    }

    let seen = customers(&w, &w.merchant_a).await;

    // Newest first: one-time, reusable, one-time, reusable.
    assert_eq!(seen[0]["pseudonym"], seen[2]["pseudonym"], "stable on one-time redemptions");
    assert_eq!(seen[1]["pseudonym"], seen[3]["pseudonym"], "stable on reusable redemptions");
    assert_ne!(seen[0]["pseudonym"], seen[1]["pseudonym"], "the name cannot be carried over to reusable ones");
    assert_eq!((&seen[1]["name"], &seen[1]["email"]), (&Value::Null, &Value::Null));
}

#[tokio::test]
async fn a_one_time_unlock_is_a_disclosure_in_the_export_and_among_the_data_recipients() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, one_time()).await;
    let reusable = live_offer(&w.app, &w.merchant_b, json!({ "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 20).await;
    data(&unlock(&w.app, &w.user, &one_time).await);
    data(&unlock(&w.app, &w.user, &reusable).await);
    let ctx = &w.app.context;

    let txn = ctx.db.begin().await.unwrap();
    let export = w.app.hooks_export(&txn, id_of(&w.user)).await;
    let recipients = ctx.hooks.data_recipients(&txn, id_of(&w.user)).await.unwrap();
    txn.commit().await.unwrap();

    let disclosures = export["offers"]["disclosures"].as_array().unwrap();
    assert_eq!(disclosures.len(), 1, "a reusable unlock discloses nothing");
    assert_eq!(disclosures[0]["partner"], "Café Ågren");
    assert_eq!(disclosures[0]["offer"]["title"], "Birthday cake");
    assert_eq!(disclosures[0]["categories"], json!(["name", "email"]));
    assert!(disclosures[0]["disclosedAt"].is_string());
    let redemptions = export["offers"]["redemptions"].as_array().unwrap();
    assert_eq!(redemptions.len(), 2);
    assert_eq!(redemptions[0]["sharedWithPartner"]["email"], w.user.email.as_str());
    assert_eq!(redemptions[1]["sharedWithPartner"], Value::Null);
    assert_eq!(recipients, vec![DataRecipient { name: "Café Ågren".into(), kind: "partner" }]);
}

#[tokio::test]
async fn after_erasure_the_merchant_sees_only_the_pseudonym_and_the_disclosures_are_gone() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, one_time()).await;
    let reusable = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10, "perUserLimit": 3 })).await;
    give_points(&w.app, &w.user, 20).await;
    data(&unlock(&w.app, &w.user, &reusable).await);
    data(&unlock(&w.app, &w.user, &one_time).await);
    let before = customers(&w, &w.merchant_a).await;
    let ctx = &w.app.context;

    let txn = ctx.db.begin().await.unwrap();
    ctx.hooks.erase_user_data(&txn, id_of(&w.user), ctx.now()).await.unwrap();
    txn.commit().await.unwrap();

    let after = customers(&w, &w.merchant_a).await;
    assert_eq!(after.len(), 2, "the redemptions stay (the partner's bookkeeping)");
    for (after, before) in after.iter().zip(&before) {
        assert_eq!(after["pseudonym"], before["pseudonym"]);
        assert_eq!((&after["name"], &after["email"]), (&Value::Null, &Value::Null));
    }
    let txn = ctx.db.begin().await.unwrap();
    let export = w.app.hooks_export(&txn, id_of(&w.user)).await;
    let recipients = ctx.hooks.data_recipients(&txn, id_of(&w.user)).await.unwrap();
    txn.commit().await.unwrap();
    assert!(export["offers"].get("disclosures").is_none(), "the disclosure log of the user is gone");
    assert!(recipients.is_empty());
    for redemption in export["offers"]["redemptions"].as_array().unwrap() {
        assert_eq!(redemption["sharedWithPartner"], Value::Null, "the merchant's copy is gone");
    }
}

#[tokio::test]
async fn the_bookkeeping_purge_removes_redemptions_after_the_seventh_calendar_year_once() {
    let w = world().await;
    let one_time = live_offer(&w.app, &w.merchant_a, one_time()).await;
    let reusable = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 20).await;
    data(&unlock(&w.app, &w.user, &one_time).await);
    data(&unlock(&w.app, &w.user, &reusable).await);
    let ctx = &w.app.context;
    // Kept through the end of the seventh year after the year of the unlock: gone in the eighth.
    w.app.advance_clock(Duration::days(8 * 366));

    let txn = ctx.db.begin().await.unwrap();
    let first = OffersHooks.purge_expired(&txn, ctx.now(), &ctx.retention).await.unwrap();
    let second = OffersHooks.purge_expired(&txn, ctx.now(), &ctx.retention).await.unwrap();
    let export = w.app.hooks_export(&txn, id_of(&w.user)).await;
    txn.commit().await.unwrap();

    assert_eq!(first.count(purged::BOOKKEEPING_RECORDS), 2);
    assert_eq!(second.total(), 0, "a second run removes nothing");
    assert!(export.get("offers").is_none(), "no redemption and no disclosure is left");
    let merchant = w.app.log_in(&w.merchant_a).await;
    assert!(customers(&w, &merchant).await.is_empty());
}

#[tokio::test]
async fn the_bookkeeping_purge_keeps_redemptions_inside_the_period() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, one_time()).await;
    give_points(&w.app, &w.user, 10).await;
    data(&unlock(&w.app, &w.user, &offer).await);
    let ctx = &w.app.context;
    w.app.advance_clock(Duration::days(7 * 365 - 2));

    let txn = ctx.db.begin().await.unwrap();
    let report = OffersHooks.purge_expired(&txn, ctx.now(), &ctx.retention).await.unwrap();
    let recipients = ctx.hooks.data_recipients(&txn, id_of(&w.user)).await.unwrap();
    txn.commit().await.unwrap();

    assert_eq!(report.total(), 0);
    assert_eq!(recipients.len(), 1, "the disclosure is kept with its redemption");
}
