//! Incoming: what a person did in chat, already verified and parsed by the adapter.

use crate::command::CommandOption;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// Which chat platform something came from or goes to, by its stable name (`slack`,
/// `discord`, `memory`). The set is open: each adapter names its own (`helpdesk_slack::PLATFORM`)
/// and a new one needs no change here. Stored events and outbox rows hold the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Platform(&'static str);

/// The most distinct platform names one process takes in from text (configuration, database):
/// each is kept for the life of the process, so text cannot make it grow without bound.
const MAX_NAMES: usize = 64;

/// The longest platform name.
const MAX_NAME_LEN: usize = 32;

impl Platform {
    /// The in-memory platform of this crate (tests, the demo, benchmarks).
    pub const MEMORY: Platform = Platform::new("memory");

    /// The platform called `name`: lower-case letters, digits, `-` and `_`, as adapters
    /// declare their constant.
    pub const fn new(name: &'static str) -> Platform {
        Platform(name)
    }

    /// The stable text form.
    pub const fn as_str(self) -> &'static str {
        self.0
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// The text was not a platform name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown platform {0:?}: expected a platform name such as slack, discord or memory")]
pub struct UnknownPlatform(pub String);

impl FromStr for Platform {
    type Err = UnknownPlatform;

    /// Any well-formed name (trimmed, case folded); whether a platform of that name is
    /// registered is for the caller to ask.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let name = s.trim().to_ascii_lowercase();
        let well_formed = (1..=MAX_NAME_LEN).contains(&name.len())
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(UnknownPlatform(s.to_string()));
        }
        intern(&name)
            .map(Platform)
            .ok_or_else(|| UnknownPlatform(s.to_string()))
    }
}

/// The one `'static` copy of `name`, so a platform read from text stays `Copy` like the
/// adapters' constants; `None` once [`MAX_NAMES`] names are taken.
fn intern(name: &str) -> Option<&'static str> {
    static NAMES: std::sync::Mutex<Vec<&'static str>> = std::sync::Mutex::new(Vec::new());
    let mut names = NAMES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(known) = names.iter().find(|n| **n == name) {
        return Some(known);
    }
    if names.len() >= MAX_NAMES {
        return None;
    }
    let kept: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.push(kept);
    Some(kept)
}

impl Serialize for Platform {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Platform {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
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
    /// The person's language as the platform gave it (`it-IT`, `pl`, `en-US`), when it did.
    #[serde(default)]
    pub locale: Option<String>,
}

/// A file attached to a message, as the platform names it (its link needs the platform's login).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// The file name.
    pub name: String,
    /// Where the platform keeps it.
    pub url: String,
    /// Its size in bytes, when the platform says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
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
        /// It names the bot (Slack `app_mention`, a Discord mention): someone wants the desk
        /// here, even outside its intake channels. The mention itself is cut from `text`.
        #[serde(default)]
        mentions_bot: bool,
        /// Files attached to it.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
    },
    /// A slash command such as `/ticket escalate L2 printer on fire`.
    Command {
        /// The command name without the slash (`ticket`).
        name: String,
        /// Everything after the name as typed (Slack), or the subcommand's name when the
        /// platform sends its options typed (Discord).
        args: String,
        /// The options the platform sent typed; empty when it sent text.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        options: Vec<CommandOption>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_platform_is_its_name_whether_declared_or_read() {
        const SLACK: Platform = Platform::new("slack");
        assert_eq!(" Slack ".parse::<Platform>(), Ok(SLACK));
        assert_eq!("teams".parse::<Platform>().unwrap().as_str(), "teams");
        assert_eq!(serde_json::to_string(&SLACK).unwrap(), "\"slack\"");
        assert_eq!(
            serde_json::from_str::<Platform>("\"memory\"").unwrap(),
            Platform::MEMORY
        );
        for bad in [
            "",
            "sl ack",
            "1slack",
            "slack!",
            &"x".repeat(MAX_NAME_LEN + 1),
        ] {
            assert!(bad.parse::<Platform>().is_err(), "{bad:?}");
        }
    }
}
