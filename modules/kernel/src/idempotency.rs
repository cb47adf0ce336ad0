//! The `Idempotency-Key` request header, as Stripe documents it: a client sends a unique key with a request that
//! spends and sends the same key again when it retries, so a retry after a lost answer gets the first answer
//! instead of spending twice. The HTTP handler puts the header, as received, into the request's data; a mutation
//! that honours it reads it with [`IdempotencyKey::of`], which checks it.

use async_graphql::Context;
use chrono::Duration;

use crate::error::AppError;

/// The `Idempotency-Key` header of a request, as received (checked when read, by [`IdempotencyKey::of`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(pub String);

impl IdempotencyKey {
    /// The header's name.
    pub const HEADER: &'static str = "idempotency-key";
    /// The longest key accepted (Stripe's limit: a UUID, the recommended key, needs 36).
    pub const MAX_LEN: usize = 255;

    /// The header value's bytes; anything that is not UTF-8 is kept as U+FFFD, so the check refuses it.
    pub fn from_header(value: &[u8]) -> Self {
        Self(String::from_utf8_lossy(value).into_owned())
    }

    /// How long a key is remembered: a retry within this window gets the first answer (Stripe: 24 hours).
    pub fn window() -> Duration {
        Duration::hours(24)
    }

    /// The key of this request: `None` without the header, `BAD_USER_INPUT` unless it is 1–255 printable ASCII
    /// characters.
    pub fn of<'a>(ctx: &Context<'a>) -> Result<Option<&'a str>, AppError> {
        ctx.data_opt::<IdempotencyKey>().map(IdempotencyKey::checked).transpose()
    }

    /// The key, if it is 1–255 printable ASCII characters. The message never quotes the key (it is the client's
    /// text, and may be long).
    pub fn checked(&self) -> Result<&str, AppError> {
        let key = self.0.as_str();
        if key.is_empty() || key.len() > Self::MAX_LEN {
            return Err(AppError::bad_input("Idempotency-Key", format!("must be 1 to {} characters", Self::MAX_LEN)));
        }
        if !key.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            return Err(AppError::bad_input("Idempotency-Key", "must be printable ASCII characters only"));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(raw: &[u8]) -> Result<String, &'static str> {
        IdempotencyKey::from_header(raw).checked().map(str::to_string).map_err(|e| e.code().as_str())
    }

    #[test]
    fn a_uuid_or_any_printable_ascii_up_to_255_characters_is_a_key() {
        assert_eq!(
            check(b"0f8fad5b-d9cb-469f-a165-70867728950e").as_deref(),
            Ok("0f8fad5b-d9cb-469f-a165-70867728950e")
        );
        assert_eq!(check(b"order 42: coffee ~!").as_deref(), Ok("order 42: coffee ~!"));
        assert!(check("k".repeat(255).as_bytes()).is_ok());
    }

    #[test]
    fn empty_long_control_and_non_ascii_keys_are_bad_input() {
        assert_eq!(check(b""), Err("BAD_USER_INPUT"));
        assert_eq!(check("k".repeat(256).as_bytes()), Err("BAD_USER_INPUT"));
        assert_eq!(check(b"tab\there"), Err("BAD_USER_INPUT"));
        assert_eq!(check(b"nul\0"), Err("BAD_USER_INPUT"));
        assert_eq!(check("nyckel-\u{f6}".as_bytes()), Err("BAD_USER_INPUT"));
        assert_eq!(check(b"latin1-\xf6"), Err("BAD_USER_INPUT"));
    }
}
