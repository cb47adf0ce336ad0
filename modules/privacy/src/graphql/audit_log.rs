//! The staff audit log in the schema: reading and verifying, `PRIVACY_OFFICER` only. There is no field that
//! changes or removes an entry.

use async_graphql::{Context, Enum, ID, Object, SimpleObject, connection::Connection};
use chrono::{DateTime, Utc};
use cogo_entities::privacy::audit_log_entry;
use cogo_kernel::{
    AppContext, RequireRole, Role,
    pagination::{PageRequest, connection_from},
};

use crate::service::audit_log;

/// Who acted.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditActorKind {
    /// A staff member, signed in to the API (`actorId` is their account).
    Staff,
    /// An operator on a server's command line (`cogo-api grant-role`).
    Operator,
}

/// One staff action: who, what, whose, when, in which request.
#[derive(SimpleObject)]
pub struct AuditLogEntry {
    pub id: ID,
    /// 1, 2, 3, …: the order of the chain.
    pub position: i64,
    pub at: DateTime<Utc>,
    pub actor_kind: AuditActorKind,
    /// The staff member's account id; null for an operator.
    pub actor_id: Option<ID>,
    /// What was done, e.g. `USER_LOOKED_UP`, `SUBPROCESSOR_UPSERTED` (the list is in the README).
    pub action: String,
    /// What kind of thing `subjectId` names: `USER`, `PARTNER`, `INCIDENT`, …
    pub subject_kind: Option<String>,
    /// Whose data or which thing: an id, never a name.
    pub subject_id: Option<ID>,
    /// The request's `x-request-id`, to find its log lines.
    pub request_id: Option<String>,
    /// SHA-256 of this entry's content and `previousHash`.
    pub hash: String,
    pub previous_hash: String,
}

impl From<audit_log_entry::Model> for AuditLogEntry {
    fn from(row: audit_log_entry::Model) -> Self {
        Self {
            id: ID(row.id.to_string()),
            position: row.position,
            at: row.at,
            actor_kind: if row.actor_kind == "OPERATOR" { AuditActorKind::Operator } else { AuditActorKind::Staff },
            actor_id: row.actor_id.map(|id| ID(id.to_string())),
            action: row.action,
            subject_kind: row.subject_kind,
            subject_id: row.subject_id.map(ID),
            request_id: row.request_id,
            hash: row.hash,
            previous_hash: row.previous_hash,
        }
    }
}

/// The result of walking the audit log's hash chain.
#[derive(SimpleObject)]
pub struct AuditLogVerification {
    /// No entry was altered or removed.
    pub intact: bool,
    /// Entries found intact before the first break (all of them when intact).
    pub checked_entries: u64,
    /// The first entry altered or removed (for removed entries, the id the chain still names).
    pub first_broken_entry_id: Option<ID>,
    pub first_broken_position: Option<i64>,
    /// What is wrong there, in words.
    pub problem: Option<String>,
    /// The hash at the head of the chain. Written down elsewhere from time to time, it shows that the chain was
    /// not rebuilt as a whole.
    pub head_hash: String,
}

#[derive(Default)]
pub struct AuditLogQuery;

#[Object]
impl AuditLogQuery {
    /// Every staff read of a person's data and every staff change, newest first. `PRIVACY_OFFICER` only.
    #[graphql(
        guard = "RequireRole(Role::PrivacyOfficer)",
        complexity = "cogo_kernel::complexity::page(first, child_complexity)"
    )]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<Connection<String, AuditLogEntry>> {
        let app = AppContext::of(ctx)?;
        let page = PageRequest::parse(first, after)?;
        let rows = audit_log::page(&app.db, &page).await?;
        let nodes: Vec<(String, AuditLogEntry)> =
            rows.into_iter().map(|row| (row.position.to_string(), row.into())).collect();
        Ok(connection_from(&page, nodes, |(key, _)| key.clone(), |(_, node)| node))
    }

    /// Walks the audit log's hash chain and reports the first entry altered or removed in the database.
    /// `PRIVACY_OFFICER` only.
    #[graphql(guard = "RequireRole(Role::PrivacyOfficer)")]
    async fn verify_audit_log(&self, ctx: &Context<'_>) -> async_graphql::Result<AuditLogVerification> {
        let verdict = audit_log::verify(AppContext::of(ctx)?).await?;
        Ok(AuditLogVerification {
            intact: verdict.broken.is_none(),
            checked_entries: verdict.checked,
            first_broken_entry_id: verdict.broken.as_ref().and_then(|b| b.entry_id).map(|id| ID(id.to_string())),
            first_broken_position: verdict.broken.as_ref().map(|b| b.position),
            problem: verdict.broken.map(|b| b.problem),
            head_hash: verdict.head_hash,
        })
    }
}
