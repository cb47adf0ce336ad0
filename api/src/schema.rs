//! Schema composition: the merged `Query`, `Mutation` and `Me` of every module (see `modules.rs`), with the
//! extensions that guard every request.

use async_graphql::{Schema, SchemaBuilder};
use cogo_kernel::AppContext;

use crate::http::get_is_read_only::GetIsReadOnly;
use crate::http::panics::CatchPanics;
use crate::http::{graphql_response::ExecutionMarker, introspection_off::IntrospectionOff};
use crate::limits::Limits;
use crate::metrics::{GraphQLMetrics, Metrics};
pub use crate::modules::{Me, Modules, Mutation, Query, Subscription};
use crate::persisted_queries::PersistedQueries;
use crate::rate_limit::{RateLimitExtension, RateLimiter};
use crate::settings::Settings;

pub type CogoSchema = Schema<Query, Mutation, Subscription>;

/// The schema without data, for SDL export. Depth, complexity and the other limits of a request are checked by
/// the [`Limits`] extension (`api/src/limits/`), which answers each with its own `extensions.code`.
pub fn schema_builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    bare_builder().extension(Limits)
}

fn bare_builder() -> SchemaBuilder<Query, Mutation, Subscription> {
    Schema::build(Query::default(), Mutation::default(), Subscription::default())
}

/// The schema with every module's loaders and data registered, and the extensions that guard every request:
/// metrics, the limits of one request, the panic catcher, persisted queries (the checks after them see the
/// document a hash stands for), the rate limits, GET's read-only rule. It exposes as much of itself as
/// `settings.exposure` allows (only here: the SDL export always shows the whole schema).
pub fn build_schema(
    app: &AppContext,
    modules: &Modules,
    settings: &Settings,
    rate_limiter: &RateLimiter,
    metrics: &Metrics,
) -> CogoSchema {
    // Extensions wrap one another in the order registered. Metrics outermost, so they see every outcome (a
    // timeout, a caught panic); then the limits (their timeout bounds all that follows); a panic in a resolver
    // (or in an extension registered after it) fails only its request, as INTERNAL.
    let mut builder = bare_builder()
        .extension(GraphQLMetrics(metrics.clone()))
        .extension(Limits)
        .extension(CatchPanics)
        .data(app.clone())
        .data(settings.limits)
        .extension(PersistedQueries(settings.persisted_queries.clone()))
        // Inside the rate limits: a parse_query hook checks after its inner ones, so GET's rule refuses first.
        .extension(RateLimitExtension(rate_limiter.clone()))
        .extension(GetIsReadOnly);
    builder = modules.register_all(builder, app);
    if !settings.exposure.introspection {
        builder = builder.disable_introspection().disable_suggestions().extension(IntrospectionOff);
    }
    // Registered last, so it runs innermost: it marks the moment the executor itself starts.
    builder.extension(ExecutionMarker).finish()
}

/// The SDL that `schema.graphql` must equal.
pub fn sdl() -> String {
    schema_builder().finish().sdl()
}
