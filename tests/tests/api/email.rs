//! E-mail verification, changes of address and password resets, against a real SMTP server (aiosmtpd, started by
//! the harness): the mails arrive, their codes work once, a sixth wrong try is refused, a reset ends old sessions;
//! and, where verified addresses are required, unverified accounts neither spend points nor earn referral rewards.

use std::time::Duration;

use cogo_tests::smtp::{ReceivedMail, SmtpSink};
use cogo_tests::{TestApp, TestUser, data, error_code, spawn_app_with};
use serde_json::json;

use crate::offers::{add_member, create_partner, give_points, live_offer, unlock};
use crate::referrals::{code_of, points_of, recruit, walk};

const ME: &str = "{ me { email emailVerified pendingEmail } }";
const REQUEST_VERIFICATION: &str = "mutation RequestEmailVerification { requestEmailVerification }";
const VERIFY: &str = "mutation VerifyEmail($code: String!) { verifyEmail(code: $code) }";
const REQUEST_RESET: &str = "mutation RequestPasswordReset($email: String!) { requestPasswordReset(email: $email) }";
const RESET: &str = "mutation ResetPassword($email: String!, $code: String!, $newPassword: String!) {
  resetPassword(email: $email, code: $code, newPassword: $newPassword) }";
const UPDATE_EMAIL: &str =
    "mutation UpdateProfile($email: String) { updateProfile(input: { email: $email }) { email } }";
const WAIT: Duration = Duration::from_secs(10);

/// The API sending its mail to a fresh SMTP sink.
async fn app_with_mail(require_verified: bool) -> (TestApp, SmtpSink) {
    let sink = SmtpSink::start().await;
    let url = sink.url();
    let app = spawn_app_with(|settings| {
        settings.mail.smtp = Some(cogo_api::settings::SmtpUrl::parse(&url).expect("the sink's URL parses"));
        settings.require_verified_email = require_verified;
    })
    .await;
    (app, sink)
}

/// The eight-digit code in a mail's plain text.
fn code_in(mail: &ReceivedMail) -> String {
    let text = mail.text.as_deref().expect("a plain-text part");
    let digits: Vec<char> = text.chars().collect();
    digits
        .windows(8)
        .map(|w| w.iter().collect::<String>())
        .find(|w| w.chars().all(|c| c.is_ascii_digit()))
        .unwrap_or_else(|| panic!("no code in {text}"))
}

async fn me(app: &TestApp, user: &TestUser) -> serde_json::Value {
    data(&app.gql_as(user, ME, json!({})).await)["me"].clone()
}

/// Asks for a verification code and returns it from the mail.
async fn verification_code(app: &TestApp, sink: &SmtpSink, user: &TestUser) -> String {
    assert_eq!(data(&app.gql_as(user, REQUEST_VERIFICATION, json!({})).await)["requestEmailVerification"], true);
    code_in(&sink.wait_for(&user.email, WAIT).await)
}

#[tokio::test]
async fn the_verification_mail_arrives_in_both_languages_and_its_code_works_once() {
    let (app, sink) = app_with_mail(false).await;
    let anna = app.sign_up("Anna").await;
    assert_eq!(me(&app, &anna).await["emailVerified"], false);

    assert_eq!(data(&app.gql_as(&anna, REQUEST_VERIFICATION, json!({})).await)["requestEmailVerification"], true);
    let mail = sink.wait_for(&anna.email, WAIT).await;
    let code = code_in(&mail);
    let verified = app.gql_as(&anna, VERIFY, json!({ "code": code })).await;
    let again = app.gql_as(&anna, VERIFY, json!({ "code": code })).await;

    let text = mail.text.as_deref().unwrap();
    assert!(text.contains("Din kod") && text.contains("Your code"), "{text}");
    assert!(mail.html.as_deref().is_some_and(|html| html.contains(&code)));
    assert_eq!(data(&verified)["verifyEmail"], true);
    assert_eq!(error_code(&again), "BAD_USER_INPUT");
    assert_eq!(me(&app, &anna).await["emailVerified"], true);
    let needless = app.gql_as(&anna, REQUEST_VERIFICATION, json!({})).await;
    assert_eq!(data(&needless)["requestEmailVerification"], false, "verified already: nothing to send");
}

#[tokio::test]
async fn a_sixth_try_is_refused_even_with_the_right_code() {
    let (app, sink) = app_with_mail(false).await;
    let anna = app.sign_up("Anna").await;
    let code = verification_code(&app, &sink, &anna).await;
    let wrong = if code == "00000000" { "11111111" } else { "00000000" };

    for _ in 0..5 {
        assert_eq!(error_code(&app.gql_as(&anna, VERIFY, json!({ "code": wrong })).await), "BAD_USER_INPUT");
    }
    let sixth = app.gql_as(&anna, VERIFY, json!({ "code": code })).await;

    assert_eq!(error_code(&sixth), "BAD_USER_INPUT");
    assert_eq!(me(&app, &anna).await["emailVerified"], false);
}

#[tokio::test]
async fn a_code_expires_after_thirty_minutes() {
    let (app, sink) = app_with_mail(false).await;
    let anna = app.sign_up("Anna").await;
    let code = verification_code(&app, &sink, &anna).await;

    app.advance_clock(chrono::Duration::minutes(31));
    let anna = app.log_in(&anna).await;
    let late = app.gql_as(&anna, VERIFY, json!({ "code": code })).await;

    assert_eq!(error_code(&late), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_reset_code_sets_a_new_password_once_and_ends_every_session() {
    let (app, sink) = app_with_mail(false).await;
    let anna = app.sign_up("Anna").await;
    let other_device = app.log_in(&anna).await;

    let asked = app.gql(REQUEST_RESET, json!({ "email": anna.email.to_uppercase() })).await;
    let code = code_in(&sink.wait_for(&anna.email, WAIT).await);
    let new_password = "a much better passphrase";
    let reset = app.gql(RESET, json!({ "email": anna.email, "code": code, "newPassword": new_password })).await;
    let replayed =
        app.gql(RESET, json!({ "email": anna.email, "code": code, "newPassword": "yet another one!" })).await;

    assert_eq!(data(&asked)["requestPasswordReset"], true);
    assert_eq!(data(&reset)["resetPassword"], true);
    assert_eq!(error_code(&replayed), "BAD_USER_INPUT");
    for old in [&anna, &other_device] {
        assert_eq!(error_code(&app.gql_as(old, ME, json!({})).await), "UNAUTHENTICATED", "old sessions end");
    }
    let old_password = app.gql(cogo_tests::LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert!(old_password.get("errors").is_some(), "{old_password}");
    let renewed = TestUser { password: new_password.to_string(), ..anna.clone() };
    let renewed = app.log_in(&renewed).await;
    assert_eq!(me(&app, &renewed).await["emailVerified"], true, "the code reached the address");
}

#[tokio::test]
async fn a_reset_for_an_unknown_address_answers_the_same_and_sends_nothing() {
    let (app, sink) = app_with_mail(false).await;
    let anna = app.sign_up("Anna").await;

    let unknown = app.gql(REQUEST_RESET, json!({ "email": "nobody.here@example.se" })).await;
    let known = app.gql(REQUEST_RESET, json!({ "email": anna.email })).await;
    sink.wait_for(&anna.email, WAIT).await;
    let wrong = app
        .gql(
            RESET,
            json!({ "email": "nobody.here@example.se", "code": "12345678",
        "newPassword": "a much better passphrase" }),
        )
        .await;

    assert_eq!(unknown, known, "the same answer");
    assert!(sink.messages().iter().all(|m| !m.to.contains("nobody.here")), "no mail to an unknown address");
    assert_eq!(error_code(&wrong), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_new_address_takes_effect_once_verified_and_the_old_one_is_told() {
    let (app, sink) = app_with_mail(false).await;
    let anna = app.sign_up("Anna").await;
    let new_address = format!("anna.ny.{}@example.se", uuid::Uuid::new_v4().simple());

    let asked = app.gql_as(&anna, UPDATE_EMAIL, json!({ "email": new_address })).await;
    let waiting = me(&app, &anna).await;
    let log_in_new = json!({ "email": new_address, "password": anna.password });
    let too_early = app.gql(cogo_tests::LOG_IN, log_in_new.clone()).await;
    let code = code_in(&sink.wait_for(&new_address, WAIT).await);
    let notice = sink.wait_for(&anna.email, WAIT).await;
    data(&app.gql_as(&anna, VERIFY, json!({ "code": code })).await);
    let changed = me(&app, &anna).await;

    assert_eq!(data(&asked)["updateProfile"]["email"], anna.email.as_str(), "not before it is verified");
    assert_eq!(waiting["pendingEmail"], new_address.as_str());
    assert!(notice.text.as_deref().is_some_and(|t| t.contains(&new_address)));
    assert_eq!(changed["email"], new_address.as_str());
    assert_eq!(changed["emailVerified"], true);
    assert_eq!(error_code(&too_early), "UNAUTHENTICATED", "the new address signs in only once verified");
    data(&app.gql(cogo_tests::LOG_IN, log_in_new).await);
    assert!(changed["pendingEmail"].is_null());
    let told = sink.wait_for_count(3, WAIT).await;
    assert!(told.iter().filter(|m| m.to.contains(&anna.email)).count() >= 2, "asked, then changed");
}

#[tokio::test]
async fn where_required_an_unverified_account_cannot_unlock_offers() {
    let (app, _sink) = app_with_mail(true).await;
    let admin = app.grant_role(&app.sign_up("Admin").await, "ADMIN").await;
    let merchant = app.sign_up("Mats Merchant").await;
    let partner = create_partner(&app, &admin, "Café Ågren", "556677-8899").await;
    add_member(&app, &admin, &partner, &merchant).await;
    let offer = live_offer(&app, &merchant, json!({ "costPoints": 10 })).await;
    let anna = app.sign_up("Anna").await;
    give_points(&app, &anna, 50).await;

    let refused = unlock(&app, &anna, &offer).await;
    cogo_tests::verify_email_in_database(&app, &anna).await;
    let unlocked = unlock(&app, &anna, &offer).await;

    assert_eq!(error_code(&refused), "EMAIL_NOT_VERIFIED");
    data(&unlocked);
}

#[tokio::test]
async fn where_required_referral_rewards_wait_until_both_addresses_are_verified() {
    let (app, sink) = app_with_mail(true).await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    cogo_tests::verify_email_in_database(&app, &anna).await;

    walk(&app, &bertil, 6, "walk-1").await;
    let waiting = points_of(&app, &anna).await;
    let code = verification_code(&app, &sink, &bertil).await;
    data(&app.gql_as(&bertil, VERIFY, json!({ "code": code })).await);

    assert_eq!(waiting.1, Vec::<i64>::new(), "no reward while Bertil's address is unverified");
    assert_eq!(points_of(&app, &anna).await.1, vec![50], "decided the moment it is verified");
    assert_eq!(points_of(&app, &bertil).await.1, vec![10]);
}

#[tokio::test]
async fn expired_codes_are_purged_and_counted() {
    let (app, sink) = app_with_mail(false).await;
    let officer = app.grant_role(&app.sign_up("Petra Officer").await, "PRIVACY_OFFICER").await;
    let anna = app.sign_up("Anna").await;
    verification_code(&app, &sink, &anna).await;
    let purge = "mutation { runRetentionPurge { signInCodesPurged mailsPurged } }";

    let early = app.gql_as(&officer, purge, json!({})).await;
    app.advance_clock(chrono::Duration::minutes(31));
    let officer = app.log_in(&officer).await;
    let late = app.gql_as(&officer, purge, json!({})).await;

    assert_eq!(data(&early)["runRetentionPurge"]["signInCodesPurged"], 0, "a live code stays");
    assert_eq!(data(&late)["runRetentionPurge"]["signInCodesPurged"], 1);
    assert_eq!(data(&late)["runRetentionPurge"]["mailsPurged"], 0, "the mail itself is kept 30 days");
}
