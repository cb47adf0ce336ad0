//! No individual can be singled out of a report (sister policy: "we cannot trace and analyse your individual app
//! behaviour"). Every row of a report is one stored day-level counter; a counter below [`MIN_REPORTED_COUNT`] is
//! not shown but **merged into an `other` row** of its day and kind (every other column `other`), and an `other`
//! row that is itself below the threshold is **dropped**.
//!
//! Differencing: because rows are per day and per stored counter, a report over a longer range only adds rows (days)
//! to a shorter one — it never turns two suppressed counters into a visible sum — so subtracting one report from
//! another reveals only rows that were shown anyway.

use std::collections::BTreeMap;

use chrono::NaiveDate;

/// The smallest count a report shows.
pub const MIN_REPORTED_COUNT: i64 = 5;
/// What the merged small counters show in every column but day and kind.
pub const OTHER: &str = "other";

/// One counter, as stored or as reported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportRow {
    pub day: NaiveDate,
    pub kind: String,
    pub name: String,
    pub device_type: String,
    pub os: String,
    pub app_version: String,
    pub country: String,
    pub count: i64,
}

/// The rows that may be shown, in the order given, followed per (day, kind) by the `other` row if it is large
/// enough.
pub fn suppress_small_counts(rows: Vec<ReportRow>) -> Vec<ReportRow> {
    let mut shown = Vec::new();
    let mut other: BTreeMap<(NaiveDate, String), i64> = BTreeMap::new();
    for row in rows {
        if row.count >= MIN_REPORTED_COUNT {
            shown.push(row);
        } else {
            *other.entry((row.day, row.kind)).or_default() += row.count;
        }
    }
    shown.extend(other.into_iter().filter(|(_, count)| *count >= MIN_REPORTED_COUNT).map(|((day, kind), count)| {
        ReportRow {
            day,
            kind,
            name: OTHER.into(),
            device_type: OTHER.into(),
            os: OTHER.into(),
            app_version: OTHER.into(),
            country: OTHER.into(),
            count,
        }
    }));
    shown.sort_by(|a, b| (a.day, &a.kind).cmp(&(b.day, &b.kind)));
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(day: u32, name: &str, count: i64) -> ReportRow {
        ReportRow {
            day: NaiveDate::from_ymd_opt(2026, 11, day).unwrap(),
            kind: "screen_view".into(),
            name: name.into(),
            device_type: "phone".into(),
            os: "iOS".into(),
            app_version: "2.4.1".into(),
            country: "SE".into(),
            count,
        }
    }

    #[test]
    fn small_counts_go_into_other_and_a_small_other_is_dropped() {
        let shown = suppress_small_counts(vec![row(1, "home", 9), row(1, "a", 3), row(1, "b", 2), row(2, "c", 4)]);
        let names: Vec<(&str, i64)> = shown.iter().map(|r| (r.name.as_str(), r.count)).collect();
        assert_eq!(names, vec![("home", 9), ("other", 5)], "day 2's single small counter shows nowhere");
    }
}
