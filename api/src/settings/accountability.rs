//! What the privacy module tells people about accountability: `COGO_SUPERVISORY_AUTHORITY_NAME`, `_WEBSITE`,
//! `_EMAIL`, `_POSTAL_ADDRESS`, `_PHONE` (default: IMY's details) and `COGO_SUBPROCESSOR_NOTICE_DAYS`.

use cogo_privacy::SupervisoryAuthorityContact;
use cogo_privacy::domain::subprocessor_register::DEFAULT_NOTICE_DAYS;

/// The longest notice period accepted: a year.
const MAX_NOTICE_DAYS: u32 = 365;

/// The supervisory authority's contact details; each variable overrides one of IMY's.
pub fn supervisory_authority_from(var: &dyn Fn(&str) -> Option<String>) -> SupervisoryAuthorityContact {
    let imy = SupervisoryAuthorityContact::imy();
    let or = |name: &str, default: String| var(name).map(|v| v.trim().to_string()).unwrap_or(default);
    SupervisoryAuthorityContact {
        name: or("COGO_SUPERVISORY_AUTHORITY_NAME", imy.name),
        website: or("COGO_SUPERVISORY_AUTHORITY_WEBSITE", imy.website),
        email: or("COGO_SUPERVISORY_AUTHORITY_EMAIL", imy.email),
        postal_address: or("COGO_SUPERVISORY_AUTHORITY_POSTAL_ADDRESS", imy.postal_address),
        phone: or("COGO_SUPERVISORY_AUTHORITY_PHONE", imy.phone),
    }
}

/// How many days before a material sub-processor change takes effect users are told (§5.2): 1–365, default 30.
pub fn subprocessor_notice_days_from(var: &dyn Fn(&str) -> Option<String>) -> Result<u32, String> {
    let days = super::number(var, "COGO_SUBPROCESSOR_NOTICE_DAYS", DEFAULT_NOTICE_DAYS)?;
    if !(1..=MAX_NOTICE_DAYS).contains(&days) {
        return Err(format!("COGO_SUBPROCESSOR_NOTICE_DAYS must be between 1 and {MAX_NOTICE_DAYS}"));
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    #[test]
    fn the_authority_is_imy_unless_configured() {
        assert_eq!(supervisory_authority_from(&env(vec![])), SupervisoryAuthorityContact::imy());
        let other = supervisory_authority_from(&env(vec![("COGO_SUPERVISORY_AUTHORITY_EMAIL", "x@example.se")]));
        assert_eq!(
            other,
            SupervisoryAuthorityContact { email: "x@example.se".into(), ..SupervisoryAuthorityContact::imy() }
        );
    }

    #[test]
    fn the_notice_period_is_a_day_to_a_year() {
        assert_eq!(subprocessor_notice_days_from(&env(vec![])), Ok(30));
        assert_eq!(subprocessor_notice_days_from(&env(vec![("COGO_SUBPROCESSOR_NOTICE_DAYS", "60")])), Ok(60));
        assert!(subprocessor_notice_days_from(&env(vec![("COGO_SUBPROCESSOR_NOTICE_DAYS", "0")])).is_err());
    }
}
