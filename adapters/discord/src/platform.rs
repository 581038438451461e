//! The desk's actions, carried out on Discord: the [`ChatPlatform`] the dispatcher sends
//! through. A thread on Discord is a channel, and a thread started from a message has the
//! message's id, so "the thread of message M" is channel M.

use crate::decode::split_trigger;
use crate::interactions::Interactions;
use crate::render;
use crate::rest::{self, code, permanent, Rest, RestError};
use helpdesk_chat::{
    Attempt, ChatAction, ChatPlatform, Delivered, MessageRef, Platform, RichMessage, SendError,
    SendFuture, ThreadRef,
};
use serde_json::{json, Value};
use serenity::http::{LightMethod, Route};

/// Sends through Discord's REST API.
pub struct DiscordPlatform {
    rest: Rest,
    interactions: Interactions,
    /// The guild whose desk hears direct messages (`dm_guild`): a DM is the desk's of that
    /// guild only, so only its tickets may move to a person's DMs.
    dm_guild: Option<String>,
}

/// The longest nonce Discord takes.
const NONCE_MAX: usize = 25;

impl DiscordPlatform {
    /// Over this REST client, answering interactions through `interactions`.
    pub fn new(rest: Rest, interactions: Interactions) -> Self {
        DiscordPlatform {
            rest,
            interactions,
            dm_guild: None,
        }
    }

    /// Direct messages are heard as `guild`'s (the `dm_guild` setting): only that guild's
    /// tickets may go on in a person's DMs, where their answers come back to its desk.
    pub fn with_dm_guild(mut self, guild: Option<String>) -> Self {
        self.dm_guild = guild;
        self
    }

    /// Posts a message. The outbox item is its nonce, enforced: a try after one that reached
    /// Discord gets the first message back instead of a second copy.
    async fn post(
        &self,
        channel: &str,
        message: &RichMessage,
        attempt: Attempt<'_>,
    ) -> Result<MessageRef, RestError> {
        let mut body = render::message(message);
        let nonce: String = attempt
            .key
            .chars()
            .rev()
            .take(NONCE_MAX)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        body["nonce"] = json!(nonce);
        body["enforce_nonce"] = json!(true);
        let route = Route::ChannelMessages {
            channel_id: rest::channel(channel)?,
        };
        let posted = self
            .rest
            .call(LightMethod::Post, route, Some(&body))
            .await?;
        let id = posted
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| RestError {
                error: SendError::Transient("Discord's answer has no message id".into()),
                code: None,
            })?;
        Ok(MessageRef {
            channel: channel.to_string(),
            message_id: id.to_string(),
        })
    }

    /// Starts a thread on a message (its id becomes the thread's); one already there is fine.
    async fn start_thread(
        &self,
        channel: &str,
        message: &str,
        name: &str,
    ) -> Result<(), RestError> {
        let route = Route::ChannelMessageThreads {
            channel_id: rest::channel(channel)?,
            message_id: rest::message(message)?,
        };
        let body = json!({ "name": render::thread_name(name), "auto_archive_duration": 10080 });
        match self.rest.call(LightMethod::Post, route, Some(&body)).await {
            Err(e) if e.code == Some(code::THREAD_EXISTS) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// A reply in the thread of `parent` (a message in `channel`, or already a thread id). A
    /// message with no thread yet gets one; in a DM, where there are no threads, the reply goes
    /// in the conversation itself.
    async fn reply(
        &self,
        channel: &str,
        parent: &str,
        message: &RichMessage,
        attempt: Attempt<'_>,
    ) -> Result<(), RestError> {
        match self.post(parent, message, attempt).await {
            Err(e) if e.code == Some(code::UNKNOWN_CHANNEL) && parent != channel => {
                let name = message
                    .title
                    .clone()
                    .unwrap_or_else(|| message.text.lines().next().unwrap_or_default().to_string());
                match self.start_thread(channel, parent, &name).await {
                    Err(e) if e.code == Some(code::NOT_IN_DM) => {
                        self.post(channel, message, attempt).await.map(|_| ())
                    }
                    Err(e) => Err(e),
                    Ok(()) => self.post(parent, message, attempt).await.map(|_| ()),
                }
            }
            other => other.map(|_| ()),
        }
    }

    /// A private thread in `channel` with `members`, opened by `message`; its id stands for the
    /// conversation. A repeated try looks for the thread by name before opening another. Where
    /// there are no threads (a DM) the message itself starts the conversation.
    async fn open_thread(
        &self,
        guild: &str,
        channel: &str,
        name: &str,
        members: &[String],
        message: &RichMessage,
        attempt: Attempt<'_>,
    ) -> Result<MessageRef, RestError> {
        let name = render::thread_name(name);
        let existing = match attempt.again {
            true => self.active_thread(guild, channel, &name).await,
            false => None,
        };
        let thread = match existing {
            Some(id) => id,
            None => {
                let route = Route::ChannelThreads {
                    channel_id: rest::channel(channel)?,
                };
                // Type 12: private; only members and moderators see it, and only the bot adds.
                let body = json!({
                    "name": name, "type": 12, "invitable": false, "auto_archive_duration": 10080,
                });
                match self.rest.call(LightMethod::Post, route, Some(&body)).await {
                    // A DM has no threads: the conversation is the DM itself. Any other channel
                    // without private threads is refused: a private request must not go public.
                    Err(e) if e.code == Some(code::NOT_IN_DM) => {
                        return self.post(channel, message, attempt).await;
                    }
                    Err(e) => return Err(e),
                    Ok(created) => created
                        .get("id")
                        .and_then(Value::as_str)
                        .ok_or_else(|| RestError {
                            error: SendError::Transient("Discord's thread has no id".into()),
                            code: None,
                        })?
                        .to_string(),
                }
            }
        };
        for member in members {
            self.add_member(&thread, member).await?;
        }
        self.post(&thread, message, attempt).await?;
        Ok(MessageRef {
            channel: channel.to_string(),
            message_id: thread,
        })
    }

    /// The id of an active thread named `name` under `channel`, if there is one.
    async fn active_thread(&self, guild: &str, channel: &str, name: &str) -> Option<String> {
        let route = Route::GuildThreadsActive {
            guild_id: rest::guild(guild).ok()?,
        };
        let listed = self.rest.call(LightMethod::Get, route, None).await.ok()?;
        listed
            .get("threads")?
            .as_array()?
            .iter()
            .find(|t| {
                t.get("parent_id").and_then(Value::as_str) == Some(channel)
                    && t.get("name").and_then(Value::as_str) == Some(name)
            })
            .and_then(|t| t.get("id").and_then(Value::as_str))
            .map(str::to_string)
    }

    async fn add_member(&self, thread: &str, user: &str) -> Result<(), RestError> {
        let route = Route::ChannelThreadMember {
            channel_id: rest::channel(thread)?,
            user_id: rest::user(user)?,
        };
        match self.rest.call(LightMethod::Put, route, None).await {
            // No thread yet (nobody has replied): nothing to add to.
            Err(e) if e.code == Some(code::UNKNOWN_CHANNEL) => Ok(()),
            other => other.map(|_| ()),
        }
    }

    async fn remove_member(&self, thread: &str, user: &str) -> Result<(), RestError> {
        let route = Route::ChannelThreadMember {
            channel_id: rest::channel(thread)?,
            user_id: rest::user(user)?,
        };
        match self.rest.call(LightMethod::Delete, route, None).await {
            // No thread yet, or they were never in it: nobody to take out.
            Err(e) if matches!(e.code, Some(code::UNKNOWN_CHANNEL | code::UNKNOWN_MEMBER)) => {
                Ok(())
            }
            other => other.map(|_| ()),
        }
    }

    async fn archive(&self, thread: &str) -> Result<(), RestError> {
        let route = Route::Channel {
            channel_id: rest::channel(thread)?,
        };
        let body = json!({ "archived": true });
        match self.rest.call(LightMethod::Patch, route, Some(&body)).await {
            // A thread never started, or a channel that is no thread: nothing to archive.
            Err(e)
                if e.code == Some(code::UNKNOWN_CHANNEL)
                    || e.code == Some(code::WRONG_CHANNEL_TYPE) =>
            {
                Ok(())
            }
            other => other.map(|_| ()),
        }
    }

    async fn update(
        &self,
        guild: &str,
        target: &MessageRef,
        message: &RichMessage,
    ) -> Result<(), RestError> {
        let body = render::message(message);
        match self
            .interactions
            .update_answer(&target.message_id, &body)
            .await
        {
            Some(Ok(())) => return Ok(()),
            Some(Err(e)) => tracing::info!(error = %e, "answering the click failed; editing"),
            // No open click came from this message: the answer of a click elsewhere, which is
            // acknowledged now (it stays as it is) rather than at the deadline.
            None => self.interactions.edited_elsewhere(guild).await,
        }
        let route = Route::ChannelMessage {
            channel_id: rest::channel(&target.channel)?,
            message_id: rest::message(&target.message_id)?,
        };
        self.rest
            .call(LightMethod::Patch, route, Some(&body))
            .await
            .map(|_| ())
    }

    /// Only `user` sees it: the answer to their interaction when there is one, else a DM.
    async fn private(
        &self,
        trigger: Option<(&str, &str)>,
        channel: &str,
        user: &str,
        message: &RichMessage,
        attempt: Attempt<'_>,
    ) -> Result<(), RestError> {
        let body = render::message(message);
        if let Some(answered) = self
            .interactions
            .private_answer(trigger, user, channel, &body)
            .await
        {
            match answered {
                Ok(()) => return Ok(()),
                // The token died or another replica answered: a DM still reaches them.
                Err(e) => tracing::info!(error = %e, "private answer failed; sending a DM"),
            }
        }
        self.direct(user, message, attempt).await.map(|_| ())
    }

    /// Posts in the person's direct messages with the bot (opening them if need be).
    async fn direct(
        &self,
        user: &str,
        message: &RichMessage,
        attempt: Attempt<'_>,
    ) -> Result<MessageRef, RestError> {
        let dm = self
            .rest
            .call(
                LightMethod::Post,
                Route::UserMeDmChannels,
                Some(&json!({ "recipient_id": rest::user(user)?.get().to_string() })),
            )
            .await?;
        let dm = dm
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| RestError {
                error: SendError::Transient("Discord's DM channel has no id".into()),
                code: None,
            })?
            .to_string();
        self.post(&dm, message, attempt).await
    }

    async fn react(&self, channel: &str, message: &str, emoji: &str) -> Result<(), RestError> {
        // The desk names emoji as Slack does; Discord wants the character.
        let emoji = match emoji {
            "lock" => "🔒",
            "white_check_mark" => "✅",
            "ticket" => "🎫",
            other => other,
        };
        let route = Route::ChannelMessageReactionMe {
            channel_id: rest::channel(channel)?,
            message_id: rest::message(message)?,
            reaction: emoji,
        };
        self.rest
            .call(LightMethod::Put, route, None)
            .await
            .map(|_| ())
    }

    async fn act(
        &self,
        guild: &str,
        action: &ChatAction,
        target: Option<&MessageRef>,
        attempt: Attempt<'_>,
    ) -> Result<Delivered, RestError> {
        let nothing = Ok(Delivered::default());
        match action {
            ChatAction::Post {
                channel, message, ..
            } => Ok(Delivered {
                posted: Some(self.post(channel, message, attempt).await?),
            }),
            // Answers in a DM reach the dm_guild's desk: another guild's conversation would
            // go on where its desk never hears it.
            ChatAction::DirectMessage { .. } if self.dm_guild.as_deref() != Some(guild) => {
                Err(RestError {
                    error: SendError::Unreachable(
                        "direct messages belong to the dm_guild's desk, not this guild's".into(),
                    ),
                    code: None,
                })
            }
            ChatAction::DirectMessage { user, message, .. } => Ok(Delivered {
                posted: Some(self.direct(user, message, attempt).await?),
            }),
            ChatAction::OpenThread {
                channel,
                name,
                members,
                message,
                ..
            } => Ok(Delivered {
                posted: Some(
                    self.open_thread(guild, channel, name, members, message, attempt)
                        .await?,
                ),
            }),
            ChatAction::Reply {
                channel,
                thread,
                message,
            } => {
                let parent = thread_id(thread, target)?;
                // A reply to a posted message goes where that message landed (a DM's channel
                // when the conversation moved to the requester's direct messages).
                let channel = match (thread, target) {
                    (ThreadRef::Message(_), Some(t)) => t.channel.as_str(),
                    _ => channel.as_str(),
                };
                self.reply(channel, parent, message, attempt).await?;
                nothing
            }
            ChatAction::AddToThread { thread, user, .. } => {
                self.add_member(thread_id(thread, target)?, user).await?;
                nothing
            }
            ChatAction::RemoveFromThread { thread, user, .. } => {
                self.remove_member(thread_id(thread, target)?, user).await?;
                nothing
            }
            ChatAction::CloseThread { thread, .. } => {
                self.archive(thread_id(thread, target)?).await?;
                nothing
            }
            ChatAction::Update { key, message } => {
                let target =
                    target.ok_or_else(|| permanent(format!("no message posted as {key}")))?;
                self.update(guild, target, message).await?;
                nothing
            }
            ChatAction::Ephemeral {
                channel,
                user,
                message,
                trigger,
                ..
            } => {
                let trigger = trigger.as_deref().and_then(split_trigger);
                self.private(trigger, channel, user, message, attempt)
                    .await?;
                nothing
            }
            ChatAction::OpenForm { trigger, form, .. } => {
                let (id, token) = split_trigger(trigger)
                    .ok_or_else(|| permanent("the form's trigger is not a Discord interaction"))?;
                // Only a raw payload keeps what a Label holds: the gateway's typed events do not.
                let layout = if self.interactions.is_inline(id) {
                    render::ModalLayout::Labels
                } else {
                    render::ModalLayout::Rows
                };
                self.interactions
                    .open_form(id, token, &render::modal(form, layout))
                    .await?;
                nothing
            }
            // Discord has no per-person home page.
            ChatAction::PublishHome { .. } => nothing,
            ChatAction::CreateThread { key, name } => {
                let target =
                    target.ok_or_else(|| permanent(format!("no message posted as {key}")))?;
                self.start_thread(&target.channel, &target.message_id, name)
                    .await?;
                nothing
            }
            ChatAction::React {
                channel,
                message_id,
                emoji,
            } => {
                self.react(channel, message_id, emoji).await?;
                nothing
            }
        }
    }
}

/// The thread's channel id: named, or the thread of a message the desk posted (a thread
/// started from a message has its id; a private conversation's post is its thread's id).
fn thread_id<'a>(
    thread: &'a ThreadRef,
    target: Option<&'a MessageRef>,
) -> Result<&'a str, RestError> {
    match (thread, target) {
        (ThreadRef::Id(id), _) => Ok(id),
        (ThreadRef::Message(_), Some(t)) => Ok(&t.message_id),
        (ThreadRef::Message(key), None) => Err(permanent(format!("no message posted as {key}"))),
    }
}

impl ChatPlatform for DiscordPlatform {
    fn platform(&self) -> Platform {
        crate::PLATFORM
    }

    fn send<'a>(
        &'a self,
        tenant: &'a str,
        action: &'a ChatAction,
        target: Option<&'a MessageRef>,
        attempt: Attempt<'a>,
    ) -> SendFuture<'a> {
        Box::pin(async move {
            self.act(tenant, action, target, attempt)
                .await
                .map_err(SendError::from)
        })
    }
}
