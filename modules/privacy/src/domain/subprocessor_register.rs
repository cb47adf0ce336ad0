//! The sub-processor register over time (policy §5.1–5.3, §5.10). Versions are only ever added; what is in effect
//! for a sub-processor at a moment is its latest-recorded version whose date has come, and a version recorded
//! after that one, still to come, is an announced change. A newer version thus also replaces an announcement
//! not yet in effect (a correction, or a change called off).
//!
//! **Material changes** — a new sub-processor, or a new location for one (where the data goes is what a person
//! may object to) — are announced to every user before they take effect, at least
//! the notice period ahead (§5.2: users are told before material changes). Other edits (purpose wording, the
//! safeguard's description, the placeholder flag) take effect at once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use cogo_entities::privacy::subprocessor_version;

/// How long after a material change took effect its notice is still shown, for people who open the app later.
pub const NOTICE_SHOWN_AFTER_DAYS: i64 = 30;

/// The notice period before a material change takes effect, unless configured (`COGO_SUBPROCESSOR_NOTICE_DAYS`).
pub const DEFAULT_NOTICE_DAYS: u32 = 30;

/// What identifies a sub-processor across versions: its name, trimmed, in lower case.
pub fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

fn same_location(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// One sub-processor as the register shows it at a moment.
#[derive(Debug, Clone)]
pub struct RegisterEntry {
    /// The version in effect, or (for a sub-processor announced but not in effect yet) the announced one.
    pub shown: subprocessor_version::Model,
    pub in_effect: bool,
    /// A change announced for a sub-processor in effect.
    pub pending: Option<subprocessor_version::Model>,
}

/// Every version, grouped by sub-processor, for reading the register at any moment.
#[derive(Debug, Clone, Default)]
pub struct SubprocessorHistory {
    by_name: BTreeMap<String, Vec<subprocessor_version::Model>>,
}

impl SubprocessorHistory {
    pub fn new(versions: Vec<subprocessor_version::Model>) -> Self {
        let mut by_name: BTreeMap<String, Vec<subprocessor_version::Model>> = BTreeMap::new();
        for version in versions {
            by_name.entry(version.name_key.clone()).or_default().push(version);
        }
        for versions in by_name.values_mut() {
            versions.sort_by_key(|v| (v.recorded_at, v.id));
        }
        Self { by_name }
    }

    /// The register at `now`, by name.
    pub fn register_at(&self, now: DateTime<Utc>) -> Vec<RegisterEntry> {
        self.by_name.values().filter_map(|versions| entry_at(versions, now)).collect()
    }

    /// One sub-processor at `now`.
    pub fn entry(&self, key: &str, now: DateTime<Utc>) -> Option<RegisterEntry> {
        self.by_name.get(key).and_then(|versions| entry_at(versions, now))
    }

    /// The version recorded before `version` for the same sub-processor.
    pub fn previous_of(&self, version: &subprocessor_version::Model) -> Option<&subprocessor_version::Model> {
        let versions = self.by_name.get(&version.name_key)?;
        let index = versions.iter().position(|v| v.id == version.id)?;
        index.checked_sub(1).map(|i| &versions[i])
    }

    /// Every version, newest recorded first.
    pub fn newest_first(&self) -> Vec<&subprocessor_version::Model> {
        let mut all: Vec<&subprocessor_version::Model> = self.by_name.values().flatten().collect();
        all.sort_by_key(|v| std::cmp::Reverse((v.recorded_at, v.id)));
        all
    }

    /// The material changes every user is told of at `now`: those announced and still to come, and those that took
    /// effect less than [`NOTICE_SHOWN_AFTER_DAYS`] ago. A change since replaced is no longer announced.
    pub fn notices_at(&self, now: DateTime<Utc>) -> Vec<subprocessor_version::Model> {
        let recent = now - Duration::days(NOTICE_SHOWN_AFTER_DAYS);
        let mut notices: Vec<subprocessor_version::Model> = self
            .register_at(now)
            .into_iter()
            .flat_map(|entry| {
                let shown = (entry.shown.material && entry.shown.effective_from > recent).then_some(entry.shown);
                let pending = entry.pending.filter(|p| p.material);
                shown.into_iter().chain(pending)
            })
            .collect();
        notices.sort_by_key(|v| std::cmp::Reverse((v.recorded_at, v.id)));
        notices
    }
}

fn entry_at(versions: &[subprocessor_version::Model], now: DateTime<Utc>) -> Option<RegisterEntry> {
    let in_effect = versions.iter().rev().find(|v| v.effective_from <= now);
    let pending = versions
        .iter()
        .rev()
        .find(|v| v.effective_from > now && in_effect.is_none_or(|current| v.recorded_at > current.recorded_at));
    match (in_effect, pending) {
        (Some(current), pending) => {
            Some(RegisterEntry { shown: current.clone(), in_effect: true, pending: pending.cloned() })
        }
        (None, Some(announced)) => Some(RegisterEntry { shown: announced.clone(), in_effect: false, pending: None }),
        (None, None) => None,
    }
}

/// When a change to a sub-processor may take effect, and whether it must be announced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangeTiming {
    pub material: bool,
    /// The earliest date it may take effect: now, or the end of the notice period (or the date already announced
    /// for the same location, so correcting an announcement does not postpone it).
    pub earliest: DateTime<Utc>,
}

/// The timing of a change to `location` for the sub-processor whose register entry is `entry` (`None`: a new one).
pub fn change_timing(
    entry: Option<&RegisterEntry>,
    location: &str,
    now: DateTime<Utc>,
    notice: Duration,
) -> ChangeTiming {
    let in_effect = entry.filter(|e| e.in_effect).map(|e| &e.shown);
    let material = in_effect.is_none_or(|current| !same_location(&current.location, location));
    if !material {
        return ChangeTiming { material, earliest: now };
    }
    let announced = entry.and_then(|e| if e.in_effect { e.pending.as_ref() } else { Some(&e.shown) });
    let earliest = match announced {
        Some(announced) if same_location(&announced.location, location) => announced.effective_from,
        _ => now + notice,
    };
    ChangeTiming { material, earliest }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;

    fn version(location: &str, recorded: i64, effective: i64, material: bool) -> subprocessor_version::Model {
        let day0 = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
        subprocessor_version::Model {
            id: Uuid::now_v7(),
            name_key: "mailer".into(),
            name: "Mailer".into(),
            purpose: "mail".into(),
            location: location.into(),
            transfer_safeguard: "none".into(),
            placeholder: false,
            material,
            recorded_at: day0 + Duration::days(recorded),
            effective_from: day0 + Duration::days(effective),
            recorded_by: None,
        }
    }

    fn day(n: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap() + Duration::days(n)
    }

    #[test]
    fn a_new_sub_processor_is_announced_then_takes_effect() {
        let history = SubprocessorHistory::new(vec![version("Sweden", 0, 30, true)]);
        let before = &history.register_at(day(10))[0];
        assert!(!before.in_effect);
        assert_eq!(history.notices_at(day(10)).len(), 1);
        assert!(history.register_at(day(30))[0].in_effect);
        assert_eq!(history.notices_at(day(59)).len(), 1, "still shown a while after");
        assert!(history.notices_at(day(61)).is_empty());
    }

    #[test]
    fn a_new_location_stays_pending_while_the_old_one_is_in_effect() {
        let history = SubprocessorHistory::new(vec![version("Sweden", 0, 0, true), version("USA", 100, 130, true)]);
        let entry = &history.register_at(day(110))[0];
        assert_eq!((entry.shown.location.as_str(), entry.in_effect), ("Sweden", true));
        assert_eq!(entry.pending.as_ref().map(|p| p.location.as_str()), Some("USA"));
        assert_eq!(history.register_at(day(130))[0].shown.location, "USA");
    }

    #[test]
    fn a_later_version_calls_off_an_announced_change() {
        let history = SubprocessorHistory::new(vec![
            version("Sweden", 0, 0, true),
            version("USA", 100, 130, true),
            version("Sweden", 105, 105, false),
        ]);
        let entry = &history.register_at(day(140))[0];
        assert_eq!(entry.shown.location, "Sweden");
        assert!(entry.pending.is_none());
        assert!(history.notices_at(day(110)).is_empty());
    }

    #[test]
    fn only_a_new_sub_processor_or_location_waits_for_the_notice_period() {
        let notice = Duration::days(30);
        let history = SubprocessorHistory::new(vec![version("Sweden", 0, 0, true)]);
        let entry = history.entry("mailer", day(100));
        assert_eq!(
            change_timing(None, "Sweden", day(100), notice),
            ChangeTiming { material: true, earliest: day(130) }
        );
        assert_eq!(
            change_timing(entry.as_ref(), " sweden ", day(100), notice),
            ChangeTiming { material: false, earliest: day(100) }
        );
        assert_eq!(
            change_timing(entry.as_ref(), "USA", day(100), notice),
            ChangeTiming { material: true, earliest: day(130) }
        );
    }

    #[test]
    fn correcting_an_announcement_keeps_its_date() {
        let history = SubprocessorHistory::new(vec![version("Sweden", 0, 0, true), version("USA", 100, 130, true)]);
        let entry = history.entry("mailer", day(110));
        let timing = change_timing(entry.as_ref(), "USA", day(110), Duration::days(30));
        assert_eq!(timing, ChangeTiming { material: true, earliest: day(130) });
    }
}
