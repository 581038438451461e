//! At most one message per channel per interval: Slack allows about one per second per channel
//! and answers bursts with 429s.

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

    /// Waits for the channel's next slot.
    pub async fn wait(&self, channel: &str) {
        if self.interval.is_zero() {
            return;
        }
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            // Forget channels idle for a while, so the map stays small.
            if next.len() > 10_000 {
                next.retain(|_, at| *at > now);
            }
            let slot = next
                .get(channel)
                .copied()
                .filter(|at| *at > now)
                .unwrap_or(now);
            next.insert(channel.to_string(), slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn messages_to_one_channel_are_spaced_and_other_channels_do_not_wait() {
        let pacer = Pacer::new(Duration::from_secs(1));
        let start = Instant::now();
        pacer.wait("C1").await;
        pacer.wait("C2").await;
        assert_eq!(start.elapsed(), Duration::ZERO);
        pacer.wait("C1").await;
        pacer.wait("C1").await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
        // A quiet channel sends at once.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let later = Instant::now();
        pacer.wait("C1").await;
        assert_eq!(later.elapsed(), Duration::ZERO);
    }
}
