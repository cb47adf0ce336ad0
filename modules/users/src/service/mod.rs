//! The users module's service API. Other modules call these; resolvers stay thin.

pub mod accounts;
mod email_codes;
pub mod email_verification;
mod open_sessions;
pub mod password_reset;
pub mod refresh;
pub mod roles;
pub mod sessions;
pub mod staff_lookup;
pub mod throttle;

pub use accounts::{
    SignUp, change_password, find_active_by_email, find_active_user, names_of, open_account_ids, sign_up,
    update_profile,
};
pub use open_sessions::OpenSessions;
pub use refresh::refresh_session;
pub use roles::{ROLE_GRANTED, grant_role, roles_of};
pub use sessions::{IssuedSession, authenticate, log_in, log_out};
