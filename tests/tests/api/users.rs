//! Users: sign-up, log-in, sessions, profile, password.

use chrono::Duration;
use cogo_tests::{LOG_IN, SIGN_UP, TestApp, data, error_code, spawn_app};
use serde_json::{Value, json};

const ME: &str = "{ me { id name email } }";
const REFRESH: &str = "mutation RefreshSession($refreshToken: String!) { refreshSession(refreshToken: $refreshToken) { accessToken refreshToken } }";
const LOG_OUT: &str = "mutation LogOut { logOut }";
const UPDATE_PROFILE: &str = "mutation UpdateProfile($name: String, $email: String) {
  updateProfile(input: { name: $name, email: $email }) { id name email } }";
const CHANGE_PASSWORD: &str = "mutation ChangePassword($current: String!, $new: String!) {
  changePassword(currentPassword: $current, newPassword: $new) }";

async fn sign_up_raw(app: &TestApp, name: &str, email: &str, password: &str) -> Value {
    app.gql(SIGN_UP, json!({ "name": name, "email": email, "password": password })).await
}

fn field_of(body: &Value) -> &str {
    body["errors"][0]["extensions"]["field"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn sign_up_returns_tokens_and_the_normalised_profile() {
    let app = spawn_app().await;
    let body = sign_up_raw(&app, "  Anna Svensson ", "  Anna.Svensson@Example.SE ", "correct horse battery").await;
    let payload = &data(&body)["signUp"];
    assert_eq!(payload["user"]["name"], "Anna Svensson");
    assert_eq!(payload["user"]["email"], "anna.svensson@example.se");
    let me = app.graphql(payload["accessToken"].as_str(), ME, json!({})).await;
    assert_eq!(data(&me)["me"]["email"], "anna.svensson@example.se");
    assert_eq!(data(&me)["me"]["id"], payload["user"]["id"]);
}

#[tokio::test]
async fn sign_up_validates_every_field() {
    let app = spawn_app().await;
    let cases = [
        ("", "a@example.se", "long enough pw", "name"),
        ("   ", "a@example.se", "long enough pw", "name"),
        (&"x".repeat(101), "a@example.se", "long enough pw", "name"),
        ("Anna", "not-an-email", "long enough pw", "email"),
        ("Anna", "anna@localhost", "long enough pw", "email"),
        ("Anna", "a@example.se", "short", "password"),
        ("Anna", "a@example.se", &"x".repeat(129), "password"),
    ];
    for (name, email, password, field) in cases {
        let body = sign_up_raw(&app, name, email, password).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{name:?}/{email:?}: {body}");
        assert_eq!(field_of(&body), field, "{body}");
    }
    // None of the failed attempts created an account.
    let body = sign_up_raw(&app, "Anna", "a@example.se", "long enough pw").await;
    data(&body);
}

#[tokio::test]
async fn a_taken_email_is_a_conflict_whatever_its_case() {
    let app = spawn_app().await;
    data(&sign_up_raw(&app, "Anna", "anna@example.se", "correct horse battery").await);
    let body = sign_up_raw(&app, "Other Anna", " ANNA@example.se", "another good password").await;
    assert_eq!(error_code(&body), "CONFLICT");
}

#[tokio::test]
async fn log_in_works_with_any_case_of_the_email() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql(LOG_IN, json!({ "email": anna.email.to_uppercase(), "password": anna.password })).await;
    assert_eq!(data(&body)["logIn"]["user"]["name"], "Anna");
}

#[tokio::test]
async fn wrong_email_and_wrong_password_get_the_same_answer() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let wrong_password = app.gql(LOG_IN, json!({ "email": anna.email, "password": "not the password" })).await;
    let wrong_email = app.gql(LOG_IN, json!({ "email": "nobody@example.se", "password": anna.password })).await;
    assert_eq!(error_code(&wrong_password), "UNAUTHENTICATED");
    assert_eq!(error_code(&wrong_email), "UNAUTHENTICATED");
    assert_eq!(wrong_password["errors"][0]["message"], wrong_email["errors"][0]["message"]);
}

#[tokio::test]
async fn five_failed_logins_lock_the_email_for_fifteen_minutes() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for _ in 0..5 {
        let body = app.gql(LOG_IN, json!({ "email": anna.email, "password": "wrong password" })).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED");
    }
    // Locked: even the right password is refused now.
    let body = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&body), "RATE_LIMITED");
    assert!(body["errors"][0]["extensions"]["retryAfterSeconds"].as_i64().unwrap() > 0);

    app.advance_clock(Duration::minutes(14));
    let body = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&body), "RATE_LIMITED");

    app.advance_clock(Duration::minutes(2));
    let body = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    data(&body);
}

#[tokio::test]
async fn failures_spread_beyond_the_window_do_not_lock() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for _ in 0..4 {
        app.gql(LOG_IN, json!({ "email": anna.email, "password": "wrong password" })).await;
    }
    app.advance_clock(Duration::minutes(16));
    let body = app.gql(LOG_IN, json!({ "email": anna.email, "password": "wrong password" })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    data(&app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await);
}

#[tokio::test]
async fn refresh_rotates_the_token_pair() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await;
    let pair = &data(&body)["refreshSession"];
    assert_ne!(pair["refreshToken"], anna.refresh_token.as_str());
    let me = app.graphql(pair["accessToken"].as_str(), ME, json!({})).await;
    assert_eq!(data(&me)["me"]["name"], "Anna");
    // The new refresh token works in turn.
    let again = app.gql(REFRESH, json!({ "refreshToken": pair["refreshToken"] })).await;
    data(&again);
}

#[tokio::test]
async fn a_reused_refresh_token_revokes_the_whole_session() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let first = app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await;
    let rotated = data(&first)["refreshSession"].clone();

    // A thief replays the old token, later than the seconds of grace a racing refresh of the app gets.
    app.advance_clock(Duration::seconds(11));
    let replay = app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await;
    assert_eq!(error_code(&replay), "UNAUTHENTICATED");

    // The legitimate holder's newer tokens are dead too.
    let newer = app.gql(REFRESH, json!({ "refreshToken": rotated["refreshToken"] })).await;
    assert_eq!(error_code(&newer), "UNAUTHENTICATED");
    let me = app.graphql(rotated["accessToken"].as_str(), ME, json!({})).await;
    assert_eq!(error_code(&me), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_made_up_refresh_token_is_refused() {
    let app = spawn_app().await;
    let body = app.gql(REFRESH, json!({ "refreshToken": "not-a-real-token" })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn log_out_ends_the_session_and_its_tokens() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql_as(&anna, LOG_OUT, json!({})).await;
    assert_eq!(data(&body)["logOut"], true);
    assert_eq!(error_code(&app.gql_as(&anna, ME, json!({})).await), "UNAUTHENTICATED");
    let refresh = app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await;
    assert_eq!(error_code(&refresh), "UNAUTHENTICATED");
}

#[tokio::test]
async fn log_out_needs_a_session() {
    let app = spawn_app().await;
    assert_eq!(error_code(&app.gql(LOG_OUT, json!({})).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_expired_access_token_is_refused_and_refresh_recovers() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    app.advance_clock(Duration::minutes(16));
    let body = app.gql_as(&anna, ME, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
    let refreshed = app.gql(REFRESH, json!({ "refreshToken": anna.refresh_token })).await;
    let token = data(&refreshed)["refreshSession"]["accessToken"].as_str().unwrap().to_string();
    data(&app.graphql(Some(&token), ME, json!({})).await);
}

#[tokio::test]
async fn a_forged_or_garbled_token_is_refused() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    // A garbled signature: the last character changed (the token no longer decodes or no longer verifies).
    let mut forged = anna.access_token.clone();
    let tail = if forged.ends_with('A') { "B" } else { "A" };
    forged.truncate(forged.len() - 1);
    forged.push_str(tail);
    for token in [forged.as_str(), "garbage", "a.b.c"] {
        let body = app.graphql(Some(token), ME, json!({})).await;
        assert_eq!(error_code(&body), "UNAUTHENTICATED", "{token}");
    }
}

/// A token whose claims were edited (here: `roles` made `ADMIN`) keeps its old signature, which no longer fits.
#[tokio::test]
async fn a_token_with_tampered_claims_is_refused() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let parts: Vec<&str> = anna.access_token.split('.').collect();
    let mut claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    claims["roles"] = json!(["USER", "ADMIN"]);
    let tampered = format!("{}.{}.{}", parts[0], URL_SAFE_NO_PAD.encode(claims.to_string()), parts[2]);
    let body = app.graphql(Some(&tampered), "{ me { roles } }", json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");

    // An unsigned token (`alg: none`) with the same claims is refused too.
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
    let unsigned = format!("{header}.{}.", URL_SAFE_NO_PAD.encode(claims.to_string()));
    assert_eq!(error_code(&app.graphql(Some(&unsigned), ME, json!({})).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_token_signed_by_another_server_is_refused() {
    let app = spawn_app().await;
    let other = spawn_app().await;
    let stranger = other.sign_up("Mallory").await;
    let body = app.gql_as(&stranger, ME, json!({})).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn update_profile_changes_only_your_own_profile() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = app.sign_up("Bertil").await;
    let body = app.gql_as(&anna, UPDATE_PROFILE, json!({ "name": "Anna Karlsson" })).await;
    assert_eq!(data(&body)["updateProfile"]["name"], "Anna Karlsson");
    assert_eq!(data(&body)["updateProfile"]["email"], anna.email.as_str());
    // Bertil is untouched, and Bertil's `me` is Bertil.
    let me = app.gql_as(&bertil, ME, json!({})).await;
    assert_eq!(data(&me)["me"]["name"], "Bertil");
    assert_eq!(data(&me)["me"]["id"], bertil.id.as_str());
}

#[tokio::test]
async fn update_profile_validates_and_refuses_a_taken_email() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = app.sign_up("Bertil").await;
    let taken = app.gql_as(&anna, UPDATE_PROFILE, json!({ "email": bertil.email.to_uppercase() })).await;
    assert_eq!(error_code(&taken), "CONFLICT");
    let bad = app.gql_as(&anna, UPDATE_PROFILE, json!({ "email": "nope" })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let empty = app.gql_as(&anna, UPDATE_PROFILE, json!({ "name": " " })).await;
    assert_eq!(error_code(&empty), "BAD_USER_INPUT");
    let me = app.gql_as(&anna, ME, json!({})).await;
    assert_eq!(data(&me)["me"]["email"], anna.email.as_str());
    assert_eq!(data(&me)["me"]["name"], "Anna");
}

#[tokio::test]
async fn update_profile_needs_a_session() {
    let app = spawn_app().await;
    let body = app.gql(UPDATE_PROFILE, json!({ "name": "Nobody" })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn change_password_needs_the_current_one_and_signs_out_other_sessions() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let other_device = app.log_in(&anna).await;

    let wrong = app
        .gql_as(&anna, CHANGE_PASSWORD, json!({ "current": "not my password", "new": "a brand new password" }))
        .await;
    assert_eq!(error_code(&wrong), "BAD_USER_INPUT");
    let short = app.gql_as(&anna, CHANGE_PASSWORD, json!({ "current": anna.password, "new": "short" })).await;
    assert_eq!(error_code(&short), "BAD_USER_INPUT");

    let body =
        app.gql_as(&anna, CHANGE_PASSWORD, json!({ "current": anna.password, "new": "a brand new password" })).await;
    assert_eq!(data(&body)["changePassword"], true);

    // This session lives on; the other device is signed out.
    data(&app.gql_as(&anna, ME, json!({})).await);
    assert_eq!(error_code(&app.gql_as(&other_device, ME, json!({})).await), "UNAUTHENTICATED");
    // Only the new password works.
    let old = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&old), "UNAUTHENTICATED");
    data(&app.gql(LOG_IN, json!({ "email": anna.email, "password": "a brand new password" })).await);
}

#[tokio::test]
async fn change_password_needs_a_session() {
    let app = spawn_app().await;
    let body = app.gql(CHANGE_PASSWORD, json!({ "current": "x", "new": "a brand new password" })).await;
    assert_eq!(error_code(&body), "UNAUTHENTICATED");
}

#[tokio::test]
async fn a_granted_role_appears_after_the_next_log_in() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let admin = app.grant_role(&anna, "ADMIN").await;
    let body = app.gql_as(&admin, "{ me { roles } }", json!({})).await;
    assert_eq!(data(&body)["me"]["roles"], json!(["USER", "ADMIN"]));
}

#[tokio::test]
async fn many_parallel_sign_ups_for_one_email_create_one_account() {
    let app = spawn_app().await;
    let attempts = (0..5).map(|_| sign_up_raw(&app, "Anna", "race@example.se", "correct horse battery"));
    let results = futures::future::join_all(attempts).await;
    let created = results.iter().filter(|body| body.get("errors").is_none()).count();
    assert_eq!(created, 1, "{results:?}");
    for body in results.iter().filter(|body| body.get("errors").is_some()) {
        assert_eq!(error_code(body), "CONFLICT");
    }
}

#[tokio::test]
async fn a_burst_of_parallel_guesses_gets_no_more_than_five_tries() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let guesses =
        (0..20).map(|i| app.gql(LOG_IN, json!({ "email": anna.email, "password": format!("guess number {i}") })));
    let results = futures::future::join_all(guesses).await;
    let tried = results.iter().filter(|b| error_code(b) == "UNAUTHENTICATED").count();
    let refused = results.iter().filter(|b| error_code(b) == "RATE_LIMITED").count();
    assert!(tried <= 5, "{tried} passwords were checked");
    assert_eq!(tried + refused, 20);
    let body = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&body), "RATE_LIMITED");
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lock_out() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    for _ in 0..5 {
        let body = app
            .gql_as(&anna, CHANGE_PASSWORD, json!({ "current": "a wrong guess", "new": "a brand new password" }))
            .await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT");
    }
    let body =
        app.gql_as(&anna, CHANGE_PASSWORD, json!({ "current": anna.password, "new": "a brand new password" })).await;
    assert_eq!(error_code(&body), "RATE_LIMITED");
    let log_in = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&log_in), "RATE_LIMITED");
}
