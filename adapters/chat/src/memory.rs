//! An in-memory chat platform: records every action, and fails on request. For tests, the demo
//! and benchmarks.

use crate::action::{ChatAction, MessageRef};
use crate::event::Platform;
use crate::platform::{Attempt, ChatPlatform, Delivered, SendError, SendFuture};
use std::collections::VecDeque;
use std::sync::Mutex;

/// One action the platform carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The workspace or guild.
    pub tenant: String,
    /// What was asked.
    pub action: ChatAction,
    /// The message it referred to, as the dispatcher resolved it.
    pub target: Option<MessageRef>,
    /// Where a post landed.
    pub posted: Option<MessageRef>,
}

impl Recorded {
    /// The channel and thread a post or reply appeared in (updates and forms have none).
    pub fn place(&self) -> Option<(&str, Option<&str>)> {
        match &self.action {
            ChatAction::Post { channel, .. } | ChatAction::OpenThread { channel, .. } => {
                Some((channel, None))
            }
            ChatAction::DirectMessage { .. } => {
                let posted = self.posted.as_ref()?;
                Some((posted.channel.as_str(), None))
            }
            ChatAction::Reply {
                channel, thread, ..
            } => match (thread, &self.target) {
                (crate::ThreadRef::Id(id), _) => Some((channel, Some(id))),
                // A reply lands where the message it answers was posted, as on every platform.
                (crate::ThreadRef::Message(_), Some(target)) => {
                    Some((target.channel.as_str(), Some(target.message_id.as_str())))
                }
                (crate::ThreadRef::Message(key), None) => Some((channel, Some(key))),
            },
            ChatAction::Ephemeral {
                channel, thread, ..
            } => Some((channel, thread.as_deref())),
            _ => None,
        }
    }
}

#[derive(Default)]
struct State {
    sent: Vec<Recorded>,
    failures: VecDeque<SendError>,
    next_message: u64,
    /// Where each outbox item's post landed: a repeated try finds it instead of posting again.
    by_key: std::collections::HashMap<String, MessageRef>,
    /// Channels (and `dm:{user}` direct conversations) that take no messages from the bot.
    closed: std::collections::HashSet<String>,
}

/// A platform that keeps what it is sent in memory.
#[derive(Default)]
pub struct MemoryPlatform {
    state: Mutex<State>,
}

impl MemoryPlatform {
    /// An empty platform.
    pub fn new() -> Self {
        Self::default()
    }

    /// The next sends fail with these errors, one each, before sends succeed again.
    pub fn fail_next(&self, errors: impl IntoIterator<Item = SendError>) {
        self.lock().failures.extend(errors);
    }

    /// From now on the bot cannot post in `channel` (or, as `dm:{user}`, to that person
    /// directly), nor in its threads: sends there fail as unreachable.
    pub fn close(&self, channel: &str) {
        self.lock().closed.insert(channel.to_string());
    }

    /// The channel a person's direct messages with the bot are in, here.
    pub fn direct_channel(user: &str) -> String {
        format!("dm:{user}")
    }

    /// Everything carried out so far, in order.
    pub fn sent(&self) -> Vec<Recorded> {
        self.lock().sent.clone()
    }

    /// Where the latest post named `key` landed.
    pub fn posted(&self, key: &str) -> Option<MessageRef> {
        self.lock().sent.iter().rev().find_map(|r| match &r.action {
            ChatAction::Post { key: Some(k), .. }
            | ChatAction::OpenThread { key: k, .. }
            | ChatAction::DirectMessage { key: k, .. }
                if k == key =>
            {
                r.posted.clone()
            }
            _ => None,
        })
    }

    /// Everything shown in one channel (`thread: None`: top level) or in one thread, in order.
    pub fn shown_in(&self, channel: &str, thread: Option<&str>) -> Vec<Recorded> {
        self.lock()
            .sent
            .iter()
            .filter(|r| r.place() == Some((channel, thread)))
            .cloned()
            .collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panicking test thread must not hide what was recorded from the others.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ChatPlatform for MemoryPlatform {
    fn platform(&self) -> Platform {
        Platform::MEMORY
    }

    fn send<'a>(
        &'a self,
        tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            let mut state = self.lock();
            if let Some(error) = state.failures.pop_front() {
                return Err(error);
            }
            if attempt.again {
                if let Some(posted) = state.by_key.get(attempt.key) {
                    return Ok(Delivered {
                        posted: Some(posted.clone()),
                    });
                }
            }
            let lands_in = match action {
                ChatAction::DirectMessage { user, .. } => Some(Self::direct_channel(user)),
                // What answers a posted message lands where that message is.
                other => target
                    .map(|t| t.channel.as_str())
                    .or(other.channel())
                    .map(str::to_string),
            };
            if let Some(channel) = lands_in.filter(|c| state.closed.contains(c)) {
                return Err(SendError::Unreachable(format!(
                    "the bot cannot post in {channel}"
                )));
            }
            let posted = match action {
                ChatAction::Post { channel, .. } | ChatAction::OpenThread { channel, .. } => {
                    Some(channel.clone())
                }
                ChatAction::DirectMessage { user, .. } => Some(Self::direct_channel(user)),
                _ => None,
            }
            .map(|channel| {
                state.next_message += 1;
                MessageRef {
                    channel,
                    message_id: format!("m{}", state.next_message),
                }
            });
            if let Some(p) = &posted {
                state.by_key.insert(attempt.key.to_string(), p.clone());
            }
            state.sent.push(Recorded {
                tenant: tenant.to_string(),
                action: action.clone(),
                target: target.cloned(),
                posted: posted.clone(),
            });
            Ok(Delivered { posted })
        })
    }
}
