//! Who recruited whom (policy §4.11): linked once, at sign-up; listed to the recruiter by name only.

use chrono::{DateTime, Utc};
use cogo_entities::referrals::referral;
use cogo_kernel::AppError;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use crate::domain::ReferralCode;
use crate::service::codes::owner_of;

/// The recruiter's list shows at most this many recruits, oldest first.
pub const MAX_LISTED_RECRUITS: u64 = 500;

/// A recruit as their recruiter sees them: a name and a date, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRecruit {
    pub name: String,
    pub joined_at: DateTime<Utc>,
    pub rewarded_at: Option<DateTime<Utc>>,
}

/// Links a new user to the owner of the code they typed at sign-up, inside the sign-up transaction.
/// An unknown code is `BAD_USER_INPUT` on `referralCode`, which rolls the whole sign-up back.
pub async fn link_recruit(
    db: &impl ConnectionTrait,
    recruit_id: Uuid,
    typed_code: &str,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let unknown = || AppError::bad_input("referralCode", "no such referral code; check it, or sign up without one");
    let code = ReferralCode::parse(typed_code).ok_or_else(unknown)?;
    let recruiter_id = owner_of(db, &code).await?.ok_or_else(unknown)?;
    if recruiter_id == recruit_id {
        return Err(AppError::bad_input("referralCode", "you cannot use your own referral code"));
    }
    // The code of a closed account recruits no one.
    if !cogo_users::service::names_of(db, &[recruiter_id]).await?.contains_key(&recruiter_id) {
        return Err(unknown());
    }
    // The primary key (recruit) makes a second link impossible: a referral is set once, at sign-up.
    referral::Entity::insert(referral::ActiveModel {
        recruit_id: Set(recruit_id),
        recruiter_id: Set(recruiter_id),
        created_at: Set(at),
        rewarded_at: Set(None),
        reward_skipped: Set(None),
    })
    .exec(db)
    .await?;
    Ok(())
}

/// The recruiter's recruits, oldest first, at most `limit`. Closed accounts are left out: their names come from the
/// users module, which gives names of open accounts only.
pub async fn recruits_of(
    db: &impl ConnectionTrait,
    recruiter_id: Uuid,
    limit: Option<u64>,
) -> Result<Vec<ListedRecruit>, AppError> {
    let mut query = referral::Entity::find()
        .filter(referral::Column::RecruiterId.eq(recruiter_id))
        .order_by_asc(referral::Column::CreatedAt)
        .order_by_asc(referral::Column::RecruitId);
    if let Some(limit) = limit {
        query = query.limit(limit);
    }
    let rows = query.all(db).await?;
    let ids: Vec<Uuid> = rows.iter().map(|row| row.recruit_id).collect();
    let mut names = cogo_users::service::names_of(db, &ids).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            names.remove(&row.recruit_id).map(|name| ListedRecruit {
                name,
                joined_at: row.created_at,
                rewarded_at: row.rewarded_at,
            })
        })
        .collect())
}

/// When the user was recruited, if they were.
pub async fn recruited_at(db: &impl ConnectionTrait, recruit_id: Uuid) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(referral::Entity::find_by_id(recruit_id).one(db).await?.map(|row| row.created_at))
}
