use chrono::{DateTime, Duration, Utc};

/// How long after detecting a personal-data breach CoGo has to notify the supervisory authority: 72 hours (policy
/// §8.1, GDPR art. 33(1)), counted in hours from detection, not in working days.
pub const NOTIFY_AUTHORITY_WITHIN_HOURS: i64 = 72;

/// The deadline for notifying the supervisory authority of a breach detected at `detected_at`.
pub fn notify_authority_by(detected_at: DateTime<Utc>) -> DateTime<Utc> {
    detected_at + Duration::hours(NOTIFY_AUTHORITY_WITHIN_HOURS)
}

/// A breach is overdue while the authority has not been told and the deadline has passed.
pub fn is_overdue(deadline: DateTime<Utc>, notified_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    notified_at.is_none() && now > deadline
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_authority_is_told_within_72_hours_of_detection() {
        let detected = Utc.with_ymd_and_hms(2026, 12, 24, 18, 0, 0).unwrap();
        let deadline = notify_authority_by(detected);
        assert_eq!(deadline, Utc.with_ymd_and_hms(2026, 12, 27, 18, 0, 0).unwrap());
        assert!(!is_overdue(deadline, None, deadline));
        assert!(is_overdue(deadline, None, deadline + Duration::seconds(1)));
        assert!(!is_overdue(deadline, Some(deadline + Duration::hours(1)), deadline + Duration::days(9)));
    }
}
