//! `AccountClosing` — what happens to points when an account is erased (policy §4.13–4.14): the ledger is
//! bookkeeping (Bokföringslagen) and stays under the pseudonymous account id, and the remaining balance is
//! forfeited by a closing entry, so the closed account's ledger still sums to its balance (zero).

use chrono::{DateTime, Utc};
use cogo_entities::points::{balance, ledger_entry};
use cogo_kernel::AppError;
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait, Query},
};
use uuid::Uuid;

use crate::kind::EntryKind;
use crate::service::{self, Movement};

/// The closing entry's text: it names no one.
pub const FORFEIT_DESCRIPTION: &str = "Account closed: remaining points forfeited";

/// Ids whose bookkeeping is purged in one statement (far below both databases' parameter limits).
const PURGE_BATCH: usize = 500;

/// The closing entry's unique reference: closing twice writes nothing the second time.
pub fn closing_reference(user_id: Uuid) -> String {
    format!("account-closed:{user_id}")
}

/// Closes the account's books. A remaining balance is forfeited by an `ACCOUNT_CLOSED` debit through the ordinary
/// debit path; the balance row stays at zero beside the ledger. An account with nothing left cannot get a closing
/// entry (a ledger entry is never zero), so its balance row — zero, and derivable from the ledger — is removed
/// instead: a ledger without a balance row is a closed account's (an open account's first credit creates its row).
pub async fn close_account(txn: &DatabaseTransaction, user_id: Uuid, at: DateTime<Utc>) -> Result<(), AppError> {
    let already_closed = ledger_entry::Entity::find()
        .filter(ledger_entry::Column::Reference.eq(closing_reference(user_id)))
        .one(txn)
        .await?
        .is_some();
    if already_closed {
        return Ok(());
    }
    let remaining = service::balance_of(txn, user_id).await?.balance;
    if remaining > 0 {
        let movement = Movement {
            user_id,
            kind: EntryKind::AccountClosed,
            amount: remaining,
            description: FORFEIT_DESCRIPTION.into(),
            reference: closing_reference(user_id),
        };
        service::debit(txn, at, movement).await?;
    } else {
        balance::Entity::delete_by_id(user_id).exec(txn).await?;
    }
    Ok(())
}

/// Deletes the ledger entries and balance rows of accounts closed before `closed_before` (bookkeeping is kept
/// `bookkeeping_years`, policy §4.13) and returns how many rows went: accounts whose `ACCOUNT_CLOSED` entry is that
/// old, and accounts closed with nothing left (a ledger without a balance row) whose newest entry is that old.
///
/// Only closed accounts are purged: the ledger of an open account is never shortened, however old its entries,
/// because its balance is the sum of its entries.
pub async fn purge_closed_books(txn: &DatabaseTransaction, closed_before: DateTime<Utc>) -> Result<u64, AppError> {
    let mut closed: Vec<Uuid> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::UserId)
        .filter(ledger_entry::Column::Kind.eq(EntryKind::AccountClosed.as_str()))
        .filter(ledger_entry::Column::CreatedAt.lt(closed_before))
        .into_tuple()
        .all(txn)
        .await?;
    let has_balance_row = Query::select()
        .expr(Expr::val(1))
        .from(balance::Entity)
        .and_where(
            Expr::col((balance::Entity, balance::Column::UserId))
                .equals((ledger_entry::Entity, ledger_entry::Column::UserId)),
        )
        .to_owned();
    let closed_empty: Vec<Uuid> = ledger_entry::Entity::find()
        .select_only()
        .column(ledger_entry::Column::UserId)
        .filter(Expr::exists(has_balance_row).not())
        .group_by(ledger_entry::Column::UserId)
        .having(Expr::col(ledger_entry::Column::CreatedAt).max().lt(closed_before))
        .into_tuple()
        .all(txn)
        .await?;
    closed.extend(closed_empty);
    let mut deleted = 0;
    for ids in closed.chunks(PURGE_BATCH) {
        deleted += ledger_entry::Entity::delete_many()
            .filter(ledger_entry::Column::UserId.is_in(ids.iter().copied()))
            .exec(txn)
            .await?
            .rows_affected;
        deleted += balance::Entity::delete_many()
            .filter(balance::Column::UserId.is_in(ids.iter().copied()))
            .exec(txn)
            .await?
            .rows_affected;
    }
    Ok(deleted)
}
