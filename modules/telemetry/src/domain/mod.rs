//! The telemetry module's rules, free of I/O.

mod countries;
pub mod event;
pub mod small_counts;

pub use event::{CounterKey, RawEvent};
pub use small_counts::{MIN_REPORTED_COUNT, ReportRow, suppress_small_counts};
