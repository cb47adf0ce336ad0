//! Access and portability: one document with everything held about the caller, and nothing of anyone else's.

use cogo_tests::{data, error_code, spawn_app};
use serde_json::json;

use super::{EXPORT_MY_DATA, everything, export_of, request_kinds_of};

#[tokio::test]
async fn the_export_holds_everything_every_module_keeps_about_the_caller() {
    let w = everything().await;

    let export = export_of(&w.app, &w.person).await;

    assert_eq!(export["format"], "cogo-export/1");
    assert_eq!(export["subjectId"], w.person.id.as_str());
    let account = &export["users"]["account"];
    assert_eq!(account["email"], w.person.email.as_str());
    assert_eq!(account["name"], w.person.name.as_str());
    assert!(!export["users"]["sessions"].as_array().unwrap().is_empty(), "sessions (times only)");
    let consent = export["consent"].to_string();
    assert!(consent.contains("health_data") && consent.contains("marketing"), "{consent}");
    assert!(!export["consent"]["policyAcceptances"].as_array().unwrap().is_empty());
    // Six walked, ten for joining through a referral once five were walked, three spent.
    assert_eq!(export["points"]["balance"], 13);
    let kinds: Vec<&str> =
        export["points"]["ledger"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, vec!["WALKING", "REFERRAL_REWARD", "OFFER_UNLOCK", "OFFER_UNLOCK"]);
    assert_eq!(export["steps"]["samples"].as_array().unwrap().len(), 2);
    assert!(!export["steps"]["days"].as_array().unwrap().is_empty());
    assert_eq!(export["offers"]["redemptions"].as_array().unwrap().len(), 2);
    let offers = export["offers"].to_string();
    assert!(offers.contains("disclosures") && offers.contains(&w.partner_name), "{offers}");
    assert_eq!(export["referrals"]["referred"], true);
    assert_eq!(export["referrals"]["recruits"][0]["name"], "Vide Recruit");
    let requests = export["privacy"]["dataSubjectRequests"].to_string();
    assert!(requests.contains("ACCESS") && requests.contains("OBJECTION"), "{requests}");
}

#[tokio::test]
async fn the_export_holds_nothing_of_anyone_else() {
    let w = everything().await;

    let mut export = export_of(&w.app, &w.person).await;
    // Who recruited you is yours to know (by name only); nothing else of theirs.
    assert_eq!(export["referrals"]["recruitedBy"]["name"], w.recruiter.name.as_str());
    export["referrals"]["recruitedBy"]["name"] = json!(null);
    let text = export.to_string();

    for other in [&w.recruiter, &w.merchant, &w.privacy_officer] {
        assert!(!text.contains(&other.email), "{} leaked", other.name);
        assert!(!text.contains(&other.name), "{} leaked", other.name);
        assert!(!text.contains(&other.id), "{} leaked", other.name);
    }
    assert!(!text.contains(&w.recruit.email) && !text.contains(&w.recruit.id), "only the recruit's name and date");
    assert!(!text.contains("Zelma's Apple Watch"), "the free-text device name is not kept");
}

#[tokio::test]
async fn every_export_is_logged_as_an_access_or_portability_request() {
    let w = everything().await;

    export_of(&w.app, &w.person).await;
    let body = w.app.gql_as(&w.person, "{ myDataExport(kind: PORTABILITY) }", json!({})).await;
    data(&body);

    let kinds = request_kinds_of(&w.app, &w.privacy_officer, &w.person).await;
    assert_eq!(kinds.iter().filter(|k| *k == "ACCESS").count(), 1, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "PORTABILITY").count(), 1, "{kinds:?}");
}

#[tokio::test]
async fn the_streamed_export_is_the_same_document() {
    let w = everything().await;
    let by_graphql = export_of(&w.app, &w.person).await;

    let response = w
        .app
        .client
        .get(format!("{}/privacy/export?kind=portability", w.app.address))
        .bearer_auth(&w.person.access_token)
        .send()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let mut streamed: serde_json::Value = response.json().await.unwrap();
    streamed["exportedAt"] = json!(null);
    let mut expected = by_graphql.clone();
    expected["exportedAt"] = json!(null);
    // The streamed export logged one more request; everything else is equal.
    streamed["privacy"] = json!(null);
    expected["privacy"] = json!(null);
    assert_eq!(streamed, expected);
}

#[tokio::test]
async fn the_streamed_export_needs_a_valid_token() {
    let app = spawn_app().await;

    let signed_out = app.client.get(format!("{}/privacy/export", app.address)).send().await.unwrap();
    let forged =
        app.client.get(format!("{}/privacy/export", app.address)).bearer_auth("not.a.token").send().await.unwrap();

    assert_eq!(signed_out.status(), 401);
    assert_eq!(forged.status(), 401);
    let body: serde_json::Value = forged.json().await.unwrap();
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn the_export_needs_a_signed_in_caller() {
    let app = spawn_app().await;

    let body = app.gql(EXPORT_MY_DATA, json!({})).await;

    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn withdrawing_health_data_deletes_the_samples_and_keeps_points_and_day_totals() {
    let w = everything().await;

    let body = w
        .app
        .gql_as(&w.person, "mutation { setConsent(purpose: \"health_data\", granted: false) { granted } }", json!({}))
        .await;

    assert_eq!(data(&body)["setConsent"]["granted"], false);
    let export = export_of(&w.app, &w.person).await;
    assert!(export["steps"]["samples"].as_array().is_none_or(Vec::is_empty), "{}", export["steps"]);
    assert!(!export["steps"]["days"].as_array().unwrap().is_empty(), "day totals stay");
    assert_eq!(export["points"]["balance"], 13, "points stay");
}

#[tokio::test]
async fn one_request_holds_one_export_not_hundreds_under_aliases() {
    let w = everything().await;

    let body = w.app.gql_as(&w.person, "{ a: myDataExport b: myDataExport c: myDataExport }", json!({})).await;

    assert_eq!(error_code(&body), "FIELD_ONCE_PER_REQUEST", "{body}");
    let kinds = request_kinds_of(&w.app, &w.privacy_officer, &w.person).await;
    assert!(!kinds.iter().any(|k| k == "ACCESS"), "nothing ran: {kinds:?}");
}
