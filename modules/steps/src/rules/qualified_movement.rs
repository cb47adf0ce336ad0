//! `QualifiedMovement` — policy §5.5: only plausible walking counts. Each sample that no walker could produce is
//! rejected with a reason the app can show.

use async_graphql::Enum;
use chrono::{DateTime, Duration, Utc};

/// Why a sample was rejected.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectionReason {
    /// `externalId` or `source` is empty or too long.
    InvalidIdentifier,
    /// `endAt` is not after `startAt`.
    EndNotAfterStart,
    /// The sample spans more than 24 hours.
    SpanTooLong,
    /// The sample starts (or ends) more than 5 minutes in the future.
    InTheFuture,
    /// The sample starts more than 7 days ago: walking is credited when it is fresh, not backfilled without end.
    TooOld,
    /// Negative (or not finite) steps or distance.
    NegativeValue,
    /// More than 250 steps per minute.
    CadenceTooHigh,
    /// Faster than 15 km/h.
    SpeedTooHigh,
    /// More than 2.5 metres per step (or distance without steps).
    StrideTooLong,
}

/// A sample as the app sends it.
#[derive(Debug, Clone)]
pub struct SampleInput {
    pub external_id: String,
    pub start_at: DateTime<Utc>,
    pub end_at: DateTime<Utc>,
    pub steps: i32,
    pub distance_meters: f64,
    pub source: String,
    pub was_user_entered: bool,
}

pub struct QualifiedMovement;

impl QualifiedMovement {
    pub const MAX_SPAN: Duration = Duration::hours(24);
    pub const FUTURE_TOLERANCE: Duration = Duration::minutes(5);
    /// How far back a sync may reach. Without a bound, one batch of 1,000 day-long samples on 1,000 past days
    /// would credit 1,000 daily caps at once.
    pub const MAX_AGE: Duration = Duration::days(7);
    pub const MAX_STEPS_PER_MINUTE: f64 = 250.0;
    pub const MAX_KM_PER_HOUR: f64 = 15.0;
    pub const MAX_METRES_PER_STEP: f64 = 2.5;
    pub const MAX_IDENTIFIER_CHARS: usize = 200;
    pub const MAX_SOURCE_CHARS: usize = 100;

    /// `Ok` for a plausible sample, else the first reason it is not.
    pub fn check(sample: &SampleInput, now: DateTime<Utc>) -> Result<(), RejectionReason> {
        let id_len = sample.external_id.trim().chars().count();
        let source_len = sample.source.trim().chars().count();
        if id_len == 0 || id_len > Self::MAX_IDENTIFIER_CHARS || source_len == 0 || source_len > Self::MAX_SOURCE_CHARS
        {
            return Err(RejectionReason::InvalidIdentifier);
        }
        if sample.end_at <= sample.start_at {
            return Err(RejectionReason::EndNotAfterStart);
        }
        let span = sample.end_at - sample.start_at;
        if span > Self::MAX_SPAN {
            return Err(RejectionReason::SpanTooLong);
        }
        let latest = now + Self::FUTURE_TOLERANCE;
        if sample.start_at > latest || sample.end_at > latest {
            return Err(RejectionReason::InTheFuture);
        }
        if sample.start_at < now - Self::MAX_AGE {
            return Err(RejectionReason::TooOld);
        }
        if sample.steps < 0 || !sample.distance_meters.is_finite() || sample.distance_meters < 0.0 {
            return Err(RejectionReason::NegativeValue);
        }
        let minutes = span.num_milliseconds() as f64 / 60_000.0;
        if f64::from(sample.steps) / minutes > Self::MAX_STEPS_PER_MINUTE {
            return Err(RejectionReason::CadenceTooHigh);
        }
        let hours = minutes / 60.0;
        if sample.distance_meters / 1000.0 / hours > Self::MAX_KM_PER_HOUR {
            return Err(RejectionReason::SpeedTooHigh);
        }
        if sample.distance_meters > 0.0
            && (sample.steps == 0 || sample.distance_meters / f64::from(sample.steps) > Self::MAX_METRES_PER_STEP)
        {
            return Err(RejectionReason::StrideTooLong);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(minutes: i64, steps: i32, metres: f64) -> SampleInput {
        let end = Utc::now() - Duration::hours(1);
        SampleInput {
            external_id: "hk-1".into(),
            start_at: end - Duration::minutes(minutes),
            end_at: end,
            steps,
            distance_meters: metres,
            source: "iPhone".into(),
            was_user_entered: false,
        }
    }

    #[test]
    fn an_ordinary_walk_qualifies() {
        assert_eq!(QualifiedMovement::check(&walk(10, 1200, 900.0), Utc::now()), Ok(()));
    }

    #[test]
    fn implausible_samples_are_rejected_with_their_reason() {
        let now = Utc::now();
        assert_eq!(QualifiedMovement::check(&walk(1, 251, 100.0), now), Err(RejectionReason::CadenceTooHigh));
        assert_eq!(QualifiedMovement::check(&walk(60, 14000, 15_100.0), now), Err(RejectionReason::SpeedTooHigh));
        assert_eq!(QualifiedMovement::check(&walk(60, 1000, 2_600.0), now), Err(RejectionReason::StrideTooLong));
        assert_eq!(QualifiedMovement::check(&walk(60, 0, 10.0), now), Err(RejectionReason::StrideTooLong));
        assert_eq!(QualifiedMovement::check(&walk(60, -1, 0.0), now), Err(RejectionReason::NegativeValue));
        assert_eq!(QualifiedMovement::check(&walk(60, 10, f64::NAN), now), Err(RejectionReason::NegativeValue));
        assert_eq!(QualifiedMovement::check(&walk(24 * 60 + 1, 10, 1.0), now), Err(RejectionReason::SpanTooLong));
        let mut backwards = walk(10, 10, 5.0);
        std::mem::swap(&mut backwards.start_at, &mut backwards.end_at);
        assert_eq!(QualifiedMovement::check(&backwards, now), Err(RejectionReason::EndNotAfterStart));
        let mut old = walk(10, 10, 5.0);
        old.start_at = now - Duration::days(8);
        old.end_at = old.start_at + Duration::minutes(10);
        assert_eq!(QualifiedMovement::check(&old, now), Err(RejectionReason::TooOld));
        let mut future = walk(10, 10, 5.0);
        future.start_at = now + Duration::minutes(6);
        future.end_at = now + Duration::minutes(16);
        assert_eq!(QualifiedMovement::check(&future, now), Err(RejectionReason::InTheFuture));
    }

    #[test]
    fn limits_themselves_are_allowed() {
        // Exactly 250 steps/min, exactly 15 km/h, exactly 2.5 m/step.
        assert_eq!(QualifiedMovement::check(&walk(1, 250, 250.0), Utc::now()), Ok(()));
        assert_eq!(QualifiedMovement::check(&walk(60, 6000, 15_000.0), Utc::now()), Ok(()));
    }
}
