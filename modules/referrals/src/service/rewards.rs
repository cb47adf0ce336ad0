//! Referral rewards (policy §4.11): decided once per referral, when the recruit has really walked, within the
//! recruiter's monthly cap. Runs inside the transaction that credited the recruit's walking points.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use cogo_entities::referrals::{referral, referral_code};
use cogo_kernel::{AppError, Hooks};
use cogo_points::{
    EntryKind,
    service::{self as points, Movement},
};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, sea_query::Expr,
};
use uuid::Uuid;

use crate::config::ReferralRewards;
use crate::domain::MonthlyRewardCap;
use crate::service::recruits::undecided_referrals_of;

/// What became of a referral's reward at this walking credit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RewardOutcome {
    /// Not recruited, already decided, or not walked far enough yet.
    NothingToDo,
    /// Qualified, but the recruit or the recruiter restricts processing (art. 18): left undecided until the
    /// restriction is lifted ([`decide_waiting_rewards`]).
    WaitingForRestriction,
    /// Qualified, but the recruit or the recruiter has not verified their e-mail address while that is required:
    /// left undecided until they do ([`decide_waiting_rewards`]).
    WaitingForVerifiedEmail,
    /// Both were rewarded now.
    Rewarded,
    /// Decided now: no reward (the reason is on the referral row).
    Skipped(&'static str),
}

/// Ledger reference of a recruiter's reward, followed by the reward's own id (never the recruit's). The monthly
/// cap counts the recruiter's entries by this prefix; migration `m20261125_000013` keeps it on older entries.
pub const RECRUITER_REFERENCE_PREFIX: &str = "referral-reward:recruiter:";
/// Ledger reference of a recruit's reward, followed by the same reward id as the recruiter's entry.
pub const RECRUIT_REFERENCE_PREFIX: &str = "referral-reward:recruit:";

/// The recruiter already had the month's allowance of rewarded referrals.
pub const SKIPPED_MONTHLY_CAP: &str = "MONTHLY_CAP";
/// The recruiter's account is closed.
pub const SKIPPED_RECRUITER_CLOSED: &str = "RECRUITER_CLOSED";

/// Rewards the recruiter and the recruit once the recruit has earned the qualifying walking points.
///
/// Safe under concurrency: the decision is claimed with one conditional UPDATE on the referral row (only one
/// transaction can move it out of "undecided"), the recruiter's code row is locked while the month's rewards are
/// counted (so parallel recruits of one recruiter cannot overshoot the cap), and the ledger references are unique.
pub async fn reward_if_qualified(
    txn: &DatabaseTransaction,
    hooks: &Hooks,
    rewards: &ReferralRewards,
    recruit_id: Uuid,
    now: DateTime<Utc>,
) -> Result<RewardOutcome, AppError> {
    let Some(referral) = referral::Entity::find_by_id(recruit_id).one(txn).await? else {
        return Ok(RewardOutcome::NothingToDo);
    };
    if referral.reward_decided() || !qualifies(txn, rewards, recruit_id).await? {
        return Ok(RewardOutcome::NothingToDo);
    }
    if !cogo_consent::service::restricted_among(txn, &[recruit_id, referral.recruiter_id]).await?.is_empty() {
        return Ok(RewardOutcome::WaitingForRestriction);
    }
    if !hooks.accounts()?.unverified_among(txn, &[recruit_id, referral.recruiter_id]).await?.is_empty() {
        return Ok(RewardOutcome::WaitingForVerifiedEmail);
    }
    settle(txn, hooks, rewards, &referral, now).await
}

/// When a user lifts their restriction or verifies their address, the rewards that waited for it are decided now,
/// under the same rules (the cap counts the month of this decision): their own referral as a recruit, then their
/// recruits' as recruiter.
///
/// Cheap for a recruiter with many recruits: one query finds the undecided ones and one each asks which of them
/// restrict processing or lack a verified address themselves (those keep waiting); only the rest are looked at one
/// by one. Consent publishes the lift only when a restriction really ends, so a user who was never restricted costs
/// nothing here.
pub async fn decide_waiting_rewards(
    txn: &DatabaseTransaction,
    hooks: &Hooks,
    rewards: &ReferralRewards,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    reward_if_qualified(txn, hooks, rewards, user_id, now).await?;
    let waiting = undecided_referrals_of(txn, user_id).await?;
    if waiting.is_empty() {
        return Ok(());
    }
    let recruit_ids: Vec<Uuid> = waiting.iter().map(|referral| referral.recruit_id).collect();
    let mut waiting_still: HashSet<Uuid> =
        cogo_consent::service::restricted_among(txn, &recruit_ids).await?.into_iter().collect();
    waiting_still.extend(hooks.accounts()?.unverified_among(txn, &recruit_ids).await?);
    let recruiter_waits = !cogo_consent::service::restricted_among(txn, &[user_id]).await?.is_empty()
        || !hooks.accounts()?.unverified_among(txn, &[user_id]).await?.is_empty();
    if recruiter_waits {
        return Ok(()); // As recruiter they still restrict processing or lack a verified address: all of it waits.
    }
    for referral in waiting.iter().filter(|referral| !waiting_still.contains(&referral.recruit_id)) {
        if qualifies(txn, rewards, referral.recruit_id).await? {
            settle(txn, hooks, rewards, referral, now).await?;
        }
    }
    Ok(())
}

/// Whether the recruit has walked far enough for the reward.
async fn qualifies(txn: &DatabaseTransaction, rewards: &ReferralRewards, recruit_id: Uuid) -> Result<bool, AppError> {
    Ok(rewards.rule().qualifies(points::walking_points_of(txn, recruit_id).await?))
}

/// Decides the reward of a qualified referral whose recruit and recruiter both allow processing: reward within the
/// cap, or skip with the reason.
async fn settle(
    txn: &DatabaseTransaction,
    hooks: &Hooks,
    rewards: &ReferralRewards,
    referral: &referral::Model,
    now: DateTime<Utc>,
) -> Result<RewardOutcome, AppError> {
    let (recruit_id, recruiter_id) = (referral.recruit_id, referral.recruiter_id);
    lock_recruiter(txn, recruiter_id).await?;
    let decision = decide(txn, rewards.cap(), recruiter_id, now).await?;
    if !claim(txn, recruit_id, decision, now).await? {
        return Ok(RewardOutcome::NothingToDo);
    }
    if let Decision::Skip(reason) = decision {
        tracing::info!(reason, "referral reward skipped");
        return Ok(RewardOutcome::Skipped(reason));
    }
    let rule = rewards.rule();
    // The ledger is kept for bookkeeping after an erasure, so its references must not name the recruit: a fresh id
    // per reward instead (the claim above already makes the reward happen once).
    let reward_id = Uuid::new_v4();
    let recruiter_reward = Movement {
        user_id: recruiter_id,
        kind: EntryKind::ReferralReward,
        amount: rule.recruiter_points,
        description: "Referral reward: a friend you invited has started walking".into(),
        reference: format!("{RECRUITER_REFERENCE_PREFIX}{reward_id}"),
    };
    let recruit_reward = Movement {
        user_id: recruit_id,
        kind: EntryKind::ReferralReward,
        amount: rule.recruit_points,
        description: "Referral reward: welcome to CoGo".into(),
        reference: format!("{RECRUIT_REFERENCE_PREFIX}{reward_id}"),
    };
    for movement in [recruiter_reward, recruit_reward].into_iter().filter(|m| m.amount > 0) {
        points::credit(txn, hooks, now, movement).await?;
    }
    tracing::info!("referral rewarded");
    Ok(RewardOutcome::Rewarded)
}

/// The reward decision of one referral, taken once.
#[derive(Debug, Clone, Copy)]
enum Decision {
    Reward,
    Skip(&'static str),
}

/// Serialises the reward decisions of one recruiter (PostgreSQL: `FOR UPDATE`; SQLite has one writer anyway).
async fn lock_recruiter(txn: &DatabaseTransaction, recruiter_id: Uuid) -> Result<(), AppError> {
    referral_code::Entity::find_by_id(recruiter_id).lock_exclusive().one(txn).await?;
    Ok(())
}

async fn decide(
    txn: &DatabaseTransaction,
    cap: MonthlyRewardCap,
    recruiter_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Decision, AppError> {
    if !cogo_users::service::names_of(txn, &[recruiter_id]).await?.contains_key(&recruiter_id) {
        return Ok(Decision::Skip(SKIPPED_RECRUITER_CLOSED));
    }
    let (month_start, month_end) = MonthlyRewardCap::month_of(now);
    let rewarded_rows = referral::Entity::find()
        .filter(referral::Column::RecruiterId.eq(recruiter_id))
        .filter(referral::Column::RewardedAt.gte(month_start))
        .filter(referral::Column::RewardedAt.lt(month_end))
        .count(txn)
        .await?;
    // A recruit who erased their account takes their referral row along, but the recruiter's reward stays in the
    // ledger: counting the ledger too means creating and erasing fake recruits never resets the cap.
    let rewards_paid = points::count_entries(
        txn,
        recruiter_id,
        EntryKind::ReferralReward,
        RECRUITER_REFERENCE_PREFIX,
        month_start,
        month_end,
    )
    .await?;
    let rewarded_this_month = rewarded_rows.max(rewards_paid);
    Ok(if cap.allows(rewarded_this_month) { Decision::Reward } else { Decision::Skip(SKIPPED_MONTHLY_CAP) })
}

/// Records the decision unless another transaction decided first; `false` means it did.
async fn claim(
    txn: &DatabaseTransaction,
    recruit_id: Uuid,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let update = referral::Entity::update_many()
        .filter(referral::Column::RecruitId.eq(recruit_id))
        .filter(referral::Column::RewardedAt.is_null())
        .filter(referral::Column::RewardSkipped.is_null());
    let update = match decision {
        Decision::Reward => update.col_expr(referral::Column::RewardedAt, Expr::value(Some(now))),
        Decision::Skip(reason) => update.col_expr(referral::Column::RewardSkipped, Expr::value(Some(reason))),
    };
    Ok(update.exec(txn).await?.rows_affected == 1)
}
