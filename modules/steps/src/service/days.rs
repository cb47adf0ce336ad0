//! `me { stepDays(from, to) }`: per-day steps, distance and points, by UTC day.

use chrono::NaiveDate;
use cogo_entities::steps::step_day;
use cogo_kernel::AppError;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::rules::KilometrePoints;

/// At most this many days per call.
pub const MAX_DAYS: i64 = 366;

#[derive(Debug, Clone, PartialEq)]
pub struct StepDayView {
    pub date: NaiveDate,
    pub steps: i64,
    pub distance_meters: f64,
    pub points_earned: i64,
}

/// Every day from `from` to `to` (inclusive), zeros included. Points are attributed to the day on which the
/// running total of credited distance crossed each full kilometre, so the days' points add up to the walking
/// points in the ledger.
pub async fn step_days(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<StepDayView>, AppError> {
    if to < from {
        return Err(AppError::bad_input("to", "must not be before from"));
    }
    if (to - from).num_days() + 1 > MAX_DAYS {
        return Err(AppError::bad_input("to", format!("at most {MAX_DAYS} days per call")));
    }
    let earlier: Vec<i64> = step_day::Entity::find()
        .select_only()
        .column(step_day::Column::CreditedMm)
        .filter(step_day::Column::UserId.eq(user_id))
        .filter(step_day::Column::Day.lt(from))
        .into_tuple()
        .all(db)
        .await?;
    let mut running_mm: i64 = earlier.iter().sum();
    let rows = step_day::Entity::find()
        .filter(step_day::Column::UserId.eq(user_id))
        .filter(step_day::Column::Day.gte(from))
        .filter(step_day::Column::Day.lte(to))
        .order_by_asc(step_day::Column::Day)
        .all(db)
        .await?;
    let mut rows = rows.into_iter().peekable();
    let mut days = Vec::new();
    for date in from.iter_days().take_while(|d| *d <= to) {
        let row = rows.next_if(|r| r.day == date);
        let credited = row.as_ref().map_or(0, |r| r.credited_mm);
        let points_before = running_mm / KilometrePoints::MM_PER_POINT;
        running_mm += credited;
        days.push(StepDayView {
            date,
            steps: row.as_ref().map_or(0, |r| r.steps),
            distance_meters: row.as_ref().map_or(0.0, |r| r.walked_mm as f64 / 1000.0),
            points_earned: running_mm / KilometrePoints::MM_PER_POINT - points_before,
        });
    }
    Ok(days)
}
