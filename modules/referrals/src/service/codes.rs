//! Referral codes: one per user, created at sign-up inside the sign-up transaction.

use chrono::{DateTime, Utc};
use cogo_entities::referrals::referral_code;
use cogo_kernel::{AppContext, AppError};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait, TryInsertResult,
};
use uuid::Uuid;

use crate::domain::ReferralCode;

/// With 8.5 × 10^11 codes, five collisions in a row mean something other than bad luck is wrong.
const MAX_ATTEMPTS: usize = 5;

/// Gives the user a fresh, unique code (the unique index decides; a collision draws again).
pub async fn create_code(db: &impl ConnectionTrait, user_id: Uuid, now: DateTime<Utc>) -> Result<String, AppError> {
    for _ in 0..MAX_ATTEMPTS {
        let code = ReferralCode::generate().into_inner();
        let inserted = referral_code::Entity::insert(referral_code::ActiveModel {
            user_id: Set(user_id),
            code: Set(code.clone()),
            created_at: Set(now),
        })
        .on_conflict_do_nothing_on([referral_code::Column::Code])
        .exec(db)
        .await?;
        if matches!(inserted, TryInsertResult::Inserted(_)) {
            return Ok(code);
        }
    }
    Err(AppError::internal(format!("no free referral code after {MAX_ATTEMPTS} attempts")))
}

/// The user's code, if they have one.
pub async fn code_of(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<String>, AppError> {
    Ok(referral_code::Entity::find_by_id(user_id).one(db).await?.map(|row| row.code))
}

/// The user's code, created now for an account from before referral codes existed.
pub async fn ensure_code_of(app: &AppContext, user_id: Uuid) -> Result<String, AppError> {
    if let Some(code) = code_of(&app.db, user_id).await? {
        return Ok(code);
    }
    let txn = app.db.begin().await?;
    let created = create_code(&txn, user_id, app.now()).await;
    match created {
        Ok(code) => {
            txn.commit().await?;
            Ok(code)
        }
        // Another request created it first (the primary key said so): theirs is the code.
        Err(AppError::Conflict(_)) => {
            drop(txn);
            code_of(&app.db, user_id).await?.ok_or_else(|| AppError::internal("referral code vanished"))
        }
        Err(other) => Err(other),
    }
}

/// The owner of a code.
pub async fn owner_of(db: &impl ConnectionTrait, code: &ReferralCode) -> Result<Option<Uuid>, AppError> {
    let row = referral_code::Entity::find().filter(referral_code::Column::Code.eq(code.as_str())).one(db).await?;
    Ok(row.map(|row| row.user_id))
}
