//! Cost: shape, once-per-request fields, complexity and the timeout, refused before anything runs.

use cogo_tests::{data, error_code, spawn_app, spawn_app_with};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use super::{aliases, name_of, refused_untouched};

#[tokio::test]
async fn a_query_nested_too_deep_is_refused() {
    let app = spawn_app().await;
    let deep = format!("{{ __schema {{ queryType {{ {}name{} }} }} }}", "ofType { ".repeat(20), " }".repeat(20));

    let body = refused_untouched(&app, &deep, json!({}), "QUERY_TOO_DEEP").await;

    assert_eq!(body["errors"][0]["extensions"]["limit"], 16);
}

#[tokio::test]
async fn a_hundred_and_one_aliases_are_refused_and_a_hundred_pass() {
    let app = spawn_app().await;

    let hundred = app.gql(&format!("{{ {} }}", aliases(100, "__typename")), json!({})).await;
    assert_eq!(data(&hundred)["a99"], "Query");

    refused_untouched(
        &app,
        &format!("{{ {} }}", aliases(101, "privacyPolicy { version }")),
        json!({}),
        "TOO_MANY_FIELDS",
    )
    .await;
}

#[tokio::test]
async fn aliased_mutations_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let mutation = format!("mutation {{ {} }}", aliases(11, "updateProfile(input: { name: \"Mallory\" }) { id }"));

    let body = app.gql_as(&anna, &mutation, json!({})).await;

    assert_eq!(error_code(&body), "TOO_MANY_FIELDS");
    assert_eq!(body["errors"][0]["extensions"]["limit"], 10);
    assert_eq!(name_of(&app, &anna).await, "Anna");
}

#[tokio::test]
async fn five_hundred_repeated_fields_are_refused() {
    let app = spawn_app().await;
    let repeated = format!("{{ privacyPolicy {{ {} }} }}", "version ".repeat(500));

    refused_untouched(&app, &repeated, json!({}), "TOO_MANY_FIELDS").await;
}

#[tokio::test]
async fn directive_overload_is_refused() {
    let app = spawn_app().await;

    refused_untouched(
        &app,
        &format!("{{ __typename {} }}", "@skip(if: false) ".repeat(1_000)),
        json!({}),
        "TOO_MANY_DIRECTIVES",
    )
    .await;
    let unknown: String = (0..1_000).map(|i| format!("@d{i} ")).collect();
    refused_untouched(&app, &format!("{{ __typename {unknown} }}"), json!({}), "TOO_MANY_DIRECTIVES").await;
}

#[tokio::test]
async fn a_fragment_bomb_is_refused_before_validation() {
    let app = spawn_app().await;
    let mut bomb = String::from("{ ...F0 }\n");
    for i in 0..30 {
        bomb.push_str(&format!("fragment F{i} on Query {{ __typename ...F{n} ...F{n} }}\n", n = i + 1));
    }
    bomb.push_str("fragment F30 on Query { __typename }");

    let body = app.gql(&bomb, json!({})).await;

    assert!(["TOO_MANY_FIELDS", "QUERY_TOO_DEEP"].contains(&error_code(&body)), "{body}");
}

#[tokio::test]
async fn two_log_ins_in_one_request_are_refused_before_any_password_check() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let guesses = "mutation($e: String!) { a: logIn(email: $e, password: \"guess one\") { accessToken }
        b: logIn(email: $e, password: \"guess two\") { accessToken } }";

    let body = refused_untouched(&app, guesses, json!({ "e": anna.email }), "FIELD_ONCE_PER_REQUEST").await;

    assert_eq!(body["errors"][0]["extensions"]["field"], "logIn");
    app.log_in(&anna).await;
}

#[tokio::test]
async fn one_samples_variable_under_two_sync_steps_is_refused_and_stores_nothing() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let consent = "mutation { setConsent(purpose: \"health_data\", granted: true) { granted } }";
    data(&app.gql_as(&anna, consent, json!({})).await);
    let start = chrono::Utc::now() - chrono::Duration::hours(3);
    let samples = json!([{ "externalId": "hk-1", "startAt": start.to_rfc3339(),
        "endAt": (start + chrono::Duration::minutes(30)).to_rfc3339(), "steps": 3000, "distanceMeters": 2400.0,
        "source": "iPhone" }]);
    let twice = "mutation($s: [StepSampleInput!]!) { a: syncSteps(samples: $s) { accepted } b: syncSteps(samples: $s) { accepted } }";

    let body = app.gql_as(&anna, twice, json!({ "s": samples })).await;
    assert_eq!(error_code(&body), "FIELD_ONCE_PER_REQUEST");

    let once = "mutation($s: [StepSampleInput!]!) { syncSteps(samples: $s) { accepted duplicates } }";
    let body = app.gql_as(&anna, once, json!({ "s": samples })).await;
    assert_eq!(data(&body)["syncSteps"]["accepted"], 1, "the refused request stored the sample: {body}");
}

#[tokio::test]
async fn a_page_of_a_million_is_refused_by_complexity() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let offers = "query($n: Int) { offers(first: $n) { edges { node { id title } } } }";

    let body = app.gql_as(&anna, offers, json!({ "n": 1_000_000 })).await;
    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
    assert_eq!(body["errors"][0]["extensions"]["limit"], 2_500);
    let literal =
        app.gql_as(&anna, "{ me { points { ledger(first: 1000000) { edges { node { id } } } } } }", json!({})).await;
    assert_eq!(error_code(&literal), "QUERY_TOO_COMPLEX");

    data(&app.gql_as(&anna, offers, json!({ "n": 100 })).await);
}

#[tokio::test]
async fn many_policy_bodies_in_one_request_are_too_complex() {
    let app = spawn_app().await;
    assert!(data(&app.gql("{ privacyPolicy { body } }", json!({})).await)["privacyPolicy"]["body"].is_string());

    refused_untouched(
        &app,
        &format!("{{ {} }}", aliases(50, "privacyPolicy { body }")),
        json!({}),
        "QUERY_TOO_COMPLEX",
    )
    .await;
}

#[tokio::test]
async fn two_different_exports_in_one_request_are_too_complex() {
    let app = spawn_app().await;
    let officer = app.sign_up("Olle").await;
    let officer = app.grant_role(&officer, "PRIVACY_OFFICER").await;
    let both = format!("{{ myDataExport userDataExport(userId: \"{}\") }}", officer.id);

    let body = app.gql_as(&officer, &both, json!({})).await;

    assert_eq!(error_code(&body), "QUERY_TOO_COMPLEX");
    assert!(body["data"].is_null(), "{body}");
}

#[tokio::test]
async fn a_request_over_the_timeout_is_stopped_and_leaves_nothing_behind() {
    let app = spawn_app_with(|settings| settings.limits.request_timeout = std::time::Duration::from_nanos(1)).await;
    let sign_up = "mutation { signUp(input: { name: \"Anna\", email: \"anna@example.se\", password: \"correct horse battery\" }) { accessToken } }";

    let body = app.gql(sign_up, json!({})).await;

    assert_eq!(error_code(&body), "TIMEOUT");
    let db = &app.context.db;
    let count = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), "SELECT COUNT(*) AS n FROM users"))
        .await
        .unwrap()
        .unwrap()
        .try_get::<i64>("", "n")
        .unwrap();
    assert_eq!(count, 0);
    // Monitoring counts it: the metrics wrap the timeout.
    let metrics = app.client.get(format!("{}/metrics", app.address)).send().await.unwrap().text().await.unwrap();
    assert!(metrics.contains("cogo_graphql_errors_total{code=\"TIMEOUT\"} 1"), "{metrics}");
}

#[tokio::test]
async fn the_limits_hold_for_get_requests_too() {
    let app = spawn_app().await;
    let get = |query: String| {
        let request = app.client.get(format!("{}/graphql", app.address)).query(&[("query", query)]);
        async move { request.send().await.unwrap().json::<Value>().await.unwrap() }
    };

    let aliased = get(format!("{{ {} }}", aliases(101, "__typename"))).await;
    assert_eq!(error_code(&aliased), "TOO_MANY_FIELDS");
    let nul =
        get(r#"{ privacyPolicyVersion(version: 1) { body } a: __type(name: "\u0000") { name } }"#.to_string()).await;
    assert_eq!(error_code(&nul), "BAD_USER_INPUT");
}
