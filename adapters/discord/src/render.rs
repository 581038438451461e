//! The desk's messages and forms as Discord JSON: an embed with buttons, a modal. User text is
//! made inert (no `@everyone`, no `<@…>` that pings), and every message says exactly whom it
//! may ping in `allowed_mentions`: only the structured mentions the desk asked for.

use helpdesk_chat::truncate_chars as cut;
use helpdesk_chat::{Button, ButtonStyle, Form, FormFieldKind, Link, Mention, RichMessage};
use serde_json::{json, Value};

/// Discord's limits (characters or items).
mod limit {
    pub const CONTENT: usize = 2000;
    pub const EMBED_TITLE: usize = 256;
    pub const EMBED_TEXT: usize = 4096;
    pub const FIELD_NAME: usize = 256;
    pub const FIELD_VALUE: usize = 1024;
    pub const FIELDS: usize = 25;
    pub const FOOTER: usize = 2048;
    pub const BUTTON_LABEL: usize = 80;
    pub const CUSTOM_ID: usize = 100;
    pub const BUTTONS_PER_ROW: usize = 5;
    pub const ROWS: usize = 5;
    pub const MODAL_TITLE: usize = 45;
    pub const MODAL_LABEL: usize = 45;
    pub const MODAL_ITEMS: usize = 5;
    pub const TEXT_INPUT: usize = 4000;
    pub const SELECT_OPTIONS: usize = 25;
    pub const OPTION_TEXT: usize = 100;
    pub const THREAD_NAME: usize = 100;
}

/// A `custom_id`: the desk's widget or form id as it is. The desk keeps its ids within
/// Discord's 100 characters; one that is not would be refused by Discord whole, so it is cut
/// (and comes back stale) rather than lose the message.
pub fn custom_id(id: &str) -> String {
    cut(id, limit::CUSTOM_ID)
}

/// User text made inert: mass mentions, mention syntax and link syntax are broken with a
/// zero-width space, so they show as typed and ping nobody even where `allowed_mentions` would
/// not apply, and no link can hide where it leads.
///
/// Discord makes three things clickable: masked links `[text](url)`, autolinks `<url>` and bare
/// URLs, all of which need `](` or `:/` written together. A zero-width space inside each breaks
/// them wherever they stand, also inside code spans or after a stray backtick the person typed
/// (wrapping URLs in inline code would not be: a backtick of theirs closes the span), while the
/// whole address stays readable. Article text (from the knowledge base) goes through here too:
/// its formatting is kept, its links show their full address as text.
pub fn inert(text: &str) -> String {
    text.replace("@everyone", "@\u{200b}everyone")
        .replace("@here", "@\u{200b}here")
        .replace("<@", "<\u{200b}@")
        .replace("<#", "<\u{200b}#")
        .replace("](", "]\u{200b}(")
        .replace(":/", ":\u{200b}/")
}

/// A desk link as Discord's masked link, `[label](url)`: the only link the adapter writes
/// itself. The label is made inert and its Markdown escaped with a backslash (`[` and `]` above
/// all, which would end it early); `(`, `)` and spaces in the address are percent-encoded. An
/// address that is not a web address is never linked: the label alone is written, inert.
pub fn link(l: &Link) -> String {
    let mut label = String::with_capacity(l.label.len());
    for c in inert(&l.label).chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '*' | '_' | '~' | '`' | '|' | '<' | '>'
        ) {
            label.push('\\');
        }
        label.push(c);
    }
    let Some(url) = l.web_url() else {
        return label;
    };
    let url = url.replace('(', "%28").replace(')', "%29");
    format!("[{label}]({url})")
}

/// `text` with the links under it, one a line, within `max` characters: the links that fit
/// are kept whole and the text is cut to the room left.
fn with_links(text: &str, links: &[Link], max: usize) -> String {
    let mut block = String::new();
    for l in links {
        let line = link(l);
        if block.chars().count() + line.chars().count() + 1 > max {
            break;
        }
        block.push('\n');
        block.push_str(&line);
    }
    if block.is_empty() {
        return cut(text, max);
    }
    if text.is_empty() {
        return block.trim_start_matches('\n').to_string();
    }
    let room = max.saturating_sub(block.chars().count());
    format!("{}{block}", cut(text, room))
}

/// Discord ids are snowflakes: anything else cannot be one, and is never written out.
fn snowflake(id: &str) -> bool {
    !id.is_empty() && id.len() <= 20 && id.bytes().all(|b| b.is_ascii_digit())
}

/// The mentions that ping, as message text.
fn mention_text(mentions: &[Mention]) -> String {
    mentions
        .iter()
        .filter_map(|m| match m {
            Mention::User(id) if snowflake(id) => Some(format!("<@{id}>")),
            // A group of users is a role here.
            Mention::UserGroup(id) if snowflake(id) => Some(format!("<@&{id}>")),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Exactly who may be pinged: the listed roles and users, never `@everyone` or `@here`.
pub fn allowed_mentions(mentions: &[Mention]) -> Value {
    let mut roles = Vec::new();
    let mut users = Vec::new();
    for m in mentions {
        match m {
            Mention::UserGroup(id) if snowflake(id) => roles.push(id.clone()),
            Mention::User(id) if snowflake(id) => users.push(id.clone()),
            _ => {}
        }
    }
    json!({ "parse": [], "roles": roles, "users": users, "replied_user": false })
}

fn style(style: ButtonStyle) -> u8 {
    match style {
        ButtonStyle::Primary => 1,
        ButtonStyle::Normal => 2,
        ButtonStyle::Danger => 4,
    }
}

/// Buttons in action rows of five (at most five rows).
pub fn components(buttons: &[Button]) -> Vec<Value> {
    buttons
        .chunks(limit::BUTTONS_PER_ROW)
        .take(limit::ROWS)
        .map(|row| {
            let row: Vec<Value> = row
                .iter()
                .map(|b| {
                    json!({
                        "type": 2,
                        "style": style(b.style),
                        "label": cut(&b.label, limit::BUTTON_LABEL),
                        "custom_id": custom_id(&b.id),
                    })
                })
                .collect();
            json!({ "type": 1, "components": row })
        })
        .collect()
}

/// A message body for `POST /channels/{id}/messages` (and edits, and interaction answers).
///
/// A message with only text is sent as plain content, like a person's message; anything with a
/// title, fields, buttons or small print becomes an embed.
pub fn message(m: &RichMessage) -> Value {
    let pings = mention_text(&m.mentions);
    let plain = m.title.is_none() && m.fields.is_empty() && m.context.is_none();
    let mut body = serde_json::Map::new();
    if plain {
        let content = if pings.is_empty() {
            inert(&m.text)
        } else {
            format!("{pings}\n{}", inert(&m.text))
        };
        let content = with_links(&content, &m.links, limit::CONTENT);
        body.insert("content".into(), json!(content));
        body.insert("embeds".into(), json!([]));
    } else {
        let mut embed = serde_json::Map::new();
        if let Some(title) = &m.title {
            embed.insert(
                "title".into(),
                json!(cut(&inert(title), limit::EMBED_TITLE)),
            );
        }
        let description = with_links(&inert(&m.text), &m.links, limit::EMBED_TEXT);
        if !description.is_empty() {
            embed.insert("description".into(), json!(description));
        }
        let fields: Vec<Value> = m
            .fields
            .iter()
            .take(limit::FIELDS)
            .map(|f| {
                json!({
                    "name": cut(&inert(&f.label), limit::FIELD_NAME),
                    "value": cut(&inert(if f.value.is_empty() { "-" } else { &f.value }), limit::FIELD_VALUE),
                    "inline": true,
                })
            })
            .collect();
        if !fields.is_empty() {
            embed.insert("fields".into(), json!(fields));
        }
        if let Some(context) = &m.context {
            embed.insert(
                "footer".into(),
                json!({ "text": cut(&inert(context), limit::FOOTER) }),
            );
        }
        body.insert("content".into(), json!(pings));
        body.insert("embeds".into(), json!([Value::Object(embed)]));
    }
    body.insert("components".into(), json!(components(&m.buttons)));
    body.insert("allowed_mentions".into(), allowed_mentions(&m.mentions));
    Value::Object(body)
}

/// How a modal's fields are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModalLayout {
    /// Each field in a Label (type 18): choices are select menus. Its submission can only be
    /// read from the raw payload (the HTTP endpoint): serenity 0.12 drops Label contents.
    Labels,
    /// Each field a text input in an action row, which serenity reads: choices are typed, the
    /// options shown as the placeholder.
    Rows,
}

/// A form as a modal (interaction response type 9).
pub fn modal(form: &Form, layout: ModalLayout) -> Value {
    let items: Vec<Value> = form
        .fields
        .iter()
        .take(limit::MODAL_ITEMS)
        .map(|f| {
            let label = cut(&f.label, limit::MODAL_LABEL);
            let text_input = |style: u8, placeholder: Option<String>| {
                let mut input = json!({
                    "type": 4,
                    "custom_id": f.id,
                    "style": style,
                    "required": f.required,
                    "max_length": limit::TEXT_INPUT,
                });
                if let Some(initial) = f.initial.as_deref().filter(|v| !v.is_empty()) {
                    input["value"] = json!(cut(initial, limit::TEXT_INPUT));
                }
                if let Some(p) = placeholder {
                    input["placeholder"] = json!(cut(&p, limit::OPTION_TEXT));
                }
                input
            };
            let style = if matches!(f.kind, FormFieldKind::LongText) {
                2
            } else {
                1
            };
            match (&f.kind, layout) {
                (FormFieldKind::Choice { options }, ModalLayout::Labels) => {
                    let options: Vec<Value> = options
                        .iter()
                        .take(limit::SELECT_OPTIONS)
                        .map(|(value, label)| {
                            json!({
                                "label": cut(label, limit::OPTION_TEXT),
                                "value": cut(value, limit::OPTION_TEXT),
                                "default": f.initial.as_deref() == Some(value.as_str()),
                            })
                        })
                        .collect();
                    let select = json!({
                        "type": 3,
                        "custom_id": f.id,
                        "options": options,
                        "required": f.required,
                        "min_values": if f.required { 1 } else { 0 },
                        "max_values": 1,
                    });
                    json!({ "type": 18, "label": label, "component": select })
                }
                (FormFieldKind::Choice { options }, ModalLayout::Rows) => {
                    let values: Vec<&str> = options.iter().map(|(v, _)| v.as_str()).collect();
                    let mut input = text_input(1, Some(values.join(" / ")));
                    input["label"] = json!(label);
                    json!({ "type": 1, "components": [input] })
                }
                (_, ModalLayout::Labels) => {
                    json!({ "type": 18, "label": label, "component": text_input(style, None) })
                }
                (_, ModalLayout::Rows) => {
                    let mut input = text_input(style, None);
                    input["label"] = json!(label);
                    json!({ "type": 1, "components": [input] })
                }
            }
        })
        .collect();
    json!({
        "type": 9,
        "data": {
            "custom_id": custom_id(&form.id),
            "title": cut(&form.title, limit::MODAL_TITLE),
            "components": items,
        }
    })
}

/// A thread name within Discord's 100 characters (set once: renames are rate-limited).
pub fn thread_name(name: &str) -> String {
    cut(name.trim(), limit::THREAD_NAME)
}
