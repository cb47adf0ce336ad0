//! Tables owned by the users module.

pub mod closed_account;
pub mod email_code;
pub mod login_throttle;
pub mod refresh_token;
pub mod session;
pub mod sign_in_code;
pub mod sign_in_flow;
pub mod user;
pub mod user_identity;
pub mod user_role;
