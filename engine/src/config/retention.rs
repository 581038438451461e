//! `[retention]`: how long the engine keeps what it needs only for a while.

use super::{format_duration, ConfigError};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The longest the platforms redeliver an event (Slack retries for about an hour; a
/// Discord gateway resumes within minutes): a shorter `processed_events` could let a
/// redelivered event be handled twice.
pub const REDELIVERY_WINDOW: Duration = Duration::from_secs(60 * 60);

/// `[retention]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Sent outbox actions are deleted this long after they were sent (pending and dead ones
    /// are kept).
    #[serde(with = "crate::config::tenant::duration_text")]
    pub outbox: Duration,
    /// The ids of handled events, kept to recognise a redelivery, are deleted after this.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub processed_events: Duration,
    /// How often each process prunes.
    #[serde(with = "crate::config::tenant::duration_text")]
    pub every: Duration,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            outbox: Duration::from_secs(30 * 86_400),
            processed_events: Duration::from_secs(7 * 86_400),
            every: Duration::from_secs(15 * 60),
        }
    }
}

impl RetentionConfig {
    pub(super) fn validate(&self) -> Result<(), ConfigError> {
        let error = |key: &str, value: Duration, allowed: String| ConfigError::Value {
            key: key.to_string(),
            reason: format!(
                "{} is not allowed; expected {allowed}",
                format_duration(value)
            ),
        };
        if self.processed_events < REDELIVERY_WINDOW {
            return Err(error(
                "retention.processed_events",
                self.processed_events,
                format!(
                    "at least {} (how long the platforms may deliver an event again)",
                    format_duration(REDELIVERY_WINDOW)
                ),
            ));
        }
        if self.outbox.is_zero() {
            return Err(error(
                "retention.outbox",
                self.outbox,
                "more than 0, such as \"30d\"".into(),
            ));
        }
        if self.every < Duration::from_secs(1) {
            return Err(error(
                "retention.every",
                self.every,
                "at least 1s, such as \"15m\"".into(),
            ));
        }
        Ok(())
    }
}
