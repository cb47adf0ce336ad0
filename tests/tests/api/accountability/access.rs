//! Every staff operation of this issue against every kind of caller: `ADMIN` runs the register and the policy
//! review, `PRIVACY_OFFICER` the breach register and the audit log, both look accounts up; everyone else (a user,
//! a merchant, an `ANALYST`, the other staff role) gets FORBIDDEN, a signed-out caller UNAUTHENTICATED.

use chrono::Duration;
use cogo_tests::{TestUser, data, error_code, spawn_app};
use serde_json::{Value, json};

use super::{
    AUDIT_LOG, INCIDENTS, LOOK_UP_USER, MARK_INCIDENT_NOTIFIED, MARK_SUBJECTS_NOTIFIED, RECORD_POLICY_REVIEW,
    REPORT_INCIDENT, UPSERT_SUBPROCESSOR, VERIFY_AUDIT_LOG, admin_of, entry_of, incident, incidents_of, now_of,
    officer_of, report, subprocessor,
};
use crate::offers::{add_member, create_partner};

const LAST_REVIEWED: &str = "query { privacyPolicy { version lastReviewedAt } }";

#[derive(Debug, Clone, Copy, PartialEq)]
enum Allowed {
    Admin,
    PrivacyOfficer,
    Both,
}

/// Every operation with variables that would work for the right caller.
fn operations(
    person: &TestUser,
    incident_id: &Value,
    detected: Value,
) -> Vec<(&'static str, &'static str, Value, Allowed)> {
    use Allowed::*;
    vec![
        ("upsertSubprocessor", UPSERT_SUBPROCESSOR, subprocessor("Postmark", "United States"), Admin),
        ("recordPrivacyPolicyReview", RECORD_POLICY_REVIEW, json!({ "note": "Re-adopted unchanged" }), Admin),
        ("reportIncident", REPORT_INCIDENT, json!({ "input": detected }), PrivacyOfficer),
        ("markIncidentNotified", MARK_INCIDENT_NOTIFIED, json!({ "id": incident_id }), PrivacyOfficer),
        ("markIncidentSubjectsNotified", MARK_SUBJECTS_NOTIFIED, json!({ "id": incident_id }), PrivacyOfficer),
        ("incidents", INCIDENTS, json!({}), PrivacyOfficer),
        ("auditLog", AUDIT_LOG, json!({ "first": 10 }), PrivacyOfficer),
        ("verifyAuditLog", VERIFY_AUDIT_LOG, json!({}), PrivacyOfficer),
        ("userByEmail", LOOK_UP_USER, json!({ "email": person.email }), Both),
    ]
}

#[tokio::test]
async fn every_staff_operation_is_refused_to_everyone_without_its_role() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let officer = officer_of(&app).await;
    let analyst = app.grant_role(&app.sign_up("Alva Analyst").await, "ANALYST").await;
    let user = app.sign_up("Anna Andersson").await;
    let merchant = app.sign_up("Mats Merchant").await;
    let partner = create_partner(&app, &admin, "Café Ågren", "556677-8899").await;
    add_member(&app, &admin, &partner, &merchant).await;
    let incident_id = report(&app, &officer, incident(now_of(&app) - Duration::hours(1))).await["id"].clone();
    let reviewed_before = data(&app.gql(LAST_REVIEWED, json!({})).await)["privacyPolicy"].clone();

    for (name, operation, variables, allowed) in operations(&user, &incident_id, incident(now_of(&app))) {
        let mut refused = vec![&user, &merchant, &analyst];
        match allowed {
            Allowed::Admin => refused.push(&officer),
            Allowed::PrivacyOfficer => refused.push(&admin),
            Allowed::Both => {}
        }
        for caller in refused {
            let body = app.gql_as(caller, operation, variables.clone()).await;
            assert_eq!(error_code(&body), "FORBIDDEN", "{} ran {name}: {body}", caller.name);
        }
        let body = app.gql(operation, variables.clone()).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "signed out ran {name}: {body}");
    }

    assert!(entry_of(&app, "Postmark").await.is_none(), "a refused upsert changed the register");
    let incidents = incidents_of(&app, &officer).await;
    assert_eq!(incidents.len(), 1, "a refused report was recorded: {incidents:?}");
    assert!(incidents[0]["authorityNotifiedAt"].is_null() && incidents[0]["subjectsNotifiedAt"].is_null());
    assert_eq!(data(&app.gql(LAST_REVIEWED, json!({})).await)["privacyPolicy"], reviewed_before);
}

#[tokio::test]
async fn the_admin_and_the_privacy_officer_both_look_accounts_up() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let officer = officer_of(&app).await;
    let person = app.sign_up("Olle Person").await;

    for staff in [&admin, &officer] {
        let body = app.gql_as(staff, LOOK_UP_USER, json!({ "email": person.email })).await;
        let found = &data(&body)["userByEmail"];
        assert_eq!(found["id"], person.id.as_str(), "{} looked up {body}", staff.name);
        assert_eq!(found["email"], person.email.as_str());
        assert_eq!(found["name"], "Olle Person");
        assert!(found["closedAt"].is_null());
        let nobody = app.gql_as(staff, LOOK_UP_USER, json!({ "email": "nobody@example.se" })).await;
        assert!(data(&nobody)["userByEmail"].is_null(), "{nobody}");
    }
    let roles = app
        .gql_as(
            &admin,
            "query($email: String!) { userByEmail(email: $email) { roles } }",
            json!({ "email": officer.email }),
        )
        .await;
    let roles = data(&roles)["userByEmail"]["roles"].as_array().unwrap().clone();
    assert!(roles.contains(&json!("PRIVACY_OFFICER")), "{roles:?}");
}
