//! Access and portability (GDPR art. 15, 20; policy §6.1): one document with everything held about a person, from
//! every module's export hook. Each export by the person is logged in the request register.

use chrono::{DateTime, Utc};
use cogo_kernel::{AppContext, AppError, DataSubjectRequestKind, ExportWriter};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::{domain::EXPORT_FORMAT, service::register};

/// Chunks in flight between the export and a slow reader: bounds the memory an export can hold.
const STREAM_CHUNKS_IN_FLIGHT: usize = 4;

/// Why the export is made: a register extract (art. 15) or the data to take elsewhere (art. 20). The document
/// is the same; the register records which right was exercised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportReason {
    Access,
    Portability,
}

impl ExportReason {
    fn request_kind(self) -> DataSubjectRequestKind {
        match self {
            ExportReason::Access => DataSubjectRequestKind::Access,
            ExportReason::Portability => DataSubjectRequestKind::Portability,
        }
    }
}

/// The caller's own export, whole, for the GraphQL field. The request is logged (complete at once).
pub async fn own_export(app: &AppContext, user_id: Uuid, reason: ExportReason) -> Result<Vec<u8>, AppError> {
    let txn = app.db.begin().await?;
    let now = app.now();
    register::record_completed_in_app(&txn, user_id, reason.request_kind(), now).await?;
    let mut out = ExportWriter::collecting();
    write_document(app, &txn, user_id, now, &mut out).await?;
    let document = out.finish().await?;
    txn.commit().await?;
    Ok(document)
}

/// The caller's own export, streamed: the document is sent on in chunks while the modules page through their
/// tables, so an account of any size exports in bounded memory. The request is logged once the whole document
/// was written; if the reader goes away first, nothing is logged.
pub fn stream_own_export(app: AppContext, user_id: Uuid, reason: ExportReason) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel(STREAM_CHUNKS_IN_FLIGHT);
    tokio::spawn(async move {
        if let Err(error) = stream(&app, user_id, reason, sender).await {
            // The reader sees a cut-off document (not valid JSON), never a partial one that looks whole.
            tracing::warn!(code = error.code().as_str(), "a streamed data export stopped early");
        }
    });
    receiver
}

async fn stream(
    app: &AppContext,
    user_id: Uuid,
    reason: ExportReason,
    sender: mpsc::Sender<Vec<u8>>,
) -> Result<(), AppError> {
    let txn = app.db.begin().await?;
    let now = app.now();
    register::record_completed_in_app(&txn, user_id, reason.request_kind(), now).await?;
    let mut out = ExportWriter::streaming(sender);
    write_document(app, &txn, user_id, now, &mut out).await?;
    out.finish().await?;
    txn.commit().await?;
    Ok(())
}

/// A person's export for staff answering a request received by e-mail or letter (the request itself is in the
/// register already). `NOT_FOUND` unless the account is open.
pub async fn staff_export(app: &AppContext, subject_id: Uuid) -> Result<Vec<u8>, AppError> {
    let txn = app.db.begin().await?;
    if !app.hooks.accounts()?.is_open(&txn, subject_id).await? {
        return Err(AppError::NotFound("user"));
    }
    let mut out = ExportWriter::collecting();
    write_document(app, &txn, subject_id, app.now(), &mut out).await?;
    let document = out.finish().await?;
    txn.commit().await?;
    Ok(document)
}

async fn write_document(
    app: &AppContext,
    txn: &DatabaseTransaction,
    subject_id: Uuid,
    now: DateTime<Utc>,
    out: &mut ExportWriter,
) -> Result<(), AppError> {
    out.field("format", &EXPORT_FORMAT).await?;
    out.field("exportedAt", &now).await?;
    out.field("subjectId", &subject_id).await?;
    app.hooks.export_user_data(txn, subject_id, out).await
}
