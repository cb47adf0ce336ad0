//! The points service other modules call. Every function takes the caller's transaction, so a credit or debit
//! commits or rolls back with the rest of the request.

use chrono::{DateTime, Utc};
use cogo_entities::points::{balance, ledger_entry};
use cogo_kernel::{
    AppError, Change, DomainEvent, Hooks, after_commit,
    pagination::{PageRequest, newest_first_page},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, TransactionTrait,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::kind::EntryKind;

/// A movement of points. `reference` identifies it for idempotency (e.g. `walking:<user>:<sync>`,
/// `offer-unlock:<redemption>`): writing the same reference twice changes nothing the second time.
#[derive(Debug, Clone)]
pub struct Movement {
    pub user_id: Uuid,
    pub kind: EntryKind,
    /// Always positive; `credit` adds it, `debit` subtracts it.
    pub amount: i64,
    pub description: String,
    pub reference: String,
}

/// What a credit or debit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Written; the balance after it.
    Recorded { balance: i64 },
    /// This reference was written before; nothing changed.
    AlreadyRecorded,
}

/// A user's points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Balance {
    pub balance: i64,
    pub lifetime_earned: i64,
}

/// Adds points, and tells the other modules (`PointsCredited`, e.g. for referral rewards) in the same transaction.
pub async fn credit(
    txn: &DatabaseTransaction,
    hooks: &Hooks,
    now: DateTime<Utc>,
    movement: Movement,
) -> Result<Outcome, AppError> {
    let amount = positive(&movement)?;
    // A savepoint: even a caller that swallows our error keeps the ledger and the balance in step.
    let savepoint = txn.begin().await?;
    let txn = &savepoint;
    if !append_entry(txn, &movement, amount, now).await? {
        return Ok(Outcome::AlreadyRecorded);
    }
    ensure_balance_row(txn, movement.user_id, now).await?;
    balance::Entity::update_many()
        .col_expr(balance::Column::Balance, Expr::col(balance::Column::Balance).add(amount))
        .col_expr(balance::Column::LifetimeEarned, Expr::col(balance::Column::LifetimeEarned).add(amount))
        .col_expr(balance::Column::UpdatedAt, Expr::value(now))
        .filter(balance::Column::UserId.eq(movement.user_id))
        .exec(txn)
        .await?;
    let event =
        DomainEvent::PointsCredited { user_id: movement.user_id, kind: movement.kind.as_str(), amount, at: now };
    hooks.publish(txn, &event).await?;
    let after = balance_of(txn, movement.user_id).await?.balance;
    savepoint.commit().await?;
    after_commit(Change::PointsChanged { user_id: movement.user_id });
    Ok(Outcome::Recorded { balance: after })
}

/// Spends points: `INSUFFICIENT_POINTS` when the balance does not cover them (the caller's transaction then rolls
/// back, so nothing is written). Safe under concurrency: the balance is lowered by one conditional UPDATE, which
/// PostgreSQL serialises on the row and re-checks after a competing debit commits, so two debits can never spend
/// the same points.
pub async fn debit(txn: &DatabaseTransaction, now: DateTime<Utc>, movement: Movement) -> Result<Outcome, AppError> {
    let amount = positive(&movement)?;
    let savepoint = txn.begin().await?;
    let txn = &savepoint;
    if !append_entry(txn, &movement, -amount, now).await? {
        return Ok(Outcome::AlreadyRecorded);
    }
    let lowered = balance::Entity::update_many()
        .col_expr(balance::Column::Balance, Expr::col(balance::Column::Balance).sub(amount))
        .col_expr(balance::Column::UpdatedAt, Expr::value(now))
        .filter(balance::Column::UserId.eq(movement.user_id))
        .filter(balance::Column::Balance.gte(amount))
        .exec(txn)
        .await?;
    if lowered.rows_affected == 0 {
        let available = balance_of(txn, movement.user_id).await?.balance;
        return Err(AppError::InsufficientPoints { balance: available, required: amount });
    }
    let after = balance_of(txn, movement.user_id).await?.balance;
    savepoint.commit().await?;
    after_commit(Change::PointsChanged { user_id: movement.user_id });
    Ok(Outcome::Recorded { balance: after })
}

/// The user's balance (zero for a user who never earned anything).
pub async fn balance_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Balance, AppError> {
    Ok(balance::Entity::find_by_id(user_id)
        .one(db)
        .await?
        .map(|row| Balance { balance: row.balance, lifetime_earned: row.lifetime_earned })
        .unwrap_or_default())
}

/// Total walking points a user has ever earned (referral rewards wait for the first few of these).
pub async fn walking_points_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<i64, AppError> {
    let entries = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::UserId.eq(user_id))
        .filter(ledger_entry::Column::Kind.eq(EntryKind::Walking.as_str()))
        .all(db)
        .await?;
    Ok(entries.iter().map(|entry| entry.amount).sum())
}

/// One page of a user's ledger, newest first.
pub async fn ledger_page(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    page: &PageRequest,
) -> Result<Vec<ledger_entry::Model>, AppError> {
    let query = ledger_entry::Entity::find().filter(ledger_entry::Column::UserId.eq(user_id));
    newest_first_page(db, query, ledger_entry::Column::CreatedAt, ledger_entry::Column::Id, page).await
}

/// How many entries of `kind` whose reference starts with `reference_prefix` a user received in `[from, until)`.
/// The ledger outlives what it paid for (e.g. an erased recruit), so counts that cap rewards come from here.
pub async fn count_entries(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    kind: EntryKind,
    reference_prefix: &str,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<u64, AppError> {
    Ok(ledger_entry::Entity::find()
        .filter(ledger_entry::Column::UserId.eq(user_id))
        .filter(ledger_entry::Column::Kind.eq(kind.as_str()))
        .filter(ledger_entry::Column::Reference.starts_with(reference_prefix))
        .filter(ledger_entry::Column::CreatedAt.gte(from))
        .filter(ledger_entry::Column::CreatedAt.lt(until))
        .count(db)
        .await?)
}

fn positive(movement: &Movement) -> Result<i64, AppError> {
    if movement.amount <= 0 {
        return Err(AppError::internal(format!("points movement of {} is not positive", movement.amount)));
    }
    Ok(movement.amount)
}

/// Appends the ledger entry unless its reference exists; `false` means it was there already.
async fn append_entry(
    txn: &DatabaseTransaction,
    movement: &Movement,
    signed_amount: i64,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let inserted = ledger_entry::Entity::insert(ledger_entry::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(movement.user_id),
        kind: Set(movement.kind.as_str().to_string()),
        amount: Set(signed_amount),
        description: Set(movement.description.chars().take(200).collect()),
        reference: Set(movement.reference.clone()),
        created_at: Set(now),
    })
    .on_conflict_do_nothing_on([ledger_entry::Column::Reference])
    .exec(txn)
    .await?;
    Ok(matches!(inserted, sea_orm::TryInsertResult::Inserted(_)))
}

async fn ensure_balance_row(txn: &DatabaseTransaction, user_id: Uuid, now: DateTime<Utc>) -> Result<(), AppError> {
    balance::Entity::insert(balance::ActiveModel {
        user_id: Set(user_id),
        balance: Set(0),
        lifetime_earned: Set(0),
        updated_at: Set(now),
    })
    .on_conflict_do_nothing_on([balance::Column::UserId])
    .exec(txn)
    .await?;
    Ok(())
}
