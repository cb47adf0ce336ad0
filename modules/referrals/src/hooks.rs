//! How the referrals module plugs in: it reacts to sign-up (code, link to the recruiter) and to walking credits
//! (rewards) through the kernel's hooks, and takes part in data export and erasure.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::referrals::{referral, referral_code};
use cogo_kernel::{AppError, DomainEvent, ExportWriter, Hooks, ModuleHooks, export::EXPORT_PAGE_ROWS};
use cogo_points::EntryKind;
use sea_orm::{ColumnTrait, Condition, DatabaseTransaction, EntityTrait, QueryFilter};
use serde_json::json;
use uuid::Uuid;

use crate::config::ReferralRewards;
use crate::service;

pub struct ReferralsHooks {
    pub rewards: ReferralRewards,
}

#[async_trait]
impl ModuleHooks for ReferralsHooks {
    fn module(&self) -> &'static str {
        "referrals"
    }

    async fn on_event(&self, txn: &DatabaseTransaction, hooks: &Hooks, event: &DomainEvent) -> Result<(), AppError> {
        match event {
            DomainEvent::UserSignedUp { user_id, referral_code, at, .. } => {
                service::create_code(txn, *user_id, *at).await?;
                if let Some(typed) = referral_code {
                    service::link_recruit(txn, *user_id, typed, *at).await?;
                }
                Ok(())
            }
            // Only walking qualifies; the reward credits themselves (REFERRAL_REWARD) come back here and are ignored.
            DomainEvent::PointsCredited { user_id, kind, at, .. } if *kind == EntryKind::Walking.as_str() => {
                service::reward_if_qualified(txn, hooks, &self.rewards, *user_id, *at).await?;
                Ok(())
            }
            // Rewards wait while the recruit or the recruiter restricts processing; lifting it decides them.
            DomainEvent::ProcessingRestrictionChanged { user_id, restricted: false, at } => {
                service::decide_waiting_rewards(txn, hooks, &self.rewards, *user_id, *at).await
            }
            // Rewards wait, when verified addresses are required, until both have verified theirs.
            DomainEvent::EmailVerified { user_id, at } => {
                service::decide_waiting_rewards(txn, hooks, &self.rewards, *user_id, *at).await
            }
            _ => Ok(()),
        }
    }

    /// The user's code; whether they were referred, and by whom (`recruitedBy`: the recruiter's name only, never
    /// their id or e-mail, and no name while the recruiter restricts processing or after they closed the account);
    /// and their recruits by name and date only: no reward times, which would tell when a friend walked. The
    /// recruits are read page by page and written one by one, so a recruiter with many recruits never has them
    /// all in memory (nor all their ids in one query).
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let code = service::code_of(txn, user_id).await?;
        let recruiter = service::recruited_by(txn, user_id).await?;
        let (first_recruits, mut next) = service::recruits_after(txn, user_id, None, EXPORT_PAGE_ROWS).await?;
        if code.is_none() && recruiter.is_none() && first_recruits.is_empty() && next.is_none() {
            return Ok(());
        }
        out.fields(json!({
            "referralCode": code,
            "referred": recruiter.is_some(),
            "joinedAt": recruiter.as_ref().map(|r| r.joined_at),
            "recruitedBy": recruiter.as_ref().map(|r| json!({ "name": r.name, "joinedAt": r.joined_at })),
        }))
        .await?;
        out.begin_list("recruits")?;
        let mut recruits = first_recruits;
        loop {
            for recruit in &recruits {
                out.item(&json!({ "name": recruit.name, "joinedAt": recruit.joined_at })).await?;
            }
            let Some(after) = next else { break };
            (recruits, next) = service::recruits_after(txn, user_id, Some(after), EXPORT_PAGE_ROWS).await?;
        }
        out.end_list()
    }

    /// Deletes the user's code and every referral they are part of: they vanish from their recruiter's list, and
    /// their recruits' rows no longer point at them (a recruit not yet rewarded then stays unrewarded). The reward
    /// entries in the ledger (kept for bookkeeping) carry the reward's own id, never the recruit's (older entries
    /// were rewritten by migration `m20261125_000013`), so nothing left names an erased recruit.
    async fn erase_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        _at: DateTime<Utc>,
    ) -> Result<(), AppError> {
        referral::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(referral::Column::RecruitId.eq(user_id))
                    .add(referral::Column::RecruiterId.eq(user_id)),
            )
            .exec(txn)
            .await?;
        referral_code::Entity::delete_by_id(user_id).exec(txn).await?;
        Ok(())
    }
}
