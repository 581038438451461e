//! Block Kit: messages, modals and the App Home tab, with every piece of user text made inert.
//!
//! Only [`Mention`]s ping: text is escaped (`&`, `<`, `>`), so `<!channel>`, `<!here>`, `<@U…>`
//! and `<url|label>` links typed by a person render as the characters they are.

use helpdesk_chat::truncate_chars as cut;
use helpdesk_chat::{Button, ButtonStyle, Form, FormFieldKind, Link, Mention, RichMessage};
use serde_json::{json, Value};

/// Slack's limits, in characters.
mod limit {
    pub const HEADER: usize = 150;
    pub const SECTION: usize = 3000;
    pub const FIELD: usize = 2000;
    pub const FIELDS_PER_SECTION: usize = 10;
    pub const BUTTON_LABEL: usize = 75;
    pub const BUTTONS_PER_BLOCK: usize = 25;
    pub const CONTEXT: usize = 3000;
    pub const FALLBACK: usize = 4000;
    pub const MODAL_TITLE: usize = 24;
    pub const INPUT_LABEL: usize = 2000;
    pub const INPUT_VALUE: usize = 3000;
    pub const OPTION_TEXT: usize = 75;
    pub const OPTION_VALUE: usize = 150;
    pub const VIEW_BLOCKS: usize = 100;
    pub const METADATA: usize = 3000;
}

/// Separates a button's action from its position: Slack wants action ids unique in a block.
pub const ACTION_SEPARATOR: char = '#';

/// Makes text inert for Slack: the three characters Slack's markup is built from are escaped,
/// so no `<url|label>` link (nor mention) can be written, and every `scheme:/` gets a zero-width
/// space after its colon, so no bare address becomes a link either.
///
/// Slack's mrkdwn has no `[label](url)` links (they show as typed); the only links that hide
/// their address are `<url|label>`, which the escaping rules out. Bare addresses are linked by
/// Slack wherever text is not `verbatim` (the notification text, clients that link by
/// themselves): the zero-width space keeps them text everywhere, the address still readable.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '/' if out.ends_with(':') => out.push_str("\u{200b}/"),
            c => out.push(c),
        }
    }
    out
}

/// Escaped text with the Markdown the desk writes (`**bold**`, `# heading`) turned into Slack's
/// `*bold*`; links (an article's too) are shown as typed, their full address as text, so none
/// can hide where it points.
pub fn mrkdwn(text: &str) -> String {
    let lines: Vec<String> = escape(text)
        .lines()
        .map(|line| {
            let trimmed = line.trim_start();
            let heading = trimmed.trim_start_matches('#');
            if trimmed.starts_with('#') && heading.starts_with(' ') && !heading.trim().is_empty() {
                format!("*{}*", heading.trim().replace("**", ""))
            } else {
                line.replace("**", "*")
            }
        })
        .collect();
    lines.join("\n")
}

/// A mention as Slack's markup: the only markup the adapter writes itself.
pub fn mention(m: &Mention) -> Option<String> {
    let id = match m {
        Mention::User(id) | Mention::UserGroup(id) => id,
    };
    // Ids are Slack's own (U…, S…): anything else cannot be one, and is not written out.
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    Some(match m {
        Mention::User(_) => format!("<@{id}>"),
        Mention::UserGroup(_) => format!("<!subteam^{id}>"),
    })
}

/// A desk link as Slack's markup, `<url|label>`: the only link the adapter writes itself. The
/// label is escaped like any text, and a `|` in it (which Slack would read as the end of the
/// address) becomes `∣`; the address gets `&`, `<`, `>` escaped and `|` percent-encoded. An
/// address that is not a web address is never linked: the label alone is written, inert.
pub fn link(l: &Link) -> String {
    let label = escape(&l.label).replace('|', "\u{2223}");
    let Some(url) = l.web_url() else {
        return label;
    };
    let url = url
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "%7C");
    format!("<{url}|{label}>")
}

/// The links, one a line, as many whole ones as fit in `max` characters.
fn links_text(links: &[Link], max: usize) -> String {
    let mut out = String::new();
    for l in links {
        let line = link(l);
        let len = out.chars().count() + line.chars().count() + usize::from(!out.is_empty());
        if len > max {
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

/// Escaped and cut to `max` characters.
fn inert(text: &str, max: usize) -> String {
    cut_escaped(&escape(text), max)
}

/// Cuts escaped text without breaking an entity such as `&amp;` in two.
fn cut_escaped(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut kept: String = text.chars().take(max.saturating_sub(1)).collect();
    if let Some(amp) = kept.rfind('&') {
        if !kept[amp..].contains(';') {
            kept.truncate(amp);
        }
    }
    kept.push('…');
    kept
}

fn plain(text: &str, max: usize) -> Value {
    // plain_text is never parsed for mentions or links; it only needs its length kept.
    json!({ "type": "plain_text", "text": cut(text, max), "emoji": true })
}

/// Markup text that Slack shows as written: `verbatim` stops it from turning words such as
/// `@here` or channel names into mentions and links by itself.
fn mrkdwn_text(text: String) -> Value {
    json!({ "type": "mrkdwn", "text": text, "verbatim": true })
}

fn section(text: String) -> Value {
    json!({ "type": "section", "text": mrkdwn_text(text) })
}

/// The notification text Slack shows where blocks cannot be (push notifications, search).
pub fn fallback(message: &RichMessage) -> String {
    let mut parts: Vec<String> = message.mentions.iter().filter_map(mention).collect();
    if let Some(title) = &message.title {
        parts.push(escape(title));
    }
    if !message.text.is_empty() {
        parts.push(escape(&message.text));
    }
    parts.extend(message.links.iter().map(|l| escape(&l.label)));
    cut_escaped(&parts.join(" "), limit::FALLBACK)
}

/// A message as Block Kit blocks.
pub fn blocks(message: &RichMessage) -> Vec<Value> {
    let mut blocks = Vec::new();
    let mentions: Vec<String> = message.mentions.iter().filter_map(mention).collect();
    if let Some(title) = message.title.as_deref().filter(|t| !t.trim().is_empty()) {
        // plain_text is never parsed, but a client may still link an address it sees.
        let title = title.replace(":/", ":\u{200b}/");
        blocks.push(json!({ "type": "header", "text": plain(&title, limit::HEADER) }));
    }
    if !mentions.is_empty() {
        blocks.push(section(mentions.join(" ")));
    }
    if !message.text.trim().is_empty() {
        blocks.push(section(cut_escaped(&mrkdwn(&message.text), limit::SECTION)));
    }
    let links = links_text(&message.links, limit::SECTION);
    if !links.is_empty() {
        blocks.push(section(links));
    }
    for chunk in message.fields.chunks(limit::FIELDS_PER_SECTION) {
        let fields: Vec<Value> = chunk
            .iter()
            .map(|f| {
                let label = inert(&f.label, 200);
                let room = limit::FIELD.saturating_sub(label.chars().count() + 3);
                mrkdwn_text(format!("*{label}*\n{}", inert(&f.value, room)))
            })
            .collect();
        blocks.push(json!({ "type": "section", "fields": fields }));
    }
    let buttons: Vec<(usize, &Button)> = message.buttons.iter().enumerate().collect();
    for chunk in buttons.chunks(limit::BUTTONS_PER_BLOCK) {
        let elements: Vec<Value> = chunk.iter().map(|(i, b)| button(*i, b)).collect();
        blocks.push(json!({ "type": "actions", "elements": elements }));
    }
    if let Some(context) = message.context.as_deref().filter(|c| !c.trim().is_empty()) {
        blocks.push(json!({
            "type": "context",
            "elements": [mrkdwn_text(inert(context, limit::CONTEXT))],
        }));
    }
    blocks
}

fn button(index: usize, b: &Button) -> Value {
    let mut button = json!({
        "type": "button",
        "text": plain(&b.label, limit::BUTTON_LABEL),
        // The widget id whole (it fits: ≤ 100 of Slack's 255), made unique by its position.
        "action_id": format!("{}{ACTION_SEPARATOR}{index}", b.id),
    });
    match b.style {
        ButtonStyle::Primary => button["style"] = json!("primary"),
        ButtonStyle::Danger => button["style"] = json!("danger"),
        ButtonStyle::Normal => {}
    }
    button
}

/// The desk's widget id of a clicked Slack button (without the position [`blocks`] added).
pub fn desk_action(action_id: &str) -> &str {
    action_id
        .rsplit_once(ACTION_SEPARATOR)
        .filter(|(_, n)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map_or(action_id, |(action, _)| action)
}

/// Where a form was opened from, kept in the modal's `private_metadata`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Origin {
    /// The channel.
    #[serde(rename = "c")]
    pub channel: String,
    /// The thread.
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub thread: Option<String>,
}

/// A form as a modal view; each field is an input block whose `block_id` is the field's id.
pub fn modal(form: &Form, origin: &Origin) -> Value {
    let blocks: Vec<Value> = form
        .fields
        .iter()
        .take(limit::VIEW_BLOCKS)
        .map(|field| {
            let element = match &field.kind {
                FormFieldKind::ShortText | FormFieldKind::LongText => {
                    let mut input = json!({
                        "type": "plain_text_input",
                        "action_id": "value",
                        "multiline": matches!(field.kind, FormFieldKind::LongText),
                    });
                    if let Some(initial) = field.initial.as_deref().filter(|v| !v.is_empty()) {
                        input["initial_value"] = json!(cut(initial, limit::INPUT_VALUE));
                    }
                    input
                }
                FormFieldKind::Choice { options } => {
                    let option = |(value, label): &(String, String)| {
                        json!({
                            "text": plain(label, limit::OPTION_TEXT),
                            "value": cut(value, limit::OPTION_VALUE),
                        })
                    };
                    let mut select = json!({
                        "type": "static_select",
                        "action_id": "value",
                        "options": options.iter().take(100).map(option).collect::<Vec<_>>(),
                    });
                    let initial = field
                        .initial
                        .as_ref()
                        .and_then(|i| options.iter().find(|(v, _)| v == i));
                    if let Some(initial) = initial {
                        select["initial_option"] = option(initial);
                    }
                    select
                }
            };
            json!({
                "type": "input",
                "block_id": field.id,
                "label": plain(&field.label, limit::INPUT_LABEL),
                "optional": !field.required,
                "element": element,
            })
        })
        .collect();
    let metadata = serde_json::to_string(origin).unwrap_or_default();
    json!({
        "type": "modal",
        "callback_id": form.id,
        "title": plain(&form.title, limit::MODAL_TITLE),
        "submit": plain(&form.submit, limit::MODAL_TITLE),
        "private_metadata": cut(&metadata, limit::METADATA),
        "blocks": blocks,
    })
}

/// A person's App Home tab: the sections one under the other.
pub fn home(sections: &[RichMessage]) -> Value {
    let mut blocks = Vec::new();
    for (i, section) in sections.iter().enumerate() {
        if i > 0 {
            blocks.push(json!({ "type": "divider" }));
        }
        blocks.extend(self::blocks(section));
    }
    blocks.truncate(limit::VIEW_BLOCKS);
    json!({ "type": "home", "blocks": blocks })
}
