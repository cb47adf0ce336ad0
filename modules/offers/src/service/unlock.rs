//! Unlocking an offer with points (§4.6, §5.9): one transaction that takes a unit of stock, counts the unlock
//! against the per-user limit, writes the redemption and debits the points — all or nothing. A one-time unlock
//! also shares the customer's name and e-mail with the partner: refused while processing is restricted (art. 18),
//! snapshotted on the redemption and logged as a disclosure (art. 19).

use chrono::{DateTime, Utc};
use cogo_entities::offers::{disclosure, offer, redemption, unlock_count};
use cogo_kernel::{Actor, AppContext, AppError, Change, after_commit};
use cogo_points::{
    EntryKind,
    service::{self as points, Movement, Outcome},
};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, TransactionTrait, TryInsertResult,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use crate::domain::{OfferKind, OfferStatus, OneTimeDisclosure, RedemptionCode, RedemptionStatus};
use crate::service::unlock_requests::{self, Claim};
use crate::service::{kind_of, lists::live_at};

/// How often a fresh code is drawn when it collides with an existing one (practically never).
const CODE_ATTEMPTS: usize = 5;

/// A new redemption and the points left after paying for it.
#[derive(Debug, Clone)]
pub struct Unlocked {
    pub redemption: redemption::Model,
    pub balance: i64,
}

/// Unlocks a live offer for the actor. A draft (or unknown) offer is `NOT_FOUND`; an archived, expired, not yet
/// valid or sold-out offer and a reached per-user limit are `CONFLICT`; too few points is `INSUFFICIENT_POINTS`;
/// a one-time offer while the customer has restricted processing is `PROCESSING_RESTRICTED`. Nothing is written
/// unless everything succeeds. With an idempotency key (checked by the caller), a repeat of an unlock within 24
/// hours gets the first answer and debits nothing ([`unlock_requests`]).
// An unlock is an ordinary event: its span carries the offer, never the user (logs carry no personal data).
#[tracing::instrument(skip_all, fields(%offer_id))]
pub async fn unlock_offer(
    app: &AppContext,
    actor: &Actor,
    offer_id: Uuid,
    idempotency_key: Option<&str>,
) -> Result<Unlocked, AppError> {
    let now = app.now();
    let txn = app.db.begin().await?;
    app.hooks.accounts()?.hold_open_account(&txn, actor.user_id).await?;
    if let Some(key) = idempotency_key
        && let Claim::Replay(first) = unlock_requests::claim(&txn, actor.user_id, key, offer_id, now).await?
    {
        txn.commit().await?;
        tracing::info!("unlock repeated with its idempotency key: first answer returned");
        return Ok(first);
    }
    // Points leave the account here: only an account whose owner proved their address may spend them.
    app.hooks.accounts()?.ensure_email_verified(&txn, actor.user_id).await?;
    let offer = offer::Entity::find_by_id(offer_id)
        .filter(offer::Column::Status.ne(OfferStatus::Draft.as_str()))
        .one(&txn)
        .await?
        .ok_or(AppError::NotFound("offer"))?;
    let shared = shared_with_partner(&txn, &offer, actor.user_id).await?;
    take_stock(&txn, &offer, now).await?;
    if let Some(limit) = offer.per_user_limit {
        count_unlock(&txn, offer.id, actor.user_id, limit).await?;
    }
    let redemption = insert_redemption(&txn, &offer, actor.user_id, shared, now).await?;
    // Live updates hear of it once committed (other instances through the database's trigger).
    after_commit(Change::RedemptionChanged {
        redemption_id: redemption.id,
        partner_id: redemption.partner_id,
        user_id: redemption.user_id,
    });
    if redemption.customer_name.is_some() {
        log_disclosure(&txn, &redemption).await?;
    }
    let movement = Movement {
        user_id: actor.user_id,
        kind: EntryKind::OfferUnlock,
        amount: offer.cost_points,
        description: format!("Offer: {}", offer.title),
        reference: format!("offer-unlock:{}", redemption.id),
    };
    let balance = match points::debit(&txn, now, movement).await? {
        Outcome::Recorded { balance } => balance,
        Outcome::AlreadyRecorded => return Err(AppError::internal("a fresh redemption was already paid for")),
    };
    let unlocked = Unlocked { redemption, balance };
    if let Some(key) = idempotency_key {
        unlock_requests::record(&txn, actor.user_id, key, &unlocked).await?;
    }
    txn.commit().await?;
    Ok(unlocked)
}

/// What the unlock shares with the partner: the customer's name and e-mail as they are now, for a one-time offer
/// (§4.6); nothing for a reusable one. Sharing is processing, so a restricted account cannot unlock a one-time
/// offer (art. 18); a reusable unlock shares nothing and stays allowed.
async fn shared_with_partner(
    txn: &DatabaseTransaction,
    offer: &offer::Model,
    user_id: Uuid,
) -> Result<Option<(String, String)>, AppError> {
    if kind_of(offer)? != OfferKind::OneTime {
        return Ok(None);
    }
    cogo_consent::service::ensure_unrestricted(txn, user_id).await?;
    let account = cogo_users::service::find_active_user(txn, user_id).await?;
    Ok(Some((account.name, account.email)))
}

/// Records that the redemption's customer's name and e-mail went to its partner (§4.6, art. 19).
async fn log_disclosure(txn: &DatabaseTransaction, redemption: &redemption::Model) -> Result<(), AppError> {
    let Some(user_id) = redemption.user_id else {
        return Err(AppError::internal("a fresh redemption has no customer"));
    };
    disclosure::Entity::insert(disclosure::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user_id),
        partner_id: Set(redemption.partner_id),
        offer_id: Set(redemption.offer_id),
        redemption_id: Set(redemption.id),
        categories: Set(OneTimeDisclosure::CATEGORIES.to_string()),
        disclosed_at: Set(redemption.unlocked_at),
    })
    .exec_without_returning(txn)
    .await?;
    Ok(())
}

/// Takes one unit of stock (and counts the unlock) with one conditional UPDATE that also re-checks that the offer
/// is live. PostgreSQL serialises concurrent updates of the row and re-evaluates the condition after a competing
/// unlock commits, so the last unit is sold once.
async fn take_stock(txn: &DatabaseTransaction, offer: &offer::Model, now: DateTime<Utc>) -> Result<(), AppError> {
    let taken = offer::Entity::update_many()
        .col_expr(offer::Column::RemainingQuantity, Expr::col(offer::Column::RemainingQuantity).sub(1))
        .col_expr(offer::Column::UnlockCount, Expr::col(offer::Column::UnlockCount).add(1))
        .filter(offer::Column::Id.eq(offer.id))
        .filter(live_at(now))
        .exec(txn)
        .await?;
    if taken.rows_affected == 1 {
        return Ok(());
    }
    let why = if offer.status != OfferStatus::Published.as_str() {
        "this offer has been withdrawn"
    } else if now < offer.valid_from {
        "this offer is not valid yet"
    } else if now >= offer.valid_until {
        "this offer has expired"
    } else {
        "this offer is sold out"
    };
    Err(AppError::Conflict(why.into()))
}

/// Raises the user's count for the offer unless it has reached the limit (a conditional UPDATE on one row, so
/// parallel unlocks by one user never pass it).
async fn count_unlock(txn: &DatabaseTransaction, offer_id: Uuid, user_id: Uuid, limit: i32) -> Result<(), AppError> {
    unlock_count::Entity::insert(unlock_count::ActiveModel {
        offer_id: Set(offer_id),
        user_id: Set(user_id),
        count: Set(0),
    })
    .on_conflict_do_nothing_on([unlock_count::Column::OfferId, unlock_count::Column::UserId])
    .exec(txn)
    .await?;
    let counted = unlock_count::Entity::update_many()
        .col_expr(unlock_count::Column::Count, Expr::col(unlock_count::Column::Count).add(1))
        .filter(unlock_count::Column::OfferId.eq(offer_id))
        .filter(unlock_count::Column::UserId.eq(user_id))
        .filter(unlock_count::Column::Count.lt(limit))
        .exec(txn)
        .await?;
    if counted.rows_affected == 0 {
        let times = if limit == 1 { "once".to_string() } else { format!("{limit} times") };
        return Err(AppError::Conflict(format!("you can unlock this offer at most {times}")));
    }
    Ok(())
}

/// Inserts the redemption with a fresh code, drawing again on the rare collision with an existing code.
async fn insert_redemption(
    txn: &DatabaseTransaction,
    offer: &offer::Model,
    user_id: Uuid,
    shared: Option<(String, String)>,
    now: DateTime<Utc>,
) -> Result<redemption::Model, AppError> {
    let (customer_name, customer_email) = shared.unzip();
    for _ in 0..CODE_ATTEMPTS {
        let row = redemption::Model {
            id: Uuid::now_v7(),
            offer_id: offer.id,
            partner_id: offer.partner_id,
            user_id: Some(user_id),
            code: RedemptionCode::generate().into_inner(),
            status: RedemptionStatus::Unlocked.as_str().to_string(),
            unlocked_at: now,
            redeemed_at: None,
            customer_name: customer_name.clone(),
            customer_email: customer_email.clone(),
        };
        // ON CONFLICT DO NOTHING never aborts the transaction, so drawing again needs no savepoint.
        let inserted = redemption::Entity::insert(active(&row))
            .on_conflict_do_nothing_on([redemption::Column::Code])
            .exec(txn)
            .await?;
        if matches!(inserted, TryInsertResult::Inserted(_)) {
            return Ok(row);
        }
    }
    Err(AppError::internal("could not draw an unused redemption code"))
}

fn active(row: &redemption::Model) -> redemption::ActiveModel {
    redemption::ActiveModel {
        id: Set(row.id),
        offer_id: Set(row.offer_id),
        partner_id: Set(row.partner_id),
        user_id: Set(row.user_id),
        code: Set(row.code.clone()),
        status: Set(row.status.clone()),
        unlocked_at: Set(row.unlocked_at),
        redeemed_at: Set(row.redeemed_at),
        customer_name: Set(row.customer_name.clone()),
        customer_email: Set(row.customer_email.clone()),
    }
}
