//! The staff audit trail (policy §4.12; GDPR art. 5(2), 32): every staff read of a person's data and every staff
//! change is written down — who, what, whose (an id, never a name), when, in which request.
//!
//! A module that serves staff writes its entries through [`AuditTrail`] inside the transaction of the action
//! itself, as its **last statement before commit**: the entry exists exactly when the action happened, and the
//! trail's lock (which keeps the hash chain linear) is held only for the commit. The privacy module keeps the
//! log (hash-chained, `verifyAuditLog`); the kernel only defines what an entry is.

use async_graphql::Context;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseTransaction;
use uuid::Uuid;

use crate::{error::AppError, guard::actor_from};

/// The id of the HTTP request being served (its `x-request-id` header), put in the GraphQL request's data by the
/// gateway so an audit entry can be matched to the request's log lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// What was done, e.g. `USER_LOOKED_UP`. Each module names its own actions as constants beside the code that
/// performs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditAction(pub &'static str);

/// Who acted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditActor {
    /// A signed-in staff member, through the API.
    Staff(Uuid),
    /// Whoever runs the command line on a server (`cogo-api grant-role`): an operator with database access,
    /// not an account.
    Operator,
}

/// Whose data, or which thing, an action concerns: a kind (`USER`, `PARTNER`, `INCIDENT`, …) and its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSubject {
    pub kind: &'static str,
    pub id: String,
}

impl AuditSubject {
    /// A person, by account id.
    pub fn user(id: Uuid) -> Self {
        Self { kind: "USER", id: id.to_string() }
    }

    pub fn new(kind: &'static str, id: impl ToString) -> Self {
        Self { kind, id: id.to_string() }
    }
}

/// One entry, before the trail numbers and chains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub actor: AuditActor,
    pub action: AuditAction,
    /// `None` when the action concerns nobody in particular (reading a register, a look-up that found nobody).
    pub subject: Option<AuditSubject>,
    pub request_id: Option<String>,
    pub at: DateTime<Utc>,
}

/// Where audit entries go. Provided by the privacy module; modules reach it through `Hooks::audit`.
#[async_trait]
pub trait AuditTrail: Send + Sync + 'static {
    /// Appends the entry inside `txn`. Call it last before committing: on PostgreSQL it locks the head of the
    /// chain until the transaction ends.
    async fn append(&self, txn: &DatabaseTransaction, entry: AuditEntry) -> Result<(), AppError>;
}

/// The staff member behind a request, and the request: what an audit entry needs from the GraphQL context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub user_id: Uuid,
    pub request_id: Option<String>,
}

impl Staff {
    /// The signed-in caller of this request (its role was checked by the field's guard).
    pub fn of(ctx: &Context<'_>) -> Result<Self, AppError> {
        let actor = actor_from(ctx)?;
        Ok(Self { user_id: actor.user_id, request_id: ctx.data_opt::<RequestId>().map(|id| id.0.clone()) })
    }

    /// The entry for `action` on `subject`, at `at`.
    pub fn did(&self, action: AuditAction, subject: Option<AuditSubject>, at: DateTime<Utc>) -> AuditEntry {
        AuditEntry { actor: AuditActor::Staff(self.user_id), action, subject, request_id: self.request_id.clone(), at }
    }
}
