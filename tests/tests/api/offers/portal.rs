//! The merchant portal: offer validation, the offer life cycle, and which offers users see.

use chrono::{Duration, Utc};
use cogo_tests::{data, error_code};
use serde_json::json;

use super::*;

#[tokio::test]
async fn invalid_offers_are_refused_naming_the_field() {
    let w = world().await;
    let now = Utc::now();
    let cases = [
        (json!({ "title": "  " }), "title"),
        (json!({ "title": "x".repeat(121) }), "title"),
        (json!({ "costPoints": 0 }), "costPoints"),
        (json!({ "costPoints": 100_001 }), "costPoints"),
        (json!({ "validFrom": rfc3339(now), "validUntil": rfc3339(now - Duration::minutes(1)) }), "validUntil"),
        (json!({ "totalQuantity": 0 }), "totalQuantity"),
        (json!({ "perUserLimit": 0 }), "perUserLimit"),
    ];
    for (overrides, field) in cases {
        let body = w.app.gql_as(&w.merchant_a, CREATE_OFFER, json!({ "input": offer_input(overrides) })).await;
        assert_eq!(error_code(&body), "BAD_USER_INPUT", "{body}");
        assert_eq!(body["errors"][0]["extensions"]["field"], field);
    }
    let list = w.app.gql_as(&w.merchant_a, PARTNER_OFFERS, json!({})).await;
    assert!(nodes(&list, &["myPartner", "offers"]).is_empty());
}

#[tokio::test]
async fn a_new_offer_is_a_draft_that_can_be_published_then_archived_and_never_back() {
    let w = world().await;
    let (app, m) = (&w.app, &w.merchant_a);
    let body = app.gql_as(m, CREATE_OFFER, json!({ "input": offer_input(json!({ "kind": "ONE_TIME" })) })).await;
    let created = &data(&body)["createOffer"];
    assert_eq!(created["status"], "DRAFT");
    assert_eq!(created["kind"], "ONE_TIME");
    assert_eq!(created["costPoints"], 100);
    let id = created["id"].as_str().unwrap();

    assert_eq!(data(&app.gql_as(m, PUBLISH_OFFER, json!({ "id": id })).await)["publishOffer"]["status"], "PUBLISHED");
    assert_eq!(error_code(&app.gql_as(m, PUBLISH_OFFER, json!({ "id": id })).await), "CONFLICT");
    assert_eq!(data(&app.gql_as(m, ARCHIVE_OFFER, json!({ "id": id })).await)["archiveOffer"]["status"], "ARCHIVED");
    assert_eq!(error_code(&app.gql_as(m, PUBLISH_OFFER, json!({ "id": id })).await), "CONFLICT");
    assert_eq!(error_code(&app.gql_as(m, ARCHIVE_OFFER, json!({ "id": id })).await), "CONFLICT");

    let draft = draft_offer(app, m, json!({})).await;
    assert_eq!(data(&app.gql_as(m, ARCHIVE_OFFER, json!({ "id": draft })).await)["archiveOffer"]["status"], "ARCHIVED");
}

#[tokio::test]
async fn users_see_only_published_offers_inside_their_window_with_stock_left() {
    let w = world().await;
    let (app, m) = (&w.app, &w.merchant_a);
    let now = Utc::now();
    draft_offer(app, m, json!({ "title": "draft" })).await;
    let archived = live_offer(app, m, json!({ "title": "archived" })).await;
    app.gql_as(m, ARCHIVE_OFFER, json!({ "id": archived })).await;
    live_offer(
        app,
        m,
        json!({ "title": "expired", "validFrom": rfc3339(now - Duration::days(2)),
        "validUntil": rfc3339(now - Duration::days(1)) }),
    )
    .await;
    live_offer(
        app,
        m,
        json!({ "title": "future", "validFrom": rfc3339(now + Duration::days(1)),
        "validUntil": rfc3339(now + Duration::days(2)) }),
    )
    .await;
    let sold_out = live_offer(app, m, json!({ "title": "sold out", "totalQuantity": 1, "costPoints": 5 })).await;
    give_points(app, &w.merchant_b, 5).await;
    data(&unlock(app, &w.merchant_b, &sold_out).await);
    live_offer(app, m, json!({ "title": "older" })).await;
    live_offer(&w.app, &w.merchant_b, json!({ "title": "newest", "totalQuantity": 3 })).await;

    let body = app.gql_as(&w.user, OFFERS, json!({ "first": 1 })).await;
    let page = nodes(&body, &["offers"]);
    assert_eq!(page.len(), 1);
    assert_eq!(page[0]["title"], "newest");
    assert_eq!(page[0]["remainingQuantity"], 3);
    assert_eq!(page[0]["partner"], json!({ "id": w.partner_b, "name": "Bokhandeln Berg" }));
    let cursor = &data(&body)["offers"]["pageInfo"]["endCursor"];
    let rest = app.gql_as(&w.user, OFFERS, json!({ "first": 10, "after": cursor })).await;
    let titles: Vec<_> = nodes(&rest, &["offers"]).iter().map(|n| n["title"].clone()).collect();
    assert_eq!(titles, vec![json!("older")]);
    assert_eq!(data(&rest)["offers"]["pageInfo"]["hasNextPage"], false);

    // When the clock passes the future offer's start, it appears.
    app.advance_clock(Duration::days(1) + Duration::minutes(1));
    let user = app.log_in(&w.user).await;
    let later = app.gql_as(&user, OFFERS, json!({ "first": 10 })).await;
    let titles: Vec<_> = nodes(&later, &["offers"]).iter().map(|n| n["title"].clone()).collect();
    assert!(titles.contains(&json!("future")), "{titles:?}");
}
