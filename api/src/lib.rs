//! The CoGo API gateway: settings, HTTP, authentication and the composition of the modules into one schema.

pub mod cli;
pub mod database;
pub mod http;
pub mod limits;
pub mod metrics;
pub mod modules;
pub mod persisted_queries;
pub mod rate_limit;
pub mod schema;
pub mod settings;
pub mod startup;
pub mod telemetry;

pub use settings::Settings;
pub use startup::Application;
