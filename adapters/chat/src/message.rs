//! Rich messages and forms, described once and rendered by each adapter.

use serde::{Deserialize, Serialize};

/// Somebody to ping. Only these ping: text is always rendered inert.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", content = "id", rename_all = "snake_case")]
pub enum Mention {
    /// One user.
    User(String),
    /// A group of users (a Slack user group, a Discord role): each adapter writes its own
    /// syntax. Stored as `group`; `role` is read too, as earlier outbox rows hold it.
    #[serde(rename = "group", alias = "role", alias = "user_group")]
    UserGroup(String),
}

/// A label and value shown side by side on a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// The label.
    pub label: String,
    /// The value (plain text).
    pub value: String,
}

/// How a button looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ButtonStyle {
    /// The platform's default.
    #[default]
    Normal,
    /// The main action.
    Primary,
    /// Destructive.
    Danger,
}

/// A button. Its `id` comes back, as it is, in an [`crate::EventKind::Action`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Button {
    /// What the person reads.
    pub label: String,
    /// The widget id: opaque to adapters, and at most [`WIDGET_ID_MAX`] characters, so it
    /// fits every platform's id field whole (the desk encodes everything it needs in it).
    // Actions queued before buttons had one id carried it as `action` (their value is lost).
    #[serde(alias = "action")]
    pub id: String,
    /// Look.
    pub style: ButtonStyle,
}

/// The widget id a platform's own "new ticket" entry point (Slack's global shortcut) reports
/// as clicked: the desk's new-ticket widget.
pub const NEW_TICKET_WIDGET: &str = "ticket.new";

/// The longest widget or form id the desk gives: Discord's `custom_id` limit, the smallest
/// of the platforms' (Slack's `action_id` and `callback_id` allow 255).
pub const WIDGET_ID_MAX: usize = 100;

/// A message with structure; adapters turn it into Block Kit or an embed with components.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RichMessage {
    /// A heading, if any.
    pub title: Option<String>,
    /// The body (plain text; adapters escape it).
    pub text: String,
    /// Label/value pairs.
    pub fields: Vec<Field>,
    /// Buttons under the message.
    pub buttons: Vec<Button>,
    /// Small print under the message.
    pub context: Option<String>,
    /// Who to ping.
    pub mentions: Vec<Mention>,
    /// Links under the text (files shared in the conversation), each in the platform's syntax.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
}

/// A link the desk writes itself: its label hides the address, so only the desk makes them
/// (from what a platform said, such as a shared file), never from text a person typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    /// What the person reads (plain text: adapters escape it).
    pub label: String,
    /// Where it leads.
    pub url: String,
}

impl Link {
    /// The address when it is a web address an adapter may write as a link: `https://` or
    /// `http://`, no spaces or control characters; anything else is never linked.
    pub fn web_url(&self) -> Option<&str> {
        let url = self.url.as_str();
        let web = url.starts_with("https://") || url.starts_with("http://");
        let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
        (web && clean && url.len() <= MAX_LINK_URL).then_some(url)
    }
}

/// The longest address an adapter writes as a link.
pub const MAX_LINK_URL: usize = 2000;

impl RichMessage {
    /// A message with only text.
    pub fn text(text: impl Into<String>) -> Self {
        RichMessage {
            text: text.into(),
            ..RichMessage::default()
        }
    }
}

/// The kind of a form field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FormFieldKind {
    /// One line.
    ShortText,
    /// Several lines.
    LongText,
    /// One of the given `(value, label)` options.
    Choice {
        /// The options.
        options: Vec<(String, String)>,
    },
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    /// The id it comes back under.
    pub id: String,
    /// What the person reads.
    pub label: String,
    /// Its kind.
    pub kind: FormFieldKind,
    /// Must be filled.
    pub required: bool,
    /// Pre-filled value.
    pub initial: Option<String>,
}

/// A form (Slack modal, Discord modal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Form {
    /// The id it comes back under.
    pub id: String,
    /// The heading.
    pub title: String,
    /// The fields, in order.
    pub fields: Vec<FormField>,
    /// The submit button's label.
    pub submit: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_are_linked_and_old_messages_read_without_links() {
        let link = |url: &str| Link {
            label: "f".into(),
            url: url.into(),
        };
        assert_eq!(
            link("https://x.example/a").web_url(),
            Some("https://x.example/a")
        );
        assert_eq!(
            link("http://x.example/a").web_url(),
            Some("http://x.example/a")
        );
        for bad in [
            "javascript:alert(1)",
            "ftp://x.example/a",
            "https://x.example/a b",
            "https://x.example/\n",
        ] {
            assert_eq!(link(bad).web_url(), None, "{bad:?}");
        }
        let long = format!("https://x.example/{}", "a".repeat(MAX_LINK_URL));
        assert_eq!(link(&long).web_url(), None);
        // Outbox rows written before links carry none, and a message without links writes none.
        let old: RichMessage = serde_json::from_str(
            r#"{"title":null,"text":"hi","fields":[],"buttons":[],"context":null,"mentions":[]}"#,
        )
        .unwrap();
        assert_eq!(old, RichMessage::text("hi"));
        assert!(!serde_json::to_string(&old).unwrap().contains("links"));
    }
}
