//! Access and portability (GDPR art. 15, 20; policy §6.1): one document with everything held about a person, from
//! every module's export hook. Each export by the person is logged in the request register.

use chrono::{DateTime, Utc};
use cogo_kernel::{AppContext, AppError, AuditAction, AuditSubject, DataSubjectRequestKind, ExportWriter, Staff};
use sea_orm::{DatabaseTransaction, TransactionTrait};
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tracing::Instrument;
use uuid::Uuid;

use crate::{domain::EXPORT_FORMAT, service::register};

pub const USER_DATA_EXPORTED: AuditAction = AuditAction("USER_DATA_EXPORTED");

/// Chunks in flight between the export and its spool file, and between the file and the reader: bounds the memory
/// an export holds.
const STREAM_CHUNKS_IN_FLIGHT: usize = 4;
/// The size of the chunks sent to the reader.
const SEND_CHUNK_BYTES: usize = 64 * 1024;

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
    logged_export(app, user_id, reason, ExportWriter::collecting()).await
}

/// Writes the caller's export into `out` and logs the request, in one transaction: the request is in the register
/// exactly when the whole document was written. Returns what `out` kept (all of it, or nothing when streaming).
async fn logged_export(
    app: &AppContext,
    user_id: Uuid,
    reason: ExportReason,
    mut out: ExportWriter,
) -> Result<Vec<u8>, AppError> {
    let txn = app.db.begin().await?;
    let now = app.now();
    register::record_completed_in_app(&txn, user_id, reason.request_kind(), now).await?;
    write_document(app, &txn, user_id, now, &mut out).await?;
    let document = out.finish().await?;
    txn.commit().await?;
    Ok(document)
}

/// The caller's own export, streamed. The modules write the document into a spool file (removed from the
/// directory as soon as it is created, so only this task can read it) inside one short transaction; the file is
/// then sent on in chunks. An account of any size thus exports in bounded memory, and a slow download never holds
/// a transaction (on SQLite: the one connection). The request is logged with the export; if writing the export
/// fails, nothing is logged and the reader gets an empty body, never a partial document that looks whole.
pub fn stream_own_export(app: AppContext, user_id: Uuid, reason: ExportReason) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel(STREAM_CHUNKS_IN_FLIGHT);
    let task = async move {
        match spool(&app, user_id, reason).await {
            Ok(file) => send_file(file, sender).await,
            Err(error) => tracing::warn!(code = error.code().as_str(), "a streamed data export failed"),
        }
    };
    tokio::spawn(task.instrument(tracing::Span::current()));
    receiver
}

/// Writes the whole document into an anonymous spool file and returns it, rewound.
async fn spool(app: &AppContext, user_id: Uuid, reason: ExportReason) -> Result<tokio::fs::File, AppError> {
    let mut file = anonymous_spool_file().await?;
    let (sender, mut chunks) = mpsc::channel::<Vec<u8>>(STREAM_CHUNKS_IN_FLIGHT);
    let export = logged_export(app, user_id, reason, ExportWriter::streaming(sender));
    let write = async {
        while let Some(chunk) = chunks.recv().await {
            file.write_all(&chunk).await.map_err(AppError::internal)?;
        }
        Ok::<(), AppError>(())
    };
    let (exported, written) = tokio::join!(export, write);
    exported?;
    written?;
    file.flush().await.map_err(AppError::internal)?;
    file.seek(std::io::SeekFrom::Start(0)).await.map_err(AppError::internal)?;
    Ok(file)
}

/// A new file in the temporary directory, readable by this process only and unlinked at once: it disappears with
/// its last handle, whatever happens to the task.
async fn anonymous_spool_file() -> Result<tokio::fs::File, AppError> {
    let path = std::env::temp_dir().join(format!("cogo-export-{}.json", Uuid::new_v4().simple()));
    let mut options = tokio::fs::OpenOptions::new();
    options.read(true).write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let file = options.open(&path).await.map_err(AppError::internal)?;
    tokio::fs::remove_file(&path).await.map_err(AppError::internal)?;
    Ok(file)
}

async fn send_file(mut file: tokio::fs::File, sender: mpsc::Sender<Vec<u8>>) {
    loop {
        let mut chunk = vec![0; SEND_CHUNK_BYTES];
        match file.read(&mut chunk).await {
            Ok(0) => return,
            Ok(read) => {
                chunk.truncate(read);
                if sender.send(chunk).await.is_err() {
                    return; // The reader went away.
                }
            }
            Err(error) => {
                tracing::warn!(%error, "a spooled data export could not be read back");
                return;
            }
        }
    }
}

/// A person's export for staff answering a request received by e-mail or letter (the request itself is in the
/// register already). `NOT_FOUND` unless the account is open. Audit-logged.
pub async fn staff_export(app: &AppContext, staff: &Staff, subject_id: Uuid) -> Result<Vec<u8>, AppError> {
    let txn = app.db.begin().await?;
    if !app.hooks.accounts()?.is_open(&txn, subject_id).await? {
        return Err(AppError::NotFound("user"));
    }
    let mut out = ExportWriter::collecting();
    write_document(app, &txn, subject_id, app.now(), &mut out).await?;
    let document = out.finish().await?;
    app.hooks.audit(&txn, staff.did(USER_DATA_EXPORTED, Some(AuditSubject::user(subject_id)), app.now())).await?;
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
