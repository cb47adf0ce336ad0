//! The data-subject request register (GDPR art. 12(3), policy §6.2): every request, however it arrived, with the
//! day it was received, its one-month deadline and when it was completed.

use chrono::{DateTime, Utc};
use cogo_entities::privacy::data_subject_request;
use cogo_kernel::{
    AppContext, AppError, AuditAction, AuditSubject, DataRecipient, DataSubjectRequestKind, Staff,
    pagination::{PageRequest, newest_first_page},
};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    IntoActiveModel, QueryFilter, QueryOrder, QuerySelect, TransactionTrait,
};
use uuid::Uuid;

use crate::domain::{RequestChannel, ResponseDeadline};

pub const DATA_SUBJECT_REQUEST_RECORDED: AuditAction = AuditAction("DATA_SUBJECT_REQUEST_RECORDED");
pub const DATA_SUBJECT_REQUEST_COMPLETED: AuditAction = AuditAction("DATA_SUBJECT_REQUEST_COMPLETED");
pub const DATA_SUBJECT_REQUESTS_READ: AuditAction = AuditAction("DATA_SUBJECT_REQUESTS_READ");

/// Logs a request made in the app, complete at once (the app carried it out in the same transaction).
pub async fn record_completed_in_app(
    db: &impl ConnectionTrait,
    subject_id: Uuid,
    kind: DataSubjectRequestKind,
    at: DateTime<Utc>,
) -> Result<data_subject_request::Model, AppError> {
    insert(db, subject_id, kind, &RequestChannel::in_app(), at, Some(at), None).await
}

/// Logs an erasure carried out in the app, with the recipients who must be told of it (art. 19).
pub async fn record_erasure_in_app(
    db: &impl ConnectionTrait,
    subject_id: Uuid,
    recipients: &[DataRecipient],
    at: DateTime<Utc>,
) -> Result<data_subject_request::Model, AppError> {
    let recipients = Some(recipients_json(recipients)?);
    insert(db, subject_id, DataSubjectRequestKind::Erasure, &RequestChannel::in_app(), at, Some(at), recipients).await
}

/// Staff log a request that came by e-mail or letter (§6.2): the account is found by its e-mail address; the
/// request stays open until staff complete it.
pub async fn record_received(
    app: &AppContext,
    staff: &Staff,
    email: &str,
    kind: DataSubjectRequestKind,
    channel: &str,
) -> Result<data_subject_request::Model, AppError> {
    let channel = RequestChannel::parse(channel)?;
    let txn = app.db.begin().await?;
    let subject_id = app
        .hooks
        .accounts()?
        .open_account_by_email(&txn, email)
        .await?
        .ok_or(AppError::NotFound("account with this e-mail address"))?;
    let request = insert(&txn, subject_id, kind, &channel, app.now(), None, None).await?;
    let entry = staff.did(DATA_SUBJECT_REQUEST_RECORDED, Some(AuditSubject::user(subject_id)), app.now());
    app.hooks.audit(&txn, entry).await?;
    txn.commit().await?;
    tracing::info!(data_subject_request = %request.id, kind = kind.as_str(), "data-subject request recorded");
    Ok(request)
}

/// Staff mark a request as answered. A request completed already is `CONFLICT`. An erasure request is answered
/// by `eraseUser`, which completes it; it can only be closed here once the account is gone (erased in the app
/// meanwhile), so no erasure is ever marked done without having been done.
pub async fn complete(
    app: &AppContext,
    staff: &Staff,
    request_id: Uuid,
) -> Result<data_subject_request::Model, AppError> {
    let txn = app.db.begin().await?;
    let request = open_request(&txn, request_id).await?;
    if request.kind == DataSubjectRequestKind::Erasure.as_str()
        && app.hooks.accounts()?.is_open(&txn, request.subject_id).await?
    {
        return Err(AppError::bad_input("id", "an erasure request is completed by eraseUser, which carries it out"));
    }
    let completed = mark_completed(&txn, request, app.now(), None).await?;
    let entry = staff.did(DATA_SUBJECT_REQUEST_COMPLETED, Some(AuditSubject::user(completed.subject_id)), app.now());
    app.hooks.audit(&txn, entry).await?;
    txn.commit().await?;
    Ok(completed)
}

/// The open request `request_id`, locked for the rest of the transaction (a second completion waits, then sees it
/// completed).
pub async fn open_request(
    txn: &DatabaseTransaction,
    request_id: Uuid,
) -> Result<data_subject_request::Model, AppError> {
    let mut query = data_subject_request::Entity::find_by_id(request_id);
    if txn.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        query = query.lock_exclusive();
    }
    let request = query.one(txn).await?.ok_or(AppError::NotFound("data-subject request"))?;
    if request.completed_at.is_some() {
        return Err(AppError::Conflict("this request was completed already".into()));
    }
    Ok(request)
}

/// Completes a request, with the recipients told of an erasure if there were any.
pub async fn mark_completed(
    txn: &DatabaseTransaction,
    request: data_subject_request::Model,
    at: DateTime<Utc>,
    recipients: Option<&[DataRecipient]>,
) -> Result<data_subject_request::Model, AppError> {
    let recipients = recipients.map(recipients_json).transpose()?;
    let mut active = request.into_active_model();
    active.completed_at = Set(Some(at));
    if recipients.is_some() {
        active.recipients = Set(recipients);
    }
    Ok(active.update(txn).await?)
}

/// One page of the register, newest first, for staff: the reading is audit-logged (the register names people by
/// account id).
pub async fn page(
    app: &AppContext,
    staff: &Staff,
    page: &PageRequest,
) -> Result<Vec<data_subject_request::Model>, AppError> {
    let txn = app.db.begin().await?;
    let query = data_subject_request::Entity::find();
    let rows = newest_first_page(
        &txn,
        query,
        data_subject_request::Column::ReceivedAt,
        data_subject_request::Column::Id,
        page,
    )
    .await?;
    app.hooks.audit(&txn, staff.did(DATA_SUBJECT_REQUESTS_READ, None, app.now())).await?;
    txn.commit().await?;
    Ok(rows)
}

/// Every request of one subject, oldest first (for their export; a person makes a handful, not thousands).
pub async fn requests_of(
    db: &impl ConnectionTrait,
    subject_id: Uuid,
) -> Result<Vec<data_subject_request::Model>, AppError> {
    Ok(data_subject_request::Entity::find()
        .filter(data_subject_request::Column::SubjectId.eq(subject_id))
        .order_by_asc(data_subject_request::Column::ReceivedAt)
        .order_by_asc(data_subject_request::Column::Id)
        .all(db)
        .await?)
}

/// The recipients stored on an erasure request. Stored text that is not the list this module writes is a bug or
/// tampering: `INTERNAL` (logged), never a silently empty list of people to notify.
pub fn recipients_of(request: &data_subject_request::Model) -> Result<Vec<String>, AppError> {
    let Some(text) = request.recipients.as_deref() else { return Ok(Vec::new()) };
    let list: Vec<serde_json::Value> = serde_json::from_str(text).map_err(AppError::internal)?;
    list.into_iter()
        .map(|recipient| {
            recipient["name"].as_str().map(str::to_string).ok_or_else(|| AppError::internal("a recipient has no name"))
        })
        .collect()
}

fn recipients_json(recipients: &[DataRecipient]) -> Result<String, AppError> {
    let list: Vec<serde_json::Value> =
        recipients.iter().map(|r| serde_json::json!({ "name": r.name, "kind": r.kind })).collect();
    serde_json::to_string(&list).map_err(AppError::internal)
}

async fn insert(
    db: &impl ConnectionTrait,
    subject_id: Uuid,
    kind: DataSubjectRequestKind,
    channel: &RequestChannel,
    received_at: DateTime<Utc>,
    completed_at: Option<DateTime<Utc>>,
    recipients: Option<String>,
) -> Result<data_subject_request::Model, AppError> {
    let row = data_subject_request::ActiveModel {
        id: Set(Uuid::now_v7()),
        subject_id: Set(subject_id),
        kind: Set(kind.as_str().to_string()),
        channel: Set(channel.as_str().to_string()),
        received_at: Set(received_at),
        due_at: Set(ResponseDeadline::for_request_received(received_at).at()),
        completed_at: Set(completed_at),
        recipients: Set(recipients),
    };
    Ok(row.insert(db).await?)
}
