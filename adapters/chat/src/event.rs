//! Incoming: what a person did in chat, already verified and parsed by the adapter.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The chat platforms the desk can talk to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    /// Slack (a tenant is a workspace).
    Slack,
    /// Discord (a tenant is a guild).
    Discord,
    /// The in-memory platform used by tests, the demo and benchmarks.
    Memory,
}

impl Platform {
    /// The stable text form.
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Slack => "slack",
            Platform::Discord => "discord",
            Platform::Memory => "memory",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text was not a platform name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?}: expected slack, discord or memory")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "slack" => Ok(Platform::Slack),
            "discord" => Ok(Platform::Discord),
            "memory" => Ok(Platform::Memory),
            _ => Err(UnknownPlatform(s.to_string())),
        }
    }
}

/// The person behind an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sender {
    /// Platform user id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Platform groups or roles the person is in (Slack user-group ids, Discord role ids).
    pub groups: Vec<String>,
    /// The platform says this is a bot (the desk ignores bots, itself included).
    pub is_bot: bool,
}

/// A file attached to a message, as the platform names it (its link needs the platform's login).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name.
    pub name: String,
    /// Where the platform keeps it.
    pub url: String,
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A plain message (top level, in a thread, or a direct message).
    Message {
        /// The text as written.
        text: String,
        /// The platform id of this message.
        message_id: String,
        /// A direct message to the bot.
        direct: bool,
        /// Files attached to it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    /// A slash command such as `/ticket escalate L2 printer on fire`.
    Command {
        /// The command name without the slash (`ticket`).
        name: String,
        /// Everything after the name.
        args: String,
        /// The platform's token for opening a form in answer (Slack `trigger_id`, Discord
        /// interaction token), when there is one.
        trigger: Option<String>,
    },
    /// A button click.
    Action {
        /// The button's action id (never trusted on its own: the desk re-checks everything).
        id: String,
        /// The button's value.
        value: String,
        /// The message that carried the button.
        message_id: Option<String>,
        /// The platform's token for opening a form in answer, when there is one.
        trigger: Option<String>,
    },
    /// A form (modal) was submitted.
    FormSubmitted {
        /// The form id given when it was opened.
        form: String,
        /// Field id → value.
        fields: BTreeMap<String, String>,
        /// The platform's token for answering the submission privately (never for opening
        /// another form: a form cannot answer a form).
        #[serde(default)]
        trigger: Option<String>,
    },
    /// "Create ticket" on a message (Slack message shortcut, Discord message command): the
    /// message becomes a ticket for its author, as with the intake reaction.
    TicketFromMessage {
        /// The message.
        on_message: String,
        /// Its author.
        message_author: Option<String>,
        /// Its text, when the platform sent it.
        message_text: Option<String>,
    },
    /// A person opened their page of the bot (Slack's App Home tab).
    HomeOpened,
    /// A reaction was added to a message.
    Reaction {
        /// The emoji name without colons (`ticket`) or the unicode character.
        emoji: String,
        /// The message reacted to.
        on_message: String,
        /// The author of that message.
        message_author: Option<String>,
        /// The text of that message, when the adapter could read it.
        message_text: Option<String>,
    },
}

/// A platform-neutral event, as the desk receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatEvent {
    /// Which platform it came from.
    pub platform: Platform,
    /// The platform's own event id, used to drop redeliveries.
    pub event_id: String,
    /// The workspace or guild id.
    pub tenant: String,
    /// Who did it.
    pub sender: Sender,
    /// Where: the channel id.
    pub channel: String,
    /// Where: the thread id, if it happened in a thread.
    pub thread: Option<String>,
    /// What happened.
    pub kind: EventKind,
}

/// How much text one part of a rendered message may hold on a platform; the desk cuts longer
/// text with "…" in cards and keeps it whole in the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextLimits {
    /// A heading.
    pub title: usize,
    /// The body.
    pub text: usize,
    /// One field's value.
    pub field: usize,
}

impl Platform {
    /// Whether the platform has private threads a bot can open in any channel (Discord's; the
    /// in-memory one plays along). Slack's threads are as public as their channel.
    pub fn private_threads(self) -> bool {
        match self {
            Platform::Discord | Platform::Memory => true,
            Platform::Slack => false,
        }
    }

    /// The platform's limits (Slack: header 150, section 3,000, field 2,000; Discord embed:
    /// title 256, description 4,096, field value 1,024).
    pub fn text_limits(self) -> TextLimits {
        match self {
            Platform::Slack => TextLimits {
                title: 150,
                text: 3000,
                field: 2000,
            },
            Platform::Discord | Platform::Memory => TextLimits {
                title: 256,
                text: 4096,
                field: 1024,
            },
        }
    }
}
