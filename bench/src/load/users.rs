//! The users the load signs in as: signed up through the real API (`SignUp`, then `SetConsent` for
//! `health_data`), granted points by the seed, then each unlocks 50 different offers through the API
//! (`UnlockOffer`), so `MyRedemptions(first: 50)` returns a full page and `PointsHistory(first: 50)` has more.

use std::net::SocketAddr;

use futures::future::try_join_all;
use serde_json::{Value, json};
use uuid::Uuid;

use super::client::{Connection, graphql};
use super::operations::request;

/// The password of every bench user (and, through the shared hash, of every seeded user).
pub const PASSWORD: &str = "correct horse battery staple";

/// Redemptions each bench user makes before the load (a full `MyRedemptions(first: 50)` page).
pub const UNLOCKS_PER_USER: usize = 50;

#[derive(Debug, Clone)]
pub struct BenchUser {
    pub id: Uuid,
    pub access_token: String,
    pub refresh_token: String,
}

/// Signs `count` users up (a few at a time: each sign-up hashes a password) and grants them `health_data`.
pub async fn sign_up(address: SocketAddr, count: usize, run: &str) -> Result<Vec<BenchUser>, String> {
    let per_connection = count.div_ceil(4).max(1);
    let batches = (0..count).collect::<Vec<_>>();
    let signed = try_join_all(batches.chunks(per_connection).map(|indexes| async move {
        let mut connection = Connection::open(address).await.map_err(|e| format!("connect: {e}"))?;
        let mut users = Vec::new();
        for i in indexes {
            let variables = json!({
                "name": format!("Bench User {i}"),
                "email": format!("bench.{run}.{i}@bench.example"),
                "password": PASSWORD,
            });
            let body = graphql(&mut connection, None, &request("SignUp", variables)?).await?;
            let payload = &body["data"]["signUp"];
            let user = BenchUser {
                id: text(&payload["user"]["id"])?.parse().map_err(|e| format!("user id: {e}"))?,
                access_token: text(&payload["accessToken"])?.to_string(),
                refresh_token: text(&payload["refreshToken"])?.to_string(),
            };
            let consent = request("SetConsent", json!({ "purpose": "health_data", "granted": true }))?;
            graphql(&mut connection, Some(&user.access_token), &consent).await?;
            users.push(user);
        }
        Ok::<_, String>(users)
    }))
    .await?;
    Ok(signed.into_iter().flatten().collect())
}

/// Each user unlocks [`UNLOCKS_PER_USER`] different offers, all users at once.
pub async fn unlock_offers(address: SocketAddr, users: &[BenchUser], offers: &[Uuid]) -> Result<(), String> {
    if offers.is_empty() {
        return Ok(());
    }
    try_join_all(users.iter().enumerate().map(|(u, user)| async move {
        let mut connection = Connection::open(address).await.map_err(|e| format!("connect: {e}"))?;
        for k in 0..UNLOCKS_PER_USER.min(offers.len()) {
            let offer = offers[(u * 7 + k) % offers.len()];
            let unlock = request("UnlockOffer", json!({ "offerId": offer.to_string() }))?;
            graphql(&mut connection, Some(&user.access_token), &unlock).await?;
        }
        Ok::<_, String>(())
    }))
    .await?;
    Ok(())
}

/// New access tokens (15 minutes each) for the next scenario, through `RefreshSession`.
pub async fn refresh(address: SocketAddr, users: &mut [BenchUser]) -> Result<(), String> {
    let mut connection = Connection::open(address).await.map_err(|e| format!("connect: {e}"))?;
    for user in users.iter_mut() {
        let body = request("RefreshSession", json!({ "refreshToken": user.refresh_token }))?;
        let answer = graphql(&mut connection, None, &body).await?;
        let payload = &answer["data"]["refreshSession"];
        user.access_token = text(&payload["accessToken"])?.to_string();
        user.refresh_token = text(&payload["refreshToken"])?.to_string();
    }
    Ok(())
}

fn text(value: &Value) -> Result<&str, String> {
    value.as_str().ok_or_else(|| format!("expected text, got {value}"))
}
