//! The black-box suite: one test binary, a file per module.

mod consent;
mod gateway;
mod http_hygiene;
mod migrations;
mod observability;
mod offers;
mod points;
mod privacy;
mod referrals;
mod retention_people;
mod steps;
mod users;
