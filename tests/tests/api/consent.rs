//! Consent: purposes and legal bases, grants and withdrawals with history, privacy-policy versions.

use cogo_tests::{data, error_code, spawn_app, spawn_app_with};
use serde_json::{Value, json};

const PURPOSES: &str = "query ConsentPurposes { consentPurposes { key legalBasis description } }";
const MY_CONSENTS: &str = "{ me { consents { purpose granted changedAt policyVersion } } }";
const SET_CONSENT: &str = "mutation SetConsent($purpose: String!, $granted: Boolean!) {
  setConsent(purpose: $purpose, granted: $granted) { purpose granted changedAt policyVersion } }";
const HISTORY: &str =
    "{ me { consentHistory(first: 50) { edges { node { purpose granted channel policyVersion } } } } }";
const POLICY: &str = "query PrivacyPolicy {
  privacyPolicy { version publishedAt summaryOfChanges body }
  privacyPolicyVersions { version publishedAt summaryOfChanges } }";
const ACCEPT: &str = "mutation AcceptPrivacyPolicy($version: Int!) { acceptPrivacyPolicy(version: $version) }";
const PUBLISH: &str = "mutation PublishPrivacyPolicy($body: String!, $summaryOfChanges: String!) {
  publishPrivacyPolicy(body: $body, summaryOfChanges: $summaryOfChanges) { version publishedAt } }";
const PENDING: &str = "{ me { pendingPolicyVersion } }";

fn consent_of<'a>(body: &'a Value, purpose: &str) -> &'a Value {
    data(body)["me"]["consents"].as_array().unwrap().iter().find(|c| c["purpose"] == purpose).unwrap()
}

#[tokio::test]
async fn the_purposes_and_their_legal_bases_are_public() {
    let app = spawn_app().await;
    let body = app.gql(PURPOSES, json!({})).await;
    let purposes: Vec<(String, String)> = data(&body)["consentPurposes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["key"].as_str().unwrap().to_string(), p["legalBasis"].as_str().unwrap().to_string()))
        .collect();
    for expected in [
        ("account", "CONTRACT"),
        ("health_data", "CONSENT"),
        ("marketing", "LEGITIMATE_INTEREST"),
        ("analytics", "CONSENT"),
        ("personal_number", "CONSENT"),
        ("bookkeeping", "LEGAL_OBLIGATION"),
    ] {
        assert!(purposes.contains(&(expected.0.to_string(), expected.1.to_string())), "{expected:?} in {purposes:?}");
    }
}

#[tokio::test]
async fn sign_up_records_the_account_basis_and_grants_no_optional_consent() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql_as(&anna, MY_CONSENTS, json!({})).await;
    assert_eq!(consent_of(&body, "account")["granted"], true);
    assert_eq!(consent_of(&body, "account")["policyVersion"], 1);
    assert!(consent_of(&body, "account")["changedAt"].is_string());
    for purpose in ["health_data", "analytics", "personal_number"] {
        assert_eq!(consent_of(&body, purpose)["granted"], false, "{purpose}");
        assert!(consent_of(&body, purpose)["changedAt"].is_null(), "{purpose}");
    }
    // Legitimate interest applies until the user objects.
    assert_eq!(consent_of(&body, "marketing")["granted"], true);
    // Sign-up accepted the policy in force.
    assert!(data(&app.gql_as(&anna, PENDING, json!({})).await)["me"]["pendingPolicyVersion"].is_null());
}

#[tokio::test]
async fn grant_withdraw_and_grant_again_keeps_the_history() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for granted in [true, false, true] {
        let body = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": granted })).await;
        assert_eq!(data(&body)["setConsent"]["granted"], granted);
        assert_eq!(data(&body)["setConsent"]["policyVersion"], 1);
    }
    let body = app.gql_as(&anna, MY_CONSENTS, json!({})).await;
    assert_eq!(consent_of(&body, "health_data")["granted"], true);

    let history = app.gql_as(&anna, HISTORY, json!({})).await;
    let health: Vec<bool> = data(&history)["me"]["consentHistory"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["purpose"] == "health_data")
        .map(|e| e["node"]["granted"].as_bool().unwrap())
        .collect();
    assert_eq!(health.len(), 3);
    assert_eq!(health.iter().filter(|g| **g).count(), 2);
}

#[tokio::test]
async fn objecting_to_marketing_stops_it() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "marketing", "granted": false })).await;
    assert_eq!(data(&body)["setConsent"]["granted"], false);
    let ctx = &app.context;
    let anna_id = uuid::Uuid::parse_str(&anna.id).unwrap();
    assert!(!cogo_consent::service::is_allowed(&ctx.db, anna_id, "marketing").await.unwrap());
}

#[tokio::test]
async fn contract_and_legal_obligation_cannot_be_withdrawn() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for purpose in ["account", "bookkeeping"] {
        let body = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": purpose, "granted": false })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{purpose}");
    }
    let body = app.gql_as(&anna, MY_CONSENTS, json!({})).await;
    assert_eq!(consent_of(&body, "account")["granted"], true);
}

#[tokio::test]
async fn an_unknown_purpose_is_bad_input() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "selling_your_soul", "granted": true })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn consents_need_a_session_and_are_never_another_users() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = app.sign_up("Bertil").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "analytics", "granted": true })).await);
    let body = app.gql_as(&bertil, MY_CONSENTS, json!({})).await;
    assert_eq!(consent_of(&body, "analytics")["granted"], false);
    let history = app.gql_as(&bertil, HISTORY, json!({})).await;
    assert!(
        data(&history)["me"]["consentHistory"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["node"]["purpose"] != "analytics")
    );
    assert_eq!(error_code(&app.gql(MY_CONSENTS, json!({})).await), "UNAUTHENTICATED");
    let set = app.gql(SET_CONSENT, json!({ "purpose": "analytics", "granted": true })).await;
    assert_eq!(error_code(&set), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_fresh_install_has_policy_version_one() {
    let app = spawn_app().await;
    let body = app.gql(POLICY, json!({})).await;
    assert_eq!(data(&body)["privacyPolicy"]["version"], 1);
    assert!(data(&body)["privacyPolicy"]["body"].as_str().unwrap().contains("CoGo"));
    assert_eq!(data(&body)["privacyPolicyVersions"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn only_an_admin_publishes_a_policy() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let variables = json!({ "body": "New text", "summaryOfChanges": "Clarified §5" });
    assert_eq!(error_code(&app.gql(PUBLISH, variables.clone()).await), "UNAUTHENTICATED");
    assert_eq!(error_code(&app.gql_as(&anna, PUBLISH, variables.clone()).await), "FORBIDDEN");
    let officer = app.grant_role(&app.sign_up("Olle").await, "PRIVACY_OFFICER").await;
    assert_eq!(error_code(&app.gql_as(&officer, PUBLISH, variables.clone()).await), "FORBIDDEN");

    let admin = app.grant_role(&app.sign_up("Ada").await, "ADMIN").await;
    let body = app.gql_as(&admin, PUBLISH, variables).await;
    assert_eq!(data(&body)["publishPrivacyPolicy"]["version"], 2);
    let empty = app.gql_as(&admin, PUBLISH, json!({ "body": " ", "summaryOfChanges": "x" })).await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_new_version_is_pending_until_accepted_and_old_versions_stay_readable() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let admin = app.grant_role(&app.sign_up("Ada").await, "ADMIN").await;
    data(&app.gql_as(&admin, PUBLISH, json!({ "body": "Version two", "summaryOfChanges": "New partners" })).await);

    let pending = app.gql_as(&anna, PENDING, json!({})).await;
    assert_eq!(data(&pending)["me"]["pendingPolicyVersion"], 2);

    assert_eq!(error_code(&app.gql_as(&anna, ACCEPT, json!({ "version": 1 })).await), "BAD_USER_INPUT");
    assert_eq!(error_code(&app.gql_as(&anna, ACCEPT, json!({ "version": 7 })).await), "BAD_USER_INPUT");
    assert_eq!(data(&app.gql_as(&anna, ACCEPT, json!({ "version": 2 })).await)["acceptPrivacyPolicy"], true);
    assert!(data(&app.gql_as(&anna, PENDING, json!({})).await)["me"]["pendingPolicyVersion"].is_null());

    let policy = app.gql(POLICY, json!({})).await;
    assert_eq!(data(&policy)["privacyPolicy"]["version"], 2);
    let versions: Vec<i64> = data(&policy)["privacyPolicyVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(versions, vec![1, 2]);
    let first = app.gql("{ privacyPolicyVersion(version: 1) { body } }", json!({})).await;
    assert!(data(&first)["privacyPolicyVersion"]["body"].as_str().unwrap().contains("CoGo"));

    // A consent given now records the new version.
    let body = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "analytics", "granted": true })).await;
    assert_eq!(data(&body)["setConsent"]["policyVersion"], 2);
}

#[tokio::test]
async fn accepting_needs_a_session() {
    let app = spawn_app().await;
    assert_eq!(error_code(&app.gql(ACCEPT, json!({ "version": 1 })).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_send_out_reaches_exactly_those_the_purpose_allows() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = app.sign_up("Bertil").await;
    let cecilia = app.sign_up("Cecilia").await;
    data(&app.gql_as(&bertil, SET_CONSENT, json!({ "purpose": "marketing", "granted": false })).await);
    data(&app.gql_as(&cecilia, SET_CONSENT, json!({ "purpose": "analytics", "granted": true })).await);
    let id = |u: &cogo_tests::TestUser| uuid::Uuid::parse_str(&u.id).unwrap();
    let db = &app.context.db;

    let mut marketing = cogo_consent::service::all_users_allowed(db, "marketing").await.unwrap();
    marketing.sort();
    let mut expected = vec![id(&anna), id(&cecilia)];
    expected.sort();
    assert_eq!(marketing, expected, "everyone but the objector");

    let analytics = cogo_consent::service::all_users_allowed(db, "analytics").await.unwrap();
    assert_eq!(analytics, vec![id(&cecilia)], "only who consented");

    // A withdrawal counts for the very next question.
    data(&app.gql_as(&cecilia, SET_CONSENT, json!({ "purpose": "analytics", "granted": false })).await);
    assert!(cogo_consent::service::all_users_allowed(db, "analytics").await.unwrap().is_empty());
}

const RESTRICT: &str =
    "mutation RestrictProcessing($restricted: Boolean!) { restrictProcessing(restricted: $restricted) }";

#[tokio::test]
async fn restricting_processing_stops_step_sync_and_send_outs_until_lifted() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    let restricted = "{ me { processingRestricted } }";
    assert_eq!(data(&app.gql_as(&anna, restricted, json!({})).await)["me"]["processingRestricted"], false);

    assert_eq!(data(&app.gql_as(&anna, RESTRICT, json!({ "restricted": true })).await)["restrictProcessing"], true);
    assert_eq!(data(&app.gql_as(&anna, restricted, json!({})).await)["me"]["processingRestricted"], true);
    let start = cogo_tests::an_hour_within_one_day(chrono::Utc::now());
    let samples = json!([{ "externalId": "hk-1", "startAt": start.to_rfc3339(),
        "endAt": (start + chrono::Duration::hours(1)).to_rfc3339(), "steps": 5000, "distanceMeters": 4000.0, "source": "iPhone" }]);
    let sync =
        "mutation SyncSteps($samples: [StepSampleInput!]!) { syncSteps(samples: $samples) { accepted pointsAwarded } }";
    assert_eq!(
        error_code(&app.gql_as(&anna, sync, json!({ "samples": samples.clone() })).await),
        "PROCESSING_RESTRICTED"
    );
    let anna_id = uuid::Uuid::parse_str(&anna.id).unwrap();
    assert!(!cogo_consent::service::all_users_allowed(&app.context.db, "marketing").await.unwrap().contains(&anna_id));

    data(&app.gql_as(&anna, RESTRICT, json!({ "restricted": false })).await);
    // Nothing was stored while restricted: the same sample is new now.
    let body = app.gql_as(&anna, sync, json!({ "samples": samples })).await;
    assert_eq!(data(&body)["syncSteps"]["accepted"], 1);
    assert_eq!(data(&body)["syncSteps"]["pointsAwarded"], 4);
    assert!(cogo_consent::service::all_users_allowed(&app.context.db, "marketing").await.unwrap().contains(&anna_id));
}

#[tokio::test]
async fn restricting_needs_a_session() {
    let app = spawn_app().await;
    assert_eq!(error_code(&app.gql(RESTRICT, json!({ "restricted": true })).await), "UNAUTHENTICATED");
    assert_eq!(error_code(&app.gql("{ me { processingRestricted } }", json!({})).await), "UNAUTHENTICATED");
}

const TRANSPARENCY: &str = "{ consentPurposes { key legalBasis userChangeable recipients retention retentionDays } }";

fn purpose<'a>(body: &'a Value, key: &str) -> &'a Value {
    data(body)["consentPurposes"].as_array().unwrap().iter().find(|p| p["key"] == key).unwrap()
}

#[tokio::test]
async fn marketing_of_our_own_services_is_split_from_partner_offers_which_need_consent() {
    let app = spawn_app().await;

    let body = app.gql(TRANSPARENCY, json!({})).await;

    let keys: Vec<&str> =
        data(&body)["consentPurposes"].as_array().unwrap().iter().map(|p| p["key"].as_str().unwrap()).collect();
    let marketing = keys.iter().position(|k| *k == "marketing").unwrap();
    assert_eq!(keys[marketing + 1], "partner_offers", "{keys:?}");
    assert_eq!(keys.len(), 7, "{keys:?}");
    assert_eq!(purpose(&body, "marketing")["legalBasis"], "LEGITIMATE_INTEREST");
    assert_eq!(purpose(&body, "partner_offers")["legalBasis"], "CONSENT");
    assert_eq!(purpose(&body, "partner_offers")["userChangeable"], true);
}

#[tokio::test]
async fn a_new_user_gets_our_own_news_until_objecting_but_no_partner_offers_until_consenting() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;

    let body = app.gql_as(&anna, MY_CONSENTS, json!({})).await;

    assert_eq!(consent_of(&body, "marketing")["granted"], true);
    assert_eq!(consent_of(&body, "partner_offers")["granted"], false);
    assert!(consent_of(&body, "partner_offers")["changedAt"].is_null());
    let granted = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "partner_offers", "granted": true })).await;
    assert_eq!(data(&granted)["setConsent"]["granted"], true);
    let users = cogo_consent::service::all_users_allowed(&app.context.db, "partner_offers").await.unwrap();
    assert_eq!(users.iter().map(ToString::to_string).collect::<Vec<_>>(), vec![anna.id.clone()]);
}

#[tokio::test]
async fn every_purpose_says_who_receives_the_data_and_how_long_it_is_kept() {
    let app = spawn_app().await;

    let body = app.gql(TRANSPARENCY, json!({})).await;

    for p in data(&body)["consentPurposes"].as_array().unwrap() {
        assert!(p["recipients"].is_array(), "{p}");
        assert!(!p["retention"].as_str().unwrap().is_empty(), "{p}");
    }
    assert_eq!(purpose(&body, "health_data")["recipients"], json!([]), "HealthKit data is never shared (§5.8)");
    let analytics = purpose(&body, "analytics")["recipients"].to_string();
    assert!(analytics.contains("Google Analytics"), "{analytics}");
    let account = purpose(&body, "account")["recipients"].to_string();
    assert!(account.contains("name and e-mail") && account.contains("pseudonym"), "{account}");
    assert_eq!(purpose(&body, "account")["retentionDays"], 365);
    assert!(purpose(&body, "account")["retention"].as_str().unwrap().contains("365 days"));
    assert!(purpose(&body, "bookkeeping")["retention"].as_str().unwrap().contains("7 years"));
    assert!(purpose(&body, "bookkeeping")["recipients"].to_string().contains("Tax Agency"));
    assert!(purpose(&body, "partner_offers")["retentionDays"].is_null());
}

#[tokio::test]
async fn the_retention_told_follows_the_retention_settings_the_purge_uses() {
    let app = spawn_app_with(|s| {
        s.retention.step_sample_days = 30;
        s.retention.closed_account_days = 200;
    })
    .await;

    let body = app.gql(TRANSPARENCY, json!({})).await;

    let health = purpose(&body, "health_data")["retention"].as_str().unwrap();
    assert!(health.contains("30 days") && !health.contains("90"), "{health}");
    assert_eq!(purpose(&body, "account")["retentionDays"], 200);
}

#[tokio::test]
async fn objecting_to_marketing_leaves_partner_offers_as_they_were() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "partner_offers", "granted": true })).await);

    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "marketing", "granted": false })).await);

    let body = app.gql_as(&anna, MY_CONSENTS, json!({})).await;
    assert_eq!(consent_of(&body, "marketing")["granted"], false);
    assert_eq!(consent_of(&body, "partner_offers")["granted"], true);
}

async fn export_of(app: &cogo_tests::TestApp, user: &cogo_tests::TestUser) -> Value {
    let txn = sea_orm::TransactionTrait::begin(&app.context.db).await.unwrap();
    let export = app.hooks_export(&txn, uuid::Uuid::parse_str(&user.id).unwrap()).await;
    txn.rollback().await.unwrap();
    export
}

#[tokio::test]
async fn the_export_holds_the_current_choice_for_every_purpose_including_defaults_never_chosen() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    data(&app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "marketing", "granted": false })).await);

    let export = export_of(&app, &anna).await;

    let consents = export["consent"]["consents"].as_array().unwrap();
    let of = |key: &str| consents.iter().find(|c| c["purpose"] == key).unwrap_or_else(|| panic!("{key}: {consents:?}"));
    let purposes = data(&app.gql(PURPOSES, json!({})).await)["consentPurposes"].as_array().unwrap().len();
    assert_eq!(consents.len(), purposes, "one entry per purpose");
    assert_eq!(of("health_data")["granted"], true);
    assert_eq!(of("health_data")["legalBasis"], "CONSENT");
    assert!(of("health_data")["changedAt"].is_string());
    assert_eq!(of("marketing")["granted"], false, "the objection");
    // Never chosen: the basis' default, with no time and no policy version.
    assert_eq!(of("partner_offers")["granted"], false);
    assert_eq!(of("analytics")["changedAt"], Value::Null);
    assert_eq!(of("analytics")["policyVersion"], Value::Null);
    assert_eq!(of("account")["granted"], true);
    assert_eq!(of("account")["legalBasis"], "CONTRACT");
}

/// The restriction's stored change time and how many RESTRICTION requests the register holds.
async fn restriction_of(app: &cogo_tests::TestApp, user: &cogo_tests::TestUser) -> (Option<String>, usize) {
    use sea_orm::ConnectionTrait;
    let db = &app.context.db;
    let backend = db.get_database_backend();
    let id = uuid::Uuid::parse_str(&user.id).unwrap();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    "SELECT changed_at FROM processing_restrictions WHERE user_id = $1"
                }
                _ => "SELECT changed_at FROM processing_restrictions WHERE user_id = ?",
            },
            [id.into()],
        ))
        .await
        .unwrap();
    let changed_at = rows.first().map(|row| {
        let at: chrono::DateTime<chrono::Utc> = row.try_get("", "changed_at").unwrap();
        at.to_rfc3339()
    });
    let export = export_of(app, user).await;
    let requests = export["privacy"]["dataSubjectRequests"].as_array().unwrap();
    (changed_at, requests.iter().filter(|r| r["kind"] == "RESTRICTION").count())
}

#[tokio::test]
async fn restricting_twice_or_lifting_a_restriction_never_made_is_a_request_that_changes_nothing() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;

    data(&app.gql_as(&anna, RESTRICT, json!({ "restricted": false })).await);
    assert_eq!(restriction_of(&app, &anna).await, (None, 1), "nothing stored, but the request is registered");

    data(&app.gql_as(&anna, RESTRICT, json!({ "restricted": true })).await);
    let (restricted_at, _) = restriction_of(&app, &anna).await;
    assert!(restricted_at.is_some());
    app.advance_clock(chrono::Duration::hours(1));
    let anna = app.log_in(&anna).await;
    data(&app.gql_as(&anna, RESTRICT, json!({ "restricted": true })).await);
    assert_eq!(restriction_of(&app, &anna).await, (restricted_at.clone(), 3), "still restricted since the first");

    data(&app.gql_as(&anna, RESTRICT, json!({ "restricted": false })).await);
    let (lifted_at, requests) = restriction_of(&app, &anna).await;
    assert_ne!(lifted_at, restricted_at, "lifting is a change");
    assert_eq!(requests, 4);
    let restricted = "{ me { processingRestricted } }";
    assert_eq!(data(&app.gql_as(&anna, restricted, json!({})).await)["me"]["processingRestricted"], false);
}
