//! One-time codes sent by e-mail (issue 13): to verify an address, or to reset a forgotten password. A code is
//! eight digits, valid for [`CODE_VALID_MINUTES`], single-use, and allows [`MAX_CODE_TRIES`] wrong tries; it is
//! stored only as an HMAC bound to the account and the purpose, so a copy of the database reveals no code and a
//! code cannot be replayed for another account or purpose.

use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use uuid::Uuid;

/// How long a code may be used after it was sent.
pub const CODE_VALID_MINUTES: i64 = 30;
/// Wrong tries a code allows; the next try is refused even with the right code.
pub const MAX_CODE_TRIES: i32 = 5;
/// Digits in a code: 10⁸ possibilities against at most five tries per code.
pub const CODE_DIGITS: usize = 8;
/// A new code for the same purpose is not mailed again within this many seconds (no mail-bombing an inbox).
pub const RESEND_AFTER_SECONDS: i64 = 60;

/// What a code is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodePurpose {
    /// Proves the owner receives mail at the account's address (or at the new address of a change).
    VerifyEmail,
    /// Lets the owner of the address set a new password.
    ResetPassword,
}

impl CodePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            CodePurpose::VerifyEmail => "VERIFY_EMAIL",
            CodePurpose::ResetPassword => "RESET_PASSWORD",
        }
    }
}

/// A freshly drawn code, as mailed.
pub fn new_code() -> String {
    let mut rng = rand::rng();
    (0..CODE_DIGITS).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
}

/// What a person typed, reduced to its digits (spaces and dashes from copying are forgiven).
pub fn typed_code(typed: &str) -> String {
    typed.chars().filter(char::is_ascii_digit).collect()
}

/// When a code sent at `sent_at` stops working.
pub fn expires_at(sent_at: DateTime<Utc>) -> DateTime<Utc> {
    sent_at + Duration::minutes(CODE_VALID_MINUTES)
}

/// The stored form of a code: HMAC-SHA256 over the account, the purpose and the code, in hex.
pub fn code_hash(key: &[u8], user_id: Uuid, purpose: CodePurpose, code: &str) -> String {
    hex::encode(mac_of(key, user_id, purpose, code).finalize().into_bytes())
}

/// Whether `typed` is the code stored as `stored_hash` (compared in constant time).
pub fn code_matches(key: &[u8], user_id: Uuid, purpose: CodePurpose, typed: &str, stored_hash: &str) -> bool {
    let Ok(stored) = hex::decode(stored_hash) else { return false };
    mac_of(key, user_id, purpose, &typed_code(typed)).verify_slice(&stored).is_ok()
}

fn mac_of(key: &[u8], user_id: Uuid, purpose: CodePurpose, code: &str) -> Hmac<Sha256> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key"));
    mac.update(user_id.as_bytes());
    mac.update(purpose.as_str().as_bytes());
    mac.update(b"\0");
    mac.update(code.as_bytes());
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_eight_digits_and_matches_only_its_account_and_purpose() {
        let code = new_code();
        assert_eq!(code.len(), CODE_DIGITS);
        assert!(code.chars().all(|c| c.is_ascii_digit()));
        let (key, user) = (b"k".as_slice(), Uuid::now_v7());
        let stored = code_hash(key, user, CodePurpose::VerifyEmail, &code);
        assert!(code_matches(key, user, CodePurpose::VerifyEmail, &code, &stored));
        let spaced = format!("{} {}", &code[..4], &code[4..]);
        assert!(code_matches(key, user, CodePurpose::VerifyEmail, &spaced, &stored));
        assert!(!code_matches(key, Uuid::now_v7(), CodePurpose::VerifyEmail, &code, &stored));
        assert!(!code_matches(key, user, CodePurpose::ResetPassword, &code, &stored));
        assert!(!code_matches(b"other key", user, CodePurpose::VerifyEmail, &code, &stored));
    }
}
