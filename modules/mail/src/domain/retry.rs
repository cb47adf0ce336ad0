//! When a mail that could not be delivered is tried again, and when the sender gives up.

use chrono::Duration;

/// Tries before a mail is given up (`FAILED`). With [`RetrySchedule::standard`] the last try comes about three
/// hours after the first: an SMTP outage of that long loses no mail, and a code in a mail older than that has long
/// expired anyway.
pub const MAX_ATTEMPTS: u32 = 10;

/// Exponential back-off: the first retry after `first`, each later one after twice the previous wait, never more
/// than `cap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetrySchedule {
    pub first: Duration,
    pub cap: Duration,
    pub max_attempts: u32,
}

/// What to do after a failed try.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// Try again this long after the failure.
    RetryAfter(Duration),
    /// Give up: the mail becomes `FAILED`.
    GiveUp,
}

impl RetrySchedule {
    /// 30 s, 1 min, 2 min, … doubling up to an hour; ten tries in all.
    pub fn standard() -> Self {
        Self { first: Duration::seconds(30), cap: Duration::hours(1), max_attempts: MAX_ATTEMPTS }
    }

    /// After the `failed_tries`-th failed try (1 for the first), when to try again, if at all. A refusal the server
    /// calls permanent (an unknown recipient, a 5xx answer) is not retried: the answer would not change.
    pub fn after_failure(&self, failed_tries: u32, permanent: bool) -> Attempt {
        if permanent || failed_tries >= self.max_attempts {
            return Attempt::GiveUp;
        }
        let doublings = failed_tries.saturating_sub(1).min(30);
        let wait = self.first.checked_mul(1 << doublings).unwrap_or(self.cap);
        Attempt::RetryAfter(wait.min(self.cap))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waits(schedule: RetrySchedule) -> Vec<Attempt> {
        (1..=schedule.max_attempts).map(|n| schedule.after_failure(n, false)).collect()
    }

    #[test]
    fn the_wait_starts_at_thirty_seconds_and_doubles() {
        let schedule = RetrySchedule::standard();
        assert_eq!(schedule.after_failure(1, false), Attempt::RetryAfter(Duration::seconds(30)));
        assert_eq!(schedule.after_failure(2, false), Attempt::RetryAfter(Duration::minutes(1)));
        assert_eq!(schedule.after_failure(3, false), Attempt::RetryAfter(Duration::minutes(2)));
        assert_eq!(schedule.after_failure(7, false), Attempt::RetryAfter(Duration::minutes(32)));
    }

    #[test]
    fn the_wait_is_capped_at_an_hour() {
        let schedule = RetrySchedule::standard();
        assert_eq!(schedule.after_failure(8, false), Attempt::RetryAfter(Duration::hours(1)));
        assert_eq!(schedule.after_failure(9, false), Attempt::RetryAfter(Duration::hours(1)));
        let long = RetrySchedule { max_attempts: 1000, ..schedule };
        assert_eq!(long.after_failure(500, false), Attempt::RetryAfter(Duration::hours(1)));
    }

    #[test]
    fn the_tenth_failure_gives_up_about_three_hours_after_the_first_try() {
        let schedule = RetrySchedule::standard();
        let all = waits(schedule);
        assert_eq!(all.last(), Some(&Attempt::GiveUp));
        let waited: Duration = all
            .iter()
            .map(|attempt| match attempt {
                Attempt::RetryAfter(wait) => *wait,
                Attempt::GiveUp => Duration::zero(),
            })
            .sum();
        assert_eq!(waited, Duration::seconds(30 + 60 + 120 + 240 + 480 + 960 + 1920 + 3600 + 3600));
        assert!(waited > Duration::hours(3) && waited < Duration::hours(4), "{waited}");
    }

    #[test]
    fn a_permanent_refusal_is_not_retried() {
        assert_eq!(RetrySchedule::standard().after_failure(1, true), Attempt::GiveUp);
    }
}
