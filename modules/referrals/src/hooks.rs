//! How the referrals module plugs in: it reacts to sign-up (code, link to the recruiter) and to walking credits
//! (rewards) through the kernel's hooks, and takes part in data export and erasure.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use cogo_entities::referrals::{referral, referral_code};
use cogo_kernel::{AppError, DomainEvent, ExportWriter, Hooks, ModuleHooks};
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
            DomainEvent::UserSignedUp { user_id, referral_code, at } => {
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
                service::decide_after_restriction_lifted(txn, hooks, &self.rewards, *user_id, *at).await
            }
            _ => Ok(()),
        }
    }

    /// The user's code, whether they were referred (never who referred them: that is the recruiter's data) and
    /// their recruits by name and date only: no reward times, which would tell when a friend walked.
    async fn export_user_data(
        &self,
        txn: &DatabaseTransaction,
        user_id: Uuid,
        out: &mut ExportWriter,
    ) -> Result<(), AppError> {
        let code = service::code_of(txn, user_id).await?;
        let recruited_at = service::recruited_at(txn, user_id).await?;
        let recruits = service::recruits_of(txn, user_id, None).await?;
        if code.is_none() && recruited_at.is_none() && recruits.is_empty() {
            return Ok(());
        }
        out.fields(json!({
            "referralCode": code,
            "referred": recruited_at.is_some(),
            "joinedAt": recruited_at,
            "recruits": recruits.iter().map(|r| json!({
                "name": r.name, "joinedAt": r.joined_at,
            })).collect::<Vec<_>>(),
        }))
        .await
    }

    /// Deletes the user's code and every referral they are part of: they vanish from their recruiter's list, and
    /// their recruits' rows no longer point at them (a recruit not yet rewarded then stays unrewarded). The reward
    /// entries in the ledger (kept for bookkeeping) carry the reward's own id, never the recruit's, so nothing
    /// left names an erased recruit.
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
