//! `syncSteps`: one batch of HealthKit samples in one transaction.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use cogo_consent::{purposes, service as consent};
use cogo_entities::steps::{step_day, step_sample, step_total};
use cogo_kernel::{Actor, AppContext, AppError};
use cogo_points::{
    EntryKind,
    service::{self as points, Movement},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, OnConflict},
};
use uuid::Uuid;

use crate::rules::{
    DailyCap, DeviceClass, KilometrePoints, OverlapPolicy, QualifiedMovement, RejectionReason, Report, SampleInput,
    overlap::day_start,
};

/// A batch holds at most this many samples.
pub const MAX_BATCH: usize = 1_000;
/// Rows per INSERT: a whole batch in one statement (10 parameters a row, far below SQLite's 32,766 and
/// PostgreSQL's 65,535). Fewer, larger statements also mean fewer round trips, which matters while sqlx 0.9.0
/// leaves Nagle's algorithm on (see the README).
const CHUNK: usize = MAX_BATCH;

#[derive(Debug, Clone)]
pub struct Rejection {
    pub external_id: String,
    pub reason: RejectionReason,
}

#[derive(Debug, Clone, Default)]
pub struct SyncOutcome {
    pub accepted: usize,
    pub duplicates: usize,
    pub rejected: Vec<Rejection>,
    pub credited_mm: i64,
    pub points_awarded: i64,
    pub balance: i64,
}

/// Stores the batch's new plausible samples, credits the walking they add (each moment once, at most 50 km a day)
/// and awards a point for every full kilometre, all in one transaction. Requires the `health_data` consent.
/// Logs counts only: a sync is an ordinary event, so its log lines carry no user id.
#[tracing::instrument(skip_all, fields(samples = samples.len()))]
pub async fn sync_steps(app: &AppContext, actor: &Actor, samples: Vec<SampleInput>) -> Result<SyncOutcome, AppError> {
    if samples.len() > MAX_BATCH {
        return Err(AppError::bad_input("samples", format!("a batch holds at most {MAX_BATCH} samples")));
    }
    let (user_id, now) = (actor.user_id, app.now());
    let txn = app.db.begin().await?;
    app.hooks.accounts()?.hold_open_account(&txn, user_id).await?;
    consent::ensure_allowed(&txn, user_id, purposes::HEALTH_DATA).await?;
    let totals = lock_totals(&txn, user_id, now).await?;

    let mut outcome = SyncOutcome::default();
    let mut plausible = Vec::with_capacity(samples.len());
    for mut sample in samples {
        sample.external_id = sample.external_id.trim().to_string();
        sample.source = sample.source.trim().to_string();
        match QualifiedMovement::check(&sample, now) {
            Ok(()) => plausible.push(sample),
            Err(reason) => outcome.rejected.push(Rejection { external_id: sample.external_id, reason }),
        }
    }
    // A sample repeated inside the batch is a duplicate of its first copy.
    let mut seen = HashSet::new();
    let (unique, repeated): (Vec<_>, Vec<_>) = plausible.into_iter().partition(|s| seen.insert(s.external_id.clone()));
    // The unique index on (user, externalId) recognises samples sent before: they are skipped, not stored twice,
    // even when two syncs of the same batch race.
    let stored = store_new_samples(&txn, user_id, &unique, now).await?;
    outcome.accepted = stored;
    outcome.duplicates = repeated.len() + (unique.len() - stored);

    // Recomputing a day is idempotent, so the days of duplicates may be recomputed too. Hand-typed samples are kept
    // but never credited.
    let days: BTreeSet<NaiveDate> = unique
        .iter()
        .filter(|s| !s.was_user_entered)
        .flat_map(|s| OverlapPolicy::days_of(s.start_at, s.end_at))
        .collect();
    outcome.credited_mm = recompute_days(&txn, user_id, &days, now).await?;

    let credited_mm = totals.credited_mm + outcome.credited_mm;
    let earned = KilometrePoints::newly_earned(credited_mm, totals.points_awarded);
    if earned > 0 {
        let awarded_after = totals.points_awarded + earned;
        let movement = Movement {
            user_id,
            kind: EntryKind::Walking,
            amount: earned,
            description: format!("{earned} km walked"),
            // Names the running total it brings the user to: the same award can never be written twice.
            reference: format!("walking:{user_id}:{awarded_after}"),
        };
        points::credit(&txn, &app.hooks, now, movement).await?;
    }
    outcome.points_awarded = earned;
    step_total::Entity::update_many()
        .col_expr(step_total::Column::CreditedMm, Expr::value(credited_mm))
        .col_expr(step_total::Column::PointsAwarded, Expr::value(totals.points_awarded + earned))
        .filter(step_total::Column::UserId.eq(user_id))
        .exec(&txn)
        .await?;
    outcome.balance = points::balance_of(&txn, user_id).await?.balance;
    txn.commit().await?;
    tracing::info!(accepted = outcome.accepted, points = earned, "steps synced");
    Ok(outcome)
}

/// Takes the user's totals row for the rest of the transaction: parallel syncs of one user run one after the other
/// (the UPDATE holds a row lock on PostgreSQL; SQLite has a single writer anyway).
async fn lock_totals(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<step_total::Model, AppError> {
    step_total::Entity::insert(step_total::ActiveModel {
        user_id: Set(user_id),
        credited_mm: Set(0),
        points_awarded: Set(0),
        updated_at: Set(now),
    })
    .on_conflict_do_nothing_on([step_total::Column::UserId])
    .exec(txn)
    .await?;
    step_total::Entity::update_many()
        .col_expr(step_total::Column::UpdatedAt, Expr::value(now))
        .filter(step_total::Column::UserId.eq(user_id))
        .exec(txn)
        .await?;
    step_total::Entity::find_by_id(user_id).one(txn).await?.ok_or_else(|| AppError::internal("step totals row missing"))
}

/// Inserts the samples not stored before and returns how many were new.
async fn store_new_samples(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    samples: &[SampleInput],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let mut stored = 0;
    for chunk in samples.chunks(CHUNK) {
        let rows = chunk.iter().map(|s| step_sample::ActiveModel {
            id: Set(Uuid::now_v7()),
            user_id: Set(user_id),
            external_id: Set(s.external_id.clone()),
            device_class: Set(DeviceClass::classify(&s.source).as_str().to_string()),
            start_at: Set(s.start_at),
            end_at: Set(s.end_at),
            steps: Set(s.steps),
            distance_meters: Set(s.distance_meters),
            was_user_entered: Set(s.was_user_entered),
            synced_at: Set(now),
        });
        stored += step_sample::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([step_sample::Column::UserId, step_sample::Column::ExternalId])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(txn)
            .await? as usize;
    }
    Ok(stored)
}

/// Recomputes the walked distance of every touched day from all its samples and returns the newly credited
/// millimetres. Adding reports can only add walking, and a day never credits less than it already did.
async fn recompute_days(
    txn: &DatabaseTransaction,
    user_id: Uuid,
    days: &BTreeSet<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let (Some(first), Some(last)) = (days.first(), days.last()) else { return Ok(0) };
    let (window_start, window_end) = (day_start(*first), day_start(*last) + Duration::days(1));
    let reports: Vec<Report> = step_sample::Entity::find()
        .filter(step_sample::Column::UserId.eq(user_id))
        .filter(step_sample::Column::WasUserEntered.eq(false))
        // No sample spans more than a day, so nothing starting earlier can reach the window: this bounds the scan.
        .filter(step_sample::Column::StartAt.gte(window_start - QualifiedMovement::MAX_SPAN))
        .filter(step_sample::Column::StartAt.lt(window_end))
        .filter(step_sample::Column::EndAt.gt(window_start))
        .all(txn)
        .await?
        .into_iter()
        .map(|s| Report {
            start: s.start_at,
            end: s.end_at,
            distance_mm: s.distance_meters * 1000.0,
            steps: f64::from(s.steps),
        })
        .collect();
    let walked = OverlapPolicy::walked_per_day(&reports, days);
    let before: HashMap<NaiveDate, step_day::Model> = step_day::Entity::find()
        .filter(step_day::Column::UserId.eq(user_id))
        .filter(step_day::Column::Day.is_in(days.iter().copied()))
        .all(txn)
        .await?
        .into_iter()
        .map(|d| (d.day, d))
        .collect();
    let mut newly_credited = 0;
    let mut rows = Vec::with_capacity(walked.len());
    for (day, walk) in walked {
        let previous = before.get(&day);
        let walked_mm = (walk.distance_mm.round() as i64).max(previous.map_or(0, |p| p.walked_mm));
        let credited_mm = DailyCap::credited(walked_mm).max(previous.map_or(0, |p| p.credited_mm));
        newly_credited += credited_mm - previous.map_or(0, |p| p.credited_mm);
        rows.push(step_day::ActiveModel {
            user_id: Set(user_id),
            day: Set(day),
            steps: Set((walk.steps.round() as i64).max(previous.map_or(0, |p| p.steps))),
            walked_mm: Set(walked_mm),
            credited_mm: Set(credited_mm),
            updated_at: Set(now),
        });
    }
    if !rows.is_empty() {
        step_day::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([step_day::Column::UserId, step_day::Column::Day])
                    .update_columns([
                        step_day::Column::Steps,
                        step_day::Column::WalkedMm,
                        step_day::Column::CreditedMm,
                        step_day::Column::UpdatedAt,
                    ])
                    .to_owned(),
            )
            .exec(txn)
            .await?;
    }
    Ok(newly_credited)
}
