//! What a field costs in the gateway's complexity budget (README "Security"), for `#[graphql(complexity = …)]`
//! on the modules' fields. A plain field costs 1 plus its children; a list costs its children once per item it
//! may return, so `first: 1000000` is refused before it runs, not after a million rows.

/// A root field that runs its own database query (no loader batches it).
pub const DATABASE_READ: usize = 25;
/// A text that may be long (a privacy policy: up to 200,000 characters).
pub const LONG_TEXT: usize = 50;

/// Charges above this are all the same: over any budget, and small enough that adding them up cannot overflow.
const CEILING: usize = 1 << 32;

/// A page of a cursor connection: `first` items (default [`crate::pagination::DEFAULT_PAGE_SIZE`]), each costing
/// the selection under the connection.
pub fn page(first: Option<i32>, child_complexity: usize) -> usize {
    let items = first.map_or(crate::pagination::DEFAULT_PAGE_SIZE as usize, |n| usize::try_from(n).unwrap_or(0));
    items_of(items, child_complexity)
}

/// A list of at most `items` items, each costing `child_complexity`.
pub fn items_of(items: usize, child_complexity: usize) -> usize {
    items.saturating_mul(child_complexity).saturating_add(1).min(CEILING)
}

/// A list with one item per day from `from` to `to` (inclusive; an empty range costs one).
pub fn days(from: &crate::Date, to: &crate::Date, child_complexity: usize) -> usize {
    let days = (to.0 - from.0).num_days().saturating_add(1).max(1);
    items_of(usize::try_from(days).unwrap_or(usize::MAX), child_complexity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_costs_its_items_and_huge_pages_stay_summable() {
        assert_eq!(page(None, 5), 20 * 5 + 1);
        assert_eq!(page(Some(100), 5), 501);
        assert_eq!(page(Some(-3), 5), 1);
        assert_eq!(page(Some(i32::MAX), usize::MAX / 2), CEILING);
    }

    #[test]
    fn days_count_inclusively() {
        let day = |d: &str| crate::Date(chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        assert_eq!(days(&day("2026-01-01"), &day("2026-01-07"), 4), 7 * 4 + 1);
        assert_eq!(days(&day("2026-01-07"), &day("2026-01-01"), 4), 4 + 1);
    }
}
