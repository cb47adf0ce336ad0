//! `DailyCap` — policy §5.5 (qualified movement): a day credits at most 50 km; the rest is stored, not credited.

pub struct DailyCap;

impl DailyCap {
    /// 50 km in millimetres.
    pub const MAX_CREDITED_MM: i64 = 50_000_000;

    /// The part of a day's walked distance that counts.
    pub fn credited(walked_mm: i64) -> i64 {
        walked_mm.clamp(0, Self::MAX_CREDITED_MM)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cap_cuts_only_above_fifty_km() {
        assert_eq!(DailyCap::credited(12_345), 12_345);
        assert_eq!(DailyCap::credited(60_000_000), 50_000_000);
    }
}
