//! Connecting to SQLite or PostgreSQL and applying the migrations.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use cogo_migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

use crate::settings::{Settings, UrlRedactor};

/// Opens the database (creating a SQLite file if needed) and migrates it to the latest schema.
pub async fn connect_and_migrate(settings: &Settings) -> Result<DatabaseConnection, String> {
    let db = connect(settings).await?;
    let redactor = UrlRedactor::new(&settings.database_url);
    Migrator::up(&db, None).await.map_err(|e| redactor.scrub(&format!("migration failed: {e}")))?;
    Ok(db)
}

/// How long a request waits for SQLite's single connection (sqlx's default acquire timeout).
const SQLITE_WRITER_QUEUE_TIMEOUT: Duration = Duration::from_secs(30);

/// Every error names the database only with its password masked: a driver's message may quote the URL.
pub async fn connect(settings: &Settings) -> Result<DatabaseConnection, String> {
    let redactor = UrlRedactor::new(&settings.database_url);
    let sqlite = settings.database_url.starts_with("sqlite:");
    let mut options = ConnectOptions::new(settings.database_url.clone());
    // Every acquire pings the connection first (sqlx's default, kept on purpose): a connection the server closed
    // (restart, `pg_terminate_backend`, a proxy's idle cut) is replaced instead of failing the request.
    options.sqlx_logging(false).acquire_timeout(settings.faults.db_acquire_timeout).test_before_acquire(true);
    if sqlite {
        // SQLite allows one writer at a time; a single connection serialises transactions instead of failing
        // them with SQLITE_BUSY. PostgreSQL is the database for concurrent production load.
        // Waiting for that one connection is queueing behind the writer, not an outage: wait as long as sqlx would.
        options.max_connections(1).min_connections(1).acquire_timeout(SQLITE_WRITER_QUEUE_TIMEOUT);
    } else {
        options.max_connections(settings.db_max_connections).min_connections(1);
    }
    let db = Database::connect(options)
        .await
        .map_err(|e| redactor.scrub(&format!("cannot connect to {}: {e}", redactor.redacted_url())))?;
    if db.get_database_backend() == DbBackend::Sqlite {
        for pragma in ["PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"] {
            db.execute_unprepared(pragma)
                .await
                .map_err(|e| redactor.scrub(&format!("cannot configure SQLite: {e}")))?;
        }
    }
    Ok(db)
}

/// Counts the SQL statements sent through a connection (and its transactions). Tests read it before and after a
/// request to show that a list's cost does not grow with its page size (DataLoaders batch).
#[derive(Clone, Default, Debug)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    /// Installs a counter on the connection; clones of the connection made afterwards share it.
    pub fn install(db: &mut DatabaseConnection) -> Self {
        let counter = Self::default();
        let count = counter.0.clone();
        db.set_metric_callback(move |_| {
            count.fetch_add(1, Ordering::Relaxed);
        });
        counter
    }

    /// Statements sent so far.
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}
