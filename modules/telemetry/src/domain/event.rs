//! What an app may report, checked event by event: a kind from a fixed list, short identifier-like strings (no room
//! for free text such as a name or an address), a country code at most, and a time within the last seven days. Only
//! the day of the time is kept.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::domain::countries::country_code;

/// The kinds of event the apps report.
pub const KINDS: [&str; 5] = ["app_open", "screen_view", "feature_used", "error", "crash"];
/// At most this many events in one call.
pub const MAX_EVENTS_PER_CALL: usize = 100;
/// Events older than this are refused (late reports would reopen closed days).
pub const MAX_EVENT_AGE_DAYS: i64 = 7;
/// A device clock may run this far ahead.
pub const FUTURE_SKEW_MINUTES: i64 = 5;

const MAX_NAME: usize = 64;
const MAX_SHORT: usize = 32;

/// One event as the app sends it.
#[derive(Debug, Clone)]
pub struct RawEvent {
    pub kind: String,
    pub name: Option<String>,
    pub device_type: String,
    pub os: String,
    pub app_version: String,
    pub country: Option<String>,
    pub occurred_at: DateTime<Utc>,
}

/// The counter an accepted event adds one to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CounterKey {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
    pub device_type: String,
    pub os: String,
    pub app_version: String,
    /// Empty when unknown.
    pub country: String,
}

impl RawEvent {
    /// The counter this event adds to, or why it is refused.
    pub fn counter(&self, now: DateTime<Utc>) -> Result<CounterKey, String> {
        let kind = self.kind.trim();
        if !KINDS.contains(&kind) {
            return Err(format!("kind must be one of {}", KINDS.join(", ")));
        }
        if self.occurred_at < now - Duration::days(MAX_EVENT_AGE_DAYS) {
            return Err(format!("occurredAt is more than {MAX_EVENT_AGE_DAYS} days ago"));
        }
        if self.occurred_at > now + Duration::minutes(FUTURE_SKEW_MINUTES) {
            return Err("occurredAt is in the future".into());
        }
        let country = match self.country.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            None => String::new(),
            Some(text) => country_code(text).ok_or("country must be an ISO 3166-1 alpha-2 code, e.g. SE")?,
        };
        Ok(CounterKey {
            day: self.occurred_at.date_naive(),
            kind: kind.to_string(),
            name: identifier("name", self.name.as_deref().unwrap_or(""), MAX_NAME, true)?,
            device_type: identifier("deviceType", &self.device_type, MAX_SHORT, false)?,
            os: identifier("os", &self.os, MAX_SHORT, false)?,
            app_version: identifier("appVersion", &self.app_version, MAX_SHORT, false)?,
            country,
        })
    }
}

/// Letters, digits and `_ . - / :`, bounded: what a screen name or a version looks like, and nothing else.
fn identifier(field: &str, text: &str, max: usize, may_be_empty: bool) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() && !may_be_empty {
        return Err(format!("{field} is required"));
    }
    if text.chars().count() > max {
        return Err(format!("{field} is longer than {max} characters"));
    }
    if !text.chars().all(|c| c.is_ascii_alphanumeric() || "_.-/:".contains(c)) {
        return Err(format!("{field} may hold only letters, digits and _ . - / :"));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(now: DateTime<Utc>) -> RawEvent {
        RawEvent {
            kind: "screen_view".into(),
            name: Some("offers/list".into()),
            device_type: "phone".into(),
            os: "iOS".into(),
            app_version: "2.4.1".into(),
            country: Some("se".into()),
            occurred_at: now - Duration::hours(3),
        }
    }

    #[test]
    fn a_good_event_counts_on_its_day_and_keeps_nothing_finer() {
        let now = Utc::now();
        let key = event(now).counter(now).unwrap();
        assert_eq!(key.day, (now - Duration::hours(3)).date_naive());
        assert_eq!((key.kind.as_str(), key.country.as_str()), ("screen_view", "SE"));
    }

    #[test]
    fn bad_kinds_countries_times_and_free_text_are_refused() {
        let now = Utc::now();
        let refused = |change: &dyn Fn(&mut RawEvent)| {
            let mut e = event(now);
            change(&mut e);
            e.counter(now).is_err()
        };
        assert!(refused(&|e| e.kind = "purchase".into()));
        assert!(refused(&|e| e.country = Some("XX".into())));
        assert!(refused(&|e| e.occurred_at = now - Duration::days(8)));
        assert!(refused(&|e| e.occurred_at = now + Duration::hours(1)));
        assert!(refused(&|e| e.name = Some("anna@example.se".into())));
        assert!(refused(&|e| e.name = Some("Anna Andersson".into())));
        assert!(refused(&|e| e.os = "x".repeat(33)));
        assert!(!refused(&|e| e.country = None));
    }
}
