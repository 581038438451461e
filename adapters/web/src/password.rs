//! Password hashes: Argon2id with the crate's defaults (OWASP's minimum: 19 MiB, 2 passes, one
//! lane), written as PHC strings so the parameters travel with each hash and can be raised
//! later without breaking older hashes.

use crate::account::Password;
use crate::token::{random_bytes, NoRandomness};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::OnceLock;

/// Hashing failed (no randomness for the salt, or the hasher refused the input).
#[derive(Debug, Clone, thiserror::Error)]
pub enum HashError {
    /// No salt could be made.
    #[error(transparent)]
    Random(#[from] NoRandomness),
    /// The hasher refused.
    #[error("password hashing failed: {0}")]
    Hash(String),
}

/// The PHC string of `password`'s Argon2id hash with a fresh salt.
pub fn hash(password: &Password) -> Result<String, HashError> {
    let salt = SaltString::encode_b64(&random_bytes::<16>()?)
        .map_err(|e| HashError::Hash(e.to_string()))?;
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Hash(e.to_string()))
}

/// Whether `password` matches the stored `phc` hash. A stored value that is not a hash
/// matches nothing (and is logged: it was edited by hand).
pub fn verify(password: &Password, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.expose().as_bytes(), &parsed)
            .is_ok(),
        Err(e) => {
            tracing::error!(error = %e, "web: a stored password hash is not a PHC string");
            false
        }
    }
}

/// Does the work of one verification for a name with no account, so that the answer takes as
/// long as for a wrong password and tells nobody which names exist.
pub fn verify_nobody(password: &Password) {
    if let Some(phc) = dummy() {
        let _ = verify(password, phc);
    }
}

/// Makes the hash [`verify_nobody`] checks against, so that the first unknown name does not
/// take a hash longer than the next ones (call it once, off the async threads).
pub fn prepare() {
    dummy();
}

fn dummy() -> Option<&'static str> {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    DUMMY
        .get_or_init(|| {
            Password::new("no account has this password")
                .ok()
                .and_then(|p| hash(&p).ok())
        })
        .as_deref()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let right = Password::new("correct horse battery").unwrap();
        let wrong = Password::new("correct horse battery!").unwrap();
        let phc = hash(&right).unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify(&right, &phc));
        assert!(!verify(&wrong, &phc));
        assert_ne!(hash(&right).unwrap(), phc, "every hash has its own salt");
        assert!(!verify(&right, "not a hash"));
        verify_nobody(&right);
    }
}
