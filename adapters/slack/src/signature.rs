//! Slack's request signatures (`X-Slack-Signature`, `v0`): HMAC-SHA256 of `v0:{timestamp}:{body}`
//! with the signing secret, within five minutes of now, compared in constant time.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub use helpdesk_chat::signed::{SignatureError, WINDOW_SECONDS};

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
    helpdesk_chat::signed::within_window(timestamp, now)?;
    let expected = sign(secret, timestamp, body);
    if bool::from(expected.as_bytes().ct_eq(signature.trim().as_bytes())) {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}
