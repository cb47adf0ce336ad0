use sea_orm::entity::prelude::*;

/// Who recruited whom: written once, at the recruit's sign-up (policy §4.11). The reward decision is recorded here
/// once: `rewarded_at` when both were rewarded, `reward_skipped` (e.g. `MONTHLY_CAP`) when they were not.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "referrals")]
pub struct Model {
    /// A user is recruited at most once.
    #[sea_orm(primary_key, auto_increment = false)]
    pub recruit_id: Uuid,
    #[sea_orm(indexed)]
    pub recruiter_id: Uuid,
    /// When the recruit signed up with the code (their `joinedAt` in the recruiter's list).
    pub created_at: DateTimeUtc,
    pub rewarded_at: Option<DateTimeUtc>,
    /// Why no reward was given, once decided: `MONTHLY_CAP` or `RECRUITER_CLOSED`.
    pub reward_skipped: Option<String>,
}

impl Model {
    /// Whether the reward was already decided either way.
    pub fn reward_decided(&self) -> bool {
        self.rewarded_at.is_some() || self.reward_skipped.is_some()
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
