//! The server's secrets: one root secret (`COGO_SECRET`, or its earlier name `COGO_TOKEN_SECRET`) from which a
//! sub-key per purpose is derived with HKDF-SHA256 (RFC 5869), and an optional `COGO_PSEUDONYM_SECRET` that
//! carries the partner pseudonyms on its own. The root itself signs, hashes and keys nothing.
//!
//! Why: a key used for one purpose only can be rotated without touching the others. Rotating the root changes the
//! access-token key (every access token is refused once; the apps refresh: refresh tokens are not keyed, so nobody
//! is signed out) and the log-in throttle's key (open counters start afresh); it changes the pseudonyms merchants
//! see only while no `COGO_PSEUDONYM_SECRET` is set.

use std::path::{Path, PathBuf};

use hkdf::Hkdf;
use rand::RngCore;
use sha2::Sha256;

/// The shortest secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;
const DEV_SECRET_FILE: &str = ".cogo/token-secret";

/// HKDF salt: a fixed, application-specific value (RFC 5869 §3.1), so the same root used by another program
/// derives other keys.
const SALT: &[u8] = b"cogo-api/secrets/v1";

/// The `info` label of each purpose. A label names one use forever: a new purpose takes a new label (through
/// [`Secrets::derive`]), and changing a label changes that key.
pub mod purpose {
    /// Signs and verifies access tokens (JWT HS256).
    pub const ACCESS_TOKENS: &str = "cogo/access-token-signing/v1";
    /// Keys the HMAC of e-mail addresses in the log-in throttle table.
    pub const LOGIN_THROTTLE: &str = "cogo/login-throttle-email-hmac/v1";
    /// Keys the HMAC of the one-time codes mailed for e-mail verification and password resets.
    pub const EMAIL_CODES: &str = "cogo/email-code-hmac/v1";
    /// Keys the per-partner customer pseudonyms (derived from `COGO_PSEUDONYM_SECRET` when it is set).
    pub const PARTNER_PSEUDONYMS: &str = "cogo/partner-pseudonyms/v1";
}

/// A derived key: 32 bytes, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SubKey([u8; 32]);

impl SubKey {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }
}

impl std::fmt::Debug for SubKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubKey([redacted])")
    }
}

/// One key per purpose, each derived from its secret; handed to the modules by `api/src/modules.rs`.
#[derive(Clone)]
pub struct Secrets {
    /// Signs access tokens (users module).
    pub token_key: SubKey,
    /// Keys the log-in throttle's e-mail HMAC (users module).
    pub throttle_key: SubKey,
    /// Keys the partner pseudonyms (offers module): from `COGO_PSEUDONYM_SECRET` if set, else from the root.
    pub pseudonym_key: SubKey,
    /// The root's HKDF state, for a purpose added later ([`Secrets::derive`]); the root itself is not kept.
    root: Hkdf<Sha256>,
}

impl Secrets {
    /// Derives every sub-key from `root`, and the pseudonym key from `pseudonym_secret` when given.
    pub fn derive_from(root: &[u8], pseudonym_secret: Option<&[u8]>) -> Self {
        let root = Hkdf::<Sha256>::new(Some(SALT), root);
        let pseudonym_key = match pseudonym_secret {
            // The same label as from the root: setting COGO_PSEUDONYM_SECRET to the current root's value keeps
            // every pseudonym, which is how an installation starts rotating the root without changing them.
            Some(secret) => expand(&Hkdf::<Sha256>::new(Some(SALT), secret), purpose::PARTNER_PSEUDONYMS),
            None => expand(&root, purpose::PARTNER_PSEUDONYMS),
        };
        Self {
            token_key: expand(&root, purpose::ACCESS_TOKENS),
            throttle_key: expand(&root, purpose::LOGIN_THROTTLE),
            pseudonym_key,
            root,
        }
    }

    /// Random secrets, for tests and tools.
    pub fn random() -> Self {
        let mut root = [0u8; MIN_SECRET_BYTES];
        rand::rng().fill_bytes(&mut root);
        Self::derive_from(&root, None)
    }

    /// The spare: a key for a purpose not listed above, under its own `info` label (e.g. `cogo/<use>/v1`).
    pub fn derive(&self, info: &str) -> SubKey {
        expand(&self.root, info)
    }

    /// Reads `COGO_SECRET` (or `COGO_TOKEN_SECRET`) and `COGO_PSEUDONYM_SECRET`. In production the root must be
    /// set; in development it is generated once into `.cogo/token-secret`, so sessions survive a restart.
    pub fn from_env(var: &dyn Fn(&str) -> Option<String>, production: bool) -> Result<Self, String> {
        let root = match root_from(var)? {
            Some(root) => root.into_bytes(),
            None if production => {
                return Err("COGO_SECRET (or COGO_TOKEN_SECRET) is required when COGO_ENV=production".into());
            }
            None => development_secret(Path::new(DEV_SECRET_FILE))?,
        };
        let pseudonym =
            var("COGO_PSEUDONYM_SECRET").map(|secret| long_enough("COGO_PSEUDONYM_SECRET", secret)).transpose()?;
        Ok(Self::derive_from(&root, pseudonym.as_deref().map(str::as_bytes)))
    }
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets([redacted])")
    }
}

/// The root secret under either name; both set to different values is refused rather than guessed.
fn root_from(var: &dyn Fn(&str) -> Option<String>) -> Result<Option<String>, String> {
    let root = match (var("COGO_SECRET"), var("COGO_TOKEN_SECRET")) {
        (Some(new), Some(old)) if new != old => {
            return Err("COGO_SECRET and COGO_TOKEN_SECRET are both set, to different values: set one".into());
        }
        (Some(secret), _) => Some(long_enough("COGO_SECRET", secret)?),
        (None, Some(secret)) => Some(long_enough("COGO_TOKEN_SECRET", secret)?),
        (None, None) => None,
    };
    Ok(root)
}

fn long_enough(name: &str, secret: String) -> Result<String, String> {
    if secret.len() >= MIN_SECRET_BYTES {
        Ok(secret)
    } else {
        Err(format!("{name} must be at least {MIN_SECRET_BYTES} bytes"))
    }
}

fn expand(hkdf: &Hkdf<Sha256>, info: &str) -> SubKey {
    let mut key = [0u8; 32];
    // 32 bytes is far below HKDF-SHA256's limit of 255 × 32, so this cannot fail; the fallback avoids a panic.
    if hkdf.expand(info.as_bytes(), &mut key).is_err() {
        tracing::error!("HKDF refused a 32-byte key");
    }
    SubKey(key)
}

/// Reads the development secret, creating it (readable by the owner only) on first start.
fn development_secret(path: &Path) -> Result<Vec<u8>, String> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let existing = existing.trim();
        if existing.len() >= MIN_SECRET_BYTES {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let dir = path.parent().map(PathBuf::from).unwrap_or_default();
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    std::fs::write(path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
    }
    tracing::info!(path = %path.display(), "generated a development root secret");
    Ok(secret.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::test_env as env;

    const ROOT: &[u8] = b"root-secret-root-secret-root-secret-0001";
    const ROTATED: &[u8] = b"root-secret-root-secret-root-secret-0002";
    const PSEUDONYMS: &[u8] = b"pseudonym-secret-pseudonym-secret-0001";

    #[test]
    fn every_purpose_gets_its_own_key_and_none_is_the_root() {
        let secrets = Secrets::derive_from(ROOT, None);
        let keys =
            [&secrets.token_key, &secrets.throttle_key, &secrets.pseudonym_key, &secrets.derive("cogo/spare/v1")];
        for (i, a) in keys.iter().enumerate() {
            assert_ne!(a.as_bytes(), &ROOT[..32]);
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
    }

    #[test]
    fn derivation_is_stable_and_follows_rfc_5869() {
        let (a, b) = (Secrets::derive_from(ROOT, None), Secrets::derive_from(ROOT, None));
        assert_eq!(
            (&a.token_key, &a.throttle_key, &a.pseudonym_key),
            (&b.token_key, &b.throttle_key, &b.pseudonym_key)
        );
        // HKDF-SHA256 by hand: PRK = HMAC(salt, root); OKM = HMAC(PRK, info ‖ 0x01) for one 32-byte block.
        use hkdf::hmac::{Hmac, Mac};
        let mut extract = Hmac::<Sha256>::new_from_slice(SALT).unwrap();
        extract.update(ROOT);
        let prk = extract.finalize().into_bytes();
        let mut block = Hmac::<Sha256>::new_from_slice(&prk).unwrap();
        block.update(purpose::ACCESS_TOKENS.as_bytes());
        block.update(&[1]);
        assert_eq!(a.token_key.as_bytes(), &block.finalize().into_bytes()[..]);
    }

    #[test]
    fn rotating_the_root_keeps_the_pseudonym_key_when_the_pseudonym_secret_stays() {
        let before = Secrets::derive_from(ROOT, Some(PSEUDONYMS));
        let after = Secrets::derive_from(ROTATED, Some(PSEUDONYMS));

        assert_eq!(before.pseudonym_key, after.pseudonym_key);
        assert_ne!(before.token_key, after.token_key);
        assert_ne!(before.throttle_key, after.throttle_key);
    }

    #[test]
    fn without_a_pseudonym_secret_rotating_the_root_changes_the_pseudonym_key() {
        assert_ne!(Secrets::derive_from(ROOT, None).pseudonym_key, Secrets::derive_from(ROTATED, None).pseudonym_key);
    }

    #[test]
    fn setting_the_pseudonym_secret_to_the_current_root_keeps_every_pseudonym() {
        let root_only = Secrets::derive_from(ROOT, None);
        let pinned = Secrets::derive_from(ROTATED, Some(ROOT));

        assert_eq!(root_only.pseudonym_key, pinned.pseudonym_key);
    }

    #[test]
    fn the_root_is_read_under_either_name_and_two_different_values_are_refused() {
        let long = "0123456789abcdef0123456789abcdef-long";
        let by_new = Secrets::from_env(&env(vec![("COGO_SECRET", long)]), true).unwrap();
        let by_old = Secrets::from_env(&env(vec![("COGO_TOKEN_SECRET", long)]), true).unwrap();
        assert_eq!(by_new.token_key, by_old.token_key);
        let both = env(vec![("COGO_SECRET", long), ("COGO_TOKEN_SECRET", "another-value-another-value-another")]);
        assert!(Secrets::from_env(&both, true).is_err());
        assert!(Secrets::from_env(&env(vec![("COGO_SECRET", long), ("COGO_TOKEN_SECRET", long)]), true).is_ok());
    }

    #[test]
    fn short_or_missing_secrets_are_refused_in_production() {
        assert!(Secrets::from_env(&env(vec![]), true).is_err());
        assert!(Secrets::from_env(&env(vec![("COGO_SECRET", "short")]), true).is_err());
        let long = "0123456789abcdef0123456789abcdef-long";
        let short_pseudonym = env(vec![("COGO_SECRET", long), ("COGO_PSEUDONYM_SECRET", "short")]);
        assert!(Secrets::from_env(&short_pseudonym, true).is_err());
    }

    #[test]
    fn debug_output_shows_no_key() {
        let secrets = Secrets::derive_from(ROOT, None);
        let shown = format!("{secrets:?} {:?}", secrets.token_key);
        assert!(!shown.contains(&hex::encode(secrets.token_key.as_bytes())));
        assert!(shown.contains("redacted"));
    }
}
