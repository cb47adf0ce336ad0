//! The CoGo API gateway: settings, HTTP, authentication and the composition of the modules into one schema.

pub mod cli;
pub mod database;
pub mod http;
pub mod metrics;
pub mod modules;
pub mod schema;
pub mod settings;
pub mod startup;
pub mod telemetry;

pub use settings::Settings;
pub use startup::Application;
