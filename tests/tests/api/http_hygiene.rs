//! HTTP hygiene: the CORS allow-list, security headers, TLS with HSTS, the request timeout.

use std::time::Duration;

use cogo_api::settings::TlsFiles;
use cogo_tests::{data, spawn_app, spawn_app_with};
use reqwest::{Method, StatusCode, header};
use sea_orm::{ConnectionTrait, DbBackend, TransactionTrait};
use serde_json::{Value, json};

const PORTAL: &str = "https://portal.cogo.test";
const POLICY: &str = "query PrivacyPolicy { privacyPolicy { version } }";

async fn preflight(client: &reqwest::Client, address: &str, origin: &str) -> reqwest::Response {
    client
        .request(Method::OPTIONS, format!("{address}/graphql"))
        .header(header::ORIGIN, origin)
        .header(header::ACCESS_CONTROL_REQUEST_METHOD, "POST")
        .header(header::ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type, idempotency-key")
        .send()
        .await
        .unwrap()
}

async fn post_from(client: &reqwest::Client, address: &str, origin: &str) -> reqwest::Response {
    client
        .post(format!("{address}/graphql"))
        .header(header::ORIGIN, origin)
        .json(&json!({ "query": POLICY }))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_preflight_from_an_allowed_origin_is_answered_with_the_allowed_methods_and_headers() {
    let app = spawn_app_with(|s| s.http.cors_origins = vec![PORTAL.to_string()]).await;

    let response = preflight(&app.client, &app.address, PORTAL).await;

    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(headers[header::ACCESS_CONTROL_ALLOW_ORIGIN], PORTAL);
    let methods = headers[header::ACCESS_CONTROL_ALLOW_METHODS].to_str().unwrap().to_ascii_uppercase();
    for method in ["GET", "POST", "OPTIONS"] {
        assert!(methods.contains(method), "{methods}");
    }
    assert!(!methods.contains("DELETE"), "{methods}");
    let allowed = headers[header::ACCESS_CONTROL_ALLOW_HEADERS].to_str().unwrap().to_ascii_lowercase();
    for name in ["authorization", "content-type", "idempotency-key", "accept"] {
        assert!(allowed.contains(name), "{allowed}");
    }
    assert!(headers.get(header::ACCESS_CONTROL_ALLOW_CREDENTIALS).is_none(), "bearer tokens need no credentials");
}

#[tokio::test]
async fn a_request_from_an_allowed_origin_is_answered_with_its_origin() {
    let app = spawn_app_with(|s| s.http.cors_origins = vec![PORTAL.to_string()]).await;

    let response = post_from(&app.client, &app.address, PORTAL).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()[header::ACCESS_CONTROL_ALLOW_ORIGIN], PORTAL);
    let body: Value = response.json().await.unwrap();
    assert!(data(&body)["privacyPolicy"]["version"].is_number());
}

#[tokio::test]
async fn requests_and_preflights_from_other_origins_are_refused() {
    let app = spawn_app_with(|s| s.http.cors_origins = vec![PORTAL.to_string()]).await;

    let preflight = preflight(&app.client, &app.address, "https://evil.test").await;
    let request = post_from(&app.client, &app.address, "https://portal.cogo.test.evil.test").await;

    for response in [preflight, request] {
        assert_eq!(response.status(), StatusCode::FORBIDDEN);
        assert!(response.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
        assert_eq!(response.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "refusals carry the headers too");
    }
}

#[tokio::test]
async fn without_configured_origins_no_cors_headers_are_sent() {
    let app = spawn_app().await;

    let preflight = preflight(&app.client, &app.address, PORTAL).await;
    let request = post_from(&app.client, &app.address, PORTAL).await;

    assert!(preflight.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
    assert!(preflight.headers().get(header::ACCESS_CONTROL_ALLOW_METHODS).is_none());
    // Answered (apps send no Origin; a browser page on another origin cannot read the answer).
    assert_eq!(request.status(), StatusCode::OK);
    assert!(request.headers().get(header::ACCESS_CONTROL_ALLOW_ORIGIN).is_none());
}

fn assert_common_security_headers(response: &reqwest::Response) {
    let headers = response.headers();
    let url = response.url().path();
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{url}");
    assert_eq!(headers[header::REFERRER_POLICY], "no-referrer", "{url}");
    assert_eq!(headers[header::X_FRAME_OPTIONS], "DENY", "{url}");
    // The files of the web pages may be kept and revalidated; nothing else may be kept.
    let file_of_a_page = url.starts_with("/portal") || url.starts_with("/graphiql/");
    assert_eq!(headers[header::CACHE_CONTROL], if file_of_a_page { "no-cache" } else { "no-store" }, "{url}");
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{url}: {csp}");
    assert!(csp.starts_with("default-src 'none'"), "{url}: {csp}");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.address)).send();

    let graphql = post_from(&app.client, &app.address, PORTAL).await;
    let query_over_get = get("/graphql?query=%7B__typename%7D").await.unwrap();
    let missing = get("/no-such-page").await.unwrap();
    let health = get("/healthz").await.unwrap();
    let export_unauthenticated = get("/privacy/export").await.unwrap();

    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert_eq!(export_unauthenticated.status(), StatusCode::UNAUTHORIZED);
    for response in [&graphql, &query_over_get, &missing, &health, &export_unauthenticated] {
        assert_common_security_headers(response);
        let csp = response.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(!csp.contains("script-src"), "a JSON answer may run nothing: {csp}");
        assert!(response.headers().get(header::STRICT_TRANSPORT_SECURITY).is_none(), "no HSTS over plain HTTP");
    }
}

#[tokio::test]
async fn the_web_pages_load_only_from_this_server() {
    let app = spawn_app().await;

    for path in ["/graphql", "/portal/"] {
        let page = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();

        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_common_security_headers(&page);
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap().to_string();
        let html = page.text().await.unwrap();
        assert!(!html.contains("https://"), "{path} names no other origin");
        assert!(!html.contains("<script>"), "{path} has no inline script");
        for directive in ["default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'"] {
            assert!(csp.contains(directive), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe") && !csp.contains("https:"), "{path}: {csp}");
    }
}

#[tokio::test]
async fn the_files_of_the_web_pages_are_served_with_their_types_and_revalidated() {
    let app = spawn_app().await;

    for (path, media_type) in [
        ("/graphiql/vendor/graphiql.min.js", "javascript"),
        ("/graphiql/vendor/graphiql.min.css", "text/css"),
        ("/graphiql/start.js", "javascript"),
        ("/portal/app.js", "javascript"),
        ("/portal/style.css", "text/css"),
    ] {
        let file = app.client.get(format!("{}{path}", app.address)).send().await.unwrap();

        assert_eq!(file.status(), StatusCode::OK, "{path}");
        assert!(file.headers()[header::CONTENT_TYPE].to_str().unwrap().contains(media_type), "{path}");
        assert_eq!(file.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
        let etag = file.headers()[header::ETAG].clone();
        let again = app.client.get(format!("{}{path}", app.address)).header(header::IF_NONE_MATCH, etag);
        let again = again.send().await.unwrap();
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        // A browser merges these headers into its cached copy: they must be the page's, not the API's.
        let csp = again.headers()[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert_eq!(again.headers()[header::CACHE_CONTROL], "no-cache", "{path}");
    }
    for hidden in ["/graphiql/update.sh", "/portal/README.md", "/portal/../Cargo.toml", "/graphiql/%2e%2e/Cargo.toml"] {
        let refused = app.client.get(format!("{}{hidden}", app.address)).send().await.unwrap();
        assert_eq!(refused.status(), StatusCode::NOT_FOUND, "{hidden}");
    }
    let bare = app.client.get(format!("{}/portal", app.address)).send().await.unwrap();
    assert_eq!(bare.status(), StatusCode::OK, "/portal leads to the portal");
}

#[tokio::test]
async fn without_graphiql_its_files_are_not_served_either() {
    let app = spawn_app_with(|settings| settings.exposure.graphiql = false).await;

    let file = app.client.get(format!("{}/graphiql/start.js", app.address)).send().await.unwrap();

    assert_eq!(file.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn with_a_certificate_the_api_speaks_https_and_sends_hsts() {
    // Arrange: a self-signed certificate for localhost, written where the settings point.
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).unwrap();
    let dir = std::env::temp_dir().join(format!("cogo-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, certified.cert.pem()).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let app = spawn_app_with(|s| s.http.tls = Some(TlsFiles { cert, key })).await;
    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(certified.cert.pem().as_bytes()).unwrap())
        .resolve("localhost", ([127, 0, 0, 1], app.port).into())
        .build()
        .unwrap();
    let https = format!("https://localhost:{}", app.port);

    // Act
    let answer = trusting.post(format!("{https}/graphql")).json(&json!({ "query": POLICY })).send().await.unwrap();
    let plain_http = app.client.get(format!("http://127.0.0.1:{}/healthz", app.port)).send().await;
    let untrusting = reqwest::Client::new().get(format!("{https}/healthz")).send().await;

    // Assert
    assert_eq!(answer.status(), StatusCode::OK);
    assert_eq!(answer.headers()[header::STRICT_TRANSPORT_SECURITY], "max-age=31536000; includeSubDomains");
    assert_common_security_headers(&answer);
    let body: Value = answer.json().await.unwrap();
    assert!(data(&body)["privacyPolicy"]["version"].is_number());
    assert!(plain_http.is_err() || !plain_http.unwrap().status().is_success(), "no plain HTTP on a TLS port");
    assert!(untrusting.is_err(), "a client that does not trust the certificate is refused");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_certificate_file_that_is_not_pem_stops_the_start() {
    let dir = std::env::temp_dir().join(format!("cogo-tls-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    std::fs::write(&cert, "not a certificate").unwrap();
    std::fs::write(&key, "not a key").unwrap();
    let mut settings = cogo_api::Settings::for_database(cogo_tests::fresh_database_url().await);
    settings.http.tls = Some(TlsFiles { cert, key });

    let built = cogo_api::Application::build(settings).await;

    let error = built.err().expect("the start is refused");
    assert!(error.contains("COGO_TLS_CERT"), "{error}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn a_request_that_outlasts_the_request_timeout_is_answered_503_timeout() {
    let app = spawn_app_with(|s| s.http.request_timeout = Duration::from_secs(1)).await;
    // Arrange: hold what the query needs. On SQLite the pool's one connection; on PostgreSQL a lock on the table.
    let txn = app.context.db.begin().await.unwrap();
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("LOCK TABLE privacy_policy_versions IN ACCESS EXCLUSIVE MODE").await.unwrap();
    }

    let stalled = app.client.post(format!("{}/graphql", app.address)).json(&json!({ "query": POLICY })).send();
    let stalled = stalled.await.unwrap();
    let status = stalled.status();
    let body: Value = stalled.json().await.unwrap();
    txn.rollback().await.unwrap();
    let after = app.gql(POLICY, json!({})).await;

    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(cogo_tests::error_code(&body), "TIMEOUT");
    assert!(data(&after)["privacyPolicy"]["version"].is_number(), "the server carries on");
}
