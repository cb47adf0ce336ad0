use chrono::{DateTime, Months, Utc};

/// The deadline for answering a data-subject request: one month after it was received (GDPR art. 12(3), policy
/// §6.2). "One month" is the same day of the next month; where that month is shorter, its last day (a request of
/// 31 January is due on 28 February, or 29 in a leap year).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseDeadline(DateTime<Utc>);

impl ResponseDeadline {
    pub fn for_request_received(received_at: DateTime<Utc>) -> Self {
        // chrono clamps the day to the last day of a shorter month, which is what art. 12(3) asks.
        Self(received_at.checked_add_months(Months::new(1)).unwrap_or(DateTime::<Utc>::MAX_UTC))
    }

    pub fn at(self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn due(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        ResponseDeadline::for_request_received(Utc.with_ymd_and_hms(y, m, d, 9, 30, 0).unwrap()).at()
    }

    #[test]
    fn a_request_is_due_on_the_same_day_of_the_next_month() {
        assert_eq!(due(2026, 3, 15), Utc.with_ymd_and_hms(2026, 4, 15, 9, 30, 0).unwrap());
        assert_eq!(due(2026, 12, 20), Utc.with_ymd_and_hms(2027, 1, 20, 9, 30, 0).unwrap());
    }

    #[test]
    fn the_end_of_january_is_due_at_the_end_of_february() {
        assert_eq!(due(2027, 1, 31), Utc.with_ymd_and_hms(2027, 2, 28, 9, 30, 0).unwrap());
        assert_eq!(due(2028, 1, 31), Utc.with_ymd_and_hms(2028, 2, 29, 9, 30, 0).unwrap());
        assert_eq!(due(2026, 1, 29), Utc.with_ymd_and_hms(2026, 2, 28, 9, 30, 0).unwrap());
    }

    #[test]
    fn the_thirty_first_before_a_thirty_day_month_is_due_on_the_thirtieth() {
        assert_eq!(due(2026, 8, 31), Utc.with_ymd_and_hms(2026, 9, 30, 9, 30, 0).unwrap());
    }
}
