//! Offers: partners and merchants, offers, unlocks paid in points, redemption at the till, customer pseudonyms.
//!
//! The fixtures here build a small world — an admin, two partners with one merchant each, and a user — that the
//! files below use to walk every role boundary.

mod access;
mod customers;
mod idempotency;
mod loaders;
mod portal;
mod privacy;
mod unlock;

use chrono::{Duration, SecondsFormat, Utc};
use cogo_tests::{TestApp, TestUser, data, spawn_app};
use serde_json::{Value, json};
use uuid::Uuid;

pub const CREATE_PARTNER: &str = "mutation CreatePartner($name: String!, $orgNumber: String!) {
  createPartner(input: { name: $name, orgNumber: $orgNumber }) { id name orgNumber } }";
pub const ADD_PARTNER_MEMBER: &str = "mutation AddPartnerMember($partnerId: ID!, $email: String!) {
  addPartnerMember(partnerId: $partnerId, email: $email) }";
pub const MY_PARTNER: &str = "query MyPartner { myPartner { id name orgNumber } }";
pub const CREATE_OFFER: &str = "mutation CreateOffer($input: CreateOfferInput!) {
  createOffer(input: $input) { id title status costPoints kind } }";
pub const PUBLISH_OFFER: &str = "mutation PublishOffer($id: ID!) { publishOffer(id: $id) { id status } }";
pub const ARCHIVE_OFFER: &str = "mutation ArchiveOffer($id: ID!) { archiveOffer(id: $id) { id status } }";
pub const PARTNER_OFFERS: &str = "query PartnerOffers($first: Int, $after: String) {
  myPartner { offers(first: $first, after: $after) {
    edges { node { id title status costPoints kind totalQuantity remainingQuantity redemptionCount } }
    pageInfo { hasNextPage endCursor } } } }";
pub const PARTNER_REDEMPTIONS: &str = "query PartnerRedemptions($first: Int, $after: String) {
  myPartner { redemptions(first: $first, after: $after) {
    edges { node { id code status unlockedAt redeemedAt offer { id title kind } customer { pseudonym name email } } }
    pageInfo { hasNextPage endCursor } } } }";
pub const REDEEM_CODE: &str = "mutation RedeemCode($code: String!) {
  redeemCode(code: $code) { id status redeemedAt offer { title } } }";
pub const OFFERS: &str = "query Offers($first: Int, $after: String) {
  offers(first: $first, after: $after) {
    edges { cursor node { id title description costPoints kind validFrom validUntil remainingQuantity
      partner { id name } } }
    pageInfo { hasNextPage endCursor } } }";
pub const UNLOCK_OFFER: &str = "mutation UnlockOffer($offerId: ID!) {
  unlockOffer(offerId: $offerId) {
    redemption { id code status unlockedAt offer { id title partner { name } } }
    balance } }";
pub const MY_REDEMPTIONS: &str = "query MyRedemptions($first: Int, $after: String) {
  me { redemptions(first: $first, after: $after) {
    edges { node { id code status unlockedAt redeemedAt offer { id title kind partner { id name } } } }
    pageInfo { hasNextPage endCursor } } } }";
pub const BALANCE: &str = "query { me { points { balance } } }";

/// An admin, partners A and B with one merchant each, and a plain user.
pub struct World {
    pub app: TestApp,
    pub admin: TestUser,
    pub partner_a: String,
    pub partner_b: String,
    pub merchant_a: TestUser,
    pub merchant_b: TestUser,
    pub user: TestUser,
}

pub async fn world() -> World {
    let app = spawn_app().await;
    let admin = app.sign_up("Admin").await;
    let admin = app.grant_role(&admin, "ADMIN").await;
    let partner_a = create_partner(&app, &admin, "Café Ågren", "556677-8899").await;
    let partner_b = create_partner(&app, &admin, "Bokhandeln Berg", "556012-3456").await;
    let merchant_a = app.sign_up("Merchant A").await;
    let merchant_b = app.sign_up("Merchant B").await;
    add_member(&app, &admin, &partner_a, &merchant_a).await;
    add_member(&app, &admin, &partner_b, &merchant_b).await;
    let user = app.sign_up("Anna Andersson").await;
    World { app, admin, partner_a, partner_b, merchant_a, merchant_b, user }
}

pub async fn create_partner(app: &TestApp, admin: &TestUser, name: &str, org_number: &str) -> String {
    let body = app.gql_as(admin, CREATE_PARTNER, json!({ "name": name, "orgNumber": org_number })).await;
    data(&body)["createPartner"]["id"].as_str().unwrap().to_string()
}

pub async fn add_member(app: &TestApp, admin: &TestUser, partner_id: &str, merchant: &TestUser) {
    let body = app.gql_as(admin, ADD_PARTNER_MEMBER, json!({ "partnerId": partner_id, "email": merchant.email })).await;
    assert_eq!(data(&body)["addPartnerMember"], true);
}

pub fn rfc3339(at: chrono::DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// A valid offer input: 100 points, reusable, valid from an hour ago for 30 days; `overrides` replace fields.
pub fn offer_input(overrides: Value) -> Value {
    let now = Utc::now();
    let mut input = json!({
        "title": "Free coffee",
        "description": "Any size, any day",
        "costPoints": 100,
        "kind": "REUSABLE",
        "validFrom": rfc3339(now - Duration::hours(1)),
        "validUntil": rfc3339(now + Duration::days(30)),
    });
    if let (Some(input), Some(overrides)) = (input.as_object_mut(), overrides.as_object()) {
        for (key, value) in overrides {
            input.insert(key.clone(), value.clone());
        }
    }
    input
}

/// Creates a draft offer as the merchant and returns its id.
pub async fn draft_offer(app: &TestApp, merchant: &TestUser, overrides: Value) -> String {
    let body = app.gql_as(merchant, CREATE_OFFER, json!({ "input": offer_input(overrides) })).await;
    data(&body)["createOffer"]["id"].as_str().unwrap().to_string()
}

/// Creates and publishes an offer as the merchant and returns its id.
pub async fn live_offer(app: &TestApp, merchant: &TestUser, overrides: Value) -> String {
    let id = draft_offer(app, merchant, overrides).await;
    let body = app.gql_as(merchant, PUBLISH_OFFER, json!({ "id": id })).await;
    assert_eq!(data(&body)["publishOffer"]["status"], "PUBLISHED");
    id
}

/// Credits points the way the walking module would, through the points service.
pub async fn give_points(app: &TestApp, user: &TestUser, amount: i64) {
    cogo_tests::credit_points(app, user, amount).await;
}

pub async fn balance(app: &TestApp, user: &TestUser) -> i64 {
    data(&app.gql_as(user, BALANCE, json!({})).await)["me"]["points"]["balance"].as_i64().unwrap()
}

pub async fn unlock(app: &TestApp, user: &TestUser, offer_id: &str) -> Value {
    app.gql_as(user, UNLOCK_OFFER, json!({ "offerId": offer_id })).await
}

/// The `n`-th node of a connection at `path` (e.g. `["myPartner", "offers"]`).
pub fn nodes<'a>(body: &'a Value, path: &[&str]) -> Vec<&'a Value> {
    let mut at = data(body);
    for key in path {
        at = &at[*key];
    }
    at["edges"].as_array().unwrap_or_else(|| panic!("no edges in {body}")).iter().map(|e| &e["node"]).collect()
}
