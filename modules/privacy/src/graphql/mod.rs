//! The privacy module's part of the GraphQL schema: the data subject's rights (`query`, `mutation`), and the
//! accountability registers — sub-processors, supervisory authority, breaches, the staff audit log — each in its
//! own file.

mod audit_log;
mod document;
mod incidents;
mod mutation;
mod notices;
mod query;
mod subprocessors;
mod supervisory_authority;
mod types;

use async_graphql::MergedObject;

pub use notices::{Notice, PrivacyOfMe};
pub use types::{DataExportKind, DataSubjectRequest, RetentionPurgeReport};

/// The privacy module's queries.
#[derive(MergedObject, Default)]
pub struct PrivacyQuery(
    query::RightsQuery,
    subprocessors::SubprocessorsQuery,
    supervisory_authority::SupervisoryAuthorityQuery,
    incidents::IncidentsQuery,
    audit_log::AuditLogQuery,
);

/// The privacy module's mutations.
#[derive(MergedObject, Default)]
pub struct PrivacyMutation(
    mutation::RightsMutation,
    subprocessors::SubprocessorsMutation,
    incidents::IncidentsMutation,
);
