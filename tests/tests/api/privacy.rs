//! Privacy: the data subject's rights end to end — export, erasure, the request register, retention — and the
//! staff operations behind them.
//!
//! The fixture gives one person data in every module (an account with a recruiter and a recruit, consents and an
//! objection, synced steps and points, a one-time and a reusable offer unlocked at a partner, a rectification), so
//! the export and the erasure are tried against everything the modules hold.

mod access;
pub mod catalogue;
mod erasure;
mod export;
mod register;
mod retention;

use chrono::{Duration, DurationRound, Utc};
use cogo_tests::{SIGN_UP, TestApp, TestUser, data, spawn_app};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::offers::{add_member, create_partner, live_offer, unlock};

pub const EXPORT_MY_DATA: &str = "query ExportMyData { myDataExport }";
pub const DELETE_ACCOUNT: &str = "mutation DeleteAccount($password: String!) { deleteAccount(password: $password) }";
pub const DATA_SUBJECT_REQUESTS: &str = "query DataSubjectRequests($first: Int, $after: String) {
  dataSubjectRequests(first: $first, after: $after) {
    edges { node { id kind channel subjectId receivedAt dueAt completedAt overdue recipients } }
    pageInfo { hasNextPage endCursor } } }";
pub const RECORD_REQUEST: &str =
    "mutation RecordDataSubjectRequest($email: String!, $kind: DataSubjectRequestKind!, $channel: String!) {
  recordDataSubjectRequest(email: $email, kind: $kind, channel: $channel) { id kind channel receivedAt dueAt completedAt overdue } }";
pub const COMPLETE_REQUEST: &str =
    "mutation CompleteDataSubjectRequest($id: ID!) { completeDataSubjectRequest(id: $id) { id completedAt } }";
pub const EXPORT_USER_DATA: &str = "query ExportUserData($userId: ID!) { userDataExport(userId: $userId) }";
pub const ERASE_USER: &str =
    "mutation EraseUser($userId: ID!, $requestId: ID!) { eraseUser(userId: $userId, requestId: $requestId) }";
pub const RUN_PURGE: &str = "mutation RunRetentionPurge { runRetentionPurge { accountsPurged stepSamplesPurged
  bookkeepingRecordsPurged sessionsPurged refreshTokensPurged loginThrottlesPurged dataSubjectRequestsPurged total } }";
const SET_CONSENT: &str = "mutation SetConsent($purpose: String!, $granted: Boolean!) {
  setConsent(purpose: $purpose, granted: $granted) { granted } }";
const SYNC: &str =
    "mutation SyncSteps($samples: [StepSampleInput!]!) { syncSteps(samples: $samples) { accepted pointsAwarded } }";
const UPDATE_PROFILE: &str = "mutation UpdateProfile($name: String, $email: String) {
  updateProfile(input: { name: $name, email: $email }) { id name email } }";
const REFERRAL_CODE: &str = "{ me { referralCode } }";
const REDEEM_CODE: &str = "mutation RedeemCode($code: String!) { redeemCode(code: $code) { id status } }";

/// A person with data in every module, and the people and partner around them.
pub struct Everything {
    pub app: TestApp,
    /// The person whose rights are exercised: name changed once, so both names are theirs.
    pub person: TestUser,
    pub first_name: String,
    pub recruiter: TestUser,
    pub recruit: TestUser,
    pub merchant: TestUser,
    pub partner_name: String,
    pub privacy_officer: TestUser,
}

impl Everything {
    pub fn person_id(&self) -> Uuid {
        Uuid::parse_str(&self.person.id).unwrap()
    }
}

pub async fn everything() -> Everything {
    let app = spawn_app().await;
    let admin = app.grant_role(&app.sign_up("Admin").await, "ADMIN").await;
    let privacy_officer = app.grant_role(&app.sign_up("Petra Officer").await, "PRIVACY_OFFICER").await;
    let partner_name = "Café Ågren".to_string();
    let partner = create_partner(&app, &admin, &partner_name, "556677-8899").await;
    let merchant = app.sign_up("Mats Merchant").await;
    add_member(&app, &admin, &partner, &merchant).await;

    let recruiter = app.sign_up("Rut Recruiter").await;
    let recruiter_code = code_of(&app, &recruiter).await;
    let first_name = "Zelma Quarnström".to_string();
    let email = format!("zelma.{}@example.se", Uuid::new_v4().simple());
    let body = app
        .gql(
            SIGN_UP,
            json!({ "name": first_name, "email": email, "password": "correct horse battery", "referralCode": recruiter_code }),
        )
        .await;
    let mut person = TestUser::from_sign_up(&body, &first_name, "correct horse battery");
    let recruit = sign_up_recruited(&app, "Vide Recruit", &code_of(&app, &person).await).await;

    // A rectification: the person corrects their name.
    let renamed = data(&app.gql_as(&person, UPDATE_PROFILE, json!({ "name": "Zelma Quarnström-Lind" })).await)
        ["updateProfile"]["name"]
        .as_str()
        .unwrap()
        .to_string();
    person.name = renamed;

    // Consents: steps allowed, CoGo's own marketing objected to.
    data(&app.gql_as(&person, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await);
    data(&app.gql_as(&person, SET_CONSENT, json!({ "purpose": "marketing", "granted": false })).await);

    // Six kilometres walked: six points.
    let day = (Utc::now() - Duration::days(2)).duration_trunc(Duration::days(1)).unwrap() + Duration::hours(9);
    let walk = |id: &str, start: chrono::DateTime<Utc>| {
        json!({ "externalId": id, "startAt": start.to_rfc3339(), "endAt": (start + Duration::minutes(40)).to_rfc3339(),
                "steps": 4000, "distanceMeters": 3000.0, "source": "Zelma's Apple Watch" })
    };
    let synced = data(
        &app.gql_as(&person, SYNC, json!({ "samples": [walk("hk-1", day), walk("hk-2", day + Duration::hours(2))] }))
            .await,
    )["syncSteps"]
        .clone();
    assert_eq!(synced["pointsAwarded"], 6, "{synced}");

    // A one-time offer (shares name and e-mail with the partner) and a reusable one, both unlocked.
    let one_time =
        live_offer(&app, &merchant, json!({ "kind": "ONE_TIME", "costPoints": 2, "title": "Birthday cake" })).await;
    let reusable = live_offer(&app, &merchant, json!({ "kind": "REUSABLE", "costPoints": 1 })).await;
    let code = data(&unlock(&app, &person, &one_time).await)["unlockOffer"]["redemption"]["code"]
        .as_str()
        .unwrap()
        .to_string();
    data(&unlock(&app, &person, &reusable).await);
    data(&app.gql_as(&merchant, REDEEM_CODE, json!({ "code": code })).await);

    Everything { app, person, first_name, recruiter, recruit, merchant, partner_name, privacy_officer }
}

pub async fn code_of(app: &TestApp, user: &TestUser) -> String {
    data(&app.gql_as(user, REFERRAL_CODE, json!({})).await)["me"]["referralCode"].as_str().unwrap().to_string()
}

pub async fn sign_up_recruited(app: &TestApp, name: &str, code: &str) -> TestUser {
    let email = format!("{}.{}@example.se", name.to_lowercase().replace(' ', "."), Uuid::new_v4().simple());
    let body = app
        .gql(
            SIGN_UP,
            json!({ "name": name, "email": email, "password": "correct horse battery", "referralCode": code }),
        )
        .await;
    TestUser::from_sign_up(&body, name, "correct horse battery")
}

/// The caller's export, parsed.
pub async fn export_of(app: &TestApp, user: &TestUser) -> Value {
    data(&app.gql_as(user, EXPORT_MY_DATA, json!({})).await)["myDataExport"].clone()
}

/// Every entry of the request register, newest first, as the privacy officer sees it.
pub async fn register_entries(app: &TestApp, officer: &TestUser) -> Vec<Value> {
    let body = app.gql_as(officer, DATA_SUBJECT_REQUESTS, json!({ "first": 100 })).await;
    data(&body)["dataSubjectRequests"]["edges"].as_array().unwrap().iter().map(|e| e["node"].clone()).collect()
}

/// The register's entries about one subject, oldest first, as `kind` strings.
pub async fn request_kinds_of(app: &TestApp, officer: &TestUser, subject: &TestUser) -> Vec<String> {
    let mut kinds: Vec<String> = register_entries(app, officer)
        .await
        .into_iter()
        .filter(|entry| entry["subjectId"] == subject.id.as_str())
        .map(|entry| entry["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.reverse();
    kinds
}
