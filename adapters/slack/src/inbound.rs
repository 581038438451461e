//! The way in, shared by Socket Mode and HTTP: decode, acknowledge in time, and complete and
//! deliver the event after.

use crate::decode::Decoded;
use crate::directory::Directory;
use crate::settings::SlackSettings;
use helpdesk_chat::{hand_off, ChatEvent, EventSink, Handoff, SinkFuture};
use std::sync::Arc;
use std::time::Duration;

/// The longest a Socket Mode frame waits for the desk before it is acknowledged.
pub const SOCKET_ACK_DEADLINE: Duration = Duration::from_millis(500);

/// Receives Slack's payloads for the desk.
pub struct Inbound {
    settings: Arc<SlackSettings>,
    sink: Arc<dyn EventSink>,
}

/// Completes each event from the directory before the desk sees it: on the hand-off's own task,
/// so slow Slack calls never delay the acknowledgement.
struct Completing {
    directory: Arc<Directory>,
    sink: Arc<dyn EventSink>,
}

impl EventSink for Completing {
    fn deliver(&self, mut event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            self.directory.complete(&mut event).await;
            self.sink.deliver(event).await
        })
    }
}

impl Inbound {
    /// Delivers to `sink`, completing events from `directory`.
    pub fn new(
        settings: Arc<SlackSettings>,
        directory: Arc<Directory>,
        sink: Arc<dyn EventSink>,
    ) -> Self {
        let sink = Arc::new(Completing { directory, sink });
        Inbound { settings, sink }
    }

    /// The settings.
    pub fn settings(&self) -> &SlackSettings {
        &self.settings
    }

    /// Hands a decoded payload to the desk and says how it stood at the acknowledgement deadline.
    pub async fn receive(&self, decoded: Decoded) -> Handoff {
        self.receive_within(decoded, self.settings.ack_deadline)
            .await
    }

    /// The same with a shorter deadline, for Socket Mode: slack-morphism reads a connection's
    /// next frame only after this one is answered, so a slow desk must not hold the line long.
    pub async fn receive_queued(&self, decoded: Decoded) -> Handoff {
        let deadline = self.settings.ack_deadline.min(SOCKET_ACK_DEADLINE);
        self.receive_within(decoded, deadline).await
    }

    async fn receive_within(&self, decoded: Decoded, deadline: Duration) -> Handoff {
        match decoded {
            Decoded::Event(event) => {
                tracing::debug!(event = %event.event_id, "slack event received");
                hand_off(self.sink.clone(), *event, deadline).await
            }
            Decoded::Ignored(why) => {
                tracing::debug!(reason = why, "slack payload ignored");
                Handoff::Done(Default::default())
            }
        }
    }
}
