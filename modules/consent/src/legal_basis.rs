use async_graphql::Enum;

/// The legal basis of a processing purpose (GDPR art. 6(1); policy §4.1).
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegalBasis {
    /// Needed to provide the service the user signed up for. Not withdrawable while the account exists.
    Contract,
    /// Only with an active, freely given consent; withdrawable at any time, as easily as it was given.
    Consent,
    /// Our legitimate interest, e.g. direct marketing. Allowed until the user objects (art. 21).
    LegitimateInterest,
    /// Required by law (bookkeeping). Not withdrawable.
    LegalObligation,
}

impl LegalBasis {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "CONTRACT" => Some(Self::Contract),
            "CONSENT" => Some(Self::Consent),
            "LEGITIMATE_INTEREST" => Some(Self::LegitimateInterest),
            "LEGAL_OBLIGATION" => Some(Self::LegalObligation),
            _ => None,
        }
    }

    /// The stored (and exported) name of the basis; [`LegalBasis::parse`] reads it back.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Contract => "CONTRACT",
            Self::Consent => "CONSENT",
            Self::LegitimateInterest => "LEGITIMATE_INTEREST",
            Self::LegalObligation => "LEGAL_OBLIGATION",
        }
    }

    /// Whether the user may switch this purpose on and off: consent can be withdrawn, legitimate interest
    /// objected to; contract and legal obligation are not the user's choice while the account exists.
    pub fn user_may_change(self) -> bool {
        matches!(self, Self::Consent | Self::LegitimateInterest)
    }

    /// Whether processing is allowed before the user has said anything: never for consent (privacy by default),
    /// always for the other bases (legitimate interest until an objection).
    pub fn allowed_by_default(self) -> bool {
        !matches!(self, Self::Consent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_consent_and_legitimate_interest_are_the_users_choice() {
        assert!(LegalBasis::Consent.user_may_change());
        assert!(LegalBasis::LegitimateInterest.user_may_change());
        assert!(!LegalBasis::Contract.user_may_change());
        assert!(!LegalBasis::LegalObligation.user_may_change());
    }

    #[test]
    fn every_basis_reads_back_from_its_name() {
        for basis in
            [LegalBasis::Contract, LegalBasis::Consent, LegalBasis::LegitimateInterest, LegalBasis::LegalObligation]
        {
            assert_eq!(LegalBasis::parse(basis.as_str()), Some(basis));
        }
    }

    #[test]
    fn nothing_needing_consent_is_allowed_by_default() {
        assert!(!LegalBasis::Consent.allowed_by_default());
        assert!(LegalBasis::LegitimateInterest.allowed_by_default());
    }
}
