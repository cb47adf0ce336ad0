//! The retention purge (policy §4.7, §4.13–4.14, §5.7): every module deletes what may no longer be kept, in one
//! transaction, under the [`cogo_kernel::RetentionPolicy`] from settings. The server runs it on a schedule; staff can
//! run it (`runRetentionPurge`), and so can an operator (`cogo-api purge`).

use std::time::Duration;

use chrono::{DateTime, Utc};
use cogo_entities::privacy::scheduled_purge;
use cogo_kernel::{AppContext, AppError, AuditAction, AuditActor, AuditEntry, PurgeReport};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseBackend, DatabaseTransaction, EntityTrait, Statement, TransactionTrait,
};

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
    purge_unless(app, when_busy, ordered_by, None).await
}

/// The schedule's run: the purge, unless another instance is purging or the schedule ran it less than
/// [`SCHEDULE_SHARE`] of `every` ago — with several instances, each with its own timer, it runs once per period.
pub async fn run_scheduled_purge(app: &AppContext, every: Duration) -> Result<Option<PurgeReport>, AppError> {
    purge_unless(app, WhenBusy::Skip, PurgeOrderedBy::Schedule, Some(every)).await
}

/// How much of the schedule's period must have passed since its last run (anywhere) for a timer to run it again:
/// a little less than all of it, so timers that drift apart never skip a whole period.
pub const SCHEDULE_SHARE: f64 = 0.9;

async fn purge_unless(
    app: &AppContext,
    when_busy: WhenBusy,
    ordered_by: PurgeOrderedBy,
    ran_within: Option<Duration>,
) -> Result<Option<PurgeReport>, AppError> {
    let txn = app.db.begin().await?;
    if !take_purge_lock(&txn, when_busy).await? {
        txn.rollback().await?;
        return Ok(None);
    }
    let now = app.now();
    if let Some(every) = ran_within
        && !scheduled_run_due(&txn, now, every).await?
    {
        txn.rollback().await?;
        return Ok(None);
    }
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
            match run_scheduled_purge(&app, interval).await {
                Ok(Some(_)) => {}
                Ok(None) => tracing::info!("retention purge skipped: another instance is running it or just ran it"),
                Err(error) => tracing::error!(code = error.code().as_str(), "retention purge failed; retrying later"),
            }
        }
        tracing::info!("retention scheduler stopped");
    })
}

/// Whether the schedule's purge is due (none ran within [`SCHEDULE_SHARE`] of `every`); if so, records this run.
/// Called under the purge lock, so two instances never both find it due.
async fn scheduled_run_due(txn: &DatabaseTransaction, now: DateTime<Utc>, every: Duration) -> Result<bool, AppError> {
    let last = scheduled_purge::Entity::find_by_id(SCHEDULE_ROW).one(txn).await?;
    let share = chrono::Duration::from_std(every.mul_f64(SCHEDULE_SHARE)).unwrap_or(chrono::Duration::MAX);
    if last.as_ref().is_some_and(|row| now - row.last_run_at < share) {
        return Ok(false);
    }
    let row = scheduled_purge::ActiveModel { id: Set(SCHEDULE_ROW), last_run_at: Set(now) };
    scheduled_purge::Entity::insert(row)
        .on_conflict(
            OnConflict::column(scheduled_purge::Column::Id)
                .update_column(scheduled_purge::Column::LastRunAt)
                .to_owned(),
        )
        .exec(txn)
        .await?;
    Ok(true)
}

/// The one row of `scheduled_purges`.
const SCHEDULE_ROW: i32 = 1;

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
