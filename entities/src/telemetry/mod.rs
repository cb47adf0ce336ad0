//! Tables owned by the telemetry module.

pub mod telemetry_count;
