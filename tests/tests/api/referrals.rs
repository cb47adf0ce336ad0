//! Referrals (policy §4.11): codes, recruits listed by name, and rewards that cannot be gamed.

use std::collections::HashSet;

use chrono::Duration;
use cogo_points::{
    EntryKind,
    service::{self as points, Movement},
};
use cogo_tests::{TestApp, TestUser, data, error_code, spawn_app, spawn_app_with};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

const ME: &str = "{ me { referralCode recruits { name joinedAt } } }";
const RECRUITS: &str = "{ me { recruits { name joinedAt } } }";
const POINTS: &str = "{ me { points { balance ledger(first: 50) { edges { node { amount kind description } } } } } }";
const SIGN_UP_WITH_CODE: &str =
    "mutation SignUp($name: String!, $email: String!, $password: String!, $referralCode: String) {
  signUp(input: { name: $name, email: $email, password: $password, referralCode: $referralCode }) {
    accessToken refreshToken user { id name email referralCode }
  }
}";
const ALPHABET: &str = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

fn email_for(name: &str) -> String {
    format!("{}.{}@example.se", name.to_lowercase(), Uuid::new_v4().simple())
}

async fn sign_up_raw(app: &TestApp, name: &str, email: &str, code: Option<&str>) -> Value {
    let variables = json!({ "name": name, "email": email, "password": "correct horse battery", "referralCode": code });
    app.gql(SIGN_UP_WITH_CODE, variables).await
}

/// Signs up a user who types `code` at sign-up.
pub async fn recruit(app: &TestApp, name: &str, code: &str) -> TestUser {
    let body = sign_up_raw(app, name, &email_for(name), Some(code)).await;
    TestUser::from_sign_up(&body, name, "correct horse battery")
}

pub async fn code_of(app: &TestApp, user: &TestUser) -> String {
    data(&app.gql_as(user, ME, json!({})).await)["me"]["referralCode"].as_str().unwrap().to_string()
}

async fn recruit_names(app: &TestApp, user: &TestUser) -> Vec<String> {
    let body = app.gql_as(user, RECRUITS, json!({})).await;
    data(&body)["me"]["recruits"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
}

fn walking(user: &TestUser, amount: i64, reference: &str) -> Movement {
    Movement {
        user_id: Uuid::parse_str(&user.id).unwrap(),
        kind: EntryKind::Walking,
        amount,
        description: format!("{amount} km walked"),
        reference: reference.to_string(),
    }
}

/// Credits walking points the way the steps module does: in a request's transaction, through the points service.
pub async fn walk(app: &TestApp, user: &TestUser, amount: i64, reference: &str) {
    let ctx = &app.context;
    let credit = async {
        let txn = ctx.db.begin().await.unwrap();
        points::credit(&txn, &ctx.hooks, ctx.now(), walking(user, amount, reference)).await.unwrap();
        txn.commit().await.unwrap();
    };
    ctx.changes.scope(credit).await;
}

/// Balance and the amounts of the REFERRAL_REWARD entries.
pub async fn points_of(app: &TestApp, user: &TestUser) -> (i64, Vec<i64>) {
    let body = app.gql_as(user, POINTS, json!({})).await;
    let points = &data(&body)["me"]["points"];
    let rewards = points["ledger"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["node"]["kind"] == "REFERRAL_REWARD")
        .map(|e| e["node"]["amount"].as_i64().unwrap())
        .collect();
    (points["balance"].as_i64().unwrap(), rewards)
}

#[tokio::test]
async fn every_user_gets_a_distinct_eight_character_unambiguous_code() {
    let app = spawn_app().await;
    let mut seen = HashSet::new();
    for i in 0..8 {
        let body = sign_up_raw(&app, "Anna", &email_for(&format!("anna{i}")), None).await;
        let code = data(&body)["signUp"]["user"]["referralCode"].as_str().unwrap().to_string();
        assert_eq!(code.len(), 8, "{code}");
        assert!(code.chars().all(|c| ALPHABET.contains(c)), "{code}");
        assert!(seen.insert(code));
    }
    // Many more through the service: the unique index and the retry keep them distinct.
    let txn = app.context.db.begin().await.unwrap();
    for _ in 0..2000 {
        let code = cogo_referrals::service::create_code(&txn, Uuid::now_v7(), app.context.now()).await.unwrap();
        assert!(code.len() == 8 && code.chars().all(|c| ALPHABET.contains(c)), "{code}");
        assert!(seen.insert(code));
    }
    txn.rollback().await.unwrap();
}

#[tokio::test]
async fn an_account_from_before_referral_codes_gets_one_when_it_asks() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    app.context.db.execute_unprepared("DELETE FROM referral_codes").await.unwrap();
    let code = code_of(&app, &anna).await;
    assert_eq!(code.len(), 8);
    assert_eq!(code_of(&app, &anna).await, code, "created once, then kept");
    recruit(&app, "Bertil", &code).await;
    assert_eq!(recruit_names(&app, &anna).await, vec!["Bertil"]);
}

#[tokio::test]
async fn a_code_is_accepted_in_any_case_with_spaces_around() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    recruit(&app, "Bertil", &format!("  {} ", code.to_lowercase())).await;
    assert_eq!(recruit_names(&app, &anna).await, vec!["Bertil"]);
    assert_eq!(code_of(&app, &anna).await, code, "the code stays the same");
}

#[tokio::test]
async fn an_unknown_code_is_bad_input_and_creates_no_account() {
    let app = spawn_app().await;
    let email = email_for("bertil");
    for code in ["ZZZZZZZZ", "nope", "ABCD0000"] {
        let body = sign_up_raw(&app, "Bertil", &email, Some(code)).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], "referralCode");
    }
    // Nothing was created: the same address signs up fine without a code.
    let body = sign_up_raw(&app, "Bertil", &email, None).await;
    assert_eq!(data(&body)["signUp"]["user"]["email"], email);
}

#[tokio::test]
async fn no_one_can_use_their_own_code() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let txn = app.context.db.begin().await.unwrap();
    let anna_id = Uuid::parse_str(&anna.id).unwrap();
    let err =
        cogo_referrals::service::link_recruit(&txn, anna_id, &code, app.context.now()).await.expect_err("refused");
    assert_eq!(err.code().as_str(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn both_are_rewarded_after_the_fifth_walking_point_and_not_before() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;

    walk(&app, &bertil, 4, "walk:1").await;
    assert_eq!(points_of(&app, &anna).await, (0, vec![]));
    assert_eq!(points_of(&app, &bertil).await, (4, vec![]));

    walk(&app, &bertil, 1, "walk:2").await;
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    assert_eq!(points_of(&app, &bertil).await, (15, vec![10]));

    // Once only: more walking rewards no one again.
    walk(&app, &bertil, 7, "walk:3").await;
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    assert_eq!(points_of(&app, &bertil).await, (22, vec![10]));
}

#[tokio::test]
async fn other_credits_do_not_qualify_a_recruit() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    let ctx = &app.context;
    let txn = ctx.db.begin().await.unwrap();
    let adjustment = Movement { kind: EntryKind::Adjustment, ..walking(&bertil, 100, "adjustment:1") };
    points::credit(&txn, &ctx.hooks, ctx.now(), adjustment).await.unwrap();
    txn.commit().await.unwrap();
    assert_eq!(points_of(&app, &anna).await, (0, vec![]));
}

#[tokio::test]
async fn a_recruit_credited_twice_at_once_is_rewarded_once() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    walk(&app, &bertil, 3, "walk:0").await;

    // Two syncs in parallel, each enough on its own to qualify.
    let syncs = (1..=2).map(|i| {
        let (app, bertil) = (&app, &bertil);
        async move { walk(app, bertil, 5, &format!("walk:{i}")).await }
    });
    futures::future::join_all(syncs).await;

    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    assert_eq!(points_of(&app, &bertil).await, (3 + 5 + 5 + 10, vec![10]));
}

#[tokio::test]
async fn rewards_stop_at_the_monthly_cap_but_recruits_are_still_listed() {
    let app = spawn_app_with(|settings| settings.referral_rewards.monthly_cap = 2).await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let mut recruits = Vec::new();
    for name in ["Bertil", "Cecilia", "David"] {
        let recruit = recruit(&app, name, &code).await;
        walk(&app, &recruit, 5, &format!("walk:{name}")).await;
        recruits.push(recruit);
    }
    assert_eq!(points_of(&app, &anna).await, (100, vec![50, 50]));
    assert_eq!(points_of(&app, &recruits[2]).await, (5, vec![]), "neither side is rewarded beyond the cap");
    assert_eq!(recruit_names(&app, &anna).await, vec!["Bertil", "Cecilia", "David"]);

    // A new calendar month: a new allowance. The skipped referral stays decided.
    app.advance_clock(Duration::days(32));
    let erik = recruit(&app, "Erik", &code).await;
    walk(&app, &erik, 5, "walk:Erik").await;
    walk(&app, &recruits[2], 5, "walk:David:again").await;
    let (anna, david) = (app.log_in(&anna).await, app.log_in(&recruits[2]).await);
    assert_eq!(points_of(&app, &anna).await, (150, vec![50, 50, 50]));
    assert_eq!(points_of(&app, &david).await, (10, vec![]));
}

#[tokio::test]
async fn recruits_qualifying_at_once_never_overshoot_the_cap() {
    let app = spawn_app_with(|settings| settings.referral_rewards.monthly_cap = 1).await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let (bertil, cecilia) = (recruit(&app, "Bertil", &code).await, recruit(&app, "Cecilia", &code).await);

    let (first, second) = (walk(&app, &bertil, 5, "walk:b"), walk(&app, &cecilia, 5, "walk:c"));
    futures::future::join(first, second).await;

    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    let recruit_rewards = points_of(&app, &bertil).await.1.len() + points_of(&app, &cecilia).await.1.len();
    assert_eq!(recruit_rewards, 1);
}

#[tokio::test]
async fn recruits_are_listed_by_name_only_oldest_first_and_only_to_their_recruiter() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let fredrik = app.sign_up("Fredrik").await;
    let anna_code = code_of(&app, &anna).await;
    let bertil = recruit(&app, "Bertil", &anna_code).await;
    app.advance_clock(Duration::seconds(5));
    recruit(&app, "Cecilia", &anna_code).await;
    recruit(&app, "Gustav", &code_of(&app, &fredrik).await).await;

    let body = app.gql_as(&anna, RECRUITS, json!({})).await;
    let listed = data(&body)["me"]["recruits"].as_array().unwrap().clone();
    assert_eq!(listed.len(), 2);
    for (entry, name) in listed.iter().zip(["Bertil", "Cecilia"]) {
        let keys: HashSet<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, HashSet::from(["name", "joinedAt"]));
        assert_eq!(entry["name"], name);
    }
    // The type offers nothing more than a name and a date.
    let body = app.gql_as(&anna, "{ __type(name: \"Recruit\") { fields { name } } }", json!({})).await;
    let fields: HashSet<&str> =
        data(&body)["__type"]["fields"].as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(fields, HashSet::from(["name", "joinedAt"]));

    assert_eq!(recruit_names(&app, &fredrik).await, vec!["Gustav"]);
    assert!(recruit_names(&app, &bertil).await.is_empty());
}

#[tokio::test]
async fn signed_out_me_is_unauthenticated() {
    let app = spawn_app().await;
    assert_eq!(error_code(&app.gql(ME, json!({})).await), "UNAUTHENTICATED");
}

#[tokio::test]
async fn an_erased_recruit_vanishes_from_the_list() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let bertil = recruit(&app, "Bertil", &code).await;
    recruit(&app, "Cecilia", &code).await;

    let txn = app.context.db.begin().await.unwrap();
    app.context.hooks.erase_user_data(&txn, Uuid::parse_str(&bertil.id).unwrap(), app.context.now()).await.unwrap();
    txn.commit().await.unwrap();

    assert_eq!(recruit_names(&app, &anna).await, vec!["Cecilia"]);
}

async fn export_of(app: &TestApp, user: &TestUser) -> Value {
    let txn = app.context.db.begin().await.unwrap();
    let export = app.hooks_export(&txn, Uuid::parse_str(&user.id).unwrap()).await;
    txn.rollback().await.unwrap();
    export
}

#[tokio::test]
async fn the_export_holds_the_code_the_recruiter_by_name_only_and_the_recruits() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna Recruiter").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    recruit(&app, "Cecilia", &code_of(&app, &bertil).await).await;

    let export = export_of(&app, &bertil).await;

    let part = &export["referrals"];
    assert_eq!(part["referralCode"], code_of(&app, &bertil).await);
    assert_eq!(part["referred"], true);
    assert!(part["joinedAt"].is_string());
    assert_eq!(part["recruitedBy"]["name"], "Anna Recruiter");
    assert_eq!(part["recruitedBy"]["joinedAt"], part["joinedAt"]);
    let keys: HashSet<&str> = part["recruitedBy"].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, HashSet::from(["name", "joinedAt"]));
    assert_eq!(part["recruits"][0]["name"], "Cecilia");
    let text = part.to_string();
    assert!(!text.contains(&anna.id) && !text.contains(&anna.email), "the recruiter's name only: {part}");
}

#[tokio::test]
async fn a_recruiter_who_restricts_processing_is_exported_without_a_name() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna Recruiter").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    restrict(&app, &anna, true).await;

    let export = export_of(&app, &bertil).await;

    let recruited_by = &export["referrals"]["recruitedBy"];
    assert_eq!(recruited_by["name"], Value::Null);
    assert!(recruited_by["joinedAt"].is_string());
    assert!(!export["referrals"].to_string().contains("Anna"), "{}", export["referrals"]);
}

#[tokio::test]
async fn a_user_nobody_recruited_is_exported_as_not_referred() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;

    let export = export_of(&app, &anna).await;

    assert_eq!(export["referrals"]["referred"], false);
    assert_eq!(export["referrals"]["recruitedBy"], Value::Null);
    assert_eq!(export["referrals"]["recruits"], json!([]));
}

#[tokio::test]
async fn the_recruits_are_read_page_by_page_oldest_first_past_closed_accounts() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let mut names = Vec::new();
    for i in 0..5u8 {
        let name = format!("Recruit{}", char::from(b'a' + i));
        let recruit = recruit(&app, &name, &code).await;
        app.advance_clock(Duration::seconds(1));
        if i == 1 {
            // Erased: gone from the list, and the page it was on still leads on to the next.
            let txn = app.context.db.begin().await.unwrap();
            let id = Uuid::parse_str(&recruit.id).unwrap();
            app.context.hooks.erase_user_data(&txn, id, app.context.now()).await.unwrap();
            txn.commit().await.unwrap();
        } else {
            names.push(name);
        }
    }
    let anna_id = Uuid::parse_str(&anna.id).unwrap();

    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let (page, next) = cogo_referrals::service::recruits_after(&app.context.db, anna_id, after, 2).await.unwrap();
        seen.extend(page.into_iter().map(|r| r.name.unwrap()));
        match next {
            Some(key) => after = Some(key),
            None => break,
        }
    }
    let exported: Vec<String> = export_of(&app, &anna).await["referrals"]["recruits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap().to_string())
        .collect();

    assert_eq!(seen, names);
    assert_eq!(exported, names);
}

#[tokio::test]
async fn the_referrals_export_takes_a_fixed_number_of_queries_whatever_the_number_of_recruits() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    recruit(&app, "Bertil", &code).await;
    let one = statements_of_export(&app, &anna).await;
    for name in ["Cecilia", "David", "Erik", "Frida"] {
        recruit(&app, name, &code).await;
    }

    let five = statements_of_export(&app, &anna).await;

    assert_eq!(one, five, "no query per recruit");
}

async fn statements_of_export(app: &TestApp, user: &TestUser) -> u64 {
    let txn = app.context.db.begin().await.unwrap();
    let mut out = cogo_kernel::ExportWriter::collecting();
    let hooks = cogo_referrals::hooks::ReferralsHooks { rewards: cogo_referrals::ReferralRewards::default() };
    let before = app.statements.get();
    cogo_kernel::ModuleHooks::export_user_data(&hooks, &txn, Uuid::parse_str(&user.id).unwrap(), &mut out)
        .await
        .unwrap();
    let used = app.statements.get() - before;
    txn.rollback().await.unwrap();
    used
}

#[tokio::test]
async fn a_recruit_who_walks_five_km_in_the_app_rewards_both_in_their_points_history() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    let consent = "mutation { setConsent(purpose: \"health_data\", granted: true) { granted } }";
    data(&app.gql_as(&bertil, consent, json!({})).await);
    let end = chrono::Utc::now() - Duration::hours(2);
    let sync =
        "mutation SyncSteps($samples: [StepSampleInput!]!) { syncSteps(samples: $samples) { pointsAwarded balance } }";
    let walk = |id: &str, from: chrono::DateTime<chrono::Utc>, metres: f64| {
        json!({ "externalId": id, "startAt": from.to_rfc3339(), "endAt": (from + Duration::hours(1)).to_rfc3339(),
                "steps": 6000, "distanceMeters": metres, "source": "iPhone" })
    };

    // 4.9 km: four walking points, no reward yet.
    let first = app.gql_as(&bertil, sync, json!({ "samples": [walk("w1", end - Duration::hours(3), 4900.0)] })).await;
    assert_eq!(data(&first)["syncSteps"]["pointsAwarded"], 4);
    assert_eq!(points_of(&app, &anna).await, (0, vec![]));

    // The fifth kilometre qualifies Bertil: 10 for him, 50 for Anna, in the same sync.
    let second = app.gql_as(&bertil, sync, json!({ "samples": [walk("w2", end - Duration::hours(1), 200.0)] })).await;
    assert_eq!(data(&second)["syncSteps"]["pointsAwarded"], 1);
    assert_eq!(data(&second)["syncSteps"]["balance"], 15);
    assert_eq!(points_of(&app, &bertil).await, (15, vec![10]));
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
}

#[tokio::test]
async fn erasing_rewarded_recruits_does_not_reset_the_monthly_cap() {
    let app = spawn_app_with(|settings| settings.referral_rewards.monthly_cap = 2).await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    for name in ["Fakeone", "Faketwo"] {
        let fake = recruit(&app, name, &code).await;
        walk(&app, &fake, 5, &format!("walk:{name}")).await;
        let txn = app.context.db.begin().await.unwrap();
        app.context.hooks.erase_user_data(&txn, Uuid::parse_str(&fake.id).unwrap(), app.context.now()).await.unwrap();
        txn.commit().await.unwrap();
    }
    let third = recruit(&app, "Fakethree", &code).await;
    walk(&app, &third, 5, "walk:third").await;
    assert_eq!(points_of(&app, &anna).await, (100, vec![50, 50]), "the cap still counts the erased recruits' rewards");
}

#[tokio::test]
async fn a_recruit_syncing_twice_at_once_rewards_once() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    data(
        &app.gql_as(&bertil, "mutation { setConsent(purpose: \"health_data\", granted: true) { granted } }", json!({}))
            .await,
    );
    let sync = "mutation SyncSteps($samples: [StepSampleInput!]!) { syncSteps(samples: $samples) { pointsAwarded } }";
    let now = chrono::Utc::now();
    // Two different batches of 6 km each, sent at the same moment: each alone would qualify Bertil. Each walk lies
    // within one UTC day (a walk over midnight is credited per day, in whole kilometres).
    let batches = (0..2).map(|i| {
        let from = cogo_tests::an_hour_within_one_day(now - Duration::hours(2 * i));
        json!({ "samples": [{ "externalId": format!("walk-{i}"), "startAt": from.to_rfc3339(),
            "endAt": (from + Duration::hours(1)).to_rfc3339(), "steps": 7000, "distanceMeters": 6000.0, "source": "iPhone" }] })
    });
    let results = futures::future::join_all(batches.map(|vars| app.gql_as(&bertil, sync, vars))).await;
    for body in &results {
        data(body);
    }
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    assert_eq!(points_of(&app, &bertil).await, (22, vec![10]));
}

const RESTRICT: &str =
    "mutation RestrictProcessing($restricted: Boolean!) { restrictProcessing(restricted: $restricted) }";
const RECRUIT_PAGE: &str = "query Page($first: Int, $after: String) { me { recruitCount
  recruitConnection(first: $first, after: $after) { edges { cursor node { name joinedAt } }
    pageInfo { hasNextPage endCursor } } } }";

async fn restrict(app: &TestApp, user: &TestUser, restricted: bool) {
    let body = app.gql_as(user, RESTRICT, json!({ "restricted": restricted })).await;
    assert_eq!(data(&body)["restrictProcessing"], restricted);
}

#[tokio::test]
async fn a_recruit_who_restricts_processing_is_listed_without_a_name_until_lifting_it() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let bertil = recruit(&app, "Bertil", &code).await;
    recruit(&app, "Cecilia", &code).await;

    restrict(&app, &bertil, true).await;
    let hidden = app.gql_as(&anna, RECRUITS, json!({})).await;
    let paged = app.gql_as(&anna, RECRUIT_PAGE, json!({})).await;
    restrict(&app, &bertil, false).await;
    let shown = app.gql_as(&anna, RECRUITS, json!({})).await;

    let names = |body: &Value| {
        data(body)["me"]["recruits"].as_array().unwrap().iter().map(|r| r["name"].clone()).collect::<Vec<_>>()
    };
    assert_eq!(names(&hidden), vec![Value::Null, json!("Cecilia")]);
    assert!(data(&hidden)["me"]["recruits"][0]["joinedAt"].is_string());
    assert_eq!(data(&paged)["me"]["recruitConnection"]["edges"][0]["node"]["name"], Value::Null);
    assert_eq!(names(&shown), vec![json!("Bertil"), json!("Cecilia")]);
}

#[tokio::test]
async fn the_recruits_list_loads_names_and_restrictions_in_a_fixed_number_of_queries() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    recruit(&app, "Bertil", &code).await;
    let before = app.statements.get();
    app.gql_as(&anna, RECRUITS, json!({})).await;
    let one = app.statements.get() - before;
    for name in ["Cecilia", "David", "Erik", "Frida"] {
        recruit(&app, name, &code).await;
    }

    let before = app.statements.get();
    app.gql_as(&anna, RECRUITS, json!({})).await;
    let five = app.statements.get() - before;

    assert_eq!(one, five, "no query per recruit");
}

#[tokio::test]
async fn a_recruit_who_qualifies_while_restricted_is_rewarded_once_after_lifting_it() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    restrict(&app, &bertil, true).await;

    walk(&app, &bertil, 5, "walk:1").await;
    assert_eq!(points_of(&app, &anna).await, (0, vec![]), "nothing while restricted");
    assert_eq!(points_of(&app, &bertil).await, (5, vec![]));

    restrict(&app, &bertil, false).await;
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    assert_eq!(points_of(&app, &bertil).await, (15, vec![10]));

    // Once only: restricting and lifting again, or walking on, rewards no one again.
    restrict(&app, &bertil, true).await;
    restrict(&app, &bertil, false).await;
    walk(&app, &bertil, 1, "walk:2").await;
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]));
    assert_eq!(points_of(&app, &bertil).await, (16, vec![10]));
}

#[tokio::test]
async fn rewards_wait_while_the_recruiter_restricts_processing_and_are_paid_when_lifted() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let bertil = recruit(&app, "Bertil", &code).await;
    let cecilia = recruit(&app, "Cecilia", &code).await;
    restrict(&app, &anna, true).await;

    walk(&app, &bertil, 5, "walk:b").await;
    walk(&app, &cecilia, 2, "walk:c").await;
    assert_eq!(points_of(&app, &bertil).await, (5, vec![]));

    restrict(&app, &anna, false).await;
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]), "only the recruit who qualified");
    assert_eq!(points_of(&app, &bertil).await, (15, vec![10]));
    assert_eq!(points_of(&app, &cecilia).await, (2, vec![]));
}

#[tokio::test]
async fn a_reward_waiting_for_a_restriction_counts_against_the_cap_of_the_month_it_is_decided() {
    let app = spawn_app_with(|settings| settings.referral_rewards.monthly_cap = 1).await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let bertil = recruit(&app, "Bertil", &code).await;
    let cecilia = recruit(&app, "Cecilia", &code).await;
    restrict(&app, &bertil, true).await;
    walk(&app, &bertil, 5, "walk:b").await;
    walk(&app, &cecilia, 5, "walk:c").await;
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]), "Cecilia used this month's allowance");

    app.advance_clock(Duration::days(32));
    let bertil = app.log_in(&bertil).await;
    restrict(&app, &bertil, false).await;

    let anna = app.log_in(&anna).await;
    assert_eq!(points_of(&app, &anna).await, (100, vec![50, 50]), "decided in the new month: within its cap");
}

#[tokio::test]
async fn the_recruit_connection_pages_through_every_recruit_oldest_first() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let names: Vec<String> = (0..5).map(|i| format!("Recruit{}", char::from(b'a' + i))).collect();
    for name in &names {
        recruit(&app, name, &code).await;
        app.advance_clock(Duration::seconds(1));
    }

    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    let mut pages = 0;
    loop {
        let body = app.gql_as(&anna, RECRUIT_PAGE, json!({ "first": 2, "after": after })).await;
        let me = &data(&body)["me"];
        assert_eq!(me["recruitCount"], 5);
        let connection = &me["recruitConnection"];
        for edge in connection["edges"].as_array().unwrap() {
            seen.push(edge["node"]["name"].as_str().unwrap().to_string());
        }
        pages += 1;
        if connection["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = Some(connection["pageInfo"]["endCursor"].as_str().unwrap().to_string());
    }

    assert_eq!(pages, 3);
    assert_eq!(seen, names);
}

#[tokio::test]
async fn a_garbage_recruit_cursor_is_bad_input() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let body = app.gql_as(&anna, RECRUIT_PAGE, json!({ "first": 2, "after": "bm9wZQ" })).await;
    assert_eq!(error_code(&body), "BAD_USER_INPUT");
}

#[tokio::test]
async fn the_export_of_a_recruiter_lists_recruits_by_name_and_date_without_reward_times() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    walk(&app, &bertil, 5, "walk:1").await;
    assert_eq!(points_of(&app, &anna).await.1, vec![50], "Bertil's referral was rewarded");

    let txn = app.context.db.begin().await.unwrap();
    let export = app.hooks_export(&txn, Uuid::parse_str(&anna.id).unwrap()).await;
    txn.rollback().await.unwrap();

    let recruits = export["referrals"]["recruits"].as_array().unwrap();
    assert_eq!(recruits.len(), 1);
    let keys: HashSet<&str> = recruits[0].as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, HashSet::from(["name", "joinedAt"]));
    assert!(!export["referrals"].to_string().contains("rewarded"), "{}", export["referrals"]);
}

#[tokio::test]
async fn an_erased_rewarded_recruit_is_named_nowhere_in_the_referral_rewards() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = recruit(&app, "Bertil", &code_of(&app, &anna).await).await;
    walk(&app, &bertil, 5, "walk:1").await;

    let txn = app.context.db.begin().await.unwrap();
    app.context.hooks.erase_user_data(&txn, Uuid::parse_str(&bertil.id).unwrap(), app.context.now()).await.unwrap();
    txn.commit().await.unwrap();

    let db = &app.context.db;
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT reference, description FROM point_ledger_entries",
        ))
        .await
        .unwrap();
    for row in &rows {
        let reference: String = row.try_get("", "reference").unwrap();
        let description: String = row.try_get("", "description").unwrap();
        // Bertil's own entries stay under his pseudonymous account id (bookkeeping); nobody else's names him.
        let his_own = [format!("walking:{}", bertil.id), format!("account-closed:{}", bertil.id)]
            .iter()
            .any(|own| reference.starts_with(own.as_str()));
        assert!(his_own || !reference.contains(&bertil.id), "{reference}");
        assert!(!description.contains("Bertil"), "{description}");
    }
    let referrals =
        db.query_all_raw(sea_orm::Statement::from_string(backend, "SELECT recruit_id FROM referrals")).await.unwrap();
    assert!(referrals.is_empty());
    assert_eq!(points_of(&app, &anna).await, (50, vec![50]), "the recruiter keeps the reward");
}

/// SQL statements the server sends for one `restrictProcessing`.
async fn statements_of_restrict(app: &TestApp, user: &TestUser, restricted: bool) -> u64 {
    let before = app.statements.get();
    restrict(app, user, restricted).await;
    app.statements.get() - before
}

#[tokio::test]
async fn lifting_a_restriction_never_made_costs_the_same_whatever_the_number_of_recruits() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    recruit(&app, "Bertil", &code).await;
    let one = statements_of_restrict(&app, &anna, false).await;
    for name in ["Cecilia", "David", "Erik", "Frida"] {
        recruit(&app, name, &code).await;
    }

    let five = statements_of_restrict(&app, &anna, false).await;

    assert_eq!(one, five, "nothing was lifted: no work per undecided recruit");
}

#[tokio::test]
async fn lifting_a_restriction_asks_for_the_recruits_restrictions_in_one_query() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let code = code_of(&app, &anna).await;
    let bertil = recruit(&app, "Bertil", &code).await;
    restrict(&app, &bertil, true).await;
    restrict(&app, &anna, true).await;
    let one = statements_of_restrict(&app, &anna, false).await;
    for name in ["Cecilia", "David", "Erik", "Frida"] {
        let friend = recruit(&app, name, &code).await;
        restrict(&app, &friend, true).await;
    }
    restrict(&app, &anna, true).await;

    let five = statements_of_restrict(&app, &anna, false).await;

    assert_eq!(one, five, "restricted recruits keep waiting without a query each");
}

#[tokio::test]
async fn old_reward_references_naming_the_recruit_are_rewritten_keeping_their_prefix() {
    let app = spawn_app().await;
    let anna = app.sign_up("Anna").await;
    let bertil = app.sign_up("Bertil").await;
    let db = &app.context.db;
    let backend = db.get_database_backend();
    let insert = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "INSERT INTO point_ledger_entries (id, user_id, kind, amount, description, reference, created_at) \
             VALUES ($1, $2, 'REFERRAL_REWARD', $3, 'Referral reward', $4, $5)"
        }
        _ => {
            "INSERT INTO point_ledger_entries (id, user_id, kind, amount, description, reference, created_at) \
             VALUES (?, ?, 'REFERRAL_REWARD', ?, 'Referral reward', ?, ?)"
        }
    };
    let old = [
        (&anna, 50, format!("referral-reward:recruiter:{}", bertil.id)),
        (&bertil, 10, format!("referral-reward:recruit:{}", bertil.id)),
    ];
    for (owner, amount, reference) in &old {
        let values: [sea_orm::Value; 5] = [
            Uuid::now_v7().into(),
            Uuid::parse_str(&owner.id).unwrap().into(),
            (*amount as i64).into(),
            reference.clone().into(),
            app.context.now().into(),
        ];
        db.execute_raw(sea_orm::Statement::from_sql_and_values(backend, insert, values)).await.unwrap();
    }

    use cogo_migration::MigratorTrait;
    let migration = cogo_migration::Migrator::migrations()
        .into_iter()
        .find(|m| m.name() == "m20261125_000013_referral_reward_references")
        .unwrap();
    migration.up(&cogo_migration::SchemaManager::new(db)).await.unwrap();

    let rows = db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT reference FROM point_ledger_entries WHERE kind = 'REFERRAL_REWARD' ORDER BY amount DESC",
        ))
        .await
        .unwrap();
    let references: Vec<String> = rows.iter().map(|row| row.try_get("", "reference").unwrap()).collect();
    assert_eq!(references.len(), 2);
    for (reference, prefix) in references.iter().zip(["referral-reward:recruiter:", "referral-reward:recruit:"]) {
        assert!(!reference.contains(&bertil.id), "{reference}");
        let id = reference.strip_prefix(prefix).unwrap_or_else(|| panic!("{reference} lost {prefix}"));
        assert_eq!(id.len(), 32, "{reference}");
        assert!(id.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()), "{reference}");
    }
    assert_ne!(references[0], references[1], "a fresh id per row");
    assert_eq!(points_of(&app, &anna).await.1, vec![50], "the reward itself stays");
}
