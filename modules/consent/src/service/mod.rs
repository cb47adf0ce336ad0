//! The consent module's service API.

pub mod choices;
pub mod permission;
pub mod policy;
mod policy_cache;
pub mod restriction;

pub use choices::{ConsentState, current_choices, history_page, purposes, record_choice, set_consent};
pub use permission::{all_users_allowed, ensure_allowed, is_allowed, users_allowed};
pub use policy::{accept_policy, current_policy, pending_policy_version, publish_policy};
pub use policy_cache::PolicyCache;
pub use restriction::{ensure_unrestricted, is_restricted, restricted_among, set_restricted};
