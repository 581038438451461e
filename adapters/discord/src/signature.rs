//! Discord's request signatures: Ed25519 over `timestamp ‖ body` with the application's public
//! key (`X-Signature-Ed25519`, `X-Signature-Timestamp`), checked by serenity's verifier. Stale
//! or future timestamps are refused too, so a captured request cannot be replayed later.

use serenity::interactions_endpoint::Verifier;

pub use helpdesk_chat::signed::{SignatureError, WINDOW_SECONDS};

/// The public key is not 64 hex digits of a valid Ed25519 point.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the Discord public key is not a valid Ed25519 key (64 hex digits)")]
pub struct BadKey;

/// The application's public key, ready to check requests.
#[derive(Clone)]
pub struct PublicKey(Verifier);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PublicKey(***)")
    }
}

impl PublicKey {
    /// Parses the hex key shown in Discord's developer portal.
    pub fn parse(hex: &str) -> Result<Self, BadKey> {
        let bytes: [u8; 32] = parse_hex(hex.trim()).ok_or(BadKey)?;
        Verifier::try_new(bytes).map(PublicKey).map_err(|_| BadKey)
    }

    /// Checks a request's headers and body at `now` (Unix seconds).
    pub fn verify(
        &self,
        timestamp: Option<&str>,
        signature: Option<&str>,
        body: &[u8],
        now: i64,
    ) -> Result<(), SignatureError> {
        let timestamp = timestamp.ok_or(SignatureError::Missing("X-Signature-Timestamp"))?;
        let signature = signature.ok_or(SignatureError::Missing("X-Signature-Ed25519"))?;
        helpdesk_chat::signed::within_window(timestamp, now)?;
        self.check(timestamp.as_bytes(), body, signature)
    }

    /// The bare Ed25519 check of `signature` over `prefix ‖ message`.
    pub fn check(
        &self,
        prefix: &[u8],
        message: &[u8],
        signature: &str,
    ) -> Result<(), SignatureError> {
        // The verifier takes the prefix as text; Discord's is always ASCII digits.
        let prefix = std::str::from_utf8(prefix).map_err(|_| SignatureError::Mismatch)?;
        self.0
            .verify(signature.trim(), prefix, message)
            .map_err(|()| SignatureError::Mismatch)
    }
}

fn parse_hex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != N * 2 || !s.is_ascii() {
        return None;
    }
    let mut out = [0; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}
