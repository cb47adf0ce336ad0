//! How long CoGo keeps each kind of personal data (policy §4.7, §4.13–4.14, §5.7). The retention purge and the
//! transparency answer of `consentPurposes` read the same [`RetentionPolicy`], so what users are told can never
//! drift from what the code deletes.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Months, TimeZone, Utc};

/// The retention periods, from settings (documented defaults in the README).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// What is left of a closed account (its closing record) is kept this many days (§4.14: at most one year).
    pub closed_account_days: u32,
    /// Bookkeeping records (ledger entries, redemptions) are kept until the end of the this-many-th calendar year
    /// after the year they were written in (Bokföringslagen 7 kap. 2 §, §4.13).
    pub bookkeeping_years: u32,
    /// Raw step samples are kept this many days; by then they have long been turned into points and day totals.
    pub step_sample_days: u32,
    /// The data-subject request register (proof that requests were answered) is kept this many years after a
    /// request was received.
    pub request_register_years: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        Self { closed_account_days: 365, bookkeeping_years: 7, step_sample_days: 90, request_register_years: 3 }
    }
}

impl RetentionPolicy {
    /// Accounts closed before this moment are purged.
    pub fn closed_accounts_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::days(i64::from(self.closed_account_days))
    }

    /// Bookkeeping records written before this moment are purged: 1 January of the year `bookkeeping_years`
    /// before this one. Bokföringslagen 7 kap. 2 § keeps records "until the end of the seventh year after the end
    /// of the calendar year in which the financial year ended" (CoGo's financial year is the calendar year), so a
    /// record of 2025 goes in 2033.
    pub fn bookkeeping_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        let year = now.year() - i32::try_from(self.bookkeeping_years).unwrap_or(i32::MAX);
        Utc.with_ymd_and_hms(year, 1, 1, 0, 0, 0).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
    }

    /// Step samples that started before this moment are purged.
    pub fn step_samples_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - chrono::Duration::days(i64::from(self.step_sample_days))
    }

    /// Register entries received before this moment are purged.
    pub fn requests_before(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        years_before(now, self.request_register_years)
    }
}

fn years_before(now: DateTime<Utc>, years: u32) -> DateTime<Utc> {
    now.checked_sub_months(Months::new(years.saturating_mul(12))).unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The kinds of data a purge removes, as reported (`runRetentionPurge`, `cogo-api purge`).
pub mod purged {
    /// Closed accounts past `closed_account_days`.
    pub const ACCOUNTS: &str = "accounts";
    /// Raw step samples past `step_sample_days`.
    pub const STEP_SAMPLES: &str = "stepSamples";
    /// Ledger entries and redemptions past `bookkeeping_years`.
    pub const BOOKKEEPING_RECORDS: &str = "bookkeepingRecords";
    /// Sessions that expired or were revoked.
    pub const SESSIONS: &str = "sessions";
    /// Refresh tokens that were used (kept only for reuse detection while their session lives).
    pub const REFRESH_TOKENS: &str = "refreshTokens";
    /// Log-in throttle rows whose window and lock have passed.
    pub const LOGIN_THROTTLES: &str = "loginThrottles";
    /// Data-subject request register entries past `request_register_years`.
    pub const DATA_SUBJECT_REQUESTS: &str = "dataSubjectRequests";
    /// Idempotency keys of spending requests older than their 24 hours.
    pub const IDEMPOTENCY_KEYS: &str = "idempotencyKeys";
    /// One-time codes (mailed codes, provider sign-in codes) and provider sign-ins never finished, once expired.
    pub const SIGN_IN_CODES: &str = "signInCodes";
    /// Mails sent or given up, past the outbox's 30 days.
    pub const MAILS: &str = "mails";
}

/// What one purge removed, by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PurgeReport {
    counts: BTreeMap<&'static str, u64>,
}

impl PurgeReport {
    pub fn add(&mut self, kind: &'static str, count: u64) {
        *self.counts.entry(kind).or_default() += count;
    }

    pub fn merge(&mut self, other: PurgeReport) {
        for (kind, count) in other.counts {
            self.add(kind, count);
        }
    }

    pub fn count(&self, kind: &str) -> u64 {
        self.counts.get(kind).copied().unwrap_or(0)
    }

    pub fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.counts.iter().map(|(kind, count)| (*kind, *count))
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn bookkeeping_is_kept_to_the_end_of_the_seventh_year_after_its_own() {
        let policy = RetentionPolicy::default();
        // A record of 31 December 2025 is kept through 2032 and goes on 1 January 2033.
        let cutoff = policy.bookkeeping_before(Utc.with_ymd_and_hms(2032, 12, 31, 23, 0, 0).unwrap());
        assert!(Utc.with_ymd_and_hms(2025, 12, 31, 12, 0, 0).unwrap() >= cutoff);
        let cutoff = policy.bookkeeping_before(Utc.with_ymd_and_hms(2033, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(cutoff, Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
        assert!(Utc.with_ymd_and_hms(2025, 12, 31, 12, 0, 0).unwrap() < cutoff);
    }

    #[test]
    fn a_report_adds_up_counts_per_kind() {
        let mut report = PurgeReport::default();
        report.add(purged::SESSIONS, 2);
        let mut other = PurgeReport::default();
        other.add(purged::SESSIONS, 3);
        other.add(purged::ACCOUNTS, 1);
        report.merge(other);
        assert_eq!(report.count(purged::SESSIONS), 5);
        assert_eq!(report.count(purged::STEP_SAMPLES), 0);
        assert_eq!(report.total(), 6);
    }
}
