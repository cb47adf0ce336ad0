//! Settings of the referrals module, filled by the gateway from its configuration (README: `COGO_REFERRAL_*`).

use crate::domain::{MonthlyRewardCap, ReferralRewardRule};

/// How referrals are rewarded. Defaults: 50 points to the recruiter and 10 to the recruit once the recruit has
/// earned 5 walking points, for at most 20 referrals per recruiter per calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralRewards {
    /// `COGO_REFERRAL_RECRUITER_POINTS`.
    pub recruiter_points: i64,
    /// `COGO_REFERRAL_RECRUIT_POINTS`.
    pub recruit_points: i64,
    /// `COGO_REFERRAL_QUALIFYING_WALKING_POINTS`.
    pub qualifying_walking_points: i64,
    /// `COGO_REFERRAL_MONTHLY_CAP`.
    pub monthly_cap: u64,
}

impl Default for ReferralRewards {
    fn default() -> Self {
        Self { recruiter_points: 50, recruit_points: 10, qualifying_walking_points: 5, monthly_cap: 20 }
    }
}

impl ReferralRewards {
    /// Refuses settings that make no sense, naming the variable.
    pub fn validate(self) -> Result<Self, String> {
        if self.recruiter_points < 0 {
            return Err("COGO_REFERRAL_RECRUITER_POINTS must not be negative".into());
        }
        if self.recruit_points < 0 {
            return Err("COGO_REFERRAL_RECRUIT_POINTS must not be negative".into());
        }
        if self.qualifying_walking_points < 1 {
            return Err("COGO_REFERRAL_QUALIFYING_WALKING_POINTS must be at least 1".into());
        }
        Ok(self)
    }

    pub fn rule(&self) -> ReferralRewardRule {
        ReferralRewardRule {
            recruiter_points: self.recruiter_points,
            recruit_points: self.recruit_points,
            qualifying_walking_points: self.qualifying_walking_points,
        }
    }

    pub fn cap(&self) -> MonthlyRewardCap {
        MonthlyRewardCap { per_month: self.monthly_cap }
    }
}
