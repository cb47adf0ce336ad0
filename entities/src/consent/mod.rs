//! Tables owned by the consent module.

pub mod consent_record;
pub mod consent_state;
pub mod policy_acceptance;
pub mod policy_review;
pub mod policy_version;
pub mod processing_restriction;
pub mod purpose;
