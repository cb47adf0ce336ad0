//! Tables owned by the privacy module.

pub mod audit_log_entry;
pub mod audit_log_head;
pub mod data_subject_request;
pub mod incident;
pub mod scheduled_purge;
pub mod subprocessor_version;
