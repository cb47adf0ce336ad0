//! Domain types that validate on construction: once you hold one, it is valid.

pub mod email;
pub mod email_code;
pub mod password;
pub mod person_name;
pub mod session;

pub use email::Email;
pub use password::{NewPassword, PasswordHash};
pub use person_name::PersonName;
pub use session::{RefreshGrace, SessionLifetime};
