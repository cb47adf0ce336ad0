//! The referrals module's service API. Resolvers and hooks call these; other modules never touch its tables.

pub mod codes;
mod known_codes;
pub mod recruits;
pub mod rewards;

pub use codes::{code_of, create_code, ensure_code_of};
pub use known_codes::{KnownCodes, KnownWithoutRecruits, known_codes, known_without_recruits};
pub use recruits::{
    ListedRecruit, MAX_LISTED_RECRUITS, RecruitKey, Recruiter, link_recruit, recruit_count, recruited_by,
    recruits_after, recruits_of, recruits_page,
};
pub use rewards::{RewardOutcome, decide_waiting_rewards, reward_if_qualified};
