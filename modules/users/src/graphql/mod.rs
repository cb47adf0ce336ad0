//! The users module's part of the GraphQL schema.

mod mutation;
mod query;
mod types;

pub use mutation::UsersMutation;
pub use query::UsersQuery;
pub use types::{AuthPayload, SessionTokens, SignUpInput, UpdateProfileInput, UserProfile};
