//! Recording telemetry: every good event adds one to its day's counter, in one transaction; bad events are
//! refused one by one, with their index and the reason. Nothing about the caller is read or written.

use std::collections::BTreeMap;

use cogo_entities::telemetry::telemetry_count::{self, Column};
use cogo_kernel::{AppContext, AppError};
use sea_orm::{
    ActiveValue::Set,
    EntityTrait, TransactionTrait,
    sea_query::{Expr, ExprTrait, OnConflict},
};

use crate::domain::{CounterKey, RawEvent, event::MAX_EVENTS_PER_CALL};

/// An event that was not counted, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub index: usize,
    pub reason: String,
}

/// What one call recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    pub accepted: usize,
    pub refused: Vec<Refused>,
}

pub async fn record(app: &AppContext, events: &[RawEvent]) -> Result<Recorded, AppError> {
    if events.len() > MAX_EVENTS_PER_CALL {
        return Err(AppError::bad_input("events", format!("at most {MAX_EVENTS_PER_CALL} events a call")));
    }
    let now = app.now();
    let mut counters: BTreeMap<CounterKey, i64> = BTreeMap::new();
    let mut refused = Vec::new();
    for (index, event) in events.iter().enumerate() {
        match event.counter(now) {
            Ok(key) => *counters.entry(key).or_default() += 1,
            Err(reason) => refused.push(Refused { index, reason }),
        }
    }
    let accepted = events.len() - refused.len();
    if counters.is_empty() {
        return Ok(Recorded { accepted, refused });
    }
    let txn = app.db.begin().await?;
    // Keys are written in one order by every caller, so concurrent calls never deadlock on each other's rows.
    for (key, count) in counters {
        let row = telemetry_count::ActiveModel {
            day: Set(key.day),
            kind: Set(key.kind),
            name: Set(key.name),
            device_type: Set(key.device_type),
            os: Set(key.os),
            app_version: Set(key.app_version),
            country: Set(key.country),
            count: Set(count),
        };
        let add = OnConflict::columns([
            Column::Day,
            Column::Kind,
            Column::Name,
            Column::DeviceType,
            Column::Os,
            Column::AppVersion,
            Column::Country,
        ])
        .value(Column::Count, Expr::col((telemetry_count::Entity, Column::Count)).add(count))
        .to_owned();
        telemetry_count::Entity::insert(row).on_conflict(add).exec_without_returning(&txn).await?;
    }
    txn.commit().await?;
    Ok(Recorded { accepted, refused })
}
