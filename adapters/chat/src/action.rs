//! Outgoing: what the desk asks a platform to do. Stored in the outbox until sent.

use crate::message::{Form, RichMessage};
use serde::{Deserialize, Serialize};

/// The start of the ordering key of an answer to a person (a form, a private message): the
/// dispatcher sends these first, as platforms want them within seconds (Discord: 3 s).
pub const ANSWER_LANE: &str = "answer:";

/// The thread a reply goes into.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum ThreadRef {
    /// A thread the platform already named (Slack parent `ts`, Discord thread id).
    Id(String),
    /// The thread of a message this desk posted with that key (e.g. a ticket card), which may
    /// not be sent yet: the dispatcher holds the reply back until it is.
    Message(String),
}

/// Where a posted message landed, as the platform names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MessageRef {
    /// The channel.
    pub channel: String,
    /// The platform's message id (Slack `ts`, Discord snowflake).
    pub message_id: String,
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
    /// A private conversation in `channel` for `members`, named `name`, starting with `message`
    /// (Discord: a private thread; Slack: a post whose thread holds the conversation). Later
    /// replies go to [`ThreadRef::Message`] of `key`.
    OpenThread {
        /// Where.
        channel: String,
        /// A name for it (the conversation's key, like a post's).
        key: String,
        /// What the platform shows as its name.
        name: String,
        /// Who is in it from the start.
        members: Vec<String>,
        /// The first message.
        message: RichMessage,
    },
    /// Adds someone to a thread (a private one needs it for them to see it).
    AddToThread {
        /// The channel the thread is in.
        channel: String,
        /// The thread.
        thread: ThreadRef,
        /// Who.
        user: String,
    },
    /// Takes someone out of a thread: a private one's former agent must not read on.
    RemoveFromThread {
        /// The channel the thread is in.
        channel: String,
        /// The thread.
        thread: ThreadRef,
        /// Who.
        user: String,
    },
    /// Archives a thread whose conversation is over (platforms limit active threads).
    CloseThread {
        /// The channel the thread is in.
        channel: String,
        /// The thread.
        thread: ThreadRef,
    },
    /// A message in a thread.
    Reply {
        /// Where.
        channel: String,
        /// The thread.
        thread: ThreadRef,
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
        /// The platform's trigger of the command or click it answers, if it answers one: the
        /// answer then rides on that interaction, not on the person's latest.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        trigger: Option<String>,
    },
    /// A new message in a person's direct messages with the bot, named `key` like a post, so
    /// later replies go into its thread (where the platform has threads in direct messages).
    DirectMessage {
        /// Who.
        user: String,
        /// A name for the posted message (e.g. `dm:17`).
        key: String,
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
        /// The channel the form was opened from: its submission comes back as if sent there
        /// (Slack and Discord modals have no channel of their own).
        #[serde(default)]
        channel: String,
        /// The thread the form was opened from, if any.
        #[serde(default)]
        thread: Option<String>,
    },
    /// Show a person their own page (Slack's App Home tab); platforms without one ignore it.
    PublishHome {
        /// Whose page.
        user: String,
        /// What it shows, top to bottom.
        sections: Vec<RichMessage>,
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
    /// The message this action shows in a channel or thread, if it shows one (a private
    /// answer, a form or a home page is no message of the conversation).
    pub fn message(&self) -> Option<&RichMessage> {
        match self {
            ChatAction::Post { message, .. }
            | ChatAction::OpenThread { message, .. }
            | ChatAction::DirectMessage { message, .. }
            | ChatAction::Reply { message, .. } => Some(message),
            _ => None,
        }
    }

    /// The key of a message posted before that this action needs, if any.
    pub fn needs_message(&self) -> Option<&str> {
        match self {
            ChatAction::Reply {
                thread: ThreadRef::Message(key),
                ..
            }
            | ChatAction::AddToThread {
                thread: ThreadRef::Message(key),
                ..
            }
            | ChatAction::RemoveFromThread {
                thread: ThreadRef::Message(key),
                ..
            }
            | ChatAction::CloseThread {
                thread: ThreadRef::Message(key),
                ..
            } => Some(key),
            ChatAction::Update { key, .. } | ChatAction::CreateThread { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The key this action names its posted message with, if any.
    pub fn posts_as(&self) -> Option<&str> {
        match self {
            ChatAction::Post { key, .. } => key.as_deref(),
            ChatAction::OpenThread { key, .. } | ChatAction::DirectMessage { key, .. } => Some(key),
            _ => None,
        }
    }

    /// The ordering key: actions with the same key are sent in the order they were queued;
    /// actions with different keys wait for nothing of each other.
    ///
    /// A posted message is its own conversation: the post, its updates, its thread, the
    /// thread's replies and members share the key `key:{key}`, so a card goes out before its
    /// thread and its updates, while unrelated cards in the same channel do not queue behind
    /// each other.
    pub fn ordering_key(&self) -> String {
        match self {
            ChatAction::Post { key: Some(key), .. }
            | ChatAction::OpenThread { key, .. }
            | ChatAction::DirectMessage { key, .. }
            | ChatAction::Update { key, .. }
            | ChatAction::CreateThread { key, .. } => format!("key:{key}"),
            // Unnamed posts keep their order within their channel.
            ChatAction::Post {
                channel, key: None, ..
            } => channel.clone(),
            // A thread's replies, members and closing happen in the order they were asked.
            ChatAction::Reply {
                channel, thread, ..
            }
            | ChatAction::AddToThread {
                channel, thread, ..
            }
            | ChatAction::RemoveFromThread {
                channel, thread, ..
            }
            | ChatAction::CloseThread { channel, thread } => match thread {
                ThreadRef::Message(key) => format!("key:{key}"),
                ThreadRef::Id(id) => format!("{channel}/{id}"),
            },
            // What one person is told privately waits only for what they were told before.
            ChatAction::Ephemeral {
                channel,
                thread,
                user,
                ..
            } => match thread {
                Some(t) => format!("{ANSWER_LANE}{channel}/{t}@{user}"),
                None => format!("{ANSWER_LANE}{channel}@{user}"),
            },
            ChatAction::OpenForm { user, .. } => format!("{ANSWER_LANE}user:{user}"),
            ChatAction::PublishHome { user, .. } => format!("home:{user}"),
            ChatAction::React {
                channel,
                message_id,
                ..
            } => format!("{channel}/{message_id}"),
        }
    }

    /// The channel the action lands in when the action itself names it (an update or a new
    /// thread lands where its message was posted; a form or a home page in no channel).
    pub fn channel(&self) -> Option<&str> {
        match self {
            ChatAction::Post { channel, .. }
            | ChatAction::OpenThread { channel, .. }
            | ChatAction::AddToThread { channel, .. }
            | ChatAction::RemoveFromThread { channel, .. }
            | ChatAction::CloseThread { channel, .. }
            | ChatAction::Reply { channel, .. }
            | ChatAction::Ephemeral { channel, .. }
            | ChatAction::React { channel, .. } => Some(channel),
            ChatAction::Update { .. }
            | ChatAction::CreateThread { .. }
            | ChatAction::DirectMessage { .. }
            | ChatAction::OpenForm { .. }
            | ChatAction::PublishHome { .. } => None,
        }
    }
}
