//! Tables owned by the steps module.

pub mod step_day;
pub mod step_sample;
pub mod step_total;
