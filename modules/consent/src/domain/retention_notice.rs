//! `RetentionNotice` (policy §6.1, GDPR art. 13(2)(a) and 15(1)(d)): how long the data of each purpose is kept, as
//! users are told with every access request. Computed from the same [`RetentionPolicy`] the retention purge
//! deletes by, so what users read can never drift from what the code does.

use cogo_kernel::retention::RetentionPolicy;

use crate::{legal_basis::LegalBasis, purposes};

/// How long one purpose's data is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetentionNotice {
    /// In plain language.
    pub text: String,
    /// The period in days where one number applies (after the account is closed, for the account), else `None`.
    pub days: Option<u32>,
}

impl RetentionNotice {
    /// The notice for a purpose: the purposes the retention policy names get its periods (§4.13–4.14, §5.7);
    /// the others are kept as long as their legal basis lasts.
    pub fn for_purpose(purpose_key: &str, basis: LegalBasis, policy: &RetentionPolicy) -> Self {
        match purpose_key {
            purposes::ACCOUNT => Self {
                text: format!(
                    "While your account is open, and at most {} days after it is closed.",
                    policy.closed_account_days
                ),
                days: Some(policy.closed_account_days),
            },
            purposes::HEALTH_DATA => Self {
                text: format!(
                    "Raw step samples {} days; day totals and points while your account is open.",
                    policy.step_sample_days
                ),
                days: None,
            },
            purposes::BOOKKEEPING => Self {
                text: format!(
                    "{} years after the end of the calendar year they were written in, as the Swedish Bookkeeping \
                     Act (Bokföringslagen) requires.",
                    policy.bookkeeping_years
                ),
                days: None,
            },
            _ => Self { text: until_basis_ends(basis).to_string(), days: None },
        }
    }
}

fn until_basis_ends(basis: LegalBasis) -> &'static str {
    match basis {
        LegalBasis::Consent => "Until you withdraw your consent or delete your account.",
        LegalBasis::LegitimateInterest => "Until you object or delete your account.",
        LegalBasis::Contract => "While your account is open.",
        LegalBasis::LegalObligation => "As long as the law requires.",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetentionPolicy {
        RetentionPolicy {
            closed_account_days: 200,
            bookkeeping_years: 10,
            step_sample_days: 30,
            request_register_years: 5,
        }
    }

    #[test]
    fn the_account_is_kept_the_policys_days_after_closing() {
        let notice = RetentionNotice::for_purpose(purposes::ACCOUNT, LegalBasis::Contract, &policy());
        assert_eq!(notice.days, Some(200));
        assert!(notice.text.contains("200 days"), "{notice:?}");
    }

    #[test]
    fn raw_step_samples_follow_the_policys_days() {
        let notice = RetentionNotice::for_purpose(purposes::HEALTH_DATA, LegalBasis::Consent, &policy());
        assert_eq!(notice.days, None);
        assert!(notice.text.contains("30 days"), "{notice:?}");
    }

    #[test]
    fn bookkeeping_follows_the_policys_years() {
        let notice = RetentionNotice::for_purpose(purposes::BOOKKEEPING, LegalBasis::LegalObligation, &policy());
        assert!(notice.text.contains("10 years"), "{notice:?}");
        assert_eq!(notice.days, None);
    }

    #[test]
    fn consent_and_legitimate_interest_last_until_withdrawn_or_objected_to() {
        let consent = RetentionNotice::for_purpose(purposes::PARTNER_OFFERS, LegalBasis::Consent, &policy());
        assert!(consent.text.contains("withdraw"), "{consent:?}");
        let interest = RetentionNotice::for_purpose(purposes::MARKETING, LegalBasis::LegitimateInterest, &policy());
        assert!(interest.text.contains("object"), "{interest:?}");
        assert_eq!(interest.days, None);
    }
}
