//! The rules of a session's life (policy §4.12): how long it lasts, and how a refresh that races another is told
//! apart from a stolen token.

use chrono::{DateTime, Duration, Utc};

/// `SessionLifetime`: a session ends after `idle` without a refresh (30 days), and `max` after log-in at the
/// latest (90 days, `COGO_SESSION_MAX_DAYS`) however often it is refreshed — a stolen session cannot be kept
/// alive for ever, and a device is asked for the password at least every `max`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SessionLifetime {
    pub idle: Duration,
    pub max: Duration,
}

impl SessionLifetime {
    /// When a session created at `created_at` and refreshed (or opened) at `now` ends.
    pub fn expires_at(&self, created_at: DateTime<Utc>, now: DateTime<Utc>) -> DateTime<Utc> {
        std::cmp::min(now + self.idle, created_at + self.max)
    }

    /// Sessions created before this instant are past their absolute lifetime (also when `max` was shortened since
    /// they were last refreshed).
    pub fn created_after(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.max
    }

    /// The instant a session with these times ends, unless refreshed (which moves `expires_at`) or revoked.
    pub fn open_until(&self, created_at: DateTime<Utc>, expires_at: DateTime<Utc>) -> DateTime<Utc> {
        std::cmp::min(expires_at, created_at + self.max)
    }

    /// Whether a session with these times is still open at `now`.
    pub fn is_open(&self, created_at: DateTime<Utc>, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        expires_at > now && created_at > self.created_after(now)
    }
}

/// `RefreshGrace`: for a few seconds after a refresh token was rotated (10, `COGO_REFRESH_GRACE_SECONDS`), that
/// token — the session's immediately previous one, no older — may be presented again without revoking the
/// session: two requests of one app that raced with the same token. Each such presentation gets a token pair of
/// its own; the next rotation retires the others. Zero turns it off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RefreshGrace(pub Duration);

impl RefreshGrace {
    /// Rotations at or after this instant are inside the grace; `None` when there is no grace.
    pub fn rotated_since(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        (self.0 > Duration::zero()).then(|| now - self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lifetime() -> SessionLifetime {
        SessionLifetime { idle: Duration::days(30), max: Duration::days(90) }
    }

    #[test]
    fn a_refresh_extends_by_the_idle_lifetime_but_never_past_the_maximum() {
        let created = Utc::now();
        assert_eq!(lifetime().expires_at(created, created), created + Duration::days(30));
        assert_eq!(lifetime().expires_at(created, created + Duration::days(50)), created + Duration::days(80));
        assert_eq!(lifetime().expires_at(created, created + Duration::days(75)), created + Duration::days(90));
    }

    #[test]
    fn a_session_is_closed_after_its_maximum_even_if_its_expiry_says_otherwise() {
        let created = Utc::now();
        let far = created + Duration::days(200);
        assert!(lifetime().is_open(created, far, created + Duration::days(89)));
        assert!(!lifetime().is_open(created, far, created + Duration::days(90)));
        assert!(!lifetime().is_open(created, created + Duration::days(10), created + Duration::days(10)));
    }

    #[test]
    fn no_grace_means_no_window() {
        let now = Utc::now();
        assert_eq!(RefreshGrace(Duration::zero()).rotated_since(now), None);
        assert_eq!(RefreshGrace(Duration::seconds(10)).rotated_since(now), Some(now - Duration::seconds(10)));
    }
}
