//! Referrals module: referral rewards paid before the reward got its own id carry the recruit's user id in their
//! ledger reference (`referral-reward:recruiter:<recruit id>`, `referral-reward:recruit:<recruit id>`). The ledger
//! is kept for bookkeeping after an erasure (§4.13), so those references would still name an erased recruit next
//! to their recruiter's account. Each is rewritten to the same prefix followed by a fresh random id (32 hex
//! digits), one per row.
//!
//! The prefixes stay: the monthly cap counts a recruiter's rewards by them. The references stay unique (128 random
//! bits per row) and nothing else reads them: the claim on the referral row, not the reference, makes a reward
//! happen once. Rewards written since carry a random id already; rewriting them too changes nothing that matters
//! and keeps the statement simple. There is no way back: `down` leaves the references as they are.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// The reference prefixes of the two entries of a referral reward (recruiter's, recruit's).
pub const REFERENCE_PREFIXES: [&str; 2] = ["referral-reward:recruiter:", "referral-reward:recruit:"];

/// A fresh random id per row, as 32 lower-case hex digits, in the backend's SQL. PostgreSQL has had
/// `gen_random_uuid()` built in since version 13 (no extension needed).
pub fn random_id_sql(backend: DatabaseBackend) -> &'static str {
    match backend {
        DatabaseBackend::Postgres => "replace(gen_random_uuid()::text, '-', '')",
        _ => "lower(hex(randomblob(16)))",
    }
}

/// Rewrites every referral-reward reference with `prefix` to `prefix` and a fresh random id; the number of rows.
pub async fn rewrite_references(db: &impl ConnectionTrait, prefix: &str) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let (first, second) = match backend {
        DatabaseBackend::Postgres => ("$1", "$2"),
        _ => ("?", "?"),
    };
    let sql = format!(
        "UPDATE point_ledger_entries SET reference = {first} || {random} \
         WHERE kind = 'REFERRAL_REWARD' AND reference LIKE {second}",
        random = random_id_sql(backend),
    );
    let statement = Statement::from_sql_and_values(backend, sql, [prefix.into(), format!("{prefix}%").into()]);
    Ok(db.execute_raw(statement).await?.rows_affected())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        for prefix in REFERENCE_PREFIXES {
            rewrite_references(db, prefix).await?;
        }
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The recruit ids are gone on purpose; the new references work with the old code as well.
        Ok(())
    }
}
