//! The staff audit log: every module's staff actions, appended as a hash chain ([`crate::domain::audit_chain`]),
//! read page by page and verified by the privacy officer. Nothing here changes or removes an entry.

use async_trait::async_trait;
use cogo_entities::privacy::{audit_log_entry, audit_log_head};
use cogo_kernel::{AppContext, AppError, AuditActor, AuditEntry, AuditTrail, pagination::PageRequest};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseTransaction,
    EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::domain::audit_chain::{ChainCheck, ChainVerdict, entry_hash};

/// The one row of `audit_log_head`.
const HEAD_ID: i32 = 1;
/// Entries read at a time while verifying: the walk holds one batch in memory, however long the log.
const VERIFY_BATCH: u64 = 1_000;

/// The audit trail every module writes to (registered with the kernel's hooks by the privacy module).
pub struct AuditLog;

#[async_trait]
impl AuditTrail for AuditLog {
    async fn append(&self, txn: &DatabaseTransaction, entry: AuditEntry) -> Result<(), AppError> {
        append(txn, entry).await
    }
}

/// Appends an entry after the head and moves the head. On PostgreSQL the head row is locked until the transaction
/// ends, so concurrent writers queue and each links to the entry committed before it (the chain never forks);
/// SQLite runs one transaction at a time.
pub async fn append(txn: &DatabaseTransaction, entry: AuditEntry) -> Result<(), AppError> {
    let head = locked_head(txn).await?;
    let (actor_kind, actor_id) = match entry.actor {
        AuditActor::Staff(id) => ("STAFF", Some(id)),
        AuditActor::Operator => ("OPERATOR", None),
    };
    let mut row = audit_log_entry::Model {
        position: head.position + 1,
        id: Uuid::now_v7(),
        previous_id: head.entry_id,
        at: entry.at,
        actor_kind: actor_kind.to_string(),
        actor_id,
        action: entry.action.0.to_string(),
        subject_kind: entry.subject.as_ref().map(|s| s.kind.to_string()),
        subject_id: entry.subject.map(|s| s.id),
        request_id: entry.request_id,
        previous_hash: head.hash.clone(),
        hash: String::new(),
    };
    row.hash = entry_hash(&row);
    let (position, id, hash) = (row.position, row.id, row.hash.clone());
    audit_log_entry::Entity::insert(row.into_active_model()).exec_without_returning(txn).await?;
    let mut head = head.into_active_model();
    head.position = Set(position);
    head.entry_id = Set(Some(id));
    head.hash = Set(hash);
    head.update(txn).await?;
    Ok(())
}

async fn locked_head(txn: &DatabaseTransaction) -> Result<audit_log_head::Model, AppError> {
    let mut query = audit_log_head::Entity::find_by_id(HEAD_ID);
    if txn.get_database_backend() == DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    query.one(txn).await?.ok_or_else(|| AppError::internal("the audit log has no head row"))
}

/// One page of the log, newest first; the cursor is the position.
pub async fn page(db: &impl ConnectionTrait, page: &PageRequest) -> Result<Vec<audit_log_entry::Model>, AppError> {
    let mut query = audit_log_entry::Entity::find();
    if let Some(after) = &page.after {
        let position: i64 = after.parse().map_err(|_| AppError::bad_input("after", "not a cursor from this list"))?;
        query = query.filter(audit_log_entry::Column::Position.lt(position));
    }
    Ok(query.order_by_desc(audit_log_entry::Column::Position).limit(page.fetch_limit()).all(db).await?)
}

/// Walks the whole chain from its first entry up to the head read at the start (entries appended meanwhile are
/// left for the next walk), a batch at a time, and stops at the first break.
pub async fn verify(app: &AppContext) -> Result<ChainVerdict, AppError> {
    let head = audit_log_head::Entity::find_by_id(HEAD_ID)
        .one(&app.db)
        .await?
        .ok_or_else(|| AppError::internal("the audit log has no head row"))?;
    let mut check = ChainCheck::default();
    let mut after = 0;
    'walk: loop {
        let batch = audit_log_entry::Entity::find()
            .filter(audit_log_entry::Column::Position.gt(after))
            .filter(audit_log_entry::Column::Position.lte(head.position))
            .order_by_asc(audit_log_entry::Column::Position)
            .limit(VERIFY_BATCH)
            .all(&app.db)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.position;
        for entry in &batch {
            if !check.check(entry) {
                break 'walk;
            }
        }
    }
    Ok(check.finish(&head))
}
