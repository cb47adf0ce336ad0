//! Observability: Prometheus `/metrics`, JSON logs with the request id, and no personal data in any log line.

use chrono::{Duration, Utc};
use cogo_api::settings::MetricsExposure;
use cogo_tests::process::{ServerProcess, spawn_server_process};
use cogo_tests::{LOG_IN, SIGN_UP, data, error_code, fresh_database_url, spawn_app, spawn_app_with};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const POLICY: &str = "query PrivacyPolicy { privacyPolicy { version } }";
const ME: &str = "query Me { me { id } }";

async fn metrics_text(client: &reqwest::Client, address: &str) -> String {
    let response = client.get(format!("{address}/metrics")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.text().await.unwrap()
}

/// The value of the series whose line starts with `series` (name and labels exactly as exposed), if present.
fn sample(metrics: &str, series: &str) -> Option<f64> {
    metrics.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
}

#[tokio::test]
async fn metrics_count_operations_by_name_errors_by_code_and_requests_by_route() {
    let app = spawn_app().await;
    for _ in 0..2 {
        data(&app.gql(POLICY, json!({})).await);
    }
    assert_eq!(error_code(&app.gql(ME, json!({})).await), "UNAUTHENTICATED");
    app.client.get(format!("{}/no-such-page-{}", app.address, Uuid::new_v4())).send().await.unwrap();

    let metrics = metrics_text(&app.client, &app.address).await;

    assert_eq!(sample(&metrics, r#"cogo_graphql_requests_total{operation="PrivacyPolicy",outcome="ok"}"#), Some(2.0));
    assert_eq!(sample(&metrics, r#"cogo_graphql_requests_total{operation="Me",outcome="error"}"#), Some(1.0));
    assert_eq!(sample(&metrics, r#"cogo_graphql_errors_total{code="UNAUTHENTICATED"}"#), Some(1.0));
    assert_eq!(
        sample(&metrics, r#"cogo_graphql_request_duration_seconds_count{operation="PrivacyPolicy"}"#),
        Some(2.0)
    );
    assert_eq!(sample(&metrics, r#"cogo_http_requests_total{route="/graphql",status="200"}"#), Some(3.0));
    assert_eq!(sample(&metrics, r#"cogo_http_requests_total{route="other",status="404"}"#), Some(1.0));
    assert_eq!(sample(&metrics, "cogo_graphql_requests_in_flight"), Some(0.0));
    let max = sample(&metrics, r#"cogo_db_pool_connections{state="max"}"#).expect("pool limit");
    let in_use = sample(&metrics, r#"cogo_db_pool_connections{state="in_use"}"#).expect("in use");
    let idle = sample(&metrics, r#"cogo_db_pool_connections{state="idle"}"#).expect("idle");
    let expected_max = if app.database_url.starts_with("sqlite:") { 1.0 } else { 16.0 };
    assert_eq!(max, expected_max);
    assert!(in_use + idle >= 1.0 && in_use + idle <= max, "in use {in_use}, idle {idle}, max {max}");
}

#[tokio::test]
async fn client_chosen_operation_names_beyond_the_cap_count_as_other() {
    let app = spawn_app().await;
    for i in 0..=cogo_api::metrics::MAX_OPERATION_NAMES {
        data(&app.gql(&format!("query Probe{i} {{ __typename }}"), json!({})).await);
    }
    data(&app.gql("{ __typename }", json!({})).await);

    let metrics = metrics_text(&app.client, &app.address).await;

    assert_eq!(sample(&metrics, r#"cogo_graphql_requests_total{operation="Probe0",outcome="ok"}"#), Some(1.0));
    assert_eq!(sample(&metrics, r#"cogo_graphql_requests_total{operation="other",outcome="ok"}"#), Some(1.0));
    assert_eq!(sample(&metrics, r#"cogo_graphql_requests_total{operation="anonymous",outcome="ok"}"#), Some(1.0));
    let series = metrics.lines().filter(|l| l.starts_with("cogo_graphql_requests_total{")).count();
    assert_eq!(series, cogo_api::metrics::MAX_OPERATION_NAMES + 2);
}

#[tokio::test]
async fn metrics_can_be_switched_off() {
    let app = spawn_app_with(|s| s.http.metrics = MetricsExposure::Off).await;

    let response = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_can_be_served_on_an_address_of_their_own() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let app = spawn_app_with(|s| s.http.metrics = MetricsExposure::Separate(free)).await;
    data(&app.gql(POLICY, json!({})).await);

    let on_main_port = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap();
    let apart = metrics_text(&app.client, &format!("http://{free}")).await;

    assert_eq!(on_main_port.status(), StatusCode::NOT_FOUND);
    assert_eq!(sample(&apart, r#"cogo_graphql_requests_total{operation="PrivacyPolicy",outcome="ok"}"#), Some(1.0));
}

/// A GraphQL client for a server process.
struct Client {
    http: reqwest::Client,
    address: String,
}

impl Client {
    async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> (Value, String) {
        let mut request = self
            .http
            .post(format!("{}/graphql", self.address))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let request_id = response.headers()["x-request-id"].to_str().unwrap().to_string();
        (response.json().await.unwrap(), request_id)
    }
}

#[tokio::test]
async fn json_logs_are_one_json_object_per_line_with_the_request_id() {
    let server =
        spawn_server_process(&fresh_database_url().await, &[("COGO_LOG_FORMAT", "json"), ("RUST_LOG", "debug")]).await;
    let client = Client { http: reqwest::Client::new(), address: server.address.clone() };
    let email = format!("json.{}@example.se", Uuid::new_v4().simple());
    let variables = json!({ "name": "Jo Json", "email": email, "password": "correct horse battery" });

    // A sign-up logs "account created" inside the request's span.
    let (body, request_id) = client.gql(None, SIGN_UP, variables).await;
    data(&body);
    let output = output_once_it_contains(&server, &request_id).await;

    let lines: Vec<Value> = output
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(lines.len() > 2, "{output}");
    let in_request = |line: &Value| {
        line["spans"].as_array().is_some_and(|spans| spans.iter().any(|span| span["request_id"] == request_id))
    };
    let of_request: Vec<&Value> = lines.iter().filter(|line| in_request(line)).collect();
    assert!(!of_request.is_empty(), "no line carries request id {request_id}:\n{output}");
    assert!(of_request.iter().all(|line| line["level"].is_string() && line["timestamp"].is_string()));
}

#[tokio::test]
async fn no_personal_data_reaches_the_text_logs_at_debug_level() {
    let database_url = fresh_database_url().await;
    let server = spawn_server_process(&database_url, &[("RUST_LOG", "debug")]).await;
    scan_logs_after_a_full_scenario(server, database_url).await;
}

#[tokio::test]
async fn no_personal_data_reaches_the_json_logs_at_debug_level() {
    let env = [("RUST_LOG", "debug"), ("COGO_LOG_FORMAT", "json")];
    let database_url = fresh_database_url().await;
    let server = spawn_server_process(&database_url, &env).await;
    scan_logs_after_a_full_scenario(server, database_url).await;
}

/// The process's output once it holds `needle` (its lines are read in the background), or after 10 s.
async fn output_once_it_contains(server: &ServerProcess, needle: &str) -> String {
    for _ in 0..100 {
        let output = server.output();
        if output.contains(needle) {
            return output;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    server.output()
}

/// Every user-facing path that touches personal data, then a search of the whole log for each secret.
async fn scan_logs_after_a_full_scenario(mut server: ServerProcess, database_url: String) {
    let c = Client { http: reqwest::Client::new(), address: server.address.clone() };
    let tag = Uuid::new_v4().simple().to_string();
    let person = |name: &str| {
        let email = format!("{}.{tag}@example.se", name.to_lowercase());
        (format!("{name} Loggsson{}", &tag[..6]), email, format!("pw-{name}-{tag}"))
    };
    let (admin, merchant, user) = (person("Admina"), person("Merchantina"), person("Userina"));
    let mut secrets: Vec<String> = Vec::new();
    let mut tokens = std::collections::HashMap::new();
    for (name, email, password) in [&admin, &merchant, &user] {
        let (body, _) = c.gql(None, SIGN_UP, json!({ "name": name, "email": email, "password": password })).await;
        let signed = &data(&body)["signUp"];
        tokens.insert(email.clone(), signed["accessToken"].as_str().unwrap().to_string());
        secrets.extend([name.clone(), email.clone(), password.clone()]);
        secrets.push(signed["accessToken"].as_str().unwrap().to_string());
        secrets.push(signed["refreshToken"].as_str().unwrap().to_string());
    }
    // Errors: a taken e-mail, a malformed one, a wrong password, a forged token.
    let (taken, _) = c.gql(None, SIGN_UP, json!({ "name": user.0, "email": user.1, "password": user.2 })).await;
    assert_eq!(error_code(&taken), "CONFLICT");
    let bad_email = format!("not-an-email-{tag}");
    secrets.push(bad_email.clone());
    let (bad, _) = c.gql(None, SIGN_UP, json!({ "name": user.0, "email": bad_email, "password": user.2 })).await;
    assert_eq!(error_code(&bad), "BAD_USER_INPUT");
    let wrong_password = format!("wrong-{tag}");
    secrets.push(wrong_password.clone());
    let (wrong, _) = c.gql(None, LOG_IN, json!({ "email": user.1, "password": wrong_password })).await;
    assert_eq!(error_code(&wrong), "UNAUTHENTICATED");
    let forged = format!("forged.{tag}.token");
    secrets.push(forged.clone());
    let (refused, _) = c.gql(Some(&forged), ME, json!({})).await;
    assert_eq!(error_code(&refused), "UNAUTHENTICATED");

    // The admin role, the way an operator grants it, then a fresh log-in to carry it.
    let db = cogo_api::database::connect(&cogo_api::Settings::for_database(database_url)).await.unwrap();
    let role = cogo_kernel::Role::parse("ADMIN").unwrap();
    cogo_api::cli::grant_role_on(&db, &admin.1, role).await.unwrap();
    db.close().await.ok();
    let (logged_in, _) = c.gql(None, LOG_IN, json!({ "email": admin.1, "password": admin.2 })).await;
    let admin_token = data(&logged_in)["logIn"]["accessToken"].as_str().unwrap().to_string();
    secrets.push(admin_token.clone());
    let user_token = tokens[&user.1].clone();
    let merchant_token = tokens[&merchant.1].clone();

    // Steps: consent, then a sync from a named device.
    let device = format!("{}'s Apple Watch", user.0);
    secrets.push(device.clone());
    let consent = "mutation { setConsent(purpose: \"health_data\", granted: true) { granted } }";
    data(&c.gql(Some(&user_token), consent, json!({})).await.0);
    let now = Utc::now();
    let start = cogo_tests::an_hour_within_one_day(now);
    let walk = json!([{ "externalId": format!("hk-{tag}"), "startAt": start.to_rfc3339(),
        "endAt": (start + Duration::hours(1)).to_rfc3339(), "steps": 4000, "distanceMeters": 3000.0, "source": device }]);
    let sync = "mutation S($s: [StepSampleInput!]!) { syncSteps(samples: $s) { accepted pointsAwarded } }";
    let (synced, _) = c.gql(Some(&user_token), sync, json!({ "s": walk })).await;
    assert_eq!(data(&synced)["syncSteps"]["pointsAwarded"], 3);

    // Offers: a partner, its merchant, a one-time offer unlocked (name and e-mail go to the partner), redeemed.
    let partner = "mutation { createPartner(input: { name: \"Loggcafé\", orgNumber: \"556677-0001\" }) { id } }";
    let partner_id = data(&c.gql(Some(&admin_token), partner, json!({})).await.0)["createPartner"]["id"].clone();
    let member = "mutation M($p: ID!, $e: String!) { addPartnerMember(partnerId: $p, email: $e) }";
    data(&c.gql(Some(&admin_token), member, json!({ "p": partner_id, "e": merchant.1 })).await.0);
    let offer = json!({ "title": "Coffee", "description": "One cup", "costPoints": 1, "kind": "ONE_TIME",
        "validFrom": (now - Duration::hours(1)).to_rfc3339(), "validUntil": (now + Duration::days(3)).to_rfc3339() });
    let create = "mutation C($i: CreateOfferInput!) { createOffer(input: $i) { id } }";
    let offer_id =
        data(&c.gql(Some(&merchant_token), create, json!({ "i": offer })).await.0)["createOffer"]["id"].clone();
    let publish = "mutation P($id: ID!) { publishOffer(id: $id) { status } }";
    data(&c.gql(Some(&merchant_token), publish, json!({ "id": offer_id })).await.0);
    let unlock = "mutation U($id: ID!) { unlockOffer(offerId: $id) { redemption { code } } }";
    let unlocked = c.gql(Some(&user_token), unlock, json!({ "id": offer_id })).await.0;
    let code = data(&unlocked)["unlockOffer"]["redemption"]["code"].as_str().unwrap().to_string();
    let customers = "{ myPartner { redemptions(first: 10) { edges { node { customer { name email } } } } } }";
    data(&c.gql(Some(&merchant_token), customers, json!({})).await.0);
    let redeem = "mutation R($c: String!) { redeemCode(code: $c) { status } }";
    data(&c.gql(Some(&merchant_token), redeem, json!({ "c": code })).await.0);

    // Export (both ways), then erasure.
    data(&c.gql(Some(&user_token), "{ myDataExport }", json!({})).await.0);
    let file = c.http.get(format!("{}/privacy/export", c.address)).bearer_auth(&user_token).send().await.unwrap();
    let file = file.text().await.unwrap();
    assert!(file.contains(&user.1), "the export holds the user's e-mail");
    let erase = "mutation D($p: String!) { deleteAccount(password: $p) }";
    assert_eq!(data(&c.gql(Some(&user_token), erase, json!({ "p": user.2 })).await.0)["deleteAccount"], true);
    let (gone, _) = c.gql(Some(&user_token), ME, json!({})).await;
    assert_eq!(error_code(&gone), "UNAUTHENTICATED");

    // Stop the server so every line it wrote is in (the last one says it is shutting down).
    server.terminate();
    server.wait_for_exit(std::time::Duration::from_secs(30)).await;
    let output = output_once_it_contains(&server, "shutting down").await;
    assert!(output.lines().count() > 20, "debug logging was on:\n{output}");
    for secret in &secrets {
        assert!(!output.contains(secret.as_str()), "the log holds {secret:?}:\n{output}");
    }
    // E-mail addresses whatever their case, and the local part alone.
    let lowered = output.to_lowercase();
    for (_, email, _) in [&admin, &merchant, &user] {
        let local = email.split('@').next().unwrap();
        assert!(!lowered.contains(local), "the log holds {local:?}");
    }
}
