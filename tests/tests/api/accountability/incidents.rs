//! The breach register (GDPR art. 33–34, policy §8): the privacy officer records each personal-data incident with
//! the facts art. 33(5) asks for; the authority must be told within 72 hours of detection (overdue after that),
//! the affected people when the risk is high. Every step is audit-logged.

use chrono::Duration;
use cogo_tests::{data, error_code, spawn_app};
use serde_json::json;

use super::{
    INCIDENTS, MARK_INCIDENT_NOTIFIED, MARK_SUBJECTS_NOTIFIED, REPORT_INCIDENT, assert_near, incident, incident_of,
    incidents_of, latest_entry, now_of, officer_of, report, time,
};
use crate::offers::rfc3339;

#[tokio::test]
async fn the_authority_must_be_told_72_hours_after_detection() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let detected_at = now_of(&app);

    let reported = report(&app, &officer, incident(detected_at)).await;

    assert_eq!(time(&reported["detectedAt"]), detected_at);
    assert_eq!(time(&reported["notifyAuthorityBy"]), detected_at + Duration::hours(72));
    assert_eq!(reported["overdue"], false);

    app.advance_clock(Duration::hours(71));
    let officer = app.log_in(&officer).await;
    assert_eq!(incident_of(&app, &officer, &reported["id"]).await["overdue"], false, "overdue after 71 hours");

    app.advance_clock(Duration::hours(2));
    let officer = app.log_in(&officer).await;
    let listed = data(&app.gql_as(&officer, INCIDENTS, json!({})).await)["incidents"][0].clone();
    assert_eq!(listed["id"], reported["id"]);
    assert_eq!(listed["overdue"], true, "not overdue after 73 hours: {listed}");
    assert!(listed["authorityNotifiedAt"].is_null());
}

#[tokio::test]
async fn the_deadline_is_72_hours_to_the_minute() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let detected_at = now_of(&app) - Duration::hours(72) + Duration::minutes(2);

    let reported = report(&app, &officer, incident(detected_at)).await;
    assert_eq!(reported["overdue"], false, "overdue two minutes before the deadline: {reported}");

    app.advance_clock(Duration::minutes(3));
    assert_eq!(incident_of(&app, &officer, &reported["id"]).await["overdue"], true, "not overdue a minute after");
}

#[tokio::test]
async fn telling_the_authority_in_time_is_recorded_and_not_late() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let reported = report(&app, &officer, incident(now_of(&app) - Duration::hours(5))).await;

    let notified_at = app.context.now();
    let body = app.gql_as(&officer, MARK_INCIDENT_NOTIFIED, json!({ "id": reported["id"] })).await;

    let marked = &data(&body)["markIncidentNotified"];
    assert_eq!(marked["id"], reported["id"]);
    assert_eq!(marked["overdue"], false);
    assert_near(time(&marked["authorityNotifiedAt"]), notified_at, "authorityNotifiedAt");
    let listed = incident_of(&app, &officer, &reported["id"]).await;
    assert_eq!(listed["notifiedLate"], false, "{listed}");
    assert!(listed["subjectsNotifiedAt"].is_null(), "{listed}");
}

#[tokio::test]
async fn telling_the_authority_after_the_deadline_clears_overdue_and_is_marked_late() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let reported = report(&app, &officer, incident(now_of(&app))).await;
    app.advance_clock(Duration::hours(80));
    let officer = app.log_in(&officer).await;
    assert_eq!(incident_of(&app, &officer, &reported["id"]).await["overdue"], true);

    let body = app.gql_as(&officer, MARK_INCIDENT_NOTIFIED, json!({ "id": reported["id"] })).await;
    let again = app.gql_as(&officer, MARK_INCIDENT_NOTIFIED, json!({ "id": reported["id"] })).await;
    let unknown = app.gql_as(&officer, MARK_INCIDENT_NOTIFIED, json!({ "id": uuid::Uuid::new_v4().to_string() })).await;

    assert_eq!(data(&body)["markIncidentNotified"]["overdue"], false);
    let listed = incident_of(&app, &officer, &reported["id"]).await;
    assert_eq!(listed["overdue"], false, "{listed}");
    assert_eq!(listed["notifiedLate"], true, "{listed}");
    assert_eq!(listed["authorityNotifiedAt"], data(&body)["markIncidentNotified"]["authorityNotifiedAt"]);
    assert_eq!(error_code(&again), "CONFLICT", "{again}");
    assert_eq!(error_code(&unknown), "NOT_FOUND", "{unknown}");
    assert_eq!(
        incident_of(&app, &officer, &reported["id"]).await["authorityNotifiedAt"],
        listed["authorityNotifiedAt"]
    );
}

#[tokio::test]
async fn telling_the_affected_people_is_recorded_once() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let reported = report(&app, &officer, incident(now_of(&app) - Duration::hours(1))).await;

    let told_at = app.context.now();
    let body = app.gql_as(&officer, MARK_SUBJECTS_NOTIFIED, json!({ "id": reported["id"] })).await;
    let again = app.gql_as(&officer, MARK_SUBJECTS_NOTIFIED, json!({ "id": reported["id"] })).await;

    let marked = &data(&body)["markIncidentSubjectsNotified"];
    assert_near(time(&marked["subjectsNotifiedAt"]), told_at, "subjectsNotifiedAt");
    assert!(marked["authorityNotifiedAt"].is_null(), "telling the people is not telling the authority: {marked}");
    assert_eq!(error_code(&again), "CONFLICT", "{again}");
    let listed = incident_of(&app, &officer, &reported["id"]).await;
    assert_eq!(listed["subjectsNotifiedAt"], marked["subjectsNotifiedAt"]);
}

#[tokio::test]
async fn an_incident_report_is_checked() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let now = now_of(&app);
    let with = |field: &str, value: serde_json::Value| {
        let mut input = incident(now - Duration::hours(1));
        input[field] = value;
        json!({ "input": input })
    };

    let future =
        app.gql_as(&officer, REPORT_INCIDENT, with("detectedAt", json!(rfc3339(now + Duration::hours(1))))).await;
    let negative = app.gql_as(&officer, REPORT_INCIDENT, with("approxSubjects", json!(-1))).await;
    let no_categories = app.gql_as(&officer, REPORT_INCIDENT, with("dataCategories", json!([]))).await;

    assert_eq!(error_code(&future), "BAD_USER_INPUT", "{future}");
    assert_eq!(error_code(&negative), "BAD_USER_INPUT", "{negative}");
    assert_eq!(error_code(&no_categories), "BAD_USER_INPUT", "{no_categories}");
    assert!(incidents_of(&app, &officer).await.is_empty(), "a refused report was recorded");
}

#[tokio::test]
async fn the_facts_article_33_5_asks_for_are_kept_as_reported() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let detected_at = now_of(&app) - Duration::hours(3);
    let mut full = incident(detected_at);
    full["subjectCategories"] = json!(["app users", "merchants"]);
    full["likelyConsequences"] = json!("Phishing e-mails to the people on the list");
    full["measuresTaken"] = json!("The partner deleted the file; exports now go to the account's own address");
    let minimal = incident(detected_at - Duration::hours(1));

    let reported_at = app.context.now();
    let full_id = report(&app, &officer, full.clone()).await["id"].clone();
    let minimal_id = report(&app, &officer, minimal).await["id"].clone();

    let kept = incident_of(&app, &officer, &full_id).await;
    assert_eq!(time(&kept["detectedAt"]), detected_at);
    assert_near(time(&kept["reportedAt"]), reported_at, "reportedAt");
    for field in
        ["description", "dataCategories", "approxSubjects", "subjectCategories", "likelyConsequences", "measuresTaken"]
    {
        assert_eq!(kept[field], full[field], "{field}: {kept}");
    }
    let bare = incident_of(&app, &officer, &minimal_id).await;
    assert_eq!(bare["subjectCategories"], json!([]), "{bare}");
    assert!(bare["likelyConsequences"].is_null() && bare["measuresTaken"].is_null(), "{bare}");
}

#[tokio::test]
async fn incidents_are_listed_newest_detection_first() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let now = now_of(&app);
    let five = report(&app, &officer, incident(now - Duration::hours(5))).await["id"].clone();
    let one = report(&app, &officer, incident(now - Duration::hours(1))).await["id"].clone();
    let three = report(&app, &officer, incident(now - Duration::hours(3))).await["id"].clone();

    let body = app.gql_as(&officer, INCIDENTS, json!({})).await;

    let ids: Vec<_> = data(&body)["incidents"].as_array().unwrap().iter().map(|i| i["id"].clone()).collect();
    assert_eq!(ids, vec![one, three, five]);
}

#[tokio::test]
async fn every_step_of_an_incident_is_audit_logged() {
    let app = spawn_app().await;
    let officer = officer_of(&app).await;
    let id = report(&app, &officer, incident(now_of(&app) - Duration::hours(1))).await["id"].clone();
    data(&app.gql_as(&officer, MARK_INCIDENT_NOTIFIED, json!({ "id": id })).await);
    data(&app.gql_as(&officer, MARK_SUBJECTS_NOTIFIED, json!({ "id": id })).await);

    for action in ["INCIDENT_REPORTED", "INCIDENT_AUTHORITY_NOTIFIED", "INCIDENT_SUBJECTS_NOTIFIED"] {
        let entry = latest_entry(&app, &officer, action).await;
        assert_eq!(entry["actorKind"], "STAFF", "{entry}");
        assert_eq!(entry["actorId"], officer.id.as_str(), "{entry}");
        assert_eq!(entry["subjectId"], id, "{entry}");
    }
}
