//! The steps module's service API.

pub mod days;
pub mod sync;

pub use days::step_days;
pub use sync::{SyncOutcome, sync_steps};
