//! The black-box suite: one test binary, a file per module.

mod accountability;
mod consent;
mod email;
mod faults;
mod gateway;
mod hot_paths;
mod http_hygiene;
mod http_transport;
mod limits;
mod live;
mod mail;
mod migrations;
mod observability;
mod offers;
mod persisted_queries;
mod points;
mod privacy;
mod rate_limits;
mod referrals;
mod retention_people;
mod sessions;
mod sign_in;
mod steps;
mod telemetry;
mod users;
mod web_pages;
