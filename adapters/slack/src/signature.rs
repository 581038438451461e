//! Slack's request signatures (`X-Slack-Signature`, `v0`): HMAC-SHA256 of `v0:{timestamp}:{body}`
//! with the signing secret, within five minutes of now, compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECONDS: i64 = 5 * 60;

/// Why a request is not from Slack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// A header is missing.
    #[error("missing header {0}")]
    Missing(&'static str),
    /// The timestamp is not a number.
    #[error("the timestamp is not a number")]
    BadTimestamp,
    /// The timestamp is more than five minutes away from now (a replay, or a wrong clock).
    #[error("the timestamp is {0} s away from now")]
    OutOfWindow(i64),
    /// The signature does not match the body.
    #[error("the signature does not match")]
    Mismatch,
}

/// The signature Slack would send for this body at this timestamp.
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .expect("HMAC takes keys of any length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(3 + digest.len() * 2);
    out.push_str("v0=");
    for byte in digest.iter() {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

/// Checks a request's headers and body against the signing secret at `now` (Unix seconds).
pub fn verify(
    secret: &str,
    timestamp: Option<&str>,
    signature: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let timestamp = timestamp.ok_or(SignatureError::Missing("X-Slack-Request-Timestamp"))?;
    let signature = signature.ok_or(SignatureError::Missing("X-Slack-Signature"))?;
    let at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let skew = now.saturating_sub(at);
    if skew.abs() > WINDOW_SECONDS {
        return Err(SignatureError::OutOfWindow(skew));
    }
    let expected = sign(secret, timestamp, body);
    if bool::from(expected.as_bytes().ct_eq(signature.trim().as_bytes())) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}
