//! Gateway: PostgreSQL tells every API instance what its in-process caches must forget (`cogo_kernel::changes`).
//! Triggers, not application code, send the notifications, so a change is heard whoever makes it: any instance,
//! the CLI, a cascade (an erased account's sessions), or an administrator in `psql`. Payloads carry ids, never
//! personal data. SQLite has one process on its file, which publishes its own changes: nothing to do there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend};

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE FUNCTION cogo_notify_sessions_ended() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('cogo_changes', 'sessions_ended:' || OLD.user_id::text);
       RETURN NULL;
     END $$",
    // An update that revokes, or any delete (log-out, password change, token reuse, erasure's cascade, purge).
    "CREATE TRIGGER sessions_ended AFTER UPDATE OF revoked_at OR DELETE ON sessions
     FOR EACH ROW EXECUTE FUNCTION cogo_notify_sessions_ended()",
    "CREATE FUNCTION cogo_notify_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('cogo_changes', 'policy');
       RETURN NULL;
     END $$",
    "CREATE TRIGGER policy_changed AFTER INSERT OR UPDATE OR DELETE ON privacy_policy_versions
     FOR EACH STATEMENT EXECUTE FUNCTION cogo_notify_policy_changed()",
    "CREATE FUNCTION cogo_notify_partner_changed() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('cogo_changes', 'partner:' || (CASE TG_OP WHEN 'DELETE' THEN OLD.id ELSE NEW.id END)::text);
       RETURN NULL;
     END $$",
    "CREATE TRIGGER partner_changed AFTER INSERT OR UPDATE OR DELETE ON partners
     FOR EACH ROW EXECUTE FUNCTION cogo_notify_partner_changed()",
    "CREATE FUNCTION cogo_notify_user_changed() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('cogo_changes', 'user:' || OLD.id::text);
       RETURN NULL;
     END $$",
    "CREATE TRIGGER user_changed AFTER UPDATE OR DELETE ON users
     FOR EACH ROW EXECUTE FUNCTION cogo_notify_user_changed()",
    "CREATE FUNCTION cogo_notify_points_changed() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('cogo_changes', 'points:' || (CASE TG_OP WHEN 'DELETE' THEN OLD.user_id ELSE NEW.user_id END)::text);
       RETURN NULL;
     END $$",
    "CREATE TRIGGER points_changed AFTER INSERT OR UPDATE OR DELETE ON point_balances
     FOR EACH ROW EXECUTE FUNCTION cogo_notify_points_changed()",
    "CREATE FUNCTION cogo_notify_recruits_changed() RETURNS trigger LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_notify('cogo_changes', 'recruits:' || (CASE TG_OP WHEN 'DELETE' THEN OLD.recruiter_id ELSE NEW.recruiter_id END)::text);
       RETURN NULL;
     END $$",
    "CREATE TRIGGER recruits_changed AFTER INSERT OR UPDATE OR DELETE ON referrals
     FOR EACH ROW EXECUTE FUNCTION cogo_notify_recruits_changed()",
];

const DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS recruits_changed ON referrals",
    "DROP FUNCTION IF EXISTS cogo_notify_recruits_changed()",
    "DROP TRIGGER IF EXISTS points_changed ON point_balances",
    "DROP FUNCTION IF EXISTS cogo_notify_points_changed()",
    "DROP TRIGGER IF EXISTS user_changed ON users",
    "DROP FUNCTION IF EXISTS cogo_notify_user_changed()",
    "DROP TRIGGER IF EXISTS partner_changed ON partners",
    "DROP FUNCTION IF EXISTS cogo_notify_partner_changed()",
    "DROP TRIGGER IF EXISTS policy_changed ON privacy_policy_versions",
    "DROP FUNCTION IF EXISTS cogo_notify_policy_changed()",
    "DROP TRIGGER IF EXISTS sessions_ended ON sessions",
    "DROP FUNCTION IF EXISTS cogo_notify_sessions_ended()",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run_on_postgres(manager, DOWN).await
    }
}

async fn run_on_postgres(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for statement in statements {
        manager.get_connection().execute_unprepared(statement).await?;
    }
    Ok(())
}
