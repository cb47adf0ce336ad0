//! Secrets and sessions (issue 10, item 8): sub-keys of the root secret and their rotation, the session's absolute
//! lifetime, the grace for a refresh token presented twice at once, and the database password kept out of logs.

use chrono::Duration;
use cogo_api::settings::Secrets;
use cogo_tests::{TestApp, TestUser, data, error_code, spawn_app, spawn_app_on, spawn_app_with};
use serde_json::{Value, json};

use crate::offers::{PARTNER_REDEMPTIONS, add_member, create_partner, give_points, live_offer, nodes, unlock};

const REFRESH: &str = "mutation RefreshSession($refreshToken: String!) {
  refreshSession(refreshToken: $refreshToken) { accessToken refreshToken } }";
const ME: &str = "query { me { name } }";

async fn refresh(app: &TestApp, refresh_token: &str) -> Value {
    app.gql(REFRESH, json!({ "refreshToken": refresh_token })).await
}

/// The user with the tokens of a successful refresh.
fn refreshed(user: &TestUser, body: &Value) -> TestUser {
    let pair = &data(body)["refreshSession"];
    TestUser {
        access_token: pair["accessToken"].as_str().unwrap().to_string(),
        refresh_token: pair["refreshToken"].as_str().unwrap().to_string(),
        ..user.clone()
    }
}

async fn can_read_me(app: &TestApp, user: &TestUser) -> bool {
    let body = app.gql_as(user, ME, json!({})).await;
    body.get("errors").is_none() && data(&body)["me"]["name"] == user.name.as_str()
}

// --- the absolute lifetime ------------------------------------------------------------------------------------------

#[tokio::test]
async fn refreshing_cannot_keep_a_session_alive_past_its_maximum_lifetime() {
    // Arrange: refreshes every 20 days (well inside the 30 idle days) for 80 days.
    let app = spawn_app().await;
    let mut anna = app.sign_up("Anna").await;
    for _ in 0..4 {
        app.advance_clock(Duration::days(20));
        anna = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);
    }

    // Act: 10 days after the last refresh, a little past 90 days after log-in.
    app.advance_clock(Duration::days(10) + Duration::minutes(1));
    let late = refresh(&app, &anna.refresh_token).await;

    // Assert: refused, though the idle lifetime alone would have allowed it; a fresh log-in works.
    assert_eq!(error_code(&late), "UNAUTHENTICATED");
    let again = app.log_in(&anna).await;
    assert!(can_read_me(&app, &again).await);
}

#[tokio::test]
async fn a_shorter_maximum_lifetime_applies_to_sessions_already_open() {
    let app = spawn_app_with(|settings| settings.sessions.max_days = 1).await;
    let anna = app.sign_up("Anna").await;
    app.advance_clock(Duration::hours(23));
    let anna = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);
    assert!(can_read_me(&app, &anna).await);

    app.advance_clock(Duration::hours(1) + Duration::minutes(1));

    // Within the access token's 15 minutes, yet the session is over.
    assert_eq!(error_code(&app.gql_as(&anna, ME, json!({})).await), "UNAUTHENTICATED");
    assert_eq!(error_code(&refresh(&app, &anna.refresh_token).await), "UNAUTHENTICATED");
}

// --- the refresh grace ----------------------------------------------------------------------------------------------

#[tokio::test]
async fn two_concurrent_refreshes_with_one_token_both_succeed_and_the_session_survives() {
    let app = spawn_app().await;
    let mut anna = app.sign_up("Anna").await;
    // Three rounds: each time two requests of the app refresh with the same stored token at once.
    for _ in 0..3 {
        let (a, b) = tokio::join!(refresh(&app, &anna.refresh_token), refresh(&app, &anna.refresh_token));

        let (a, b) = (refreshed(&anna, &a), refreshed(&anna, &b));
        assert_ne!(a.refresh_token, b.refresh_token);
        assert!(can_read_me(&app, &a).await, "the first racer's access token works");
        assert!(can_read_me(&app, &b).await, "the second racer's access token works");
        // The app keeps whichever answer it wrote last; that refresh token works.
        anna = b;
    }
    let after = refresh(&app, &anna.refresh_token).await;
    assert!(can_read_me(&app, &refreshed(&anna, &after)).await);
}

#[tokio::test]
async fn either_racer_can_carry_the_session_on() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let first = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);
    let second = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);

    // The app happened to keep the first answer this time.
    let next = refresh(&app, &first.refresh_token).await;

    assert!(can_read_me(&app, &refreshed(&anna, &next)).await);
    assert!(can_read_me(&app, &second).await, "the session was not revoked");
}

#[tokio::test]
async fn a_reuse_after_the_grace_still_revokes_the_session() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let rotated = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);

    app.advance_clock(Duration::seconds(11));
    let replay = refresh(&app, &anna.refresh_token).await;

    assert_eq!(error_code(&replay), "UNAUTHENTICATED");
    assert_eq!(error_code(&refresh(&app, &rotated.refresh_token).await), "UNAUTHENTICATED");
    assert!(!can_read_me(&app, &rotated).await);
}

#[tokio::test]
async fn only_the_immediately_previous_token_gets_the_grace() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let second = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);
    let third = refreshed(&anna, &refresh(&app, &second.refresh_token).await);

    // Within seconds, but the first token is two rotations old.
    let replay = refresh(&app, &anna.refresh_token).await;

    assert_eq!(error_code(&replay), "UNAUTHENTICATED");
    assert!(!can_read_me(&app, &third).await, "the session was revoked");
}

#[tokio::test]
async fn the_next_rotation_retires_the_other_racers_token() {
    // Arrange: a race left two refresh tokens; the app carries on with the second.
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let first = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);
    let second = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);
    let carried_on = refreshed(&anna, &refresh(&app, &second.refresh_token).await);

    // Act: the abandoned branch's token turns up (a thief who won the race, or a confused client).
    let stale = refresh(&app, &first.refresh_token).await;

    // Assert: treated as reuse, as without the grace.
    assert_eq!(error_code(&stale), "UNAUTHENTICATED");
    assert!(!can_read_me(&app, &carried_on).await, "the session was revoked");
}

#[tokio::test]
async fn without_a_grace_every_reuse_revokes() {
    let app = spawn_app_with(|settings| settings.sessions.refresh_grace_seconds = 0).await;
    let anna = app.sign_up("Anna").await;
    let rotated = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);

    let replay = refresh(&app, &anna.refresh_token).await;

    assert_eq!(error_code(&replay), "UNAUTHENTICATED");
    assert!(!can_read_me(&app, &rotated).await);
}

#[tokio::test]
async fn the_export_shows_when_a_session_was_last_refreshed_and_no_token() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let anna = refreshed(&anna, &refresh(&app, &anna.refresh_token).await);

    let export = crate::privacy::export_of(&app, &anna).await;

    let session = &export["users"]["sessions"][0];
    assert!(session["lastRefreshedAt"].is_string(), "{session}");
    let text = export.to_string();
    assert!(!text.contains(&anna.refresh_token) && !text.contains(&anna.access_token));
}

// --- secret rotation ------------------------------------------------------------------------------------------------

const ROOT: &[u8] = b"root-secret-before-rotation-0123456789";
const ROTATED_ROOT: &[u8] = b"root-secret-after-rotation-0123456789";
const PSEUDONYM_SECRET: &[u8] = b"pseudonym-secret-kept-for-years-012345";

/// The pseudonym a merchant sees on the first redemption at their partner.
async fn first_pseudonym(app: &TestApp, merchant: &TestUser) -> String {
    let body = app.gql_as(merchant, PARTNER_REDEMPTIONS, json!({})).await;
    nodes(&body, &["myPartner", "redemptions"])[0]["customer"]["pseudonym"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn rotating_the_root_secret_refuses_old_access_tokens_keeps_sessions_and_keeps_pseudonyms() {
    // Arrange: a redemption a merchant sees under a pseudonym, on an instance with both secrets set.
    let before = spawn_app_with(|s| s.secrets = Secrets::derive_from(ROOT, Some(PSEUDONYM_SECRET))).await;
    let admin = before.sign_up("Admin").await;
    let admin = before.grant_role(&admin, "ADMIN").await;
    let partner = create_partner(&before, &admin, "Café Ågren", "556677-8899").await;
    let merchant = before.sign_up("Merchant").await;
    add_member(&before, &admin, &partner, &merchant).await;
    let offer = live_offer(&before, &merchant, json!({ "costPoints": 10 })).await;
    let anna = before.sign_up("Anna").await;
    give_points(&before, &anna, 10).await;
    data(&unlock(&before, &anna, &offer).await);
    let pseudonym_before = first_pseudonym(&before, &merchant).await;

    // Act: the same database served with a new root secret, the pseudonym secret unchanged.
    let db = before.database_url.clone();
    let after =
        spawn_app_on(db.clone(), |s| s.secrets = Secrets::derive_from(ROTATED_ROOT, Some(PSEUDONYM_SECRET))).await;

    // Assert: the old access token is refused; its session goes on through the refresh token; same pseudonym.
    assert_eq!(error_code(&after.gql_as(&merchant, ME, json!({})).await), "UNAUTHENTICATED");
    let merchant = refreshed(&merchant, &refresh(&after, &merchant.refresh_token).await);
    assert_eq!(first_pseudonym(&after, &merchant).await, pseudonym_before);

    // Without the pseudonym secret, the rotated root would have changed the pseudonym.
    let root_only = spawn_app_on(db, |s| s.secrets = Secrets::derive_from(ROTATED_ROOT, None)).await;
    let merchant = root_only.log_in(&merchant).await;
    assert_ne!(first_pseudonym(&root_only, &merchant).await, pseudonym_before);
}

#[tokio::test]
async fn a_failed_log_in_counted_under_one_root_is_not_found_under_another() {
    // The throttle's e-mail hashes are keyed by a sub-key of the root: after a rotation the table's entries no
    // longer match any address (they expire with their window), so the key is the root's, not a constant.
    let before = spawn_app_with(|s| s.secrets = Secrets::derive_from(ROOT, None)).await;
    let anna = before.sign_up("Anna").await;
    for _ in 0..5 {
        let wrong = before.gql(cogo_tests::LOG_IN, json!({ "email": anna.email, "password": "wrong password!" })).await;
        assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    }
    let locked = before.gql(cogo_tests::LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&locked), "RATE_LIMITED");

    let after =
        spawn_app_on(before.database_url.clone(), |s| s.secrets = Secrets::derive_from(ROTATED_ROOT, None)).await;

    let body = after.gql(cogo_tests::LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    data(&body);
}

// --- the database password ------------------------------------------------------------------------------------------

/// The spellings of the passwords below that must never appear: as written in the URL and percent-decoded.
const USER_INFO_PASSWORD: &str = "Us3r%24info-pw";
const QUERY_PASSWORD: &str = "Qu%3Dery-pw-7";
const NEVER_SHOWN: [&str; 4] = ["Us3r%24info-pw", "Us3r$info-pw", "Qu%3Dery-pw-7", "Qu=ery-pw-7"];

fn assert_no_password(output: &str) {
    for secret in NEVER_SHOWN {
        assert!(!output.contains(secret), "{secret} appears in the output:\n{output}");
    }
}

#[tokio::test]
async fn a_password_in_the_database_url_is_never_logged() {
    let url = cogo_tests::fresh_database_url().await;
    let Some(rest) = url.strip_prefix("postgres://postgres@") else {
        // SQLite URLs carry no password; the failure paths below run on both databases.
        return;
    };
    // PostgreSQL's trust authentication ignores the password, so the server starts with it.
    let with_passwords = format!("postgres://postgres:{USER_INFO_PASSWORD}@{rest}");
    let with_passwords = if with_passwords.contains('?') {
        format!("{with_passwords}&password={QUERY_PASSWORD}")
    } else {
        format!("{with_passwords}?password={QUERY_PASSWORD}")
    };
    let mut server = cogo_tests::process::spawn_server_process(&with_passwords, &[("RUST_LOG", "debug")]).await;
    let client = reqwest::Client::new();
    let log_in = json!({ "email": "nobody@example.se", "password": "wrong password" });
    let body = json!({ "query": cogo_tests::LOG_IN, "variables": log_in });
    client.post(format!("{}/graphql", server.address)).json(&body).send().await.unwrap();

    server.terminate();
    server.wait_for_exit(std::time::Duration::from_secs(30)).await;

    let output = server.output();
    assert!(output.contains("password=***"), "the settings were logged, redacted:\n{output}");
    assert_no_password(&output);
}

#[tokio::test]
async fn a_failed_connection_does_not_show_the_password() {
    // Nothing listens on port 1: the driver's error is printed as the process exits.
    let refused = format!("postgres://cogo:{USER_INFO_PASSWORD}@127.0.0.1:1/cogo?password={QUERY_PASSWORD}");

    let (code, output) = cogo_tests::process::run_to_exit(&refused, &[], &["migrate"]).await;

    assert_eq!(code, Some(1));
    assert!(output.contains("cannot connect to postgres://cogo:***@127.0.0.1:1/cogo?password=***"), "{output}");
    assert_no_password(&output);
}

#[tokio::test]
async fn a_database_url_that_cannot_be_parsed_is_not_echoed_with_its_password() {
    // sea-orm quotes a URL it cannot parse in its error; a port that is not a number is such a URL.
    let unparsable = format!("postgres://cogo:{USER_INFO_PASSWORD}@db:port/cogo?password={QUERY_PASSWORD}");

    let (code, output) = cogo_tests::process::run_to_exit(&unparsable, &[], &["migrate"]).await;

    assert_eq!(code, Some(1));
    assert!(output.contains("***"), "{output}");
    assert_no_password(&output);
}
