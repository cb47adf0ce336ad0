//! Gateway: PostgreSQL tells every API instance what its in-process caches must forget (`cogo_kernel::changes`).
//! Triggers, not application code, send the notifications, so a change is heard whoever makes it: any instance,
//! the CLI, a cascade (an erased account's sessions), or an administrator in `psql`. Payloads carry ids, never
//! personal data. SQLite has one process on its file, which publishes its own changes: nothing to do there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// One trigger `name` on `table`, calling the function `cogo_notify_<name>` that sends `payload` (an SQL
/// expression) on the `cogo_changes` channel.
pub(crate) struct Notifier {
    pub name: &'static str,
    pub table: &'static str,
    pub events: &'static str,
    /// `ROW` or `STATEMENT`.
    pub each: &'static str,
    pub payload: &'static str,
}

const NOTIFIERS: &[Notifier] = &[
    // An update that revokes, or any delete (log-out, password change, token reuse, erasure's cascade, purge).
    Notifier {
        name: "sessions_ended",
        table: "sessions",
        events: "UPDATE OF revoked_at OR DELETE",
        each: "ROW",
        payload: "'sessions_ended:' || OLD.user_id::text",
    },
    Notifier {
        name: "policy_changed",
        table: "privacy_policy_versions",
        events: "INSERT OR UPDATE OR DELETE",
        each: "STATEMENT",
        payload: "'policy'",
    },
    Notifier {
        name: "partner_changed",
        table: "partners",
        events: "INSERT OR UPDATE OR DELETE",
        each: "ROW",
        payload: "'partner:' || (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text",
    },
    Notifier {
        name: "user_changed",
        table: "users",
        events: "UPDATE OR DELETE",
        each: "ROW",
        payload: "'user:' || OLD.id::text",
    },
    Notifier {
        name: "points_changed",
        table: "point_balances",
        events: "INSERT OR UPDATE OR DELETE",
        each: "ROW",
        payload: "'points:' || (CASE TG_OP WHEN 'DELETE' THEN OLD.user_id ELSE NEW.user_id END)::text",
    },
    Notifier {
        name: "recruits_changed",
        table: "referrals",
        events: "INSERT OR UPDATE OR DELETE",
        each: "ROW",
        payload: "'recruits:' || (CASE TG_OP WHEN 'DELETE' THEN OLD.recruiter_id ELSE NEW.recruiter_id END)::text",
    },
];

impl Notifier {
    pub(crate) fn create_statements(&self) -> [String; 2] {
        let Self { name, table, events, each, payload } = self;
        [
            format!(
                "CREATE FUNCTION cogo_notify_{name}() RETURNS trigger LANGUAGE plpgsql AS $$
                 BEGIN
                   PERFORM pg_notify('cogo_changes', {payload});
                   RETURN NULL;
                 END $$"
            ),
            format!(
                "CREATE TRIGGER {name} AFTER {events} ON {table} FOR EACH {each} EXECUTE FUNCTION cogo_notify_{name}()"
            ),
        ]
    }

    pub(crate) fn drop_statements(&self) -> [String; 2] {
        let Self { name, table, .. } = self;
        [format!("DROP TRIGGER IF EXISTS {name} ON {table}"), format!("DROP FUNCTION IF EXISTS cogo_notify_{name}()")]
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, NOTIFIERS.iter().flat_map(Notifier::create_statements)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, NOTIFIERS.iter().rev().flat_map(Notifier::drop_statements)).await
    }
}

pub(crate) async fn run_on_postgres(
    manager: &SchemaManager<'_>,
    statements: impl Iterator<Item = String>,
) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for statement in statements {
        manager.get_connection().execute_unprepared(&statement).await?;
    }
    Ok(())
}
