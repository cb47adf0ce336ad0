use async_graphql::{InputObject, SimpleObject};
use chrono::{DateTime, Utc};
use cogo_kernel::Date;

use crate::rules::{RejectionReason, SampleInput};
use crate::service::{SyncOutcome, days::StepDayView};

/// One HealthKit sample.
#[derive(InputObject)]
pub struct StepSampleInput {
    /// HealthKit's id of the sample; re-sending it changes nothing.
    pub external_id: String,
    /// When the sample's interval starts.
    pub start_at: DateTime<Utc>,
    /// When it ends; at most 24 hours after the start.
    pub end_at: DateTime<Utc>,
    /// Steps counted in the interval.
    pub steps: i32,
    /// Distance walked in the interval, in metres.
    pub distance_meters: f64,
    /// The device, e.g. "iPhone", "Apple Watch". Only its class (phone, watch, other) is kept; the name itself,
    /// which often carries yours, is never stored.
    pub source: String,
    /// HealthKit's HKMetadataKeyWasUserEntered: typed in by hand. Stored, never credited. Absent means false.
    pub was_user_entered: Option<bool>,
}

impl From<StepSampleInput> for SampleInput {
    fn from(input: StepSampleInput) -> Self {
        Self {
            external_id: input.external_id,
            start_at: input.start_at,
            end_at: input.end_at,
            steps: input.steps,
            distance_meters: input.distance_meters,
            source: input.source,
            was_user_entered: input.was_user_entered.unwrap_or(false),
        }
    }
}

/// A sample that was not accepted, and why.
#[derive(SimpleObject)]
pub struct RejectedSample {
    /// The sample's `externalId` as sent.
    pub external_id: String,
    /// Why it does not count as qualified movement.
    pub reason: RejectionReason,
}

/// What a sync did.
#[derive(SimpleObject)]
pub struct SyncStepsResult {
    /// New samples stored.
    pub accepted: i32,
    /// Samples sent before (same `externalId`): nothing changed for them.
    pub duplicates: i32,
    /// Implausible samples, not stored.
    pub rejected: Vec<RejectedSample>,
    /// Distance newly credited by this sync, in metres (overlaps counted once, daily cap applied).
    pub credited_meters: f64,
    /// Points earned by this sync (one per full kilometre; the remainder carries over).
    pub points_awarded: i64,
    /// Your balance afterwards.
    pub balance: i64,
}

impl From<SyncOutcome> for SyncStepsResult {
    fn from(outcome: SyncOutcome) -> Self {
        Self {
            accepted: outcome.accepted as i32,
            duplicates: outcome.duplicates as i32,
            rejected: outcome
                .rejected
                .into_iter()
                .map(|r| RejectedSample { external_id: r.external_id, reason: r.reason })
                .collect(),
            credited_meters: outcome.credited_mm as f64 / 1000.0,
            points_awarded: outcome.points_awarded,
            balance: outcome.balance,
        }
    }
}

/// Your walking on one day (UTC).
#[derive(SimpleObject)]
pub struct StepDay {
    /// The day (UTC).
    pub date: Date,
    /// Steps, with overlapping device reports counted once.
    pub steps: i64,
    /// Qualified distance walked, in metres (before the 50 km daily cap).
    pub distance_meters: f64,
    /// Points earned by that day's walking.
    pub points_earned: i64,
}

impl From<StepDayView> for StepDay {
    fn from(view: StepDayView) -> Self {
        Self {
            date: Date(view.date),
            steps: view.steps,
            distance_meters: view.distance_meters,
            points_earned: view.points_earned,
        }
    }
}
