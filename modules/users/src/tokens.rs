//! Access tokens (short-lived signed JWTs) and refresh tokens (opaque, stored only as hashes).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use cogo_kernel::{Actor, AppError, Role};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::config::UsersConfig;

const ISSUER: &str = "cogo-api";

#[derive(Debug, Serialize, Deserialize)]
struct AccessClaims {
    iss: String,
    sub: Uuid,
    sid: Uuid,
    roles: Vec<Role>,
    iat: i64,
    exp: i64,
}

/// Signs an access token for a session. Roles travel in the token, so a new role takes effect at the next refresh.
pub fn issue_access_token(
    config: &UsersConfig,
    user_id: Uuid,
    session_id: Uuid,
    roles: &[Role],
    now: DateTime<Utc>,
) -> Result<String, AppError> {
    let claims = AccessClaims {
        iss: ISSUER.into(),
        sub: user_id,
        sid: session_id,
        roles: roles.to_vec(),
        iat: now.timestamp(),
        exp: (now + config.access_token_ttl).timestamp(),
    };
    encode(&Header::new(Algorithm::HS256), &claims, &EncodingKey::from_secret(&config.token_key))
        .map_err(AppError::internal)
}

/// Checks signature, issuer and expiry (against the injectable clock, not the system time) and returns the actor.
/// The session itself is checked by the caller (it may have been revoked since).
pub fn verify_access_token(config: &UsersConfig, token: &str, now: DateTime<Utc>) -> Result<Actor, &'static str> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[ISSUER]);
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp", "iss", "sub"]);
    let data = decode::<AccessClaims>(token, &DecodingKey::from_secret(&config.token_key), &validation)
        .map_err(|_| "invalid access token")?;
    if data.claims.exp <= now.timestamp() {
        return Err("access token expired; refresh the session");
    }
    Ok(Actor { user_id: data.claims.sub, session_id: data.claims.sid, roles: data.claims.roles })
}

/// A fresh opaque refresh token: 256 random bits, URL-safe.
pub fn new_refresh_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a refresh token.
pub fn hash_refresh_token(token: &str) -> String {
    digest_of(token)
}

/// SHA-256 of a random secret (a refresh token, a sign-in state or one-time code), lower-case hex: what the
/// database keeps instead of the secret itself.
pub fn digest_of(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> UsersConfig {
        UsersConfig::new(b"test-secret-test-secret-test-secret".to_vec(), b"throttle".to_vec())
    }

    #[test]
    fn a_token_verifies_until_it_expires() {
        let now = Utc::now();
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let token = issue_access_token(&config(), user, session, &[Role::Admin], now).unwrap();
        let actor = verify_access_token(&config(), &token, now).unwrap();
        assert_eq!((actor.user_id, actor.session_id, actor.roles), (user, session, vec![Role::Admin]));
        assert!(verify_access_token(&config(), &token, now + chrono::Duration::minutes(16)).is_err());
    }

    #[test]
    fn a_token_signed_with_another_key_is_refused() {
        let now = Utc::now();
        let other = UsersConfig::new(b"another-secret-another-secret-xx".to_vec(), b"throttle".to_vec());
        let token = issue_access_token(&other, Uuid::new_v4(), Uuid::new_v4(), &[], now).unwrap();
        assert!(verify_access_token(&config(), &token, now).is_err());
    }

    #[test]
    fn refresh_tokens_are_random_and_hashed() {
        let (a, b) = (new_refresh_token(), new_refresh_token());
        assert_ne!(a, b);
        assert_eq!(hash_refresh_token(&a).len(), 64);
        assert_ne!(hash_refresh_token(&a), a);
    }
}
