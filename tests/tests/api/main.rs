//! The black-box suite: one test binary, a file per module.

mod gateway;
mod offers;
mod points;
mod users;
