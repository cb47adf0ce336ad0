//! The seeded users' walking: one-minute walks and what `syncSteps` would have derived from them.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cogo_entities::{
    points::{balance, ledger_entry},
    steps::{step_day, step_sample, step_total},
};
use sea_orm::ActiveValue::Set;
use uuid::Uuid;

use super::insert_all;

/// A walk of a seeded sample: one minute, 90 steps, 70 m (an ordinary pace); 24 a day, 20 minutes apart.
const WALK_STEPS: i32 = 90;
const WALK_METRES: f64 = 70.0;
const WALKS_PER_DAY: usize = 24;

/// The samples, spread evenly over the users (24 walks a day on the days before today), and what `syncSteps`
/// would have derived from them: the days (no overlaps, far under the daily cap), the totals, one walking ledger
/// entry per user for its whole kilometres, and the balance.
pub(super) async fn seed_walking(
    txn: &sea_orm::DatabaseTransaction,
    users: &[Uuid],
    samples: usize,
    now: DateTime<Utc>,
) -> Result<(), String> {
    if users.is_empty() {
        return Ok(());
    }
    let per_user = |u: usize| samples / users.len() + usize::from(u < samples % users.len());
    let today = now.date_naive();
    let walk_start = |day: NaiveDate, j: usize| {
        day.and_hms_opt(7, 0, 0).unwrap_or_default().and_utc() + Duration::minutes(20 * (j % WALKS_PER_DAY) as i64)
    };
    let day_of = |j: usize| today - Duration::days(1 + (j / WALKS_PER_DAY) as i64);
    insert_all(
        txn,
        users.iter().enumerate().flat_map(|(u, id)| (0..per_user(u)).map(move |j| (*id, j))).map(|(id, j)| {
            let start = walk_start(day_of(j), j);
            step_sample::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(id),
                external_id: Set(format!("seed-{j}")),
                device_class: Set(if j.is_multiple_of(2) { "PHONE" } else { "WATCH" }.to_string()),
                start_at: Set(start),
                end_at: Set(start + Duration::minutes(1)),
                steps: Set(WALK_STEPS),
                distance_meters: Set(WALK_METRES),
                was_user_entered: Set(false),
                synced_at: Set(start + Duration::hours(1)),
            }
        }),
        10,
    )
    .await?;
    let mut days = Vec::new();
    let mut totals = Vec::new();
    let mut ledger = Vec::new();
    let mut balances = Vec::new();
    for (u, id) in users.iter().enumerate() {
        let mut per_day: BTreeMap<NaiveDate, (i64, i64)> = BTreeMap::new();
        for j in 0..per_user(u) {
            let day = per_day.entry(day_of(j)).or_default();
            day.0 += i64::from(WALK_STEPS);
            day.1 += (WALK_METRES * 1000.0) as i64;
        }
        let credited: i64 = per_day.values().map(|(_, mm)| *mm).sum();
        let points = credited / 1_000_000;
        for (day, (steps, mm)) in &per_day {
            days.push(step_day::ActiveModel {
                user_id: Set(*id),
                day: Set(*day),
                steps: Set(*steps),
                walked_mm: Set(*mm),
                credited_mm: Set(*mm),
                updated_at: Set(now),
            });
        }
        if per_day.is_empty() {
            continue;
        }
        totals.push(step_total::ActiveModel {
            user_id: Set(*id),
            credited_mm: Set(credited),
            points_awarded: Set(points),
            updated_at: Set(now),
        });
        if points > 0 {
            ledger.push(ledger_entry::ActiveModel {
                id: Set(Uuid::now_v7()),
                user_id: Set(*id),
                kind: Set("WALKING".to_string()),
                amount: Set(points),
                description: Set(format!("{points} km walked")),
                reference: Set(format!("walking:{id}:{points}")),
                created_at: Set(now - Duration::hours(12)),
            });
            balances.push(balance::ActiveModel {
                user_id: Set(*id),
                balance: Set(points),
                lifetime_earned: Set(points),
                updated_at: Set(now),
            });
        }
    }
    insert_all(txn, days, 6).await?;
    insert_all(txn, totals, 4).await?;
    insert_all(txn, ledger, 7).await?;
    insert_all(txn, balances, 4).await
}
