//! Who recruited whom (policy §4.11): linked once, at sign-up; listed to the recruiter by name only.

use chrono::{DateTime, Utc};
use cogo_entities::referrals::referral;
use cogo_kernel::{
    AppError, Change, after_commit,
    pagination::{self, PageRequest, parse_time_id_key},
};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::domain::ReferralCode;
use crate::service::codes::owner_of;

/// The plain `recruits` list shows at most this many recruits, the oldest; `recruitConnection` pages through all.
pub const MAX_LISTED_RECRUITS: u64 = 100;

/// A recruit as their recruiter sees them: a name and a date, nothing else. The name is `None` while the recruit
/// restricts processing (art. 18): showing it to someone else would be processing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRecruit {
    /// Only for the list's cursor; never shown.
    pub recruit_id: Uuid,
    pub name: Option<String>,
    pub joined_at: DateTime<Utc>,
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
    after_commit(Change::RecruitsChanged { recruiter_id });
    Ok(())
}

/// The recruiter's recruits, oldest first, at most `limit`.
pub async fn recruits_of(
    db: &impl ConnectionTrait,
    recruiter_id: Uuid,
    limit: u64,
) -> Result<Vec<ListedRecruit>, AppError> {
    listed(db, oldest_first(recruiter_id).limit(limit).all(db).await?).await
}

/// One page of the recruiter's recruits, oldest first, after the page's `joinedAt|id` cursor, and whether another
/// page follows (told by the rows in the table, before closed accounts are left out).
pub async fn recruits_page(
    db: &impl ConnectionTrait,
    recruiter_id: Uuid,
    page: &PageRequest,
) -> Result<(Vec<ListedRecruit>, bool), AppError> {
    let after = page.after.as_deref().map(parse_time_id_key).transpose()?;
    let mut rows = oldest_first_after(recruiter_id, after).limit(page.fetch_limit()).all(db).await?;
    let has_next = rows.len() as u64 > page.first;
    rows.truncate(page.first as usize);
    Ok((listed(db, rows).await?, has_next))
}

/// Where the next page of recruits starts: after this `(joinedAt, recruit id)`.
pub type RecruitKey = (DateTime<Utc>, Uuid);

/// Up to `rows` of the recruiter's recruits after `after`, oldest first, for reading them all page by page (the
/// export), and the key of the next page (`None`: this was the last). The key comes from the rows read, so a page
/// whose recruits all closed their accounts (and are left out) still leads on to the next.
pub async fn recruits_after(
    db: &impl ConnectionTrait,
    recruiter_id: Uuid,
    after: Option<RecruitKey>,
    rows: u64,
) -> Result<(Vec<ListedRecruit>, Option<RecruitKey>), AppError> {
    let page = oldest_first_after(recruiter_id, after).limit(rows).all(db).await?;
    let next = match page.last() {
        Some(last) if page.len() as u64 == rows => Some((last.created_at, last.recruit_id)),
        _ => None,
    };
    Ok((listed(db, page).await?, next))
}

/// How many friends signed up with the recruiter's code.
pub async fn recruit_count(db: &impl ConnectionTrait, recruiter_id: Uuid) -> Result<u64, AppError> {
    Ok(referral::Entity::find().filter(referral::Column::RecruiterId.eq(recruiter_id)).count(db).await?)
}

fn oldest_first(recruiter_id: Uuid) -> sea_orm::Select<referral::Entity> {
    oldest_first_after(recruiter_id, None)
}

/// The recruiter's referrals oldest first, from just after a `(joinedAt, recruit id)` key (keyset pagination).
fn oldest_first_after(recruiter_id: Uuid, after: Option<RecruitKey>) -> sea_orm::Select<referral::Entity> {
    let query = referral::Entity::find().filter(referral::Column::RecruiterId.eq(recruiter_id));
    pagination::oldest_first_after(query, referral::Column::CreatedAt, referral::Column::RecruitId, after)
}

/// Names for the rows, one query for the names and one for the restrictions whatever the number of rows. Closed
/// accounts are left out: the users module gives names of open accounts only.
async fn listed(db: &impl ConnectionTrait, rows: Vec<referral::Model>) -> Result<Vec<ListedRecruit>, AppError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = rows.iter().map(|row| row.recruit_id).collect();
    let mut names = cogo_users::service::names_of(db, &ids).await?;
    let restricted: std::collections::HashSet<Uuid> =
        cogo_consent::service::restricted_among(db, &ids).await?.into_iter().collect();
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            names.remove(&row.recruit_id).map(|name| ListedRecruit {
                recruit_id: row.recruit_id,
                name: (!restricted.contains(&row.recruit_id)).then_some(name),
                joined_at: row.created_at,
            })
        })
        .collect())
}

/// Who recruited the user, as the user may see it: the recruiter's name (nothing else: no id, no e-mail) and when
/// the user joined through them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recruiter {
    /// `None` while the recruiter restricts processing (art. 18) or after they closed their account.
    pub name: Option<String>,
    pub joined_at: DateTime<Utc>,
}

/// Who recruited the user, if anyone did.
pub async fn recruited_by(db: &impl ConnectionTrait, recruit_id: Uuid) -> Result<Option<Recruiter>, AppError> {
    let Some(referral) = referral::Entity::find_by_id(recruit_id).one(db).await? else {
        return Ok(None);
    };
    let recruiter_id = referral.recruiter_id;
    let restricted = !cogo_consent::service::restricted_among(db, &[recruiter_id]).await?.is_empty();
    let name =
        if restricted { None } else { cogo_users::service::names_of(db, &[recruiter_id]).await?.remove(&recruiter_id) };
    Ok(Some(Recruiter { name, joined_at: referral.created_at }))
}

/// The recruiter's referrals whose reward is not decided yet, oldest first, in one query.
pub async fn undecided_referrals_of(
    db: &impl ConnectionTrait,
    recruiter_id: Uuid,
) -> Result<Vec<referral::Model>, AppError> {
    Ok(oldest_first(recruiter_id)
        .filter(referral::Column::RewardedAt.is_null())
        .filter(referral::Column::RewardSkipped.is_null())
        .all(db)
        .await?)
}
