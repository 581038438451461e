//! At most one message per channel per interval: Slack allows about one per second per channel
//! and answers bursts with 429s. A message that must wait goes back to the outbox for its slot.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;

/// Hands out send slots per channel.
#[derive(Debug)]
pub struct Pacer {
    interval: Duration,
    next: Mutex<HashMap<String, Instant>>,
}

impl Pacer {
    /// One message per `interval` per channel (zero: no pacing).
    pub fn new(interval: Duration) -> Self {
        Pacer {
            interval,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Takes the channel's slot now, or says how long until the next one (nothing reserved:
    /// the caller sends something else meanwhile instead of sleeping).
    pub fn take(&self, channel: &str) -> Result<(), Duration> {
        if self.interval.is_zero() {
            return Ok(());
        }
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let now = Instant::now();
        if let Some(at) = next.get(channel).filter(|at| **at > now) {
            return Err(*at - now);
        }
        // Forget channels idle for a while, so the map stays small.
        if next.len() > 10_000 {
            next.retain(|_, at| *at > now);
        }
        next.insert(channel.to_string(), now + self.interval);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn one_message_per_channel_per_interval_and_other_channels_go_on() {
        let pacer = Pacer::new(Duration::from_secs(1));
        assert_eq!(pacer.take("C1"), Ok(()));
        assert_eq!(pacer.take("C2"), Ok(()), "another channel is not held back");
        assert_eq!(pacer.take("C1"), Err(Duration::from_secs(1)));
        tokio::time::advance(Duration::from_millis(400)).await;
        assert_eq!(
            pacer.take("C1"),
            Err(Duration::from_millis(600)),
            "nothing reserved"
        );
        tokio::time::advance(Duration::from_millis(600)).await;
        assert_eq!(pacer.take("C1"), Ok(()));
        assert_eq!(Pacer::new(Duration::ZERO).take("C1"), Ok(()));
    }
}
