//! The mail module's rules: when to try again, what a mail's state can be, what the log may show.

mod redaction;
mod retry;
mod status;

pub use redaction::{MASK, mask_secret};
pub use retry::{Attempt, MAX_ATTEMPTS, RetrySchedule};
pub use status::DeliveryStatus;
