use async_graphql::Enum;

/// Why points moved.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    /// Every full kilometre walked (credit).
    Walking,
    /// A referral reward, to recruiter or recruit (credit).
    ReferralReward,
    /// Points spent on an offer (debit).
    OfferUnlock,
    /// A correction by CoGo staff (either way).
    Adjustment,
    /// The account was closed: the remaining points were forfeited (debit).
    AccountClosed,
}

impl EntryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntryKind::Walking => "WALKING",
            EntryKind::ReferralReward => "REFERRAL_REWARD",
            EntryKind::OfferUnlock => "OFFER_UNLOCK",
            EntryKind::Adjustment => "ADJUSTMENT",
            EntryKind::AccountClosed => "ACCOUNT_CLOSED",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            EntryKind::Walking,
            EntryKind::ReferralReward,
            EntryKind::OfferUnlock,
            EntryKind::Adjustment,
            EntryKind::AccountClosed,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}
