//! Passwords are stored only as Argon2id hashes (policy §4.12).

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use cogo_kernel::AppError;

/// A password a user chose: at least 10 characters, at most 128 bytes (Argon2 has no length limit, but an
/// unbounded input is a cheap way to burn our CPU).
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_BYTES: usize = 128;

    pub fn parse(field: &'static str, raw: &str) -> Result<Self, AppError> {
        if raw.chars().count() < Self::MIN_CHARS {
            return Err(AppError::bad_input(field, format!("must be at least {} characters", Self::MIN_CHARS)));
        }
        if raw.len() > Self::MAX_BYTES {
            return Err(AppError::bad_input(field, format!("must be at most {} bytes", Self::MAX_BYTES)));
        }
        Ok(Self(raw.to_string()))
    }

    /// Hashes with Argon2id (default parameters, random salt) off the async runtime.
    pub async fn hash(self) -> Result<PasswordHash, AppError> {
        let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
        let phc = tokio::task::spawn_blocking(move || {
            Argon2::default().hash_password(self.0.as_bytes()).map(|hash| hash.to_string())
        })
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
        Ok(PasswordHash(phc))
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// An Argon2id PHC string as stored in `users.password_hash`.
#[derive(Debug, Clone)]
pub struct PasswordHash(pub String);

impl PasswordHash {
    /// What an account without a password stores (one made by signing in with a provider).
    pub const NONE: &'static str = "";

    /// Whether the account has a password at all.
    pub fn is_set(&self) -> bool {
        !self.0.is_empty()
    }
}

/// Argon2id takes ~19 MiB and tens of milliseconds per run: at most this many run at once, so a burst of log-ins
/// queues instead of exhausting memory.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// A hash of a random password nobody knows, made once per process. Verifying against it when the e-mail is
/// unknown makes a wrong e-mail cost as much time as a wrong password, so timing does not reveal who has an account.
static DECOY_HASH: LazyLock<String> = LazyLock::new(|| {
    let secret: [u8; 32] = rand::random();
    Argon2::default().hash_password(&secret).map(|hash| hash.to_string()).unwrap_or_default()
});

impl PasswordHash {
    /// Checks `candidate` against the hash (or against a decoy when there is no account), off the runtime.
    pub async fn verify(stored: Option<&PasswordHash>, candidate: &str) -> Result<bool, AppError> {
        // An account made by signing in with a provider has no password: checked against the decoy like an
        // unknown address, so its answer takes as long as any other.
        let stored = stored.filter(|hash| hash.is_set());
        let known = stored.is_some();
        let phc = stored.map_or_else(|| DECOY_HASH.clone(), |hash| hash.0.clone());
        let candidate = candidate.to_string();
        let _permit = HASHING.acquire().await.map_err(AppError::internal)?;
        let matches = tokio::task::spawn_blocking(move || {
            Argon2::default().verify_password(candidate.as_bytes(), phc.as_str()).is_ok()
        })
        .await
        .map_err(AppError::internal)?;
        Ok(known && matches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_length_is_bounded() {
        assert!(NewPassword::parse("password", "short").is_err());
        assert!(NewPassword::parse("password", "exactly10!").is_ok());
        assert!(NewPassword::parse("password", &"x".repeat(128)).is_ok());
        assert!(NewPassword::parse("password", &"x".repeat(129)).is_err());
        // 64 two-byte characters are 128 bytes; 65 are too many bytes though few characters.
        assert!(NewPassword::parse("password", &"å".repeat(65)).is_err());
    }

    #[tokio::test]
    async fn hashes_verify_and_the_decoy_never_matches() {
        let hash = NewPassword::parse("password", "correct horse battery").unwrap().hash().await.unwrap();
        assert!(hash.0.starts_with("$argon2id$"));
        assert!(PasswordHash::verify(Some(&hash), "correct horse battery").await.unwrap());
        assert!(!PasswordHash::verify(Some(&hash), "wrong horse battery").await.unwrap());
        assert!(!PasswordHash::verify(None, "correct horse battery").await.unwrap());
    }
}
