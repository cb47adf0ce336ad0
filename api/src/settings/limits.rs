//! What one GraphQL request may ask for (README "Security"): the limits are constants, chosen so that every
//! operation of the clients (`../shared/clients/*.graphql`) and GraphiQL's introspection query fit; only the
//! execution timeout is a setting.

use std::time::Duration;

/// Levels of nested fields, the leaves included (fragments count by what they contain). GraphiQL's introspection
/// query needs 15.
pub const MAX_DEPTH: usize = 16;
/// The cost of an operation: one per field, a list charged per item it may return (`first`, or the list's fixed
/// size), expensive fields by their cost (`cogo_kernel::complexity`). A page of 100 of any client list fits.
pub const MAX_COMPLEXITY: usize = 2_500;
/// Fields at the top of one query, aliases included.
pub const MAX_ROOT_FIELDS: usize = 100;
/// Fields at the top of one mutation: each runs its own transaction, one after the other.
pub const MAX_MUTATION_ROOT_FIELDS: usize = 10;
/// Selections (fields, fragment spreads, inline fragments) of one operation with its fragments spread out, and of
/// each fragment. GraphiQL's introspection query has 227.
pub const MAX_FIELDS: usize = 300;
/// Directives on one field, fragment or operation (`@include`, `@skip`).
pub const MAX_DIRECTIVES_PER_LOCATION: usize = 4;
/// Directives in the whole document.
pub const MAX_DIRECTIVES: usize = 32;
/// Characters of a name in the document (alias, field, argument, fragment, variable) and of a key of an object in
/// the variables (input field names, all short).
pub const MAX_NAME_CHARS: usize = 100;
/// Characters of one string, in the variables or in the document: the longest real input is a privacy policy
/// published by staff (`cogo_consent::service::policy::MAX_BODY_CHARS`).
pub const MAX_STRING_CHARS: usize = 200_000;
/// Errors in one response; more are summed up in one more error (`TOO_MANY_ERRORS`).
pub const MAX_ERRORS: usize = 20;
/// Characters of an error message: longer ones quote client text and are cut.
pub const MAX_ERROR_MESSAGE_CHARS: usize = 200;
/// Root fields an operation may select at most once (by name, under aliases or in fragments alike): each is a
/// password check (Argon2), a batch, an irreversible act, a spend or an export, so a copy under another alias is
/// abuse (500 aliased `logIn`s are 500 password guesses).
/// Listed by name, so a field counts from the day it lands in the schema.
pub const ONCE_PER_REQUEST: &[&str] = &[
    "logIn",
    "signUp",
    "changePassword",
    "resetPassword",
    "requestPasswordReset",
    "deleteAccount",
    "eraseUser",
    "syncSteps",
    "unlockOffer",
    "myDataExport",
    "userDataExport",
];

const _: () = assert!(MAX_STRING_CHARS >= cogo_consent::service::policy::MAX_BODY_CHARS);

/// The default of `COGO_REQUEST_TIMEOUT_SECONDS`.
pub const DEFAULT_REQUEST_TIMEOUT_SECONDS: u64 = 10;

/// The limits that are settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitSettings {
    /// `COGO_REQUEST_TIMEOUT_SECONDS`: how long one GraphQL request may run before it is answered `TIMEOUT`.
    pub request_timeout: Duration,
}

impl Default for LimitSettings {
    fn default() -> Self {
        Self { request_timeout: Duration::from_secs(DEFAULT_REQUEST_TIMEOUT_SECONDS) }
    }
}

impl LimitSettings {
    /// Reads `COGO_REQUEST_TIMEOUT_SECONDS` (a whole number of seconds, at least 1).
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Result<Self, String> {
        let seconds = match var("COGO_REQUEST_TIMEOUT_SECONDS") {
            Some(text) => text
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| *s >= 1)
                .ok_or("COGO_REQUEST_TIMEOUT_SECONDS must be a whole number of seconds, at least 1")?,
            None => DEFAULT_REQUEST_TIMEOUT_SECONDS,
        };
        Ok(Self { request_timeout: Duration::from_secs(seconds) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_timeout_defaults_to_ten_seconds_and_refuses_zero() {
        assert_eq!(LimitSettings::from_env(&|_| None).unwrap(), LimitSettings::default());
        let five = LimitSettings::from_env(&|_| Some("5".into())).unwrap();
        assert_eq!(five.request_timeout, Duration::from_secs(5));
        assert!(LimitSettings::from_env(&|_| Some("0".into())).is_err());
        assert!(LimitSettings::from_env(&|_| Some("soon".into())).is_err());
    }
}
