use async_graphql::Enum;

/// What an unlock links to the customer (§4.6).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferKind {
    /// A one-time purchase: unlocking shares the customer's name and e-mail (as they are then) with that merchant,
    /// and is logged as a disclosure; not possible while the customer has restricted processing.
    OneTime,
    /// A reusable discount: the merchant sees only a per-partner pseudonym.
    Reusable,
}

/// Where an offer is in its life.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfferStatus {
    /// Being prepared; visible only to its merchant.
    Draft,
    /// Visible to users inside its validity window while stock lasts.
    Published,
    /// Withdrawn for good.
    Archived,
}

/// Where a redemption is in its life.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedemptionStatus {
    /// Paid for with points; the code is waiting to be shown at the till.
    Unlocked,
    /// Verified by the merchant at the till (once).
    Redeemed,
}

macro_rules! stored_as {
    ($ty:ty { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some(Self::$variant),)+ _ => None }
            }
        }
    };
}

stored_as!(OfferKind { OneTime => "ONE_TIME", Reusable => "REUSABLE" });
stored_as!(OfferStatus { Draft => "DRAFT", Published => "PUBLISHED", Archived => "ARCHIVED" });
stored_as!(RedemptionStatus { Unlocked => "UNLOCKED", Redeemed => "REDEEMED" });

impl OfferStatus {
    /// The allowed transitions: a draft is published or archived, a published offer is archived; nothing else.
    pub fn can_become(self, next: OfferStatus) -> bool {
        matches!(
            (self, next),
            (OfferStatus::Draft, OfferStatus::Published)
                | (OfferStatus::Draft, OfferStatus::Archived)
                | (OfferStatus::Published, OfferStatus::Archived)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forward_transitions_are_allowed() {
        use OfferStatus::*;
        assert!(Draft.can_become(Published));
        assert!(Draft.can_become(Archived));
        assert!(Published.can_become(Archived));
        for (from, to) in [(Published, Published), (Published, Draft), (Archived, Published), (Archived, Archived)] {
            assert!(!from.can_become(to), "{from:?} -> {to:?}");
        }
    }

    #[test]
    fn stored_names_round_trip() {
        for kind in [OfferKind::OneTime, OfferKind::Reusable] {
            assert_eq!(OfferKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(OfferStatus::parse("ARCHIVED"), Some(OfferStatus::Archived));
        assert_eq!(RedemptionStatus::parse("nope"), None);
    }
}
