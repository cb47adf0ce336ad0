//! SeaORM entities of every CoGo module, one folder per module. No GraphQL derives here: each module exposes its
//! own GraphQL types, so a column change never changes the API by accident. Only the owning module writes a table.

pub mod consent;
pub mod mail;
pub mod offers;
pub mod points;
pub mod privacy;
pub mod referrals;
pub mod steps;
pub mod telemetry;
pub mod users;
