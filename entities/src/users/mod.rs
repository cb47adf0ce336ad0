//! Tables owned by the users module.

pub mod closed_account;
pub mod login_throttle;
pub mod refresh_token;
pub mod session;
pub mod user;
pub mod user_role;
