//! `OverlapPolicy` — policy §5.4–5.6: the same time is never credited twice. When iPhone and Apple Watch (or any
//! two sources) report overlapping intervals, each moment counts once, at the rate of the report that walked the
//! most in it: "the larger report wins".
//!
//! Each report is spread evenly over its interval. The timeline is cut at every report start and end (and at every
//! UTC midnight); on each piece the report with the highest distance rate wins, and the piece adds that report's
//! distance and steps for its length to its day. Reports that do not overlap simply add up.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use chrono::{DateTime, Duration, NaiveDate, Utc};

/// One report of walking over an interval.
#[derive(Debug, Clone)]
pub struct Report {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub distance_mm: f64,
    pub steps: f64,
}

impl Report {
    fn millis(&self) -> f64 {
        (self.end - self.start).num_milliseconds().max(1) as f64
    }

    fn distance_rate(&self) -> f64 {
        self.distance_mm / self.millis()
    }

    fn step_rate(&self) -> f64 {
        self.steps / self.millis()
    }
}

/// Orders reports by how fast they walked (distance, then steps): the larger report wins.
struct ByRate<'a>(&'a Report);

impl Ord for ByRate<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0
            .distance_rate()
            .total_cmp(&other.0.distance_rate())
            .then(self.0.step_rate().total_cmp(&other.0.step_rate()))
    }
}

impl PartialOrd for ByRate<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ByRate<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ByRate<'_> {}

/// Walking of one day after overlaps were counted once.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct DayWalk {
    pub distance_mm: f64,
    pub steps: f64,
}

pub struct OverlapPolicy;

impl OverlapPolicy {
    /// Walking per UTC day, for the given days only, from every report touching them.
    pub fn walked_per_day(reports: &[Report], days: &BTreeSet<NaiveDate>) -> BTreeMap<NaiveDate, DayWalk> {
        let mut walked: BTreeMap<NaiveDate, DayWalk> = days.iter().map(|d| (*d, DayWalk::default())).collect();
        let mut cuts: BTreeSet<DateTime<Utc>> = BTreeSet::new();
        for report in reports {
            cuts.insert(report.start);
            cuts.insert(report.end);
        }
        for day in days {
            cuts.insert(day_start(*day));
            cuts.insert(day_start(*day) + Duration::days(1));
        }
        let mut by_start: Vec<&Report> = reports.iter().collect();
        by_start.sort_by_key(|r| r.start);
        let mut next = 0;
        // The reports covering the current piece, the fastest on top. Ended reports are dropped lazily when they
        // surface, so each report enters and leaves the heap once: O(n log n) however much they overlap.
        let mut active: BinaryHeap<ByRate> = BinaryHeap::new();
        let cuts: Vec<DateTime<Utc>> = cuts.into_iter().collect();
        for window in cuts.windows(2) {
            let (from, to) = (window[0], window[1]);
            while next < by_start.len() && by_start[next].start <= from {
                active.push(ByRate(by_start[next]));
                next += 1;
            }
            while active.peek().is_some_and(|top| top.0.end <= from) {
                active.pop();
            }
            let Some(day) = walked.get_mut(&from.date_naive()) else { continue };
            if let Some(ByRate(winner)) = active.peek() {
                let millis = (to - from).num_milliseconds() as f64;
                day.distance_mm += winner.distance_rate() * millis;
                day.steps += winner.step_rate() * millis;
            }
        }
        walked
    }

    /// The UTC days an interval touches.
    pub fn days_of(start: DateTime<Utc>, end: DateTime<Utc>) -> impl Iterator<Item = NaiveDate> {
        let last = (end - Duration::milliseconds(1)).date_naive();
        start.date_naive().iter_days().take_while(move |d| *d <= last)
    }
}

pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(hour, minute, 0).unwrap().and_utc()
    }

    fn report(from: DateTime<Utc>, to: DateTime<Utc>, metres: f64, steps: f64) -> Report {
        Report { start: from, end: to, distance_mm: metres * 1000.0, steps }
    }

    fn one_day(reports: &[Report]) -> DayWalk {
        let day = at(0, 0).date_naive();
        OverlapPolicy::walked_per_day(reports, &BTreeSet::from([day]))[&day]
    }

    #[test]
    fn separate_reports_add_up() {
        let walk = one_day(&[report(at(8, 0), at(8, 30), 2000.0, 2600.0), report(at(9, 0), at(9, 30), 1000.0, 1300.0)]);
        assert!((walk.distance_mm - 3_000_000.0).abs() < 1.0);
    }

    #[test]
    fn the_same_walk_from_phone_and_watch_counts_once_at_the_larger_report() {
        let phone = report(at(8, 0), at(9, 0), 4000.0, 5000.0);
        let watch = report(at(8, 0), at(9, 0), 4200.0, 5300.0);
        let walk = one_day(&[phone, watch]);
        assert!((walk.distance_mm - 4_200_000.0).abs() < 1.0);
        assert!((walk.steps - 5300.0).abs() < 0.01);
    }

    #[test]
    fn a_partial_overlap_counts_the_overlap_once() {
        // Phone 8:00–9:00 at 4 km/h, watch 8:30–9:30 at 6 km/h: 8:00–8:30 phone (2 km), 8:30–9:30 watch (6 km).
        let walk = one_day(&[report(at(8, 0), at(9, 0), 4000.0, 0.0), report(at(8, 30), at(9, 30), 6000.0, 0.0)]);
        assert!((walk.distance_mm - 8_000_000.0).abs() < 1.0, "{walk:?}");
    }

    #[test]
    fn a_faster_report_inside_a_slower_one_wins_only_where_it_runs() {
        // Phone 8:00–10:00 at 3 km/h; watch 8:30–9:00 at 6 km/h: 1.5 + 3 + 3 = 7.5 km... phone 8:00–8:30 (1.5 km),
        // watch 8:30–9:00 (3 km), phone 9:00–10:00 (3 km).
        let walk = one_day(&[report(at(8, 0), at(10, 0), 6000.0, 0.0), report(at(8, 30), at(9, 0), 3000.0, 0.0)]);
        assert!((walk.distance_mm - 7_500_000.0).abs() < 1.0, "{walk:?}");
    }

    #[test]
    fn a_walk_over_midnight_is_split_between_the_days() {
        let late = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap().and_hms_opt(23, 30, 0).unwrap().and_utc();
        let walk = report(late, late + Duration::hours(1), 4000.0, 0.0);
        let days: BTreeSet<NaiveDate> = OverlapPolicy::days_of(walk.start, walk.end).collect();
        assert_eq!(days.len(), 2);
        let per_day = OverlapPolicy::walked_per_day(&[walk], &days);
        for day in per_day.values() {
            assert!((day.distance_mm - 2_000_000.0).abs() < 1.0);
        }
    }
}
