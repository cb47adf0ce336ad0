//! The sender's work on the outbox table: claiming due mails, and recording how each delivery went.

pub mod claim;
pub mod outcome;
