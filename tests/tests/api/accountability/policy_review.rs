//! The privacy policy's upkeep and where it sends people: the yearly review (§3.1) — due a year after the last
//! review or publication, overdue after that until an `ADMIN` re-adopts the policy or publishes a new version — and
//! the supervisory authority a person may complain to (IMY unless configured otherwise).

use chrono::{DateTime, Duration, Months, Utc};
use cogo_tests::{data, spawn_app, spawn_app_with};
use serde_json::{Value, json};

use super::{RECORD_POLICY_REVIEW, SUPERVISORY_AUTHORITY, admin_of, assert_near, latest_entry, officer_of, time};

const POLICY_REVIEW: &str = "query PrivacyPolicyReview {
  privacyPolicy { version publishedAt lastReviewedAt nextReviewDueAt reviewOverdue }
  privacyPolicyVersions { version } }";
const PUBLISH: &str = "mutation PublishPrivacyPolicy($body: String!, $summaryOfChanges: String!) {
  publishPrivacyPolicy(body: $body, summaryOfChanges: $summaryOfChanges) { version publishedAt }
}";
const FULL_AUTHORITY: &str = "query { supervisoryAuthority { name website email postalAddress phone } }";

fn a_year_after(at: DateTime<Utc>) -> DateTime<Utc> {
    at.checked_add_months(Months::new(12)).unwrap()
}

async fn policy(app: &cogo_tests::TestApp) -> Value {
    data(&app.gql(POLICY_REVIEW, json!({})).await)["privacyPolicy"].clone()
}

#[tokio::test]
async fn the_policy_in_force_is_due_for_review_a_year_after_its_publication() {
    let app = spawn_app().await;

    let fresh = policy(&app).await;

    assert_eq!(fresh["version"], 1);
    assert_eq!(time(&fresh["lastReviewedAt"]), time(&fresh["publishedAt"]), "{fresh}");
    let due = time(&fresh["nextReviewDueAt"]);
    assert_eq!(due, a_year_after(time(&fresh["publishedAt"])), "{fresh}");
    assert_eq!(fresh["reviewOverdue"], app.context.now() > due, "{fresh}");

    app.advance_clock(Duration::days(366));
    let a_year_on = policy(&app).await;
    assert_eq!(a_year_on["reviewOverdue"], true, "{a_year_on}");
    assert_eq!(a_year_on["nextReviewDueAt"], fresh["nextReviewDueAt"]);
}

#[tokio::test]
async fn a_review_keeps_the_version_and_is_next_due_a_year_later() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;

    let reviewed_at = app.context.now();
    let body = app.gql_as(&admin, RECORD_POLICY_REVIEW, json!({ "note": "Re-adopted unchanged" })).await;
    let reviewed = data(&body)["recordPrivacyPolicyReview"].clone();
    assert_eq!(reviewed["version"], 1);
    assert_near(time(&reviewed["lastReviewedAt"]), reviewed_at, "lastReviewedAt");
    assert_eq!(time(&reviewed["nextReviewDueAt"]), a_year_after(time(&reviewed["lastReviewedAt"])));
    assert_eq!(reviewed["reviewOverdue"], false);
    assert_eq!(policy(&app).await["lastReviewedAt"], reviewed["lastReviewedAt"]);

    app.advance_clock(Duration::days(366));
    assert_eq!(policy(&app).await["reviewOverdue"], true, "not overdue a year and a day after the review");

    let admin = app.log_in(&admin).await;
    let reviewed_again_at = app.context.now();
    let body = app.gql_as(&admin, RECORD_POLICY_REVIEW, json!({ "note": "Re-adopted, §5 still right" })).await;
    assert_eq!(data(&body)["recordPrivacyPolicyReview"]["version"], 1);
    let after = policy(&app).await;
    assert_eq!(after["version"], 1, "a review is no new version");
    assert_eq!(after["reviewOverdue"], false, "{after}");
    assert_near(time(&after["lastReviewedAt"]), reviewed_again_at, "lastReviewedAt");
    assert_eq!(time(&after["nextReviewDueAt"]), a_year_after(time(&after["lastReviewedAt"])));
    let versions = data(&app.gql(POLICY_REVIEW, json!({})).await)["privacyPolicyVersions"].clone();
    assert_eq!(versions.as_array().unwrap().len(), 1, "{versions}");
}

#[tokio::test]
async fn publishing_a_new_version_counts_as_a_review() {
    let app = spawn_app().await;
    app.advance_clock(Duration::days(366));
    let admin = admin_of(&app).await;
    assert_eq!(policy(&app).await["reviewOverdue"], true);

    let body = app.gql_as(&admin, PUBLISH, json!({ "body": "Version two", "summaryOfChanges": "New partners" })).await;

    let published_at = time(&data(&body)["publishPrivacyPolicy"]["publishedAt"]);
    let after = policy(&app).await;
    assert_eq!(after["version"], 2);
    assert_eq!(after["reviewOverdue"], false, "{after}");
    assert_eq!(time(&after["lastReviewedAt"]), published_at, "{after}");
    assert_eq!(time(&after["nextReviewDueAt"]), a_year_after(published_at), "{after}");
}

#[tokio::test]
async fn a_review_is_audit_logged_with_the_admin_as_actor() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let officer = officer_of(&app).await;

    data(&app.gql_as(&admin, RECORD_POLICY_REVIEW, json!({ "note": "Re-adopted unchanged" })).await);

    let entry = latest_entry(&app, &officer, "PRIVACY_POLICY_REVIEWED").await;
    assert_eq!(entry["actorKind"], "STAFF", "{entry}");
    assert_eq!(entry["actorId"], admin.id.as_str(), "{entry}");
}

#[tokio::test]
async fn the_supervisory_authority_is_imy_by_default() {
    let app = spawn_app().await;

    let as_the_app_asks = app.gql(SUPERVISORY_AUTHORITY, json!({})).await;
    let full = app.gql(FULL_AUTHORITY, json!({})).await;

    let authority = &data(&as_the_app_asks)["supervisoryAuthority"];
    assert!(authority["name"].as_str().unwrap().contains("Integritetsskyddsmyndigheten"), "{authority}");
    assert_eq!(authority["website"], "https://www.imy.se");
    assert_eq!(authority["email"], "imy@imy.se");
    let full = &data(&full)["supervisoryAuthority"];
    assert_eq!(full["postalAddress"], "Box 8114, 104 20 Stockholm", "{full}");
    assert_eq!(full["phone"], "+46 8 657 61 00", "{full}");
}

#[tokio::test]
async fn the_supervisory_authority_is_configurable() {
    let app = spawn_app_with(|settings| {
        let authority = &mut settings.supervisory_authority;
        authority.name = "Datatilsynet".into();
        authority.website = "https://www.datatilsynet.no".into();
        authority.email = "postkasse@datatilsynet.no".into();
        authority.postal_address = "Postboks 458 Sentrum, 0105 Oslo".into();
        authority.phone = "+47 22 39 69 00".into();
    })
    .await;

    let body = app.gql(FULL_AUTHORITY, json!({})).await;

    assert_eq!(
        data(&body)["supervisoryAuthority"],
        json!({
            "name": "Datatilsynet",
            "website": "https://www.datatilsynet.no",
            "email": "postkasse@datatilsynet.no",
            "postalAddress": "Postboks 458 Sentrum, 0105 Oslo",
            "phone": "+47 22 39 69 00",
        })
    );
}
