//! Bulk seeding, straight into the tables the server has just migrated (signing 10,000 users up through the API
//! would take minutes of argon2). Every row is one the API itself could have written: seeded users have the
//! sign-up's rows (policy acceptance, `account` consent, referral code) and the `health_data` consent; their
//! samples are one-minute walks whose days, totals, walking points and balances add up as `syncSteps` would have
//! added them; partners are complete and offers published, valid from a month ago for a year, unlimited.
//!
//! Seeded users share the password hash of the first bench user, so any of them can log in with
//! [`super::users::PASSWORD`].

mod walking;

use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use cogo_entities::{
    consent::{consent_record, consent_state, policy_acceptance, policy_version},
    offers::{offer, partner},
    points::{balance, ledger_entry},
    referrals::referral_code,
    users::user,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait, QueryOrder, TransactionTrait};
use uuid::Uuid;

/// Sizes of the seeded data (flags `--users`, `--partners`, `--offers`, `--samples`, `--stock`).
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub users: usize,
    pub partners: usize,
    pub offers: usize,
    pub samples: usize,
    /// Units of the offer the `unlock` scenario contends for.
    pub stock: usize,
}

/// What the load needs to know of the seeded data.
pub struct Seeded {
    /// The seeded offers, newest first (the order of the users' list).
    pub offers: Vec<Uuid>,
    /// The limited offer of the `unlock` scenario (the oldest: never on the first page of the list).
    pub stock_offer: Uuid,
}

/// Points each bench user is granted (in [`GRANTS`] ledger entries) before unlocking offers.
pub const GRANTED_POINTS: i64 = 30 * 1_000;
const GRANTS: i64 = 30;

pub async fn seed(
    db: &DatabaseConnection,
    sizes: Sizes,
    password_hash: &str,
    bench_users: &[Uuid],
) -> Result<Seeded, String> {
    let now = Utc::now();
    let policy = policy_version::Entity::find()
        .order_by_desc(policy_version::Column::Version)
        .one(db)
        .await
        .map_err(db_error)?
        .map_or(1, |p| p.version);
    let txn = db.begin().await.map_err(db_error)?;

    let t = Instant::now();
    let partners: Vec<Uuid> = (0..sizes.partners.max(1)).map(|_| Uuid::now_v7()).collect();
    insert_all(
        &txn,
        partners.iter().enumerate().map(|(i, id)| partner::ActiveModel {
            id: Set(*id),
            name: Set(format!("Partner {i} AB")),
            org_number: Set(format!("{:06}-{:04}", 556_000 + i / 10_000, i % 10_000)),
            created_at: Set(now - Duration::days(400)),
        }),
        4,
    )
    .await?;
    // Oldest first in creation time; listed newest first.
    let offers: Vec<Uuid> = (0..sizes.offers).map(|_| Uuid::now_v7()).collect();
    let stock_offer = Uuid::now_v7();
    let live = |id: Uuid, i: usize, created_at: DateTime<Utc>, stock: Option<i32>, cost: i64| offer::ActiveModel {
        id: Set(id),
        partner_id: Set(partners[i % partners.len()]),
        title: Set(format!("Offer {i}: {}% off", 5 + i % 30)),
        description: Set(format!(
            "Show the code at the till of partner {} for {}% off your purchase. One code per visit.",
            i % partners.len(),
            5 + i % 30
        )),
        cost_points: Set(cost),
        kind: Set(if i.is_multiple_of(5) { "ONE_TIME" } else { "REUSABLE" }.to_string()),
        status: Set("PUBLISHED".to_string()),
        valid_from: Set(now - Duration::days(30)),
        valid_until: Set(now + Duration::days(365)),
        total_quantity: Set(stock),
        remaining_quantity: Set(stock),
        per_user_limit: Set(None),
        unlock_count: Set(0),
        created_at: Set(created_at),
        updated_at: Set(created_at),
    };
    let stock = i32::try_from(sizes.stock).map_err(|_| "--stock is too large")?;
    let mut stock_row = live(stock_offer, 0, now - Duration::days(399), Some(stock), 1);
    stock_row.title = Set("Limited: the last units".to_string());
    stock_row.kind = Set("REUSABLE".to_string());
    insert_all(
        &txn,
        offers
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let created_at = now - Duration::days(20) + Duration::seconds(i as i64);
                live(*id, i, created_at, None, 10 + (i as i64 * 37) % 490)
            })
            .chain(std::iter::once(stock_row)),
        15,
    )
    .await?;
    println!("  {} partners, {} offers (+1 limited to {stock}) in {:.1} s", partners.len(), offers.len(), secs(t));

    let t = Instant::now();
    let users: Vec<Uuid> = (0..sizes.users).map(|_| Uuid::now_v7()).collect();
    let joined = |i: usize| now - Duration::days(90) + Duration::seconds(i as i64 * 7);
    insert_all(
        &txn,
        users.iter().enumerate().map(|(i, id)| user::ActiveModel {
            id: Set(*id),
            name: Set(format!("Seed User {i}")),
            email: Set(format!("seed.user.{i}@bench.example")),
            password_hash: Set(password_hash.to_string()),
            created_at: Set(joined(i)),
            updated_at: Set(joined(i)),
            closed_at: Set(None),
            email_verified_at: Set(Some(joined(i))),
        }),
        7,
    )
    .await?;
    insert_all(
        &txn,
        users.iter().enumerate().map(|(i, id)| referral_code::ActiveModel {
            user_id: Set(*id),
            code: Set(seed_code(i)),
            created_at: Set(joined(i)),
        }),
        3,
    )
    .await?;
    insert_all(
        &txn,
        users.iter().enumerate().map(|(i, id)| policy_acceptance::ActiveModel {
            user_id: Set(*id),
            version: Set(policy),
            accepted_at: Set(joined(i)),
        }),
        3,
    )
    .await?;
    // At sign-up: `account` (contract); a minute later in the app: `health_data`.
    let choices = |i: usize, id: Uuid| {
        [("account", "sign_up", joined(i)), ("health_data", "app", joined(i) + Duration::minutes(1))]
            .map(|(purpose, channel, at)| (id, purpose, channel, at))
    };
    insert_all(
        &txn,
        users.iter().enumerate().flat_map(|(i, id)| choices(i, *id)).map(|(id, purpose, channel, at)| {
            consent_record::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(id),
                purpose_key: Set(purpose.to_string()),
                granted: Set(true),
                policy_version: Set(policy),
                channel: Set(channel.to_string()),
                recorded_at: Set(at),
            }
        }),
        7,
    )
    .await?;
    insert_all(
        &txn,
        users.iter().enumerate().flat_map(|(i, id)| choices(i, *id)).map(|(id, purpose, _, at)| {
            consent_state::ActiveModel {
                user_id: Set(id),
                purpose_key: Set(purpose.to_string()),
                granted: Set(true),
                policy_version: Set(policy),
                changed_at: Set(at),
            }
        }),
        5,
    )
    .await?;
    println!("  {} users with their sign-up rows and consents in {:.1} s", users.len(), secs(t));

    let t = Instant::now();
    walking::seed_walking(&txn, &users, sizes.samples, now).await?;
    println!("  {} step samples with their days, totals and points in {:.1} s", sizes.samples, secs(t));

    grant_points(&txn, bench_users, now).await?;
    txn.commit().await.map_err(db_error)?;
    let mut newest_first = offers;
    newest_first.reverse();
    Ok(Seeded { offers: newest_first, stock_offer })
}

/// Each bench user gets [`GRANTED_POINTS`] in [`GRANTS`] staff adjustments on the last 30 days (enough for 50
/// unlocks of the dearest offer), so their history has entries before the unlocks add theirs.
async fn grant_points(txn: &sea_orm::DatabaseTransaction, users: &[Uuid], now: DateTime<Utc>) -> Result<(), String> {
    let each = GRANTED_POINTS / GRANTS;
    insert_all(
        txn,
        users.iter().flat_map(|id| (0..GRANTS).map(move |g| (*id, g))).map(|(id, g)| ledger_entry::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(id),
            kind: Set("ADJUSTMENT".to_string()),
            amount: Set(each),
            description: Set("Welcome bonus".to_string()),
            reference: Set(format!("bench-grant:{id}:{g}")),
            created_at: Set(now - Duration::days(30 - g)),
        }),
        7,
    )
    .await?;
    insert_all(
        txn,
        users.iter().map(|id| balance::ActiveModel {
            user_id: Set(*id),
            balance: Set(GRANTED_POINTS),
            lifetime_earned: Set(GRANTED_POINTS),
            updated_at: Set(now),
        }),
        4,
    )
    .await
}

/// Inserts rows in multi-row statements of at most ~30,000 parameters (SQLite allows 32,766, PostgreSQL 65,535).
pub(super) async fn insert_all<A>(
    txn: &sea_orm::DatabaseTransaction,
    rows: impl IntoIterator<Item = A>,
    columns: usize,
) -> Result<(), String>
where
    A: ActiveModelTrait + Send,
{
    let per_statement = (30_000 / columns).max(1);
    let mut chunk = Vec::with_capacity(per_statement);
    for row in rows {
        chunk.push(row);
        if chunk.len() == per_statement {
            A::Entity::insert_many(std::mem::take(&mut chunk)).exec_without_returning(txn).await.map_err(db_error)?;
        }
    }
    if !chunk.is_empty() {
        A::Entity::insert_many(chunk).exec_without_returning(txn).await.map_err(db_error)?;
    }
    Ok(())
}

/// A referral code of [`cogo_kernel`]'s unambiguous alphabet, distinct for every seeded user. Drawn codes of
/// users who signed up through the API could only collide by a one-in-10^11 chance.
fn seed_code(i: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut n = i;
    let mut code = vec![b'Z'; 8];
    for slot in code.iter_mut().rev().take(7) {
        *slot = ALPHABET[n % ALPHABET.len()];
        n /= ALPHABET.len();
    }
    String::from_utf8_lossy(&code).into_owned()
}

fn secs(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

pub(super) fn db_error(e: sea_orm::DbErr) -> String {
    format!("seeding: {e}")
}
