//! What both platforms' request signatures share: the reasons a request is refused, the
//! five-minute window around its timestamp, and the clock the check reads.

use std::sync::Arc;

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECONDS: i64 = 5 * 60;

/// Why a request is not from the platform.
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
    /// The signature does not match the body, or is not a signature at all.
    #[error("the signature does not match")]
    Mismatch,
}

/// Checks that a request's timestamp (Unix seconds, as text) is within the window of `now`.
pub fn within_window(timestamp: &str, now: i64) -> Result<(), SignatureError> {
    let at: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let skew = now.saturating_sub(at);
    if skew.abs() > WINDOW_SECONDS {
        return Err(SignatureError::OutOfWindow(skew));
    }
    Ok(())
}

/// The current time in Unix seconds (tests inject their own).
pub type Now = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The system clock.
pub fn system_now() -> Now {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64)
    })
}
