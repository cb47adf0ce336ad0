//! Tables owned by the privacy module.

pub mod data_subject_request;
