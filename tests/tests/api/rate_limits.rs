//! Rate limits: per client IP (HTTP 429), per user, strict on sign-up and log-in; `X-Forwarded-For` from trusted
//! proxies only; the in-memory and the Redis back end, and two API processes spending one Redis budget.
//! Budgets here are per hour, so no bucket refills noticeably while a test runs: the tests count, never time.

use cogo_api::rate_limit::{Budget, TrustedProxies};
use cogo_api::settings::RateLimitSettings;
use cogo_tests::process::spawn_server_process;
use cogo_tests::{LOG_IN, SIGN_UP, TestApp, TestUser, error_code, fresh_database_url, spawn_app_with};
use serde_json::{Value, json};
use uuid::Uuid;

const REDIS: &str = "redis://127.0.0.1:6379";
const TYPENAME: &str = "{ __typename }";

/// Limits on, with every budget roomy unless the test narrows one.
fn limits(configure: impl FnOnce(&mut RateLimitSettings)) -> RateLimitSettings {
    let mut settings = RateLimitSettings {
        enabled: true,
        per_ip: hourly(1_000),
        per_user: hourly(1_000),
        strict: hourly(1_000),
        ..RateLimitSettings::default()
    };
    configure(&mut settings);
    settings
}

fn hourly(capacity: u32) -> Budget {
    Budget::parse(&format!("{capacity}/h")).unwrap()
}

/// A Redis key prefix no other test uses, so parallel tests never share a budget.
fn own_prefix() -> String {
    format!("cogo-test:{}:", Uuid::new_v4().simple())
}

async fn spawn_limited(configure: impl FnOnce(&mut RateLimitSettings)) -> TestApp {
    let rate_limits = limits(configure);
    spawn_app_with(move |settings| settings.rate_limits = rate_limits).await
}

struct Answer {
    status: u16,
    retry_after: Option<i64>,
    body: Value,
}

/// POSTs to `address`, optionally as a user and with an `X-Forwarded-For` header; any status is returned.
async fn post(
    address: &str,
    query: &str,
    variables: Value,
    token: Option<&str>,
    forwarded_for: Option<&str>,
) -> Answer {
    let mut request = reqwest::Client::new()
        .post(format!("{address}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(forwarded_for) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded_for);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().parse().unwrap());
    Answer { status, retry_after, body: response.json().await.unwrap() }
}

async fn typename_from(address: &str, forwarded_for: Option<&str>) -> Answer {
    post(address, TYPENAME, json!({}), None, forwarded_for).await
}

fn assert_allowed(answer: &Answer) {
    assert_eq!(answer.status, 200, "{}", answer.body);
    assert!(answer.body.get("errors").is_none(), "{}", answer.body);
}

/// A 429 with `Retry-After` equal to the body's `retryAfterSeconds`, at most the time one token takes to refill.
fn assert_throttled(answer: &Answer, budget: Budget) {
    assert_eq!(answer.status, 429, "{}", answer.body);
    assert_eq!(error_code(&answer.body), "RATE_LIMITED");
    let seconds = answer.body["errors"][0]["extensions"]["retryAfterSeconds"].as_i64().unwrap();
    assert_eq!(answer.retry_after, Some(seconds));
    assert_refill_wait(seconds, budget);
}

fn assert_refill_wait(seconds: i64, budget: Budget) {
    let one_token = budget.period.as_secs() as i64 / i64::from(budget.capacity);
    assert!((1..=one_token).contains(&seconds), "retry after {seconds}s, one token takes {one_token}s");
}

#[tokio::test]
async fn requests_beyond_the_per_ip_budget_get_429_with_retry_after() {
    let app = spawn_limited(|limits| limits.per_ip = hourly(3)).await;

    for _ in 0..3 {
        assert_allowed(&typename_from(&app.address, None).await);
    }
    let refused = typename_from(&app.address, None).await;

    assert_throttled(&refused, hourly(3));
    let probe = app.client.get(format!("{}/healthz", app.address)).send().await.unwrap();
    assert_eq!(probe.status(), 200, "probes are never limited");
}

#[tokio::test]
async fn sign_up_and_log_in_have_their_own_stricter_budgets() {
    let app = spawn_limited(|limits| limits.strict = hourly(2)).await;
    let anna = app.sign_up("Anna").await;
    app.sign_up("Bruno").await;

    let email = format!("cecilia.{}@example.se", Uuid::new_v4().simple());
    let third =
        app.gql(SIGN_UP, json!({ "name": "Cecilia", "email": email, "password": "correct horse battery" })).await;

    assert_eq!(error_code(&third), "RATE_LIMITED");
    let seconds = third["errors"][0]["extensions"]["retryAfterSeconds"].as_i64().unwrap();
    assert_refill_wait(seconds, hourly(2));
    assert!(third["data"].is_null(), "{third}");
    // Other operations still have the general budget.
    assert_allowed(&typename_from(&app.address, None).await);
    // Log-in has a bucket of its own, and the refused sign-up created no account.
    let ghost = app.gql(LOG_IN, json!({ "email": email, "password": "correct horse battery" })).await;
    assert_eq!(error_code(&ghost), "UNAUTHENTICATED");
    app.log_in(&anna).await;
    let third_log_in = app.gql(LOG_IN, json!({ "email": anna.email, "password": anna.password })).await;
    assert_eq!(error_code(&third_log_in), "RATE_LIMITED");
}

#[tokio::test]
async fn a_users_budget_follows_them_from_any_address_and_is_theirs_alone() {
    let app = spawn_limited(|limits| {
        limits.per_user = hourly(3);
        limits.trusted_proxies = TrustedProxies::parse("127.0.0.1").unwrap();
    })
    .await;
    let anna = app.sign_up("Anna").await;
    let bruno = app.sign_up("Bruno").await;
    let me = |user: &TestUser, from: &'static str| {
        let (address, token) = (app.address.clone(), user.access_token.clone());
        async move { post(&address, "{ me { id } }", json!({}), Some(&token), Some(from)).await }
    };

    for from in ["198.51.100.1", "198.51.100.2", "198.51.100.3"] {
        assert_allowed(&me(&anna, from).await);
    }
    let fourth = me(&anna, "198.51.100.4").await;

    assert_eq!(error_code(&fourth.body), "RATE_LIMITED");
    let seconds = fourth.body["errors"][0]["extensions"]["retryAfterSeconds"].as_i64().unwrap();
    assert_refill_wait(seconds, hourly(3));
    assert_allowed(&me(&bruno, "198.51.100.1").await);
}

#[tokio::test]
async fn forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = spawn_limited(|limits| limits.per_ip = hourly(2)).await;

    assert_allowed(&typename_from(&app.address, Some("198.51.100.1")).await);
    assert_allowed(&typename_from(&app.address, Some("198.51.100.2")).await);
    let third = typename_from(&app.address, Some("198.51.100.3")).await;

    assert_throttled(&third, hourly(2));
}

#[tokio::test]
async fn forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = spawn_limited(|limits| {
        limits.per_ip = hourly(2);
        limits.trusted_proxies = TrustedProxies::parse("127.0.0.0/8").unwrap();
    })
    .await;

    assert_allowed(&typename_from(&app.address, Some("198.51.100.7")).await);
    // A hop our proxies appended (127.0.0.2) is skipped: the client is the right-most address not ours.
    assert_allowed(&typename_from(&app.address, Some("198.51.100.7, 127.0.0.2")).await);
    let third = typename_from(&app.address, Some("198.51.100.7")).await;

    assert_throttled(&third, hourly(2));
    assert_allowed(&typename_from(&app.address, Some("198.51.100.8")).await);
    // A client cannot pick its bucket by writing an address to the left of its own.
    let forged = typename_from(&app.address, Some("198.51.100.9, 198.51.100.7")).await;
    assert_throttled(&forged, hourly(2));
}

#[tokio::test]
async fn the_redis_back_end_keeps_the_budget_across_instances() {
    let prefix = own_prefix();
    let configure = |limits: &mut RateLimitSettings| {
        limits.per_ip = hourly(3);
        limits.redis_url = Some(REDIS.to_string());
        limits.redis_prefix = prefix.clone();
    };
    let first = spawn_limited(configure).await;
    let second = spawn_limited(configure).await;

    assert_allowed(&typename_from(&first.address, None).await);
    assert_allowed(&typename_from(&second.address, None).await);
    assert_allowed(&typename_from(&first.address, None).await);
    let refused = typename_from(&second.address, None).await;

    assert_throttled(&refused, hourly(3));
    let other_prefix = spawn_limited(|limits| {
        limits.per_ip = hourly(3);
        limits.redis_url = Some(REDIS.to_string());
        limits.redis_prefix = own_prefix();
    })
    .await;
    assert_allowed(&typename_from(&other_prefix.address, None).await);
}

#[tokio::test]
async fn the_redis_back_end_applies_the_strict_budget() {
    let prefix = own_prefix();
    let app = spawn_limited(|limits| {
        limits.strict = hourly(1);
        limits.redis_url = Some(REDIS.to_string());
        limits.redis_prefix = prefix;
    })
    .await;
    let anna = app.sign_up("Anna").await;

    let second = app
        .gql(SIGN_UP, json!({ "name": "Bruno", "email": "b@example.se", "password": "correct horse battery" }))
        .await;

    assert_eq!(error_code(&second), "RATE_LIMITED");
    app.log_in(&anna).await;
}

#[tokio::test]
async fn an_unreachable_redis_lets_requests_through() {
    let app = spawn_limited(|limits| {
        limits.per_ip = hourly(1);
        limits.redis_url = Some("redis://127.0.0.1:1".to_string());
    })
    .await;

    for _ in 0..3 {
        assert_allowed(&typename_from(&app.address, None).await);
    }
    // Monitoring sees that the limits are not holding.
    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap().text().await.unwrap();
    let failures = metrics
        .lines()
        .find_map(|line| line.strip_prefix("cogo_rate_limit_store_failures "))
        .and_then(|value| value.trim().parse::<i64>().ok())
        .unwrap_or_else(|| panic!("no failure gauge in\n{metrics}"));
    assert!(failures >= 1, "{metrics}");
}

#[tokio::test]
async fn two_api_processes_spend_one_redis_budget() {
    let database_url = fresh_database_url().await;
    let prefix = own_prefix();
    let env = [
        ("COGO_RATE_LIMITS", "on"),
        ("COGO_RATE_LIMIT_PER_IP", "4/h"),
        ("COGO_REDIS_URL", REDIS),
        ("COGO_RATE_LIMIT_REDIS_PREFIX", prefix.as_str()),
    ];
    let a = spawn_server_process(&database_url, &env).await;
    let b = spawn_server_process(&database_url, &env).await;

    for address in [&a.address, &b.address, &a.address, &b.address] {
        assert_allowed(&typename_from(address, None).await);
    }
    let from_a = typename_from(&a.address, None).await;
    let from_b = typename_from(&b.address, None).await;

    assert_throttled(&from_a, hourly(4));
    assert_throttled(&from_b, hourly(4));
}

#[tokio::test]
async fn a_graphql_refusal_is_429_with_retry_after_for_clients_that_accept_graphql_response_json() {
    let app = spawn_limited(|limits| limits.strict = hourly(1)).await;
    let log_in = |accept: &'static str| {
        reqwest::Client::new()
            .post(format!("{}/graphql", app.address))
            .header("accept", accept)
            .json(&json!({ "query": LOG_IN, "variables": { "email": "nobody@example.se", "password": "wrong" } }))
            .send()
    };
    let first = log_in("application/graphql-response+json").await.unwrap();
    assert_eq!(first.status(), 200, "the first attempt runs (and fails as a wrong password)");
    let refused = log_in("application/graphql-response+json").await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), "RATE_LIMITED");
    assert_eq!(body["errors"][0]["extensions"]["retryAfterSeconds"].as_i64(), Some(retry_after));
    assert!(body.get("data").is_none(), "nothing ran: {body}");
    // A client that asked for plain JSON gets the same error as a 200, with the header as a hint.
    let as_json = log_in("application/json").await.unwrap();
    assert_eq!(as_json.status(), 200);
    assert!(as_json.headers().contains_key("retry-after"));
}

#[tokio::test]
async fn the_export_download_spends_the_users_budget() {
    let app = spawn_limited(|limits| limits.per_user = hourly(2)).await;
    let anna = app.sign_up("Anna").await;
    let download =
        || reqwest::Client::new().get(format!("{}/privacy/export", app.address)).bearer_auth(&anna.access_token).send();
    assert_eq!(download().await.unwrap().status(), 200);
    assert_eq!(download().await.unwrap().status(), 200);
    let refused = download().await.unwrap();
    assert_eq!(refused.status(), 429);
    let retry_after: i64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(error_code(&body), "RATE_LIMITED");
    assert_eq!(body["errors"][0]["extensions"]["retryAfterSeconds"].as_i64(), Some(retry_after));
    // The GraphQL budget is the same one.
    let me = post(&app.address, "{ me { id } }", json!({}), Some(&anna.access_token), None).await;
    assert_eq!(error_code(&me.body), "RATE_LIMITED");
}
