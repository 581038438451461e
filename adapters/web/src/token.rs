//! Random tokens (session ids, CSRF and setup tokens), the hashes they are kept as, and their
//! constant-time comparison.

use sha2::{Digest, Sha256};
use std::fmt;
use subtle::ConstantTimeEq;

/// 256 random bits from the operating system, written as 64 hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

/// The operating system gave no random numbers: nothing secret can be made.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the operating system's random number generator failed: {0}")]
pub struct NoRandomness(pub String);

impl Token {
    /// A fresh token.
    pub fn generate() -> Result<Token, NoRandomness> {
        let mut bytes = [0u8; 32];
        getrandom::getrandom(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
        Ok(Token(hex(&bytes)))
    }

    /// A token as a client sent it back: 64 hex digits, else `None`.
    pub fn parse(text: &str) -> Option<Token> {
        (text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| Token(text.to_string()))
    }

    /// The token as sent to the client.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What is stored instead of the token: its SHA-256, in hex. A copy of the store then
    /// holds nothing a browser could present.
    pub fn digest(&self) -> String {
        hex(&Sha256::digest(self.0.as_bytes()))
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(…)")
    }
}

/// Whether two secrets are equal, in time that does not depend on where they differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// Random bytes for a salt.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], NoRandomness> {
    let mut bytes = [0u8; N];
    getrandom::getrandom(&mut bytes).map_err(|e| NoRandomness(e.to_string()))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_fresh_and_read_back_only_when_well_formed() {
        let a = Token::generate().unwrap();
        let b = Token::generate().unwrap();
        assert_ne!(a, b);
        assert_eq!(Token::parse(a.expose()), Some(a.clone()));
        assert_eq!(Token::parse("abc"), None);
        assert_eq!(Token::parse(&"G".repeat(64)), None);
        assert_ne!(a.digest(), a.expose());
        assert_eq!(a.digest().len(), 64);
    }

    #[test]
    fn comparison_tells_equal_from_different() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }
}
