//! The consent module's part of the GraphQL schema.

mod me;
mod mutation;
mod query;
mod types;

pub use me::ConsentOfMe;
pub use mutation::ConsentMutation;
pub use query::ConsentQuery;
