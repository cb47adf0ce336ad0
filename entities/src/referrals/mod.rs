//! Tables owned by the referrals module.

pub mod referral;
pub mod referral_code;
