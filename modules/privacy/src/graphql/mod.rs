//! The privacy module's part of the GraphQL schema.

mod document;
mod mutation;
mod query;
mod types;

pub use mutation::PrivacyMutation;
pub use query::PrivacyQuery;
pub use types::{DataExportKind, DataSubjectRequest, RetentionPurgeReport};
