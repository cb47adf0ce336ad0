use chrono::{DateTime, Months, Utc};

/// The privacy policy is adopted again at least once a year (§3.1: "Dataskyddspolicyn fastställs minst en (1) gång
/// per år"): a new version counts, and so does a review that keeps the text unchanged.
pub const POLICY_REVIEW_INTERVAL_MONTHS: u32 = 12;

/// When the policy in force, last adopted at `last_reviewed_at`, must be reviewed again: a year later (the same
/// day, or the last day of a shorter February).
pub fn next_review_due(last_reviewed_at: DateTime<Utc>) -> DateTime<Utc> {
    last_reviewed_at.checked_add_months(Months::new(POLICY_REVIEW_INTERVAL_MONTHS)).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_policy_is_due_for_review_a_year_after_it_was_last_adopted() {
        let adopted = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(next_review_due(adopted), Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        let leap_day = Utc.with_ymd_and_hms(2028, 2, 29, 12, 0, 0).unwrap();
        assert_eq!(next_review_due(leap_day), Utc.with_ymd_and_hms(2029, 2, 28, 12, 0, 0).unwrap());
    }
}
