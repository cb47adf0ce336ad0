//! The scenarios: what each sends and what counts as a good answer.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Duration, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use super::client::{Connection, find, graphql, post_json};
use super::generator::{Judge, RequestSource, Verdict, ok_without_errors};
use super::operations::{OFFERS_WITH_PARTNER, operation, request};
use super::users::BenchUser;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// `{ __typename }` without a token: the HTTP and GraphQL floor.
    Typename,
    /// `{ __typename }` signed in: the floor plus the token's check.
    TypenameSignedIn,
    Me,
    Offers,
    OffersWithPartner,
    PointsHistory,
    MyRedemptions,
    Sync100,
    Sync1000,
    Unlock,
}

impl Scenario {
    pub const ALL: [Scenario; 10] = [
        Scenario::Typename,
        Scenario::TypenameSignedIn,
        Scenario::Me,
        Scenario::Offers,
        Scenario::OffersWithPartner,
        Scenario::PointsHistory,
        Scenario::MyRedemptions,
        Scenario::Sync100,
        Scenario::Sync1000,
        Scenario::Unlock,
    ];

    /// The name `--scenarios` takes.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Typename => "typename",
            Scenario::TypenameSignedIn => "typename-signed-in",
            Scenario::Me => "me",
            Scenario::Offers => "offers",
            Scenario::OffersWithPartner => "offers-partner",
            Scenario::PointsHistory => "points-history",
            Scenario::MyRedemptions => "my-redemptions",
            Scenario::Sync100 => "sync-100",
            Scenario::Sync1000 => "sync-1000",
            Scenario::Unlock => "unlock",
        }
    }

    /// The row's label in the table.
    pub fn label(self) -> &'static str {
        match self {
            Scenario::Typename => "{ __typename }, no token",
            Scenario::TypenameSignedIn => "{ __typename }, signed in",
            Scenario::Me => "Me",
            Scenario::Offers => "Offers(first: 50)",
            Scenario::OffersWithPartner => "offers(first: 50) {id title costPoints partner{name}}",
            Scenario::PointsHistory => "PointsHistory(first: 50)",
            Scenario::MyRedemptions => "MyRedemptions(first: 50)",
            Scenario::Sync100 => "SyncSteps, 100 new samples",
            Scenario::Sync1000 => "SyncSteps, 1,000 new samples",
            Scenario::Unlock => "UnlockOffer, one limited offer",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Reads only: rerun with more connections for the p99/p50 target.
    pub fn read_only(self) -> bool {
        !matches!(self, Scenario::Sync100 | Scenario::Sync1000 | Scenario::Unlock)
    }

    /// The request body of a read-only scenario.
    fn read_body(self) -> Result<Value, String> {
        match self {
            Scenario::Typename | Scenario::TypenameSignedIn => Ok(json!({ "query": "{ __typename }" })),
            Scenario::Me => request("Me", json!({})),
            Scenario::Offers => request("Offers", json!({ "first": 50 })),
            Scenario::OffersWithPartner => Ok(json!({ "query": OFFERS_WITH_PARTNER })),
            Scenario::PointsHistory => request("PointsHistory", json!({ "first": 50 })),
            Scenario::MyRedemptions => request("MyRedemptions", json!({ "first": 50 })),
            _ => Err(format!("{} is not a read", self.name())),
        }
    }

    /// Where a read's list is in its answer (`None`: not a list).
    fn list_in(self, data: &Value) -> Option<usize> {
        let edges = match self {
            Scenario::Offers | Scenario::OffersWithPartner => &data["offers"]["edges"],
            Scenario::PointsHistory => &data["me"]["points"]["ledger"]["edges"],
            Scenario::MyRedemptions => &data["me"]["redemptions"]["edges"],
            _ => return None,
        };
        Some(edges.as_array().map_or(0, Vec::len))
    }
}

/// The load of a read-only scenario: every connection signs in as one of the users in turn (connection `n` as
/// user `n mod users`). Before it, one request checks the answer (no errors; a list has its 50 items).
pub async fn read_load(
    scenario: Scenario,
    address: SocketAddr,
    users: &[BenchUser],
) -> Result<(RequestSource, Judge, Option<String>), String> {
    let body = scenario.read_body()?;
    let mut connection = Connection::open(address).await.map_err(|e| format!("connect: {e}"))?;
    let tokens: Vec<Option<&str>> = if scenario == Scenario::Typename {
        vec![None]
    } else {
        users.iter().map(|u| Some(u.access_token.as_str())).collect()
    };
    let first = *tokens.first().ok_or("no bench users")?;
    let answer = graphql(&mut connection, first, &body).await?;
    let note = match scenario.list_in(&answer["data"]) {
        Some(n) if n < 50 => Some(format!("the list has {n} items, not 50")),
        _ => None,
    };
    let bytes = body.to_string().into_bytes();
    let requests: Vec<Arc<[u8]>> =
        tokens.iter().map(|token| Arc::from(post_json(address, "/graphql", *token, &bytes))).collect();
    let source: RequestSource = Arc::new(move |n| requests[n % requests.len()].clone());
    Ok((source, ok_without_errors(), note))
}

/// `SyncSteps` of `batch` new samples per request. Each user has a timeline of one-minute walks (90 steps, 70 m)
/// from 7 days ago (less an hour of margin) on, which its requests fill in order; every sample has a new
/// `externalId`. A user who reaches the present starts over at the beginning: the new samples then overlap the
/// old ones (still new, still stored; the overlap counts once). An answer is good without errors and with no
/// rejected sample.
pub fn sync_load(
    address: SocketAddr,
    users: &[BenchUser],
    batch: usize,
    tag: &str,
) -> Result<(RequestSource, Judge), String> {
    if users.is_empty() {
        return Err("no bench users".into());
    }
    let query = serde_json::to_string(operation("SyncSteps")?).map_err(|e| e.to_string())?;
    let tokens: Vec<String> = users.iter().map(|u| u.access_token.clone()).collect();
    let next_slot: Arc<Vec<AtomicU64>> = Arc::new(users.iter().map(|_| AtomicU64::new(0)).collect());
    let base = Utc::now() - Duration::days(7) + Duration::hours(1);
    let slots = (Duration::days(7) - Duration::hours(2)).num_minutes() as u64;
    let tag = tag.to_string();
    let source: RequestSource = Arc::new(move |n| {
        let user = n % tokens.len();
        let first = next_slot[user].fetch_add(batch as u64, Ordering::Relaxed);
        let mut body = String::with_capacity(160 * batch + query.len() + 64);
        body.push_str("{\"operationName\":\"SyncSteps\",\"query\":");
        body.push_str(&query);
        body.push_str(",\"variables\":{\"samples\":[");
        for k in first..first + batch as u64 {
            if k > first {
                body.push(',');
            }
            sample(&mut body, &tag, user, k, base + Duration::minutes((k % slots) as i64));
        }
        body.push_str("]}}");
        Arc::from(post_json(address, "/graphql", Some(&tokens[user]), body.as_bytes()))
    });
    let ok = ok_without_errors();
    let judge: Judge = Arc::new(move |status, body| match ok(status, body) {
        Verdict::Ok if find(body, b"\"rejected\":[]").is_some() => Verdict::Ok,
        _ => Verdict::Failed,
    });
    Ok((source, judge))
}

fn sample(out: &mut String, tag: &str, user: usize, k: u64, start: DateTime<Utc>) {
    use std::fmt::Write;
    let end = start + Duration::seconds(50);
    let source = if k.is_multiple_of(2) { "iPhone" } else { "Apple Watch" };
    let _ = write!(
        out,
        "{{\"externalId\":\"load-{tag}-{user}-{k}\",\"startAt\":\"{}\",\"endAt\":\"{}\",\"steps\":90,\
         \"distanceMeters\":70.0,\"source\":\"{source}\"}}",
        start.format("%Y-%m-%dT%H:%M:%SZ"),
        end.format("%Y-%m-%dT%H:%M:%SZ"),
    );
}

/// Every user unlocking the same limited offer over and over. A refusal because it sold out (`CONFLICT`) or the
/// user ran out of points (`INSUFFICIENT_POINTS`) is an expected answer; anything else is a failure.
pub fn unlock_load(address: SocketAddr, users: &[BenchUser], offer: Uuid) -> Result<(RequestSource, Judge), String> {
    let body = request("UnlockOffer", json!({ "offerId": offer.to_string() }))?.to_string().into_bytes();
    let requests: Vec<Arc<[u8]>> =
        users.iter().map(|u| Arc::from(post_json(address, "/graphql", Some(&u.access_token), &body))).collect();
    if requests.is_empty() {
        return Err("no bench users".into());
    }
    let source: RequestSource = Arc::new(move |n| requests[n % requests.len()].clone());
    let judge: Judge = Arc::new(|status, body| {
        if status != 200 {
            Verdict::Failed
        } else if find(body, b"\"errors\"").is_none() {
            Verdict::Ok
        } else if find(body, b"\"code\":\"CONFLICT\"").is_some()
            || find(body, b"\"code\":\"INSUFFICIENT_POINTS\"").is_some()
        {
            Verdict::Refused
        } else {
            Verdict::Failed
        }
    });
    Ok((source, judge))
}
