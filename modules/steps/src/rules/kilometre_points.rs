//! `KilometrePoints` — policy §5.6: every full kilometre walked becomes one CoGo point; the remainder carries over
//! to the next sync.

pub struct KilometrePoints;

impl KilometrePoints {
    pub const MM_PER_POINT: i64 = 1_000_000;

    /// Points owed for everything credited so far, given how many were already awarded.
    pub fn newly_earned(total_credited_mm: i64, already_awarded: i64) -> i64 {
        (total_credited_mm / Self::MM_PER_POINT - already_awarded).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_remainder_carries_over() {
        assert_eq!(KilometrePoints::newly_earned(999_999, 0), 0);
        assert_eq!(KilometrePoints::newly_earned(1_600_000, 0), 1);
        // 0.6 km carried + 0.5 km more = 2.1 km in all: one more point.
        assert_eq!(KilometrePoints::newly_earned(2_100_000, 1), 1);
    }
}
