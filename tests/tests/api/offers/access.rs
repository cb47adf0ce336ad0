//! Every role boundary: signed out, user, merchant of partner A, merchant of partner B, admin.

use cogo_tests::{data, error_code};
use serde_json::{Value, json};

use super::*;

/// Every operation of the offers module with variables that would work for the right actor.
fn operations(w: &World, offer_id: &str, code: &str) -> Vec<(&'static str, &'static str, Value)> {
    vec![
        ("myPartner", MY_PARTNER, json!({})),
        ("partnerOffers", PARTNER_OFFERS, json!({})),
        ("partnerRedemptions", PARTNER_REDEMPTIONS, json!({})),
        ("offers", OFFERS, json!({})),
        ("myRedemptions", MY_REDEMPTIONS, json!({})),
        ("createPartner", CREATE_PARTNER, json!({ "name": "Nya AB", "orgNumber": "559999-0000" })),
        ("addPartnerMember", ADD_PARTNER_MEMBER, json!({ "partnerId": w.partner_a, "email": w.user.email })),
        ("createOffer", CREATE_OFFER, json!({ "input": offer_input(json!({})) })),
        ("publishOffer", PUBLISH_OFFER, json!({ "id": offer_id })),
        ("archiveOffer", ARCHIVE_OFFER, json!({ "id": offer_id })),
        ("unlockOffer", UNLOCK_OFFER, json!({ "offerId": offer_id })),
        ("redeemCode", REDEEM_CODE, json!({ "code": code })),
    ]
}

#[tokio::test]
async fn signed_out_callers_get_unauthenticated_everywhere() {
    let w = world().await;
    let offer = draft_offer(&w.app, &w.merchant_a, json!({})).await;
    for (name, query, variables) in operations(&w, &offer, "ABCDEFGH23") {
        let body = w.app.gql(query, variables).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{name}: {body}");
    }
}

#[tokio::test]
async fn only_admins_onboard_partners_and_merchants() {
    let w = world().await;
    let create = json!({ "name": "Nya AB", "orgNumber": "559999-0000" });
    let add = json!({ "partnerId": w.partner_a, "email": w.user.email });
    for actor in [&w.user, &w.merchant_a, &w.merchant_b] {
        assert_eq!(error_code(&w.app.gql_as(actor, CREATE_PARTNER, create.clone()).await), "FORBIDDEN");
        assert_eq!(error_code(&w.app.gql_as(actor, ADD_PARTNER_MEMBER, add.clone()).await), "FORBIDDEN");
    }
    let body = w.app.gql_as(&w.admin, CREATE_PARTNER, create).await;
    assert_eq!(data(&body)["createPartner"]["orgNumber"], "559999-0000");
}

#[tokio::test]
async fn my_partner_is_the_merchants_own_partner_and_null_for_everyone_else() {
    let w = world().await;
    let a = w.app.gql_as(&w.merchant_a, MY_PARTNER, json!({})).await;
    assert_eq!(data(&a)["myPartner"], json!({ "id": w.partner_a, "name": "Café Ågren", "orgNumber": "556677-8899" }));
    let b = w.app.gql_as(&w.merchant_b, MY_PARTNER, json!({})).await;
    assert_eq!(data(&b)["myPartner"]["id"], w.partner_b.as_str());
    for actor in [&w.user, &w.admin] {
        assert_eq!(data(&w.app.gql_as(actor, MY_PARTNER, json!({})).await)["myPartner"], Value::Null);
    }
}

#[tokio::test]
async fn users_and_admins_cannot_run_the_portal() {
    let w = world().await;
    let offer = draft_offer(&w.app, &w.merchant_a, json!({})).await;
    for actor in [&w.user, &w.admin] {
        let create = w.app.gql_as(actor, CREATE_OFFER, json!({ "input": offer_input(json!({})) })).await;
        assert_eq!(error_code(&create), "FORBIDDEN");
        assert_eq!(error_code(&w.app.gql_as(actor, PUBLISH_OFFER, json!({ "id": offer })).await), "FORBIDDEN");
        assert_eq!(error_code(&w.app.gql_as(actor, ARCHIVE_OFFER, json!({ "id": offer })).await), "FORBIDDEN");
        let redeem = w.app.gql_as(actor, REDEEM_CODE, json!({ "code": "ABCDEFGH23" })).await;
        assert_eq!(error_code(&redeem), "FORBIDDEN");
    }
}

#[tokio::test]
async fn a_merchant_cannot_see_or_change_another_partners_offers() {
    let w = world().await;
    let offer_a = draft_offer(&w.app, &w.merchant_a, json!({ "title": "A's offer" })).await;
    let publish = w.app.gql_as(&w.merchant_b, PUBLISH_OFFER, json!({ "id": offer_a })).await;
    assert_eq!(error_code(&publish), "NOT_FOUND");
    let archive = w.app.gql_as(&w.merchant_b, ARCHIVE_OFFER, json!({ "id": offer_a })).await;
    assert_eq!(error_code(&archive), "NOT_FOUND");
    let garbage = w.app.gql_as(&w.merchant_b, PUBLISH_OFFER, json!({ "id": "not-an-id" })).await;
    assert_eq!(error_code(&garbage), "NOT_FOUND");

    let b_list = w.app.gql_as(&w.merchant_b, PARTNER_OFFERS, json!({})).await;
    assert!(nodes(&b_list, &["myPartner", "offers"]).is_empty());
    let a_list = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    let a_nodes = nodes(&a_list, &["myPartner", "offers"]);
    assert_eq!(a_nodes.len(), 1);
    assert_eq!(a_nodes[0]["status"], "DRAFT", "B's attempts changed nothing");
}

#[tokio::test]
async fn a_merchant_redeems_only_their_own_partners_codes_and_only_once() {
    let w = world().await;
    let offer_a = live_offer(&w.app, &w.merchant_a, json!({})).await;
    give_points(&w.app, &w.user, 100).await;
    let unlocked = unlock(&w.app, &w.user, &offer_a).await;
    let code = data(&unlocked)["unlockOffer"]["redemption"]["code"].as_str().unwrap().to_string();

    let by_b = w.app.gql_as(&w.merchant_b, REDEEM_CODE, json!({ "code": code })).await;
    assert_eq!(error_code(&by_b), "FORBIDDEN", "the till tells another partner's code from an unknown one");
    assert!(!by_b.to_string().contains("Café Ågren"), "and names nothing of it: {by_b}");
    let b_list = w.app.gql_as(&w.merchant_b, PARTNER_REDEMPTIONS, json!({})).await;
    assert!(nodes(&b_list, &["myPartner", "redemptions"]).is_empty());

    let by_a = w.app.gql_as(&w.merchant_a, REDEEM_CODE, json!({ "code": code.to_lowercase() })).await;
    let redeemed = &data(&by_a)["redeemCode"];
    assert_eq!(redeemed["status"], "REDEEMED");
    assert!(redeemed["redeemedAt"].is_string());
    assert_eq!(redeemed["offer"]["title"], "Free coffee");

    let again = w.app.gql_as(&w.merchant_a, REDEEM_CODE, json!({ "code": code })).await;
    assert_eq!(error_code(&again), "CONFLICT");
    let unknown = w.app.gql_as(&w.merchant_a, REDEEM_CODE, json!({ "code": "ZZZZZZZZZZ" })).await;
    assert_eq!(error_code(&unknown), "NOT_FOUND");

    let mine = w.app.gql_as(&w.user, MY_REDEMPTIONS, json!({})).await;
    assert_eq!(nodes(&mine, &["me", "redemptions"])[0]["status"], "REDEEMED");
}

#[tokio::test]
async fn onboarding_checks_its_input() {
    let w = world().await;
    let (app, admin) = (&w.app, &w.admin);
    let dup = app.gql_as(admin, CREATE_PARTNER, json!({ "name": "Copy", "orgNumber": "5566778899" })).await;
    assert_eq!(error_code(&dup), "CONFLICT");
    for (name, org, field) in [
        ("", "559999-0000", "name"),
        (&"x".repeat(101)[..], "559999-0000", "name"),
        ("Fine", "55999-0000", "orgNumber"),
        ("Fine", "559999-000X", "orgNumber"),
    ] {
        let body = app.gql_as(admin, CREATE_PARTNER, json!({ "name": name, "orgNumber": org })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let unknown_email = json!({ "partnerId": w.partner_a, "email": "nobody@example.se" });
    assert_eq!(error_code(&app.gql_as(admin, ADD_PARTNER_MEMBER, unknown_email).await), "NOT_FOUND");
    let unknown_partner = json!({ "partnerId": uuid::Uuid::new_v4().to_string(), "email": w.user.email });
    assert_eq!(error_code(&app.gql_as(admin, ADD_PARTNER_MEMBER, unknown_partner).await), "NOT_FOUND");
    let elsewhere = json!({ "partnerId": w.partner_b, "email": w.merchant_a.email });
    assert_eq!(error_code(&app.gql_as(admin, ADD_PARTNER_MEMBER, elsewhere).await), "CONFLICT");
    let again = json!({ "partnerId": w.partner_a, "email": w.merchant_a.email });
    assert_eq!(data(&app.gql_as(admin, ADD_PARTNER_MEMBER, again).await)["addPartnerMember"], true);
}

#[tokio::test]
async fn two_tills_racing_with_one_code_accept_it_once() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    let colleague = w.app.sign_up("Colleague A").await;
    add_member(&w.app, &w.admin, &w.partner_a, &colleague).await;
    give_points(&w.app, &w.user, 10).await;
    let code = data(&unlock(&w.app, &w.user, &offer).await)["unlockOffer"]["redemption"]["code"].clone();

    let tills = (0..10).map(|i| {
        let till = if i % 2 == 0 { &w.merchant_a } else { &colleague };
        w.app.gql_as(till, REDEEM_CODE, json!({ "code": code }))
    });
    let results = futures::future::join_all(tills).await;

    assert_eq!(results.iter().filter(|r| r.get("errors").is_none()).count(), 1, "{results:?}");
    for loser in results.iter().filter(|r| r.get("errors").is_some()) {
        assert_eq!(error_code(loser), "CONFLICT");
    }
}

#[tokio::test]
async fn a_users_redemptions_are_theirs_alone() {
    let w = world().await;
    let offer = live_offer(&w.app, &w.merchant_a, json!({ "costPoints": 10 })).await;
    give_points(&w.app, &w.user, 10).await;
    data(&unlock(&w.app, &w.user, &offer).await);

    for other in [&w.merchant_a, &w.merchant_b, &w.admin] {
        let body = w.app.gql_as(other, MY_REDEMPTIONS, json!({})).await;
        assert!(nodes(&body, &["me", "redemptions"]).is_empty());
    }
    let mine = w.app.gql_as(&w.user, MY_REDEMPTIONS, json!({})).await;
    assert_eq!(nodes(&mine, &["me", "redemptions"]).len(), 1);
}
