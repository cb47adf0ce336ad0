//! The consent module's rules of the policy, free of I/O.

pub mod policy_review;
pub mod retention_notice;

pub use retention_notice::RetentionNotice;
