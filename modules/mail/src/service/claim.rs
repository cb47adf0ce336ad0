//! Claiming due mails, so that of several instances on one database exactly one sends each mail.
//!
//! A claim is a lease written in a short transaction: `claimed_by` (the sender's id) and `claimed_until`. On
//! PostgreSQL the due rows are picked with `FOR UPDATE SKIP LOCKED`, so instances claiming at the same moment take
//! different rows instead of waiting for each other; once the claim commits, the lease keeps the rows out of every
//! other instance's picks. An instance that dies holding a lease loses it when it runs out, and another instance
//! takes the mails over (one that died after the server accepted a mail but before recording it sends it again: the
//! Message-ID shows it is the same mail).

use chrono::{DateTime, Duration, Utc};
use cogo_entities::mail::outbox_mail::{self, Column};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
    sea_query::{Expr, LockBehavior, LockType},
};
use uuid::Uuid;

use crate::domain::DeliveryStatus;

/// How long a claim holds. Far longer than a batch takes to send ([`BATCH`] mails, each at most a minute), and
/// the sender stops sending a batch whose lease is about to run out ([`LEASE_MARGIN`]).
pub const LEASE: Duration = Duration::minutes(15);

/// What must be left of a lease to start sending one more mail of the batch.
pub const LEASE_MARGIN: Duration = Duration::minutes(2);

/// Mails claimed at once.
pub const BATCH: u64 = 10;

/// Claims up to [`BATCH`] due mails for `sender` at `now`, oldest due first.
pub async fn claim_due(
    db: &DatabaseConnection,
    sender: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<outbox_mail::Model>, DbErr> {
    let txn = db.begin().await?;
    let mut due = outbox_mail::Entity::find()
        .select_only()
        .column(Column::Id)
        .filter(Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .filter(Column::NextAttemptAt.lte(now))
        .filter(unclaimed_at(now))
        .order_by_asc(Column::NextAttemptAt)
        .order_by_asc(Column::Id)
        .limit(BATCH);
    if txn.get_database_backend() == DbBackend::Postgres {
        due = due.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
    }
    let ids: Vec<Uuid> = due.into_tuple().all(&txn).await?;
    if ids.is_empty() {
        txn.commit().await?;
        return Ok(Vec::new());
    }
    // The conditions again: on SQLite (no row locks) another process may have claimed a row since the pick.
    let mut claimed = outbox_mail::Entity::update_many()
        .col_expr(Column::ClaimedBy, Expr::value(sender))
        .col_expr(Column::ClaimedUntil, Expr::value(now + LEASE))
        .filter(Column::Id.is_in(ids))
        .filter(Column::Status.eq(DeliveryStatus::Pending.as_str()))
        .filter(unclaimed_at(now))
        .exec_with_returning(&txn)
        .await?;
    txn.commit().await?;
    claimed.sort_by_key(|mail| (mail.next_attempt_at, mail.id));
    Ok(claimed)
}

/// Gives back the claims `sender` still holds on `ids` (a batch cut short), so they are due again at once.
pub async fn release(db: &DatabaseConnection, sender: Uuid, ids: Vec<Uuid>) -> Result<(), DbErr> {
    if ids.is_empty() {
        return Ok(());
    }
    outbox_mail::Entity::update_many()
        .col_expr(Column::ClaimedBy, Expr::value(Option::<Uuid>::None))
        .col_expr(Column::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Column::Id.is_in(ids))
        .filter(Column::ClaimedBy.eq(sender))
        .exec(db)
        .await?;
    Ok(())
}

/// Nobody holds the mail at `now`: never claimed, released, or the lease ran out.
fn unclaimed_at(now: DateTime<Utc>) -> Condition {
    Condition::any().add(Column::ClaimedUntil.is_null()).add(Column::ClaimedUntil.lt(now))
}
