//! Faults: the database going away and coming back, SIGTERM while requests are in flight. (A panicking resolver is
//! unit-tested in `api/src/http/panics.rs`: the real schema has no resolver that panics on purpose.)

use std::time::Duration;

use cogo_tests::process::{ServerProcess, spawn_server_process};
use cogo_tests::proxy::DatabaseProxy;
use cogo_tests::{LOG_IN, SIGN_UP, TestApp, TestUser, data, error_code, fresh_database_url, spawn_app, spawn_app_with};
use sea_orm::{ConnectionTrait, Database, DbBackend, Statement};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The ledger is always read from the database (what `me` shows otherwise may be remembered by the instance).
const ME: &str = "{ me { id points { ledger(first: 1) { edges { cursor } } } } }";
const PRIVACY_POLICY: &str = "{ privacyPolicy { version } }";
const SET_CONSENT: &str = "mutation SetConsent($purpose: String!, $granted: Boolean!) {
  setConsent(purpose: $purpose, granted: $granted) { granted } }";

async fn status_of(app: &TestApp, path: &str) -> u16 {
    app.client.get(format!("{}{path}", app.address)).send().await.expect("the server answers").status().as_u16()
}

fn assert_unavailable(body: &Value) {
    assert_eq!(error_code(body), "SERVICE_UNAVAILABLE", "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["retryAfterSeconds"],
        cogo_kernel::SERVICE_UNAVAILABLE_RETRY_AFTER_SECONDS
    );
}

// On SQLite these tests return at once: the database is a file inside the process, there is no server or connection
// that could go away and come back.

#[tokio::test]
async fn a_database_outage_answers_service_unavailable_and_the_api_recovers_when_it_returns() {
    let Some(proxy) = DatabaseProxy::for_test_server().await else { return };
    let app = spawn_app_with(|settings| settings.database_url = proxy.route(&settings.database_url)).await;
    let anna = app.sign_up("Anna").await;
    assert_eq!(data(&app.gql_as(&anna, ME, json!({})).await)["me"]["id"], anna.id.as_str());

    proxy.cut();
    let signed_in = app.gql_as(&anna, ME, json!({})).await;
    let public = app.gql(PRIVACY_POLICY, json!({})).await;
    let log_in = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    let ready_during = status_of(&app, "/readyz").await;
    let live_during = status_of(&app, "/healthz").await;
    proxy.restore();
    let after = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await;
    let ready_after = status_of(&app, "/readyz").await;

    // Signed in, the app is told to retry, not signed out (UNAUTHENTICATED).
    assert_unavailable(&signed_in);
    assert_unavailable(&public);
    assert_unavailable(&log_in);
    assert_eq!(ready_during, 503);
    assert_eq!(live_during, 200, "the process itself is fine");
    assert_eq!(data(&after)["setConsent"]["granted"], true, "recovered without a restart");
    assert_eq!(ready_after, 200);
}

#[tokio::test]
async fn a_database_that_stops_answering_gives_service_unavailable_instead_of_a_hang() {
    let Some(proxy) = DatabaseProxy::for_test_server().await else { return };
    let app = spawn_app_with(|settings| {
        settings.database_url = proxy.route(&settings.database_url);
        settings.faults.db_acquire_timeout = Duration::from_secs(1);
    })
    .await;
    let anna = app.sign_up("Anna").await;

    proxy.stall();
    let signed_in = app.gql_as(&anna, ME, json!({})).await;
    let ready_during = status_of(&app, "/readyz").await;
    proxy.restore();
    let after = app.gql_as(&anna, ME, json!({})).await;

    assert_unavailable(&signed_in);
    assert_eq!(ready_during, 503);
    assert_eq!(data(&after)["me"]["id"], anna.id.as_str());
}

#[tokio::test]
async fn connections_the_database_terminates_are_replaced_and_the_next_requests_succeed() {
    if DatabaseProxy::for_test_server().await.is_none() {
        return;
    }
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    data(&app.gql_as(&anna, ME, json!({})).await);

    let terminated = terminate_other_connections(&app.database_url).await;
    let read = app.gql_as(&anna, ME, json!({})).await;
    let write = app.gql_as(&anna, SET_CONSENT, json!({ "purpose": "health_data", "granted": true })).await;
    let ready = status_of(&app, "/readyz").await;

    assert!(terminated >= 1, "the API's pool had connections to terminate");
    assert_eq!(data(&read)["me"]["id"], anna.id.as_str());
    assert_eq!(data(&write)["setConsent"]["granted"], true);
    assert_eq!(ready, 200);
}

/// `pg_terminate_backend` on every other session of the test database (what an administrator or a fail-over does),
/// waiting until each has ended; returns how many there were.
async fn terminate_other_connections(database_url: &str) -> usize {
    let admin = Database::connect(database_url).await.unwrap();
    let rows = admin
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT pg_terminate_backend(pid, 10000) AS ended FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        ))
        .await
        .unwrap();
    admin.close().await.ok();
    let ended: Vec<bool> = rows.iter().map(|row| row.try_get::<bool>("", "ended").unwrap()).collect();
    assert!(ended.iter().all(|ended| *ended), "every session ended: {ended:?}");
    ended.len()
}

#[tokio::test]
async fn sigterm_lets_an_in_flight_request_finish_refuses_new_connections_and_exits_zero() {
    let mut server = spawn_server_process(&fresh_database_url().await, &[]).await;
    let body = r#"{"query":"{ consentPurposes { key } }"}"#;
    let mut request = TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
         Expect: 100-continue\r\n\r\n",
        body.len()
    );
    request.write_all(head.as_bytes()).await.unwrap();
    // The server asks for the body once the handler reads it: from here on the request is in flight.
    let interim = read_head(&mut request).await;
    assert!(interim.starts_with("HTTP/1.1 100"), "{interim}");

    server.terminate();
    let refused = new_connections_refused(server.port).await;
    let exited_while_in_flight = server.wait_for_exit(Duration::from_millis(300)).await;
    request.write_all(body.as_bytes()).await.unwrap();
    let mut response = String::new();
    request.read_to_string(&mut response).await.unwrap();
    let exit = server.wait_for_exit(Duration::from_secs(30)).await;

    assert!(refused, "the listener closes at SIGTERM");
    assert_eq!(exited_while_in_flight, None, "the process waits for the request in flight");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("health_data"), "{response}");
    assert_eq!(exit, Some(0), "{}", server.output());
}

#[tokio::test]
async fn sigterm_exits_zero_after_the_grace_period_even_if_a_request_never_finishes() {
    let mut server = spawn_server_process(&fresh_database_url().await, &[("COGO_SHUTDOWN_GRACE_SECONDS", "1")]).await;
    let mut stuck = TcpStream::connect(("127.0.0.1", server.port)).await.unwrap();
    let head = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\
                Expect: 100-continue\r\n\r\n";
    stuck.write_all(head.as_bytes()).await.unwrap();
    assert!(read_head(&mut stuck).await.starts_with("HTTP/1.1 100"));

    // The body never comes.
    server.terminate();
    let exit = server.wait_for_exit(Duration::from_secs(30)).await;

    assert_eq!(exit, Some(0), "{}", server.output());
}

#[tokio::test]
async fn sigterm_lets_a_streamed_export_download_finish() {
    let mut server = spawn_server_process(&fresh_database_url().await, &[]).await;
    let client = reqwest::Client::new();
    let email = format!("anna.{}@example.se", uuid::Uuid::new_v4().simple());
    let variables = json!({ "name": "Anna", "email": email, "password": "correct horse battery" });
    let signed_up = server.graphql(SIGN_UP, variables).await;
    let anna = TestUser::from_sign_up(&signed_up, "Anna", "correct horse battery");

    let mut download =
        client.get(format!("{}/privacy/export", server.address)).bearer_auth(&anna.access_token).send().await.unwrap();
    server.terminate();
    let mut body = Vec::new();
    while let Some(chunk) = download.chunk().await.unwrap() {
        body.extend_from_slice(&chunk);
        // A slow phone.
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let exit = server.wait_for_exit(Duration::from_secs(30)).await;

    assert_eq!(download.status(), 200);
    let document: Value = serde_json::from_slice(&body).expect("the whole document arrived");
    assert!(document.to_string().contains(&anna.email), "the export is the user's");
    assert_eq!(exit, Some(0), "{}", server.output());
}

#[tokio::test]
async fn sigterm_stops_the_retention_scheduler_cleanly() {
    let mut server =
        spawn_server_process(&fresh_database_url().await, &[("COGO_RETENTION_PURGE_INTERVAL_HOURS", "24")]).await;

    server.terminate();
    let exit = server.wait_for_exit(Duration::from_secs(30)).await;

    let stopped = output_eventually_contains(&server, "retention scheduler stopped").await;

    assert_eq!(exit, Some(0), "{}", server.output());
    assert!(stopped, "{}", server.output());
}

/// The process's output is read by background tasks: its last lines may arrive just after it has exited.
async fn output_eventually_contains(server: &ServerProcess, text: &str) -> bool {
    for _ in 0..100 {
        if server.output().contains(text) {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// Reads an HTTP response head (up to the blank line).
async fn read_head(stream: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await.unwrap() == 0 {
            break;
        }
        head.push(byte[0]);
    }
    String::from_utf8_lossy(&head).into_owned()
}

/// Whether connecting to the port is refused within a bounded number of tries (SIGTERM is handled asynchronously).
async fn new_connections_refused(port: u16) -> bool {
    for _ in 0..200 {
        match TcpStream::connect(("127.0.0.1", port)).await {
            Err(err) if err.kind() == std::io::ErrorKind::ConnectionRefused => return true,
            _ => tokio::time::sleep(Duration::from_millis(25)).await,
        }
    }
    false
}
