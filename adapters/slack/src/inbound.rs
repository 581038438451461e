//! The way in, shared by Socket Mode and HTTP: decode, acknowledge in time, and complete and
//! deliver the event after.

use crate::decode::Decoded;
use crate::directory::Directory;
use crate::settings::SlackSettings;
use helpdesk_chat::{hand_off, ChatEvent, EventSink, Handoff, SinkFuture};
use std::sync::Arc;

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
        match decoded {
            Decoded::Event(event) => {
                tracing::debug!(event = %event.event_id, "slack event received");
                hand_off(self.sink.clone(), *event, self.settings.ack_deadline).await
            }
            Decoded::Ignored(why) => {
                tracing::debug!(reason = why, "slack payload ignored");
                Handoff::Done
            }
        }
    }
}
