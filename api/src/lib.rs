//! The CoGo API gateway: settings, HTTP, authentication and the composition of the modules into one schema.

/// mimalloc for every binary built on the gateway: under load glibc's malloc spent a fifth of the API's time in
/// locks and page faults (many threads allocating and freeing the small buffers of each request); mimalloc's
/// thread-local heaps do not contend.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod change_listener;
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
