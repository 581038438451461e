//! Outgoing: what the desk asks a platform to do. Stored in the outbox until sent.

use crate::message::{Form, RichMessage};
use serde::{Deserialize, Serialize};

/// A channel, optionally a thread in it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Destination {
    /// The channel id.
    pub channel: String,
    /// The thread id, if the message goes into a thread.
    pub thread: Option<String>,
}

/// One thing to do on the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ChatAction {
    /// A new top-level message. `key` names it so later actions can refer to it.
    Post {
        /// Where.
        channel: String,
        /// What.
        message: RichMessage,
        /// A name for the posted message (e.g. `card:17:L1`), so it can be updated later.
        key: Option<String>,
    },
    /// A message in a thread.
    Reply {
        /// Where.
        channel: String,
        /// The thread.
        thread: String,
        /// What.
        message: RichMessage,
    },
    /// Edit a message posted before, found by its key.
    Update {
        /// The key given when it was posted.
        key: String,
        /// The new content.
        message: RichMessage,
    },
    /// A message only one person sees.
    Ephemeral {
        /// Where.
        channel: String,
        /// The thread, if any.
        thread: Option<String>,
        /// Who sees it.
        user: String,
        /// What.
        message: RichMessage,
    },
    /// Open a form for a person (needs the trigger of their click or command).
    OpenForm {
        /// Who.
        user: String,
        /// The platform's trigger id or interaction token.
        trigger: String,
        /// The form.
        form: Form,
    },
    /// Start a thread on a message posted before.
    CreateThread {
        /// The key of the message the thread hangs from.
        key: String,
        /// The thread's name (Discord shows it).
        name: String,
    },
    /// Add a reaction to a message.
    React {
        /// Where.
        channel: String,
        /// The message.
        message_id: String,
        /// Which emoji.
        emoji: String,
    },
}

impl ChatAction {
    /// The ordering key: actions for the same channel and thread are sent in order.
    pub fn ordering_key(&self) -> String {
        match self {
            ChatAction::Post { channel, .. } => channel.clone(),
            ChatAction::Reply {
                channel, thread, ..
            } => format!("{channel}/{thread}"),
            ChatAction::Ephemeral {
                channel, thread, ..
            } => match thread {
                Some(t) => format!("{channel}/{t}"),
                None => channel.clone(),
            },
            ChatAction::Update { key, .. } | ChatAction::CreateThread { key, .. } => {
                format!("key:{key}")
            }
            ChatAction::OpenForm { user, .. } => format!("user:{user}"),
            ChatAction::React { channel, .. } => channel.clone(),
        }
    }
}
