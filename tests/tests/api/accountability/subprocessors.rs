//! The sub-processor register (policy §5): public to everyone, edited by an `ADMIN` only. A new sub-processor or a
//! new location is announced to users and takes effect after the 30-day notice period; any other change (purpose
//! wording, safeguard, placeholder flag) takes effect at once without a notice. Every version stays in the history.

use chrono::Duration;
use cogo_tests::{data, error_code, spawn_app};
use serde_json::json;

use super::{
    REGISTER, SUBPROCESSOR_CHANGES, SUBPROCESSORS, UPSERT_SUBPROCESSOR, UPSERT_SUBPROCESSOR_AT, admin_of, assert_near,
    changes, entry_of, latest_entry, notice_ids, notices, now_of, officer_of, register, subprocessor, time,
};
use crate::offers::{add_member, create_partner, rfc3339};

#[tokio::test]
async fn the_register_is_public_and_lists_the_seeded_subprocessors() {
    let app = spawn_app().await;

    let as_the_app_asks = app.gql(SUBPROCESSORS, json!({})).await;
    let entries = register(&app).await;

    assert_eq!(data(&as_the_app_asks)["subprocessors"].as_array().unwrap().len(), 4, "{as_the_app_asks}");
    let names: Vec<&str> = entries.iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Google Analytics"), "{names:?}");
    assert!(names.contains(&"Apple HealthKit"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort_by_key(|name| name.to_lowercase());
    assert_eq!(names, sorted, "sorted by name");
    let placeholders: Vec<&str> =
        entries.iter().filter(|e| e["placeholder"] == true).map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(placeholders.len(), 2, "{placeholders:?}");
    assert!(!placeholders.contains(&"Google Analytics") && !placeholders.contains(&"Apple HealthKit"));
    for entry in &entries {
        assert_eq!(entry["inEffect"], true, "{entry}");
        assert!(entry["pendingChange"].is_null(), "{entry}");
        for field in ["purpose", "location", "transferSafeguard"] {
            assert!(!entry[field].as_str().unwrap().trim().is_empty(), "{field} of {entry}");
        }
    }
}

#[tokio::test]
async fn only_an_admin_edits_the_register() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let user = app.sign_up("Anna Andersson").await;
    let merchant = app.sign_up("Mats Merchant").await;
    let partner = create_partner(&app, &admin, "Café Ågren", "556677-8899").await;
    add_member(&app, &admin, &partner, &merchant).await;
    let officer = officer_of(&app).await;
    let analyst = app.grant_role(&app.sign_up("Alva Analyst").await, "ANALYST").await;
    let postmark = subprocessor("Postmark", "United States");

    for caller in [&user, &merchant, &officer, &analyst] {
        let body = app.gql_as(caller, UPSERT_SUBPROCESSOR, postmark.clone()).await;
        assert_eq!(error_code(&body), "FORBIDDEN", "{} upserted: {body}", caller.name);
    }
    let signed_out = app.gql(UPSERT_SUBPROCESSOR, postmark.clone()).await;
    assert_eq!(error_code(&signed_out), "UNAUTHENTICATED");
    assert!(entry_of(&app, "Postmark").await.is_none(), "a refused upsert changed the register");

    let body = app.gql_as(&admin, UPSERT_SUBPROCESSOR, postmark).await;
    assert_eq!(data(&body)["upsertSubprocessor"]["name"], "Postmark");
    assert!(entry_of(&app, "Postmark").await.is_some());
}

#[tokio::test]
async fn a_new_subprocessor_is_announced_and_takes_effect_after_the_notice_period() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let user = app.sign_up("Anna Andersson").await;
    let before = notice_ids(&app, &user).await;

    let upserted_at = app.context.now();
    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, subprocessor("Postmark", "United States")).await);

    let announced = entry_of(&app, "Postmark").await.expect("an announced sub-processor is listed");
    assert_eq!(announced["inEffect"], false);
    assert_eq!(announced["location"], "United States");
    let effective_from = time(&announced["effectiveFrom"]);
    assert_near(effective_from, upserted_at + Duration::days(30), "effectiveFrom");
    let new: Vec<_> = notices(&app, &user).await.into_iter().filter(|n| !before.contains(&id_of(n))).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["kind"], "SUBPROCESSOR_CHANGE");
    assert_eq!(time(&new[0]["effectiveFrom"]), effective_from);
    assert_eq!(new[0]["inEffect"], false);
    assert_near(time(&new[0]["announcedAt"]), upserted_at, "announcedAt");

    app.advance_clock(Duration::days(31));
    let user = app.log_in(&user).await;
    let in_effect = entry_of(&app, "Postmark").await.unwrap();
    assert_eq!(in_effect["inEffect"], true, "{in_effect}");
    assert_eq!(time(&in_effect["effectiveFrom"]), effective_from);
    let notice = notices(&app, &user).await.into_iter().find(|n| n["id"] == new[0]["id"]);
    assert_eq!(notice.expect("still shown a day after it took effect")["inEffect"], true);

    app.advance_clock(Duration::days(30));
    let user = app.log_in(&user).await;
    assert!(!notice_ids(&app, &user).await.contains(&id_of(&new[0])), "shown more than 30 days after it took effect");
}

#[tokio::test]
async fn a_new_location_leaves_the_old_one_in_effect_until_the_date() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let user = app.sign_up("Anna Andersson").await;
    let before = notice_ids(&app, &user).await;
    let current = entry_of(&app, "Google Analytics").await.unwrap();
    let old_location = current["location"].as_str().unwrap().to_string();
    let moved = json!({
        "name": "Google Analytics",
        "purpose": current["purpose"],
        "location": "Sweden (Stockholm)",
        "transferSafeguard": current["transferSafeguard"],
    });

    let upserted_at = app.context.now();
    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, moved).await);

    let entry = entry_of(&app, "Google Analytics").await.unwrap();
    assert_eq!(entry["location"], old_location.as_str(), "{entry}");
    assert_eq!(entry["inEffect"], true);
    let pending = &entry["pendingChange"];
    assert_eq!(pending["location"], "Sweden (Stockholm)", "{entry}");
    assert_eq!(pending["previousLocation"], old_location.as_str());
    assert_eq!(pending["change"], "CHANGED");
    assert_eq!(pending["material"], true);
    assert_eq!(pending["inEffect"], false);
    let effective_from = time(&pending["effectiveFrom"]);
    assert_near(effective_from, upserted_at + Duration::days(30), "effectiveFrom");
    let new: Vec<_> = notices(&app, &user).await.into_iter().filter(|n| !before.contains(&id_of(n))).collect();
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(new[0]["kind"], "SUBPROCESSOR_CHANGE");
    assert_eq!(time(&new[0]["effectiveFrom"]), effective_from);

    app.advance_clock(Duration::days(31));
    let moved = entry_of(&app, "Google Analytics").await.unwrap();
    assert_eq!(moved["location"], "Sweden (Stockholm)", "{moved}");
    assert!(moved["pendingChange"].is_null(), "{moved}");
    assert_eq!(time(&moved["effectiveFrom"]), effective_from);
}

#[tokio::test]
async fn a_new_purpose_takes_effect_at_once_without_a_notice() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let user = app.sign_up("Anna Andersson").await;
    let before = notice_ids(&app, &user).await;
    let current = entry_of(&app, "Google Analytics").await.unwrap();
    let reworded = json!({
        "name": "Google Analytics",
        "purpose": "Counts how the app is used, without identifying anyone",
        "location": current["location"],
        "transferSafeguard": current["transferSafeguard"],
    });

    let upserted_at = app.context.now();
    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, reworded).await);

    let entry = entry_of(&app, "Google Analytics").await.unwrap();
    assert_eq!(entry["purpose"], "Counts how the app is used, without identifying anyone", "{entry}");
    assert_eq!(entry["location"], current["location"]);
    assert_eq!(entry["inEffect"], true);
    assert!(entry["pendingChange"].is_null(), "{entry}");
    assert_eq!(notice_ids(&app, &user).await, before, "a change of wording is no notice");
    let newest = &changes(&app).await[0];
    assert_eq!(newest["name"], "Google Analytics");
    assert_eq!(newest["material"], false);
    assert_eq!(newest["inEffect"], true);
    assert_near(time(&newest["effectiveFrom"]), upserted_at, "effectiveFrom");
}

#[tokio::test]
async fn the_history_keeps_every_version_newest_first() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let current = entry_of(&app, "Google Analytics").await.unwrap();
    let old_location = current["location"].as_str().unwrap().to_string();
    let version = |purpose: &str, location: &str| {
        json!({ "name": "Google Analytics", "purpose": purpose, "location": location,
                "transferSafeguard": current["transferSafeguard"] })
    };
    let seeded = changes(&app).await.len();

    let reworded_at = app.context.now();
    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, version("App statistics", &old_location)).await);
    app.advance_clock(Duration::minutes(5));
    let moved_at = app.context.now();
    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, version("App statistics", "Sweden")).await);

    let history = changes(&app).await;
    assert_eq!(history.len(), seeded + 2, "an identical upsert adds no version: {history:?}");
    let (moved, reworded) = (&history[0], &history[1]);
    assert_eq!(moved["name"], "Google Analytics");
    assert_eq!(moved["change"], "CHANGED");
    assert_eq!(moved["material"], true);
    assert_eq!(moved["location"], "Sweden");
    assert_eq!(moved["previousLocation"], old_location.as_str());
    assert_near(time(&moved["recordedAt"]), moved_at, "recordedAt of the move");
    assert_near(time(&moved["effectiveFrom"]), moved_at + Duration::days(30), "effectiveFrom of the move");
    assert_eq!(moved["inEffect"], false);
    assert_eq!(reworded["name"], "Google Analytics");
    assert_eq!(reworded["change"], "CHANGED");
    assert_eq!(reworded["material"], false);
    assert_eq!(reworded["purpose"], "App statistics");
    assert_near(time(&reworded["recordedAt"]), reworded_at, "recordedAt of the rewording");
    assert_near(time(&reworded["effectiveFrom"]), reworded_at, "effectiveFrom of the rewording");
    let first_version = history.iter().rev().find(|c| c["name"] == "Google Analytics").unwrap();
    assert_eq!(first_version["change"], "ADDED");
    let recorded: Vec<_> = history.iter().map(|c| time(&c["recordedAt"])).collect();
    assert!(recorded.windows(2).all(|w| w[0] >= w[1]), "newest first: {recorded:?}");

    let first = app.gql(SUBPROCESSOR_CHANGES, json!({ "first": 1 })).await;
    let cursor = data(&first)["subprocessorChanges"]["pageInfo"]["endCursor"].clone();
    let second = app.gql(SUBPROCESSOR_CHANGES, json!({ "first": 1, "after": cursor })).await;
    assert_eq!(data(&first)["subprocessorChanges"]["edges"][0]["node"]["id"], history[0]["id"]);
    assert_eq!(data(&second)["subprocessorChanges"]["edges"][0]["node"]["id"], history[1]["id"]);
}

#[tokio::test]
async fn the_name_is_the_key_whatever_its_letter_case() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let current = entry_of(&app, "Google Analytics").await.unwrap();
    let reworded = json!({
        "name": "google analytics",
        "purpose": "App statistics",
        "location": current["location"],
        "transferSafeguard": current["transferSafeguard"],
    });

    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, reworded).await);

    assert_eq!(register(&app).await.len(), 4, "a second Google Analytics was added");
    assert_eq!(entry_of(&app, "Google Analytics").await.unwrap()["purpose"], "App statistics");
}

#[tokio::test]
async fn an_effective_date_inside_the_notice_period_is_refused() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let now = now_of(&app);
    let at = |name: &str, effective_from| {
        let mut variables = subprocessor(name, "United States");
        variables["effectiveFrom"] = json!(rfc3339(effective_from));
        variables
    };

    let too_soon = app.gql_as(&admin, UPSERT_SUBPROCESSOR_AT, at("Postmark", now + Duration::days(10))).await;
    let later = app.gql_as(&admin, UPSERT_SUBPROCESSOR_AT, at("Fortnox", now + Duration::days(45))).await;

    assert_eq!(error_code(&too_soon), "BAD_USER_INPUT", "{too_soon}");
    assert!(entry_of(&app, "Postmark").await.is_none());
    let entry = &data(&later)["upsertSubprocessor"];
    assert_eq!(time(&entry["effectiveFrom"]), now + Duration::days(45), "{entry}");
    assert_eq!(entry["inEffect"], false);
}

#[tokio::test]
async fn empty_or_overlong_fields_are_refused() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let long = "x".repeat(5000);

    for field in ["name", "purpose", "location", "transferSafeguard"] {
        for bad in ["", "   ", long.as_str()] {
            let mut variables = subprocessor("Postmark", "United States");
            variables[field] = json!(bad);
            let body = app.gql_as(&admin, UPSERT_SUBPROCESSOR, variables).await;
            assert_eq!(error_code(&body), "BAD_USER_INPUT", "{field} = {:.20?}: {body}", bad);
        }
    }
    assert_eq!(register(&app).await.len(), 4);
}

#[tokio::test]
async fn an_upsert_is_audit_logged_with_the_admin_as_actor() {
    let app = spawn_app().await;
    let admin = admin_of(&app).await;
    let officer = officer_of(&app).await;

    data(&app.gql_as(&admin, UPSERT_SUBPROCESSOR, subprocessor("Postmark", "United States")).await);

    let entry = latest_entry(&app, &officer, "SUBPROCESSOR_UPSERTED").await;
    assert_eq!(entry["actorKind"], "STAFF", "{entry}");
    assert_eq!(entry["actorId"], admin.id.as_str(), "{entry}");
    assert!(entry["requestId"].is_string(), "{entry}");
}

#[tokio::test]
async fn the_register_query_asks_no_sign_in_of_anyone() {
    let app = spawn_app().await;
    let user = app.sign_up("Anna Andersson").await;

    let signed_out = app.gql(REGISTER, json!({})).await;
    let signed_in = app.gql_as(&user, REGISTER, json!({})).await;

    assert_eq!(data(&signed_out), data(&signed_in));
}

fn id_of(notice: &serde_json::Value) -> String {
    notice["id"].as_str().unwrap().to_string()
}
