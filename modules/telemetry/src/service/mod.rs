//! The telemetry module's services.

pub mod record;
pub mod report;
