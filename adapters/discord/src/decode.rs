//! Discord's payloads → `ChatEvent`s. Parsed with a lenient model of our own rather than
//! serenity's: serenity 0.12 rejects valid payloads that lack fields it requires (Discord's own
//! documented interactions among them) and knows no Label components, so a strict parse would
//! drop real clicks and forms. Every payload either becomes an event or is ignored for a
//! stated reason.

use crate::settings::{DiscordSettings, CREATE_TICKET_COMMAND};
use helpdesk_chat::{Attachment, ChatEvent, CommandOption, EventKind, OptionValue, Sender};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// What a payload turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// Discord checking the HTTP endpoint: answer PONG.
    Ping,
    /// An event for the desk.
    Event(Box<ChatEvent>),
    /// Nothing for the desk, and why.
    Ignored(&'static str),
}

/// The language a person's Discord client is set to (an interaction's `locale`), as far as
/// the desk speaks it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Locale {
    /// English (`en-US`, `en-GB`).
    En,
    /// Italian (`it`).
    It,
    /// Polish (`pl`).
    Pl,
    /// A language the desk does not speak, with Discord's code for it.
    Unknown(String),
}

impl Locale {
    /// Discord's locale code (`en-US`, `it`, `pl`…) read.
    pub fn from_code(code: &str) -> Locale {
        let code = code.trim();
        let language = code.split(['-', '_']).next().unwrap_or_default();
        match language.to_ascii_lowercase().as_str() {
            "en" => Locale::En,
            "it" => Locale::It,
            "pl" => Locale::Pl,
            _ => Locale::Unknown(code.to_string()),
        }
    }

    /// The code command localizations are registered under; `None` for English, the default
    /// every other locale falls back to, and for a language the desk does not speak.
    pub fn discord_code(&self) -> Option<&'static str> {
        match self {
            Locale::It => Some("it"),
            Locale::Pl => Some("pl"),
            Locale::En | Locale::Unknown(_) => None,
        }
    }
}

/// The language of the person behind an interaction payload: its `locale`, which Discord sends
/// with every interaction but a PING; `None` when there is none (a message or a reaction).
pub fn locale(payload: &Value) -> Option<Locale> {
    payload
        .get("locale")
        .and_then(Value::as_str)
        .filter(|code| !code.trim().is_empty())
        .map(Locale::from_code)
}

/// Where a channel hangs: a thread's parent channel, when the adapter knows it.
pub trait ThreadParents {
    /// The parent channel of `channel` if it is a thread.
    fn parent_of(&self, channel: &str) -> Option<String>;
}

/// No thread is known (every channel is a plain channel).
impl ThreadParents for () {
    fn parent_of(&self, _channel: &str) -> Option<String> {
        None
    }
}

impl ThreadParents for BTreeMap<String, String> {
    fn parent_of(&self, channel: &str) -> Option<String> {
        self.get(channel).cloned()
    }
}

#[derive(Debug, Deserialize)]
struct User {
    id: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    global_name: Option<String>,
    #[serde(default)]
    bot: bool,
}

impl User {
    fn shown_name(&self, nick: Option<&str>) -> String {
        nick.or(self.global_name.as_deref())
            .filter(|n| !n.is_empty())
            .unwrap_or(if self.username.is_empty() {
                &self.id
            } else {
                &self.username
            })
            .to_string()
    }
}

#[derive(Debug, Deserialize)]
struct Member {
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    roles: Vec<String>,
    #[serde(default)]
    nick: Option<String>,
}

#[derive(Debug, Deserialize)]
struct PartialChannel {
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<u8>,
    #[serde(default)]
    parent_id: Option<String>,
}

/// Channel types that are threads (announcement, public and private threads).
pub const THREAD_TYPES: [u8; 3] = [10, 11, 12];

#[derive(Debug, Deserialize)]
struct PartialMessage {
    id: String,
}

#[derive(Debug, Deserialize)]
struct Interaction {
    #[serde(default)]
    id: String,
    #[serde(rename = "type")]
    kind: u8,
    #[serde(default)]
    token: String,
    #[serde(default)]
    data: Value,
    #[serde(default)]
    guild_id: Option<String>,
    #[serde(default)]
    channel_id: Option<String>,
    #[serde(default)]
    channel: Option<PartialChannel>,
    #[serde(default)]
    member: Option<Member>,
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    message: Option<PartialMessage>,
    /// The language of the person's Discord client.
    #[serde(default)]
    locale: Option<String>,
}

/// An interaction (slash command, message command, button, modal), from the gateway's
/// `INTERACTION_CREATE` or the HTTP endpoint. A bad payload is an error: the caller answers it.
pub fn interaction(
    payload: &Value,
    settings: &DiscordSettings,
    threads: &dyn ThreadParents,
) -> Result<Decoded, serde_json::Error> {
    let i = Interaction::deserialize(payload)?;
    if i.kind == 1 {
        return Ok(Decoded::Ping);
    }
    if i.id.is_empty() {
        return Ok(Decoded::Ignored("an interaction without an id"));
    }
    let Some(mut sender) = sender(i.member.as_ref(), i.user.as_ref()) else {
        return Ok(Decoded::Ignored("an interaction without a user"));
    };
    sender.locale = i.locale.clone().filter(|code| !code.trim().is_empty());
    let Some(guild) = i.guild_id.clone().or_else(|| settings.dm_guild.clone()) else {
        return Ok(Decoded::Ignored(
            "a direct interaction, and no guild is set for DMs",
        ));
    };
    let Some((channel, thread)) = place(&i, threads) else {
        return Ok(Decoded::Ignored("an interaction without a channel"));
    };
    // Both are needed to answer; an interaction missing either can only be answered by a DM.
    let trigger = (!i.id.is_empty() && !i.token.is_empty()).then(|| trigger(&i.id, &i.token));
    let kind = match i.kind {
        2 => match command(&i.data, settings, trigger) {
            Some(kind) => kind,
            None => return Ok(Decoded::Ignored("a command that is not the desk's")),
        },
        3 => {
            let Some(custom_id) = i.data.get("custom_id").and_then(Value::as_str) else {
                return Ok(Decoded::Ignored("a component without a custom id"));
            };
            // The id is the desk's widget id as it was given; a select menu sends its choice
            // in `values`, a button has none.
            let value = i
                .data
                .get("values")
                .and_then(Value::as_array)
                .and_then(|values| values.first())
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            EventKind::Action {
                id: custom_id.to_string(),
                value,
                message_id: i.message.as_ref().map(|m| m.id.clone()),
                trigger,
            }
        }
        5 => {
            let Some(form) = i.data.get("custom_id").and_then(Value::as_str) else {
                return Ok(Decoded::Ignored("a form without a custom id"));
            };
            let mut fields = BTreeMap::new();
            collect_fields(i.data.get("components"), &mut fields);
            EventKind::FormSubmitted {
                form: form.to_string(),
                fields,
                trigger,
            }
        }
        4 => {
            return Ok(Decoded::Ignored(
                "an autocomplete request: no option autocompletes",
            ))
        }
        _ => {
            return Ok(Decoded::Ignored(
                "an interaction type the desk does not use",
            ))
        }
    };
    Ok(event(
        format!("interaction:{}", i.id),
        guild,
        sender,
        channel,
        thread,
        kind,
    ))
}

/// The form trigger of an interaction: its id and token, both needed to answer it.
pub fn trigger(id: &str, token: &str) -> String {
    format!("{id}:{token}")
}

/// The interaction id and token of a trigger made by [`trigger`].
pub fn split_trigger(trigger: &str) -> Option<(&str, &str)> {
    trigger
        .split_once(':')
        .filter(|(id, token)| !id.is_empty() && !token.is_empty())
}

fn sender(member: Option<&Member>, user: Option<&User>) -> Option<Sender> {
    let user = member.and_then(|m| m.user.as_ref()).or(user)?;
    Some(Sender {
        id: user.id.clone(),
        name: user.shown_name(member.and_then(|m| m.nick.as_deref())),
        groups: member.map(|m| m.roles.clone()).unwrap_or_default(),
        is_bot: user.bot,
        locale: None,
    })
}

/// The channel and thread an interaction happened in: a thread is its own channel on Discord,
/// the desk sees it as a thread of its parent.
fn place(i: &Interaction, threads: &dyn ThreadParents) -> Option<(String, Option<String>)> {
    if let Some(c) = &i.channel {
        if c.kind.is_some_and(|k| THREAD_TYPES.contains(&k)) {
            if let Some(parent) = &c.parent_id {
                return Some((parent.clone(), Some(c.id.clone())));
            }
        }
    }
    let channel = i
        .channel_id
        .clone()
        .or_else(|| i.channel.as_ref().map(|c| c.id.clone()))?;
    Some(in_thread(channel, threads))
}

fn in_thread(channel: String, threads: &dyn ThreadParents) -> (String, Option<String>) {
    match threads.parent_of(&channel) {
        Some(parent) => (parent, Some(channel)),
        None => (channel, None),
    }
}

/// A slash command: its subcommand path as the arguments, its options passed on typed.
fn command(data: &Value, settings: &DiscordSettings, trigger: Option<String>) -> Option<EventKind> {
    let name = data.get("name").and_then(Value::as_str)?;
    match data.get("type").and_then(Value::as_u64).unwrap_or(1) {
        // A message command.
        3 if name == CREATE_TICKET_COMMAND => {
            let target = data.get("target_id").and_then(Value::as_str)?;
            let message = data.get("resolved")?.get("messages")?.get(target);
            let author = message
                .and_then(|m| m.get("author"))
                .filter(|a| !a.get("bot").and_then(Value::as_bool).unwrap_or(false))
                .and_then(|a| a.get("id"))
                .and_then(Value::as_str)
                .map(str::to_string);
            let text = message
                .and_then(|m| m.get("content"))
                .and_then(Value::as_str)
                .map(str::to_string);
            Some(EventKind::TicketFromMessage {
                on_message: target.to_string(),
                message_author: author,
                message_text: text,
            })
        }
        1 => {
            let desk = settings.desk_command(name)?;
            let mut path = Vec::new();
            let mut options = Vec::new();
            let users = data.get("resolved").and_then(|r| r.get("users"));
            typed_options(data.get("options"), &mut path, &mut options, users);
            Some(EventKind::Command {
                name: desk.to_string(),
                args: path.join(" "),
                options,
                trigger,
            })
        }
        _ => None,
    }
}

/// Subcommand (and group) names into `path`, every other option into `options` with its type.
fn typed_options(
    given: Option<&Value>,
    path: &mut Vec<String>,
    options: &mut Vec<CommandOption>,
    users: Option<&Value>,
) {
    for option in given.and_then(Value::as_array).into_iter().flatten() {
        let Some(name) = option.get("name").and_then(Value::as_str) else {
            continue;
        };
        let value = option.get("value");
        let value = match (option.get("type").and_then(Value::as_u64), value) {
            // Subcommand and subcommand group: their name, then their own options.
            (Some(1 | 2), _) => {
                path.push(name.to_string());
                typed_options(option.get("options"), path, options, users);
                continue;
            }
            // A user, with the name Discord resolved.
            (Some(6), Some(Value::String(id))) => OptionValue::User {
                id: id.clone(),
                name: users
                    .and_then(|u| u.get(id))
                    .and_then(|u| u.get("username"))
                    .and_then(Value::as_str)
                    .map(str::to_string),
            },
            (_, Some(Value::String(text))) => OptionValue::Text(text.clone()),
            (_, Some(Value::Number(n))) => match n.as_i64() {
                Some(n) => OptionValue::Integer(n),
                None => OptionValue::Text(n.to_string()),
            },
            (_, Some(Value::Bool(b))) => OptionValue::Text(b.to_string()),
            _ => continue,
        };
        options.push(CommandOption {
            name: name.to_string(),
            value,
        });
    }
}

/// Text inputs and selects of a submitted modal, however they are nested (action rows, labels).
fn collect_fields(components: Option<&Value>, fields: &mut BTreeMap<String, String>) {
    for c in components.and_then(Value::as_array).into_iter().flatten() {
        let id = c.get("custom_id").and_then(Value::as_str);
        if let (Some(id), Some(value)) = (id, c.get("value").and_then(Value::as_str)) {
            fields.insert(id.to_string(), value.to_string());
        } else if let (Some(id), Some(values)) = (id, c.get("values").and_then(Value::as_array)) {
            let chosen: Vec<&str> = values.iter().filter_map(Value::as_str).collect();
            fields.insert(id.to_string(), chosen.join(","));
        }
        collect_fields(c.get("components"), fields);
        if let Some(inner) = c.get("component") {
            collect_fields(Some(&Value::Array(vec![inner.clone()])), fields);
        }
    }
}

#[derive(Debug, Deserialize)]
struct FileRef {
    #[serde(default)]
    filename: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct Message {
    id: String,
    channel_id: String,
    #[serde(default)]
    guild_id: Option<String>,
    author: User,
    #[serde(default)]
    member: Option<Member>,
    #[serde(default)]
    content: String,
    #[serde(rename = "type", default)]
    kind: u8,
    #[serde(default)]
    webhook_id: Option<String>,
    #[serde(default)]
    attachments: Vec<FileRef>,
}

/// Message types that are someone writing (default and reply); the rest are system notices.
const WRITTEN: [u8; 2] = [0, 19];

/// A `MESSAGE_CREATE`.
pub fn message(
    payload: &Value,
    settings: &DiscordSettings,
    threads: &dyn ThreadParents,
) -> Result<Decoded, serde_json::Error> {
    let m = Message::deserialize(payload)?;
    if m.author.bot || m.webhook_id.is_some() {
        return Ok(Decoded::Ignored(
            "a bot's message (the desk's own included)",
        ));
    }
    if !WRITTEN.contains(&m.kind) {
        return Ok(Decoded::Ignored("a system notice, not a message"));
    }
    let direct = m.guild_id.is_none();
    let Some(guild) = m.guild_id.clone().or_else(|| settings.dm_guild.clone()) else {
        return Ok(Decoded::Ignored(
            "a direct message, and no guild is set for DMs",
        ));
    };
    let sender = Sender {
        id: m.author.id.clone(),
        name: m
            .author
            .shown_name(m.member.as_ref().and_then(|x| x.nick.as_deref())),
        groups: m.member.map(|x| x.roles).unwrap_or_default(),
        is_bot: false,
        // Gateway messages and reactions carry no locale: the desk uses what it last knew.
        locale: None,
    };
    let (channel, thread) = in_thread(m.channel_id, threads);
    let attachments = m
        .attachments
        .into_iter()
        .filter(|f| !f.url.is_empty())
        .map(|f| Attachment {
            name: f.filename,
            url: f.url,
            size: f.size,
        })
        .collect();
    let kind = EventKind::Message {
        text: m.content,
        message_id: m.id.clone(),
        direct,
        mentions_bot: false,
        attachments,
    };
    Ok(event(
        format!("message:{}", m.id),
        guild,
        sender,
        channel,
        thread,
        kind,
    ))
}

/// Marks a message whose `mentions` name the bot (`bot`, its user id) and cuts the mention
/// (`<@id>`, `<@!id>`) from its text: the person wants the desk, wherever they wrote.
pub fn mark_mention(event: &mut ChatEvent, payload: &Value, bot: &str) {
    let EventKind::Message {
        text, mentions_bot, ..
    } = &mut event.kind
    else {
        return;
    };
    let named = payload
        .get("mentions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|m| m.get("id").and_then(Value::as_str) == Some(bot));
    if !named {
        return;
    }
    *mentions_bot = true;
    let cut = text
        .replace(&format!("<@!{bot}>"), "")
        .replace(&format!("<@{bot}>"), "");
    *text = cut.trim().to_string();
}

#[derive(Debug, Deserialize)]
struct Emoji {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ReactionAdd {
    user_id: String,
    channel_id: String,
    message_id: String,
    #[serde(default)]
    guild_id: Option<String>,
    #[serde(default)]
    member: Option<Member>,
    emoji: Emoji,
    #[serde(default)]
    message_author_id: Option<String>,
    /// Not Discord's: the adapter adds the reacted message's text when it read it.
    #[serde(default)]
    message_text: Option<String>,
}

/// A `MESSAGE_REACTION_ADD`. The reacted message's text is not in Discord's payload: the
/// gateway adds it as `message_text` when it read the message.
pub fn reaction(
    payload: &Value,
    threads: &dyn ThreadParents,
) -> Result<Decoded, serde_json::Error> {
    let r = ReactionAdd::deserialize(payload)?;
    let Some(guild) = r.guild_id.clone() else {
        return Ok(Decoded::Ignored("a reaction in a direct message"));
    };
    if r.emoji.id.is_some() {
        return Ok(Decoded::Ignored("a custom emoji: the intake emoji is 🎫"));
    }
    let Some(emoji) = r.emoji.name.clone() else {
        return Ok(Decoded::Ignored("a reaction without an emoji"));
    };
    let member = r.member.as_ref();
    if member.and_then(|m| m.user.as_ref()).is_some_and(|u| u.bot) {
        return Ok(Decoded::Ignored(
            "a bot's reaction (the desk's own included)",
        ));
    }
    let sender = Sender {
        id: r.user_id.clone(),
        name: member.and_then(|m| m.user.as_ref()).map_or_else(
            || r.user_id.clone(),
            |u| u.shown_name(member.and_then(|m| m.nick.as_deref())),
        ),
        groups: member.map(|m| m.roles.clone()).unwrap_or_default(),
        is_bot: false,
        // Gateway messages and reactions carry no locale: the desk uses what it last knew.
        locale: None,
    };
    let (channel, thread) = in_thread(r.channel_id.clone(), threads);
    // One reaction per person, emoji and message: that triple is the event's identity.
    let id = format!("reaction:{}:{}:{}", r.message_id, r.user_id, emoji);
    let kind = EventKind::Reaction {
        emoji,
        on_message: r.message_id,
        message_author: r.message_author_id,
        message_text: r.message_text,
    };
    Ok(event(id, guild, sender, channel, thread, kind))
}

/// One gateway dispatch (`op` 0): its name `t` and data `d`.
pub fn dispatch(
    name: &str,
    data: &Value,
    settings: &DiscordSettings,
    threads: &dyn ThreadParents,
) -> Result<Decoded, serde_json::Error> {
    match name {
        "INTERACTION_CREATE" => interaction(data, settings, threads),
        "MESSAGE_CREATE" => message(data, settings, threads),
        "MESSAGE_REACTION_ADD" => reaction(data, threads),
        _ => Ok(Decoded::Ignored("a gateway event the desk does not use")),
    }
}

fn event(
    id: String,
    guild: String,
    sender: Sender,
    channel: String,
    thread: Option<String>,
    kind: EventKind,
) -> Decoded {
    Decoded::Event(Box::new(ChatEvent {
        platform: crate::PLATFORM,
        event_id: id,
        tenant: guild,
        sender,
        channel,
        thread,
        kind,
    }))
}
