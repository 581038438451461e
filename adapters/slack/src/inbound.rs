//! The way in, shared by Socket Mode and HTTP: decode, keep out workspaces the adapter holds no
//! token for, acknowledge in time, and complete and deliver the event after.

use crate::decode::Decoded;
use crate::directory::Directory;
use crate::platform::SlackPlatform;
use crate::settings::SlackSettings;
use crate::web::Web;
use helpdesk_chat::{
    hand_off, Attempt, ChatAction, ChatEvent, ChatPlatform, EventKind, EventSink, Handoff,
    RichMessage, SinkError, SinkFuture, Taken,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// How often a workspace without a token is logged: once, then once an hour.
const UNKNOWN_TEAM_LOG_EVERY: Duration = Duration::from_secs(3600);

/// Receives Slack's payloads for the desk.
pub struct Inbound {
    settings: Arc<SlackSettings>,
    sink: Arc<dyn EventSink>,
    web: Web,
    /// Answers a person privately where the desk is not set up.
    platform: Arc<SlackPlatform>,
    /// Workspaces without a token, and when each was last logged.
    unknown: Mutex<HashMap<String, Instant>>,
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

/// Where to answer an interaction privately: a click, a form or a shortcut (a command is
/// answered in its own response).
fn private_answer_to(event: &ChatEvent) -> Option<(String, Option<String>, String)> {
    matches!(
        event.kind,
        EventKind::Action { .. }
            | EventKind::FormSubmitted { .. }
            | EventKind::TicketFromMessage { .. }
    )
    .then(|| {
        (
            event.channel.clone(),
            event.thread.clone(),
            event.sender.id.clone(),
        )
    })
}

impl Inbound {
    /// Delivers to `sink`, completing events from `directory`.
    pub fn new(
        settings: Arc<SlackSettings>,
        directory: Arc<Directory>,
        sink: Arc<dyn EventSink>,
    ) -> Self {
        let web = directory.web().clone();
        let platform = Arc::new(SlackPlatform::new(web.clone()));
        let sink = Arc::new(Completing { directory, sink });
        Inbound {
            settings,
            sink,
            web,
            platform,
            unknown: Mutex::new(HashMap::new()),
        }
    }

    /// The settings.
    pub fn settings(&self) -> &SlackSettings {
        &self.settings
    }

    /// Hands a decoded payload to the desk and says how it stood at the acknowledgement deadline
    /// (`ack_deadline` from now).
    pub async fn receive(&self, decoded: Decoded) -> Handoff {
        self.receive_by(decoded, Instant::now() + self.settings.ack_deadline)
            .await
    }

    /// The same, answering by `answer_by` whatever is slow: the workspace check (a first
    /// `auth.test`) as much as the desk. A desk still at work then goes on after the answer; a
    /// workspace that could not be checked in time is not acknowledged (Slack sends it again).
    pub async fn receive_by(&self, decoded: Decoded, answer_by: Instant) -> Handoff {
        let event = match decoded {
            Decoded::Event(event) => *event,
            Decoded::Ignored(why) => {
                tracing::debug!(reason = why, "slack payload ignored");
                return Handoff::Done(Default::default());
            }
        };
        // A workspace the adapter holds no token for installed the app: nothing of it reaches
        // the desk, and nothing is ever sent there (a command still hears, in its response).
        let serves = tokio::time::timeout_at(answer_by, self.web.serves(&event.tenant)).await;
        let serves = serves.unwrap_or_else(|_| {
            Err(helpdesk_chat::SendError::Transient(
                "auth.test did not answer in time".into(),
            ))
        });
        match serves {
            Ok(true) => {}
            Ok(false) => {
                self.log_unknown(&event.tenant);
                return Handoff::Done(Taken {
                    answered: false,
                    unserved: true,
                });
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot tell which workspace the default token is for");
                return Handoff::Failed(SinkError(e.to_string()));
            }
        }
        tracing::debug!(event = %event.event_id, "slack event received");
        let team = event.tenant.clone();
        let answer_to = private_answer_to(&event);
        let deadline = answer_by.saturating_duration_since(Instant::now());
        let handoff = hand_off(self.sink.clone(), event, deadline).await;
        if let (Handoff::Done(taken), Some((channel, thread, user))) = (&handoff, answer_to) {
            if taken.unserved {
                self.tell_unserved(team, channel, thread, user);
            }
        }
        handoff
    }

    fn log_unknown(&self, team: &str) {
        let mut unknown = self.unknown.lock().unwrap_or_else(|e| e.into_inner());
        let due = unknown
            .get(team)
            .is_none_or(|at| at.elapsed() >= UNKNOWN_TEAM_LOG_EVERY);
        if due {
            unknown.insert(team.to_string(), Instant::now());
            tracing::warn!(
                team,
                "slack: an event from a workspace without a bot token of its own dropped \
                 (the default token serves only its own workspace)"
            );
        }
    }

    /// Says privately, on its own task, that the desk is not set up in this workspace.
    fn tell_unserved(&self, team: String, channel: String, thread: Option<String>, user: String) {
        tracing::info!(
            team,
            "an interaction from a workspace the desk does not serve"
        );
        let action = ChatAction::Ephemeral {
            channel,
            thread,
            user,
            message: RichMessage::text(self.settings.unserved_text.get(&team)),
            trigger: None,
        };
        let platform = self.platform.clone();
        tokio::spawn(async move {
            let attempt = Attempt {
                key: "unserved",
                again: false,
            };
            if let Err(e) = platform.send(&team, &action, None, attempt).await {
                tracing::warn!(error = %e, "could not say the desk is not set up here");
            }
        });
    }
}
