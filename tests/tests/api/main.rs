//! The black-box suite: one test binary, a file per module.

mod gateway;
mod points;
mod referrals;
mod users;
