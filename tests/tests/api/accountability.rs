//! Accountability (issue 12): the sub-processor register with its notice period, the supervisory authority, the
//! breach register with its 72-hour deadline, the yearly review of the privacy policy, the staff look-up of an
//! account and the hash-chained staff audit log.
//!
//! Where the staff and mobile clients send an operation (`shared/clients/*.graphql`) it is used here as written;
//! the fuller queries beside them ask for the fields the tests need on top.

mod access;
mod audit_log;
mod incidents;
mod policy_review;
mod subprocessors;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use cogo_tests::{TestApp, TestUser, data};
use serde_json::{Value, json};

use crate::offers::rfc3339;

// --- as the clients send them ------------------------------------------------------------------------------------

pub const SUBPROCESSORS: &str = "query Subprocessors {
  subprocessors { name purpose location transferSafeguard }
}";
pub const SUPERVISORY_AUTHORITY: &str = "query SupervisoryAuthority {
  supervisoryAuthority { name website email }
}";
pub const UPSERT_SUBPROCESSOR: &str =
    "mutation UpsertSubprocessor($name: String!, $purpose: String!, $location: String!, $transferSafeguard: String!) {
  upsertSubprocessor(input: { name: $name, purpose: $purpose, location: $location, transferSafeguard: $transferSafeguard }) {
    name
  }
}";
pub const REPORT_INCIDENT: &str = "mutation ReportIncident($input: ReportIncidentInput!) {
  reportIncident(input: $input) { id detectedAt notifyAuthorityBy overdue }
}";
pub const MARK_INCIDENT_NOTIFIED: &str = "mutation MarkIncidentNotified($id: ID!) {
  markIncidentNotified(id: $id) { id authorityNotifiedAt overdue }
}";
pub const INCIDENTS: &str = "query Incidents {
  incidents { id detectedAt description notifyAuthorityBy authorityNotifiedAt overdue }
}";
pub const LOOK_UP_USER: &str = "query LookUpUser($email: String!) {
  userByEmail(email: $email) { id name email createdAt closedAt }
}";
pub const AUDIT_LOG: &str = "query AuditLog($first: Int, $after: String) {
  auditLog(first: $first, after: $after) {
    edges { node { id actorId action subjectId at } }
    pageInfo { hasNextPage endCursor }
  }
}";
pub const VERIFY_AUDIT_LOG: &str = "query VerifyAuditLog {
  verifyAuditLog { intact checkedEntries firstBrokenEntryId }
}";

// --- the fuller versions the tests need ---------------------------------------------------------------------------

pub const REGISTER: &str = "query SubprocessorRegister {
  subprocessors { name purpose location transferSafeguard placeholder inEffect effectiveFrom
    pendingChange { id name change material purpose location transferSafeguard placeholder previousLocation
      recordedAt effectiveFrom inEffect } } }";
pub const UPSERT_SUBPROCESSOR_AT: &str = "mutation UpsertSubprocessorAt($name: String!, $purpose: String!,
  $location: String!, $transferSafeguard: String!, $placeholder: Boolean! = false, $effectiveFrom: DateTime) {
  upsertSubprocessor(input: { name: $name, purpose: $purpose, location: $location,
    transferSafeguard: $transferSafeguard, placeholder: $placeholder, effectiveFrom: $effectiveFrom }) {
    name purpose location inEffect effectiveFrom pendingChange { location effectiveFrom } } }";
pub const SUBPROCESSOR_CHANGES: &str = "query SubprocessorChanges($first: Int, $after: String) {
  subprocessorChanges(first: $first, after: $after) {
    edges { cursor node { id name change material purpose location transferSafeguard placeholder previousLocation
      recordedAt effectiveFrom inEffect } }
    pageInfo { hasNextPage endCursor } } }";
pub const NOTICES: &str =
    "query Notices { me { notices { id kind title message announcedAt effectiveFrom inEffect } } }";
pub const INCIDENT_REGISTER: &str = "query IncidentRegister {
  incidents { id detectedAt reportedAt description dataCategories subjectCategories approxSubjects
    likelyConsequences measuresTaken notifyAuthorityBy authorityNotifiedAt notifiedLate subjectsNotifiedAt overdue } }";
pub const MARK_SUBJECTS_NOTIFIED: &str = "mutation MarkIncidentSubjectsNotified($id: ID!) {
  markIncidentSubjectsNotified(id: $id) { id authorityNotifiedAt subjectsNotifiedAt overdue } }";
pub const AUDIT_LOG_FULL: &str = "query AuditLogFull($first: Int, $after: String) {
  auditLog(first: $first, after: $after) {
    edges { node { id position at actorKind actorId action subjectKind subjectId requestId hash previousHash } }
    pageInfo { hasNextPage endCursor } } }";
pub const VERIFY_AUDIT_LOG_FULL: &str = "query VerifyAuditLogFull {
  verifyAuditLog { intact checkedEntries firstBrokenEntryId firstBrokenPosition problem headHash } }";
pub const RECORD_POLICY_REVIEW: &str = "mutation RecordPrivacyPolicyReview($note: String!) {
  recordPrivacyPolicyReview(note: $note) { version lastReviewedAt nextReviewDueAt reviewOverdue } }";

// --- people ------------------------------------------------------------------------------------------------------

pub async fn admin_of(app: &TestApp) -> TestUser {
    app.grant_role(&app.sign_up("Ada Admin").await, "ADMIN").await
}

pub async fn officer_of(app: &TestApp) -> TestUser {
    app.grant_role(&app.sign_up("Petra Officer").await, "PRIVACY_OFFICER").await
}

// --- times -------------------------------------------------------------------------------------------------------

/// A `DateTime` field of a response.
pub fn time(value: &Value) -> DateTime<Utc> {
    let text = value.as_str().unwrap_or_else(|| panic!("not a time: {value}"));
    DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}")).with_timezone(&Utc)
}

/// The server's clock, to the whole second (so that a time sent as text comes back equal).
pub fn now_of(app: &TestApp) -> DateTime<Utc> {
    app.context.now().trunc_subsecs(0)
}

/// `actual` is within a minute of `expected`.
pub fn assert_near(actual: DateTime<Utc>, expected: DateTime<Utc>, what: &str) {
    assert!((actual - expected).abs() <= Duration::minutes(1), "{what}: {actual} is not about {expected}");
}

/// An integer field, whether the schema sends it as a number or as a string (a 64-bit position).
pub fn int(value: &Value) -> i64 {
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("not an integer: {value}"))
}

// --- the sub-processor register ------------------------------------------------------------------------------------

/// The variables of an upsert: a sub-processor with a purpose and a safeguard that stay the same in the tests.
pub fn subprocessor(name: &str, location: &str) -> Value {
    json!({
        "name": name,
        "purpose": "Sends the app's e-mail (verification codes, receipts)",
        "location": location,
        "transferSafeguard": "Standard contractual clauses (2021/914)",
    })
}

/// The register as anyone sees it.
pub async fn register(app: &TestApp) -> Vec<Value> {
    data(&app.gql(REGISTER, json!({})).await)["subprocessors"].as_array().unwrap().clone()
}

/// The register's entry of `name` (compared without case), if listed.
pub async fn entry_of(app: &TestApp, name: &str) -> Option<Value> {
    register(app).await.into_iter().find(|e| e["name"].as_str().unwrap().eq_ignore_ascii_case(name))
}

/// The whole history of the register, newest first.
pub async fn changes(app: &TestApp) -> Vec<Value> {
    let body = app.gql(SUBPROCESSOR_CHANGES, json!({ "first": 100 })).await;
    let page = &data(&body)["subprocessorChanges"];
    assert_eq!(page["pageInfo"]["hasNextPage"], false, "more than 100 changes: {body}");
    page["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

/// The ids of the notices the user sees.
pub async fn notice_ids(app: &TestApp, user: &TestUser) -> Vec<String> {
    notices(app, user).await.iter().map(|n| n["id"].as_str().unwrap().to_string()).collect()
}

pub async fn notices(app: &TestApp, user: &TestUser) -> Vec<Value> {
    data(&app.gql_as(user, NOTICES, json!({})).await)["me"]["notices"].as_array().unwrap().clone()
}

// --- the breach register -------------------------------------------------------------------------------------------

/// The input of `reportIncident` with the required fields only.
pub fn incident(detected_at: DateTime<Utc>) -> Value {
    json!({
        "detectedAt": rfc3339(detected_at),
        "description": "A support export was e-mailed to the wrong partner",
        "dataCategories": ["name", "email"],
        "approxSubjects": 40,
    })
}

/// Reports the incident and returns what the client's operation returns.
pub async fn report(app: &TestApp, officer: &TestUser, input: Value) -> Value {
    data(&app.gql_as(officer, REPORT_INCIDENT, json!({ "input": input })).await)["reportIncident"].clone()
}

/// Every incident with every field, newest detection first.
pub async fn incidents_of(app: &TestApp, officer: &TestUser) -> Vec<Value> {
    data(&app.gql_as(officer, INCIDENT_REGISTER, json!({})).await)["incidents"].as_array().unwrap().clone()
}

pub async fn incident_of(app: &TestApp, officer: &TestUser, id: &Value) -> Value {
    let all = incidents_of(app, officer).await;
    all.into_iter().find(|i| &i["id"] == id).unwrap_or_else(|| panic!("incident {id} is not listed"))
}

// --- the audit log -----------------------------------------------------------------------------------------------

/// Every entry of the audit log with every field, newest first.
pub async fn audit_entries(app: &TestApp, officer: &TestUser) -> Vec<Value> {
    let mut entries = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app.gql_as(officer, AUDIT_LOG_FULL, json!({ "first": 100, "after": after })).await;
        let page = &data(&body)["auditLog"];
        entries.extend(page["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()));
        if page["pageInfo"]["hasNextPage"] != true {
            return entries;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// The newest entry of `action`.
pub async fn latest_entry(app: &TestApp, officer: &TestUser, action: &str) -> Value {
    let entries = audit_entries(app, officer).await;
    entries.into_iter().find(|e| e["action"] == action).unwrap_or_else(|| panic!("no {action} in the audit log"))
}

pub async fn verify(app: &TestApp, officer: &TestUser) -> Value {
    data(&app.gql_as(officer, VERIFY_AUDIT_LOG_FULL, json!({})).await)["verifyAuditLog"].clone()
}
