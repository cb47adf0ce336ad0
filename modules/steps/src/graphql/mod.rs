//! The steps module's part of the GraphQL schema.

mod me;
mod mutation;
mod types;

pub use me::StepsOfMe;
pub use mutation::StepsMutation;
