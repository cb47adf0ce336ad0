//! The referral rules of the policy (§4.11), free of I/O.

pub mod code;
pub mod reward_rule;

pub use code::ReferralCode;
pub use reward_rule::{MonthlyRewardCap, ReferralRewardRule};
