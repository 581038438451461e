//! Slack's payloads (as slack-morphism models them) → the desk's [`ChatEvent`]s.
//!
//! Decoding is pure: the sender's display name and user groups, a reacted message's text and
//! the direct-message channel of an App Home click are filled in afterwards by the adapter,
//! which has the Web API at hand.
//!
//! The payloads come in as Slack sent them (JSON): what slack-morphism does not model (the
//! installed team of a Slack Connect payload, a modal's metadata on a click) is read from them.
//! Slack's entities (`&lt;` `&gt;` `&amp;`) are decoded here, once: the desk stores text as
//! written, and the renderer escapes it once on the way out.

use crate::render::{desk_action, Origin};
use crate::settings::SlackSettings;
use helpdesk_chat::{Attachment, ChatEvent, EventKind, Sender, NEW_TICKET_WIDGET};
use serde_json::Value;
use slack_morphism::prelude::*;
use std::collections::BTreeMap;

/// The callback id of the "Create ticket" message shortcut (see the app manifest).
pub const CREATE_TICKET_SHORTCUT: &str = "create_ticket";
/// The callback id of the global "New ticket" shortcut.
pub const NEW_TICKET_SHORTCUT: &str = "new_ticket";

/// What a payload means to the desk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decoded {
    /// An event for the desk (sender name and groups still to be filled in).
    Event(Box<ChatEvent>),
    /// Nothing for the desk, and why.
    Ignored(&'static str),
}

fn person(id: &str) -> Sender {
    Sender {
        id: id.to_string(),
        name: id.to_string(),
        groups: Vec::new(),
        is_bot: false,
        locale: None,
    }
}

fn event(
    event_id: String,
    team: &str,
    user: &str,
    channel: &str,
    thread: Option<String>,
    kind: EventKind,
) -> Decoded {
    Decoded::Event(Box::new(ChatEvent {
        platform: crate::PLATFORM,
        event_id,
        tenant: team.to_string(),
        sender: person(user),
        channel: channel.to_string(),
        thread,
        kind,
    }))
}

/// Text as Slack sends it (`&lt;`, `&gt;` and `&amp;` for `<`, `>` and `&`), as written: each
/// entity is decoded once, so `&amp;lt;` is the `&lt;` someone typed.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let (decoded, len) = [("&amp;", '&'), ("&lt;", '<'), ("&gt;", '>')]
            .into_iter()
            .find(|(entity, _)| tail.starts_with(entity))
            .map_or(('&', 1), |(entity, c)| (c, entity.len()));
        out.push(decoded);
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

/// The workspace that installed the app, which the desk's tenant is: for a person of another
/// organisation in a Slack Connect channel, `team.id` and `team_id` name their own workspace.
/// In this order, as each payload has them: `view.app_installed_team_id`,
/// `authorizations[0].team_id`, `team.id`, `team_id`, `user.team_id`, `view.team_id`.
pub fn tenant(payload: &Value) -> Option<String> {
    [
        &payload["view"]["app_installed_team_id"],
        &payload["authorizations"][0]["team_id"],
        &payload["team"]["id"],
        &payload["team_id"],
        &payload["user"]["team_id"],
        &payload["view"]["team_id"],
    ]
    .into_iter()
    .find_map(|v| v.as_str().filter(|t| !t.is_empty()))
    .map(str::to_string)
}

/// Puts the installed team in place of the one slack-morphism read.
fn installed(decoded: Decoded, payload: &Value) -> Decoded {
    match (decoded, tenant(payload)) {
        (Decoded::Event(mut event), Some(team)) => {
            event.tenant = team;
            Decoded::Event(event)
        }
        (decoded, _) => decoded,
    }
}

/// An Events API callback (over HTTP or Socket Mode), as Slack sent it.
pub fn push(callback: &Value) -> Result<Decoded, serde_json::Error> {
    let typed: SlackPushEventCallback = serde_json::from_value(callback.clone())?;
    // A mention written by a bot: the desk hears no bots (their messages say so themselves).
    if callback["event"]["type"] == "app_mention" && !callback["event"]["bot_id"].is_null() {
        return Ok(Decoded::Ignored(
            "a bot's message (the desk's own included)",
        ));
    }
    let sizes = FileSizes::of(&callback["event"]);
    let decoded = event_of(&typed.team_id.0, &typed.event_id.0, &typed.event, &sizes);
    Ok(installed(addressed(decoded, callback), callback))
}

/// Marks a message that names the bot and cuts the mention from its text. An `app_mention`
/// always names it; its `message` twin does when its text mentions the installed bot user
/// (`authorizations[].user_id`), so whichever of the two comes first is taken the same way.
fn addressed(decoded: Decoded, callback: &Value) -> Decoded {
    let Decoded::Event(mut event) = decoded else {
        return decoded;
    };
    if let EventKind::Message {
        text, mentions_bot, ..
    } = &mut event.kind
    {
        let bots: Vec<&str> = callback["authorizations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|a| a["is_bot"].as_bool() != Some(false))
            .filter_map(|a| a["user_id"].as_str())
            .collect();
        let app_mention = callback["event"]["type"] == "app_mention";
        let (rest, named) = without_mentions(text, &bots, app_mention);
        if app_mention || named {
            *mentions_bot = true;
            *text = rest;
        }
    }
    Decoded::Event(event)
}

/// `text` without its mentions of `bots` (`<@U1>`, `<@U1|name>`), and whether it had any. With
/// no bot known, an `app_mention`'s leading mention is the bot's (Slack sent it for that).
fn without_mentions(text: &str, bots: &[&str], app_mention: bool) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut named = false;
    let mut rest = text;
    while let Some(at) = rest.find("<@") {
        let Some(len) = rest[at..].find('>') else {
            break;
        };
        out.push_str(&rest[..at]);
        let mention = &rest[at..=at + len];
        let user = mention[2..mention.len() - 1]
            .split('|')
            .next()
            .unwrap_or_default();
        let leading = bots.is_empty() && app_mention && !named && out.trim().is_empty();
        rest = &rest[at + len + 1..];
        if bots.contains(&user) || leading {
            named = true;
            // Of the spaces around the mention, one stays.
            if out.is_empty() || out.ends_with(char::is_whitespace) {
                rest = rest.strip_prefix(' ').unwrap_or(rest);
            }
        } else {
            out.push_str(mention);
        }
    }
    out.push_str(rest);
    (out.trim().to_string(), named)
}

/// A raw Socket Mode frame, decoded by its `type`, the envelope's payload as over HTTP.
pub fn socket_frame(frame: &str, settings: &SlackSettings) -> Result<Decoded, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Frame {
        #[serde(rename = "type")]
        kind: String,
        #[serde(default)]
        payload: Value,
    }
    let frame: Frame = serde_json::from_str(frame)?;
    Ok(match frame.kind.as_str() {
        "events_api" => push(&frame.payload)?,
        "slash_commands" => command(&frame.payload, settings)?,
        "interactive" => interaction(&frame.payload)?,
        "hello" => Decoded::Ignored("the connection's greeting"),
        "disconnect" => Decoded::Ignored("Slack asks to reconnect (the client does)"),
        _ => Decoded::Ignored("a frame type the desk does not use"),
    })
}

/// The size of each shared file by its id, read from the event as Slack sent it
/// (slack-morphism's `SlackFile` has no `size`).
#[derive(Debug, Default)]
struct FileSizes(std::collections::HashMap<String, u64>);

impl FileSizes {
    /// The sizes of the files of `event` (a message or a mention).
    fn of(event: &Value) -> FileSizes {
        let files = event["files"].as_array().into_iter().flatten();
        FileSizes(
            files
                .filter_map(|f| Some((f["id"].as_str()?.to_string(), f["size"].as_u64()?)))
                .collect(),
        )
    }

    fn get(&self, file: &SlackFileId) -> Option<u64> {
        self.0.get(&file.0).copied()
    }
}

/// The event inside a callback, with the callback's workspace and event id (without file
/// sizes, which only [`push`] reads from the raw payload).
pub fn callback_event(team: &str, event_id: &str, body: &SlackEventCallbackBody) -> Decoded {
    event_of(team, event_id, body, &FileSizes::default())
}

/// [`callback_event`], the shared files' sizes taken from `sizes`.
fn event_of(
    team: &str,
    event_id: &str,
    body: &SlackEventCallbackBody,
    sizes: &FileSizes,
) -> Decoded {
    let id = event_id.to_string();
    match body {
        SlackEventCallbackBody::Message(m) => message(team, m, sizes),
        SlackEventCallbackBody::ReactionAdded(r) => {
            let SlackReactionsItem::Message(item) = &r.item else {
                return Decoded::Ignored("a reaction on a file, not a message");
            };
            let Some(channel) = item.origin.channel.as_ref() else {
                return Decoded::Ignored("a reaction without its channel");
            };
            let kind = EventKind::Reaction {
                emoji: r.reaction.0.clone(),
                on_message: item.origin.ts.0.clone(),
                message_author: r.item_user.as_ref().map(|u| u.0.clone()),
                message_text: item
                    .content
                    .text
                    .as_deref()
                    .filter(|t| !t.is_empty())
                    .map(unescape),
            };
            let thread = item.origin.thread_ts.as_ref().map(|t| t.0.clone());
            event(id, team, &r.user.0, &channel.0, thread, kind)
        }
        SlackEventCallbackBody::AppHomeOpened(home) => match home.tab.as_deref() {
            Some("home") | None => event(
                id,
                team,
                &home.user.0,
                &home.channel.0,
                None,
                EventKind::HomeOpened,
            ),
            Some(_) => Decoded::Ignored("the App Home messages tab, not the home tab"),
        },
        // The same message as its message event (which a channel the app does not read
        // never sends): the same event, so the desk takes it once whichever comes.
        SlackEventCallbackBody::AppMention(m) => said(
            team,
            &m.user.0,
            &m.channel.0,
            m.origin.channel_type.as_ref(),
            m.content.text.as_deref(),
            attachments(m.content.files.as_deref(), sizes),
            &m.origin,
        ),
        _ => Decoded::Ignored("an event type the desk does not use"),
    }
}

fn message(team: &str, m: &SlackMessageEvent, sizes: &FileSizes) -> Decoded {
    match &m.subtype {
        None
        | Some(SlackMessageEventType::FileShare)
        | Some(SlackMessageEventType::ThreadBroadcast) => {}
        Some(SlackMessageEventType::BotMessage) => {
            return Decoded::Ignored("a bot's message (the desk's own included)")
        }
        Some(_) => {
            return Decoded::Ignored("an edit, deletion or channel notice, not a new message")
        }
    }
    if m.sender.bot_id.is_some() {
        return Decoded::Ignored("a bot's message (the desk's own included)");
    }
    let Some(user) = m.sender.user.as_ref() else {
        return Decoded::Ignored("a message without a user");
    };
    let Some(channel) = m.origin.channel.as_ref() else {
        return Decoded::Ignored("a message without a channel");
    };
    let content = m.content.as_ref();
    said(
        team,
        &user.0,
        &channel.0,
        m.origin.channel_type.as_ref(),
        content.and_then(|c| c.text.as_deref()),
        attachments(content.and_then(|c| c.files.as_deref()), sizes),
        &m.origin,
    )
}

/// The id under which the desk takes a message, whichever event brought it (`message`,
/// `app_mention`, a redelivery under a new event id): the message's own identity.
pub fn message_event_id(channel: &str, ts: &str) -> String {
    format!("message:{channel}:{ts}")
}

/// A message someone wrote, as the desk takes it.
fn said(
    team: &str,
    user: &str,
    channel: &str,
    channel_type: Option<&SlackChannelType>,
    text: Option<&str>,
    attachments: Vec<Attachment>,
    origin: &SlackMessageOrigin,
) -> Decoded {
    let ts = origin.ts.0.clone();
    // A thread's parent has thread_ts == ts: it is a top-level message.
    let thread = origin
        .thread_ts
        .as_ref()
        .map(|t| t.0.clone())
        .filter(|t| *t != ts);
    let direct = match channel_type.map(|t| t.0.as_str()) {
        Some(kind) => kind == "im" || kind == "app_home",
        None => channel.starts_with('D'),
    };
    let kind = EventKind::Message {
        text: text.map(unescape).unwrap_or_default(),
        message_id: ts.clone(),
        direct,
        mentions_bot: false,
        attachments,
    };
    let id = message_event_id(channel, &ts);
    event(id, team, user, channel, thread, kind)
}

/// The shared files the desk can list (those with a link), with their sizes.
fn attachments(files: Option<&[SlackFile]>, sizes: &FileSizes) -> Vec<Attachment> {
    files
        .into_iter()
        .flatten()
        .filter_map(|f| attachment(f, sizes))
        .collect()
}

/// A shared file as the desk lists it: its permalink opens it in Slack for whoever may see it
/// (`url_private` only when there is none: it needs the bot's token), with its size.
fn attachment(file: &SlackFile, sizes: &FileSizes) -> Option<Attachment> {
    let url = file.permalink.as_ref().or(file.url_private.as_ref())?;
    let name = file
        .name
        .clone()
        .or_else(|| file.title.clone())
        .unwrap_or_else(|| file.id.0.clone());
    Some(Attachment {
        name,
        url: url.to_string(),
        size: sizes.get(&file.id),
    })
}

/// A slash command's fields as a JSON object: Socket Mode sends them so, HTTP as a form.
pub fn command_fields(form: &[u8]) -> Value {
    Value::Object(
        form_urlencoded::parse(form)
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect(),
    )
}

/// A slash command (its fields as a JSON object, see [`command_fields`]). Slack gives commands
/// no event id: the trigger id is unique per invocation.
pub fn command(fields: &Value, settings: &SlackSettings) -> Result<Decoded, serde_json::Error> {
    let c: SlackCommandEvent = serde_json::from_value(fields.clone())?;
    let Some(name) = settings.desk_command(&c.command.0) else {
        return Ok(Decoded::Ignored("a slash command that is not the desk's"));
    };
    let kind = EventKind::Command {
        name: name.to_string(),
        args: unescape(c.text.as_deref().unwrap_or_default().trim()),
        options: Vec::new(),
        trigger: Some(c.trigger_id.0.clone()),
    };
    let id = format!("command:{}", c.trigger_id.0);
    let decoded = event(id, &c.team_id.0, &c.user_id.0, &c.channel_id.0, None, kind);
    Ok(installed(decoded, fields))
}

/// A click, a modal submission or a shortcut, as Slack sent it (the `payload` field).
pub fn interaction(payload: &Value) -> Result<Decoded, serde_json::Error> {
    let mut typed = payload.clone();
    // A modal without inputs is submitted with `"state": {}`: no values, not a malformed one.
    if let Some(state) = typed.get_mut("view").and_then(|v| v.get_mut("state")) {
        if state.is_object() && state.get("values").is_none() {
            state["values"] = Value::Object(Default::default());
        }
    }
    let typed: SlackInteractionEvent = serde_json::from_value(typed)?;
    let decoded = match &typed {
        SlackInteractionEvent::BlockActions(a) => block_actions(a, payload),
        other => typed_interaction(other),
    };
    Ok(installed(decoded, payload))
}

/// A modal submission or a shortcut.
fn typed_interaction(i: &SlackInteractionEvent) -> Decoded {
    match i {
        SlackInteractionEvent::BlockActions(_) => Decoded::Ignored("decoded from its payload"),
        SlackInteractionEvent::ViewSubmission(v) => view_submission(v),
        SlackInteractionEvent::MessageAction(m) => {
            if m.callback_id.0 != CREATE_TICKET_SHORTCUT {
                return Decoded::Ignored("a message shortcut that is not the desk's");
            }
            let (Some(channel), Some(message)) = (m.channel.as_ref(), m.message.as_ref()) else {
                return Decoded::Ignored("a message shortcut without its message");
            };
            // A bot's message (an alert, say) belongs to whoever made it a ticket.
            let author = match message.sender.bot_id {
                Some(_) => None,
                None => message.sender.user.as_ref().map(|u| u.0.clone()),
            };
            let kind = EventKind::TicketFromMessage {
                on_message: message.origin.ts.0.clone(),
                message_author: author,
                message_text: message
                    .content
                    .text
                    .as_deref()
                    .filter(|t| !t.is_empty())
                    .map(unescape),
            };
            let thread = message.origin.thread_ts.as_ref().map(|t| t.0.clone());
            let id = format!("shortcut:{}", m.trigger_id.0);
            event(id, &m.team.id.0, &m.user.id.0, &channel.id.0, thread, kind)
        }
        SlackInteractionEvent::Shortcut(s) => {
            if s.callback_id.0 != NEW_TICKET_SHORTCUT {
                return Decoded::Ignored("a shortcut that is not the desk's");
            }
            // No channel: the adapter opens the person's direct messages with the bot.
            let kind = EventKind::Action {
                id: NEW_TICKET_WIDGET.to_string(),
                value: String::new(),
                message_id: None,
                trigger: Some(s.trigger_id.0.clone()),
            };
            let id = format!("shortcut:{}", s.trigger_id.0);
            event(id, &s.team.id.0, &s.user.id.0, "", None, kind)
        }
        SlackInteractionEvent::ViewClosed(_) => Decoded::Ignored("a modal closed unsent"),
        SlackInteractionEvent::BlockSuggestion(_) | SlackInteractionEvent::DialogSubmission(_) => {
            Decoded::Ignored("an interaction the desk's views never ask for")
        }
    }
}

/// Where a form was opened from, read from its modal's `private_metadata`.
fn origin_of(metadata: Option<&str>) -> Option<Origin> {
    metadata.and_then(|m| serde_json::from_str(m).ok())
}

fn block_actions(a: &SlackInteractionBlockActionsEvent, payload: &Value) -> Decoded {
    let Some(user) = a.user.as_ref() else {
        return Decoded::Ignored("a click without a user");
    };
    let Some(action) = a.actions.as_ref().and_then(|actions| actions.first()) else {
        return Decoded::Ignored("a click without an action");
    };
    let value = action
        .value
        .clone()
        .or_else(|| action.selected_option.as_ref().map(|o| o.value.clone()))
        .unwrap_or_default();
    let (channel, message_id) = match &a.container {
        SlackInteractionActionContainer::Message(m) => (
            m.channel_id.as_ref().map(|c| c.0.clone()),
            Some(m.message_ts.0.clone()),
        ),
        SlackInteractionActionContainer::MessageAttachment(m) => (
            m.channel_id.as_ref().map(|c| c.0.clone()),
            Some(m.message_ts.0.clone()),
        ),
        // A click inside a modal is answered where the form was opened (its metadata says);
        // one on the App Home tab has no channel (the adapter opens the direct messages).
        SlackInteractionActionContainer::View(_) => {
            let view = &payload["view"];
            let origin = (view["type"] == "modal")
                .then(|| origin_of(view["private_metadata"].as_str()))
                .flatten();
            if let Some(origin) = origin.filter(|o| !o.channel.is_empty()) {
                let kind = EventKind::Action {
                    id: desk_action(&action.action_id.0).to_string(),
                    value,
                    message_id: None,
                    trigger: Some(a.trigger_id.0.clone()),
                };
                let id = format!("action:{}", a.trigger_id.0);
                let (channel, thread) = (origin.channel, origin.thread);
                return event(id, &a.team.id.0, &user.id.0, &channel, thread, kind);
            }
            (None, None)
        }
    };
    let channel = channel
        .or_else(|| a.channel.as_ref().map(|c| c.id.0.clone()))
        .unwrap_or_default();
    // A click on an ephemeral message comes without the message: only its container names the
    // thread, and the refusal or answer belongs there, not at the channel's top level.
    let thread = a
        .message
        .as_ref()
        .and_then(|m| m.origin.thread_ts.as_ref())
        .map(|t| t.0.clone())
        .or_else(|| {
            payload["container"]["thread_ts"]
                .as_str()
                .map(str::to_string)
        })
        .filter(|t| Some(t) != message_id.as_ref());
    let kind = EventKind::Action {
        id: desk_action(&action.action_id.0).to_string(),
        value,
        message_id,
        trigger: Some(a.trigger_id.0.clone()),
    };
    let id = format!("action:{}", a.trigger_id.0);
    event(id, &a.team.id.0, &user.id.0, &channel, thread, kind)
}

fn view_submission(v: &SlackInteractionViewSubmissionEvent) -> Decoded {
    let SlackView::Modal(modal) = &v.view.view else {
        return Decoded::Ignored("a submission of a view that is not a modal");
    };
    let Some(form) = modal.callback_id.as_ref() else {
        return Decoded::Ignored("a modal without a callback id (not the desk's)");
    };
    let origin = origin_of(modal.private_metadata.as_deref()).unwrap_or(Origin {
        channel: String::new(),
        thread: None,
    });
    let mut fields = BTreeMap::new();
    if let Some(state) = &v.view.state_params.state {
        for (block, actions) in &state.values {
            let value = actions.values().find_map(|a| {
                a.value
                    .clone()
                    .or_else(|| a.selected_option.as_ref().map(|o| o.value.clone()))
                    .or_else(|| a.selected_date.clone())
                    .or_else(|| a.selected_user.as_ref().map(|u| u.0.clone()))
            });
            if let Some(value) = value {
                fields.insert(block.0.clone(), value);
            }
        }
    }
    // Slack's private answers need no interaction: chat.postEphemeral.
    let kind = EventKind::FormSubmitted {
        form: form.0.clone(),
        fields,
        trigger: None,
    };
    // A view is submitted once: its id and hash name the submission.
    let id = format!(
        "view:{}:{}",
        v.view.state_params.id.0, v.view.state_params.hash
    );
    event(
        id,
        &v.team.id.0,
        &v.user.id.0,
        &origin.channel,
        origin.thread,
        kind,
    )
}
