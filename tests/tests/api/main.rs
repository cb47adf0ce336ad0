//! The black-box suite: one test binary, a file per module.

mod consent;
mod gateway;
mod migrations;
mod offers;
mod points;
mod privacy;
mod referrals;
mod retention_people;
mod sessions;
mod steps;
mod users;
