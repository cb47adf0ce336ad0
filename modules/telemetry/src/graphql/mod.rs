//! The telemetry module's part of the schema: `recordTelemetry` (anyone; nobody is identified) and
//! `telemetryReport` (`ANALYST` or `ADMIN`).

use async_graphql::{Context, ErrorExtensions, InputObject, Object, SimpleObject};
use chrono::{DateTime, NaiveDate, Utc};
use cogo_kernel::{AppContext, Date, RequireRole, Role};

use crate::domain::RawEvent;
use crate::service::{record, report};

/// One event of the app. No field identifies a person, and a position is not accepted: country at most.
#[derive(InputObject)]
pub struct TelemetryEventInput {
    /// `app_open`, `screen_view`, `feature_used`, `error` or `crash`.
    pub kind: String,
    /// The screen or feature, e.g. `offers/list` (letters, digits, `_ . - / :`; at most 64).
    pub name: Option<String>,
    /// E.g. `phone`, `tablet`.
    pub device_type: String,
    /// E.g. `iOS`.
    pub os: String,
    /// Accepted and not kept: counters are per operating system, not per version of it.
    pub os_version: Option<String>,
    pub app_version: String,
    /// ISO 3166-1 alpha-2, e.g. `SE`.
    pub country: Option<String>,
    /// When it happened (within the last 7 days); only the day is kept.
    pub occurred_at: DateTime<Utc>,
}

/// One aggregate counter of the report.
#[derive(SimpleObject)]
pub struct TelemetryReportRow {
    pub day: Date,
    pub kind: String,
    /// `other` in every column but day and kind for the merged small counters.
    pub name: String,
    pub device_type: String,
    pub os: String,
    pub app_version: String,
    /// Empty when the app sent none.
    pub country: String,
    /// At least 5.
    pub count: i64,
}

#[derive(Default)]
pub struct TelemetryMutation;

#[Object]
impl TelemetryMutation {
    /// Counts app events, anonymously: no sign-in needed, and an `Authorization` header is ignored. At most 100 a
    /// call. Returns how many were counted; each refused event is an error with its `index` and the reason, the
    /// others are counted all the same.
    async fn record_telemetry(
        &self,
        ctx: &Context<'_>,
        events: Vec<TelemetryEventInput>,
    ) -> async_graphql::Result<i32> {
        let raw: Vec<RawEvent> = events
            .into_iter()
            .map(|e| RawEvent {
                kind: e.kind,
                name: e.name,
                device_type: e.device_type,
                os: e.os,
                app_version: e.app_version,
                country: e.country,
                occurred_at: e.occurred_at,
            })
            .collect();
        let recorded = record::record(AppContext::of(ctx)?, &raw).await?;
        for refused in recorded.refused {
            let error = async_graphql::Error::new(format!("event {}: {}", refused.index, refused.reason)).extend_with(
                |_, ext| {
                    ext.set("code", "BAD_USER_INPUT");
                    ext.set("index", refused.index as i64);
                    ext.set("reason", refused.reason.clone());
                },
            );
            ctx.add_error(error.into_server_error(ctx.item.pos));
        }
        Ok(i32::try_from(recorded.accepted).unwrap_or(i32::MAX))
    }
}

#[derive(Default)]
pub struct TelemetryQuery;

#[Object]
impl TelemetryQuery {
    /// Aggregate app statistics per day from `from` to `to` (inclusive, at most 366 days). Counters below 5 are
    /// merged into an `other` row of their day and kind, which is dropped if itself below 5. `ANALYST` or `ADMIN`.
    #[graphql(guard = "RequireRole(Role::Analyst).or(RequireRole(Role::Admin))")]
    async fn telemetry_report(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
    ) -> async_graphql::Result<Vec<TelemetryReportRow>> {
        let (from, to): (NaiveDate, NaiveDate) = (from.0, to.0);
        let rows = report::report(AppContext::of(ctx)?, from, to).await?;
        Ok(rows
            .into_iter()
            .map(|row| TelemetryReportRow {
                day: Date(row.day),
                kind: row.kind,
                name: row.name,
                device_type: row.device_type,
                os: row.os,
                app_version: row.app_version,
                country: row.country,
                count: row.count,
            })
            .collect())
    }
}
