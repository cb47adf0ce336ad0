//! When referrals are rewarded. The policy (§4.11) allows rewards only under rules that cannot be gamed: a recruit
//! must really walk before anyone is rewarded, and a recruiter's rewards are capped per month.

use chrono::{DateTime, Datelike, Months, NaiveDate, TimeZone, Utc};

/// `ReferralRewardRule` (policy §4.11): once a recruit has earned their first walking points, the recruiter and
/// the recruit are rewarded, once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReferralRewardRule {
    /// Points for the recruiter (0: none).
    pub recruiter_points: i64,
    /// Points for the recruit (0: none).
    pub recruit_points: i64,
    /// Walking points the recruit must have earned first (at least 1).
    pub qualifying_walking_points: i64,
}

impl ReferralRewardRule {
    /// Whether a recruit with this many walking points qualifies the referral for its reward.
    pub fn qualifies(&self, walking_points: i64) -> bool {
        walking_points >= self.qualifying_walking_points.max(1)
    }
}

/// `MonthlyRewardCap` (policy §4.11): at most this many rewarded referrals per recruiter per calendar month (UTC).
/// Recruits beyond it are still listed, but neither side is rewarded for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthlyRewardCap {
    pub per_month: u64,
}

impl MonthlyRewardCap {
    /// Whether one more reward fits after `rewarded_this_month`.
    pub fn allows(&self, rewarded_this_month: u64) -> bool {
        rewarded_this_month < self.per_month
    }

    /// The calendar month (UTC) that `at` falls in, as `[start, end)`.
    pub fn month_of(at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let first_day = NaiveDate::from_ymd_opt(at.year(), at.month(), 1).unwrap_or(at.date_naive());
        let start = Utc.from_utc_datetime(&first_day.and_time(chrono::NaiveTime::MIN));
        let end = start.checked_add_months(Months::new(1)).unwrap_or(DateTime::<Utc>::MAX_UTC);
        (start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_month_runs_from_its_first_midnight_to_the_next_months() {
        assert_eq!(
            MonthlyRewardCap::month_of(at("2026-12-31T23:59:59Z")),
            (at("2026-12-01T00:00:00Z"), at("2027-01-01T00:00:00Z"))
        );
        assert_eq!(
            MonthlyRewardCap::month_of(at("2028-02-01T00:00:00Z")),
            (at("2028-02-01T00:00:00Z"), at("2028-03-01T00:00:00Z"))
        );
    }

    #[test]
    fn the_cap_allows_exactly_per_month_rewards() {
        let cap = MonthlyRewardCap { per_month: 20 };
        assert!(cap.allows(19));
        assert!(!cap.allows(20));
        assert!(!MonthlyRewardCap { per_month: 0 }.allows(0));
    }

    #[test]
    fn a_recruit_qualifies_at_the_threshold_and_not_before() {
        let rule = ReferralRewardRule { recruiter_points: 50, recruit_points: 10, qualifying_walking_points: 5 };
        assert!(!rule.qualifies(4));
        assert!(rule.qualifies(5));
    }
}
