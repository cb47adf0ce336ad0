//! The retention purge (policy §4.7, §4.13–4.14, §5.7): every module deletes what may no longer be kept, in one
//! transaction, under the [`cogo_kernel::RetentionPolicy`] from settings. The server runs it on a schedule; staff can
//! run it (`runRetentionPurge`), and so can an operator (`cogo-api purge`).

use std::time::Duration;

use cogo_kernel::{AppContext, AppError, AuditAction, AuditActor, AuditEntry, PurgeReport};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseTransaction, Statement, TransactionTrait};

/// The PostgreSQL advisory-lock key of the purge ("cogo-purge" in ASCII): one instance purges at a time.
pub const PURGE_LOCK_KEY: i64 = 0x636f_676f_7075_7267;

pub const RETENTION_PURGE_RUN: AuditAction = AuditAction("RETENTION_PURGE_RUN");

/// Who asked for a purge: the schedule (the server itself), or a person — staff through the API or an operator on
/// the command line — whose run goes into the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PurgeOrderedBy {
    Schedule,
    Person { actor: AuditActor, request_id: Option<String> },
}

/// Whether to wait for another instance's purge to finish, or to leave the work to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenBusy {
    Wait,
    Skip,
}

/// Runs every module's purge at the clock's now. `None` if another instance was purging and `when_busy` is `Skip`.
pub async fn run_purge(
    app: &AppContext,
    when_busy: WhenBusy,
    ordered_by: PurgeOrderedBy,
) -> Result<Option<PurgeReport>, AppError> {
    let txn = app.db.begin().await?;
    if !take_purge_lock(&txn, when_busy).await? {
        txn.rollback().await?;
        return Ok(None);
    }
    let now = app.now();
    let report = app.hooks.purge_expired(&txn, now, &app.retention).await?;
    if let PurgeOrderedBy::Person { actor, request_id } = ordered_by {
        let entry = AuditEntry { actor, action: RETENTION_PURGE_RUN, subject: None, request_id, at: now };
        app.hooks.audit(&txn, entry).await?;
    }
    txn.commit().await?;
    let counts: Vec<String> = report.iter().map(|(kind, count)| format!("{kind}={count}")).collect();
    tracing::info!(removed = report.total(), counts = %counts.join(" "), "retention purge done");
    Ok(Some(report))
}

/// Runs the purge every `interval`, the first time a minute after start. Errors are logged and retried next time.
pub fn spawn_scheduler(app: AppContext, interval: Duration) -> tokio::task::JoinHandle<()> {
    spawn_scheduler_until(app, interval, std::future::pending())
}

/// As [`spawn_scheduler`], until `stop` completes (the server is shutting down). A purge that has begun runs to its
/// end, so shutdown never cuts one short by choice; the task then ends on its own.
pub fn spawn_scheduler_until(
    app: AppContext,
    interval: Duration,
    stop: impl Future<Output = ()> + Send + 'static,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tokio::pin!(stop);
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs(60).min(interval)) => {}
            () = &mut stop => {
                tracing::info!("retention scheduler stopped");
                return;
            }
        }
        let mut ticks = tokio::time::interval(interval);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = &mut stop => break,
            }
            match run_purge(&app, WhenBusy::Skip, PurgeOrderedBy::Schedule).await {
                Ok(Some(_)) => {}
                Ok(None) => tracing::info!("retention purge skipped: another instance is running it"),
                Err(error) => tracing::error!(code = error.code().as_str(), "retention purge failed; retrying later"),
            }
        }
        tracing::info!("retention scheduler stopped");
    })
}

/// On PostgreSQL a transaction-scoped advisory lock (released at commit or rollback), so several API instances
/// never purge at once. SQLite has one writer anyway.
async fn take_purge_lock(txn: &DatabaseTransaction, when_busy: WhenBusy) -> Result<bool, AppError> {
    if txn.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(true);
    }
    let sql = match when_busy {
        WhenBusy::Wait => "SELECT pg_advisory_xact_lock($1) IS NOT NULL AS locked",
        WhenBusy::Skip => "SELECT pg_try_advisory_xact_lock($1) AS locked",
    };
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, [PURGE_LOCK_KEY.into()]))
        .await?
        .ok_or_else(|| AppError::internal("advisory lock query returned no row"))?;
    Ok(row.try_get::<bool>("", "locked")?)
}
