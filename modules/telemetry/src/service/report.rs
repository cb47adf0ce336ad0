//! The aggregate report for analysts: day-level counters in a range of days, small counts merged or dropped (see
//! [`crate::domain::small_counts`]).

use chrono::{Duration, NaiveDate};
use cogo_entities::telemetry::telemetry_count::{self, Column};
use cogo_kernel::{AppContext, AppError};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::domain::{ReportRow, suppress_small_counts};

/// The longest range one report covers.
pub const MAX_REPORT_DAYS: i64 = 366;

pub async fn report(app: &AppContext, from: NaiveDate, to: NaiveDate) -> Result<Vec<ReportRow>, AppError> {
    if to < from {
        return Err(AppError::bad_input("to", "must not be before from"));
    }
    if to - from >= Duration::days(MAX_REPORT_DAYS) {
        return Err(AppError::bad_input("to", format!("a report covers at most {MAX_REPORT_DAYS} days")));
    }
    let rows = telemetry_count::Entity::find()
        .filter(Column::Day.gte(from))
        .filter(Column::Day.lte(to))
        .order_by_asc(Column::Day)
        .order_by_asc(Column::Kind)
        .order_by_desc(Column::Count)
        .all(&app.db)
        .await?;
    let rows = rows
        .into_iter()
        .map(|row| ReportRow {
            day: row.day,
            kind: row.kind,
            name: row.name,
            device_type: row.device_type,
            os: row.os,
            app_version: row.app_version,
            country: row.country,
            count: row.count,
        })
        .collect();
    Ok(suppress_small_counts(rows))
}
