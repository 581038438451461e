//! The desk's wire keys, encoded and decoded here and nowhere else: the id of every widget
//! (button) the desk posts, of every form it opens, and the key of every message it keeps.
//!
//! Widget and form ids travel through the platform's client and come back untrusted: decoding
//! refuses anything this module did not write (unknown names, bad numbers, over-long text),
//! and the desk answers such a click with "stale button". Every encoding fits [`KEY_MAX`]
//! characters, the smallest limit of the platforms' (Discord's `custom_id` ≤ 100; Slack's
//! `action_id`, `block_id` and `callback_id` ≤ 255), so no adapter ever has to cut one: nothing
//! unbounded (a title, an article's slug) is ever part of a key.

use crate::domain::{TicketId, TicketNumber};
use std::fmt;
use std::str::FromStr;

/// The longest key, in characters: Discord's `custom_id` limit, the smallest of the platforms'.
pub const KEY_MAX: usize = 100;

/// The longest channel id a message key carries: longer than any platform's (Slack's are at
/// most 21 characters, Discord's snowflakes 20).
pub const CHANNEL_MAX: usize = 64;

/// The database id of a knowledge-base article: widgets name articles by it, never by slug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(pub i64);

/// The forms a ticket's card opens, each for one ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TicketForm {
    /// Escalate: level, specialty, reason.
    Escalate,
    /// Resolve: the resolution.
    Resolve,
    /// Priority: urgency and impact.
    Priority,
    /// An internal note.
    Note,
}

impl TicketForm {
    /// Every ticket form.
    pub const ALL: [TicketForm; 4] = [
        TicketForm::Escalate,
        TicketForm::Resolve,
        TicketForm::Priority,
        TicketForm::Note,
    ];

    fn name(self) -> &'static str {
        match self {
            TicketForm::Escalate => "ticket.escalate",
            TicketForm::Resolve => "ticket.resolve",
            TicketForm::Priority => "ticket.priority",
            TicketForm::Note => "ticket.note",
        }
    }

    fn named(name: &str) -> Option<TicketForm> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A button the desk posts; its id comes back when it is clicked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Widget {
    /// Opens the new-ticket form (App Home, Slack's global shortcut).
    NewTicket,
    /// The agent takes the ticket.
    Claim(TicketId),
    /// The requester (or an agent who may) opens a closed or resolved ticket again.
    Reopen(TicketId),
    /// Opens one of the ticket's forms.
    Open(TicketForm, TicketId),
    /// The requester answers "did this solve it?" (`true`: yes).
    Confirm(TicketId, bool),
    /// The requester rates the help, 1 to 5 stars.
    Rate(TicketId, u8),
    /// "This solved it" on an article suggested for the ticket.
    KbSolved(TicketId, ArticleId),
    /// "I still need help" on an article suggested for the ticket.
    KbUnhelpful(TicketId, ArticleId),
    /// Shows an article (a `/kb search` result).
    KbShow(ArticleId),
}

/// A form the desk opens; its id comes back when it is submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FormId {
    /// The new-ticket form.
    NewTicket,
    /// One of a ticket's forms.
    Ticket(TicketForm, TicketId),
    /// The comment after a rating.
    Comment(TicketId),
    /// The article form.
    Article(ArticleForm),
}

/// What an article form saves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArticleForm {
    /// A new article.
    New,
    /// This article, edited.
    Edit(ArticleId),
    /// A new article drafted from this resolved ticket.
    Promote(TicketNumber),
}

/// The key under which the desk keeps a message it posted (never sent to a platform).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum MessageKey {
    /// A ticket's card in one channel: one card per ticket and place.
    Card {
        /// The ticket.
        ticket: TicketId,
        /// The channel the card is in.
        channel: String,
    },
    /// The message that starts the requester's thread when no message of theirs does.
    Requester(TicketId),
    /// The message in the requester's direct messages that the conversation moved to when
    /// the place they asked in took no more messages from the bot.
    RequesterDirect(TicketId),
}

impl MessageKey {
    /// The key of a ticket's card in `channel`.
    pub fn card(ticket: TicketId, channel: impl Into<String>) -> MessageKey {
        MessageKey::Card {
            ticket,
            channel: channel.into(),
        }
    }
}

/// Text that is not a key this module wrote: from a forged or outdated client, never trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Longer than any key the desk writes.
    #[error("a key of {0} characters is longer than any the desk writes")]
    TooLong(usize),
    /// Not in any of the desk's formats.
    #[error("{0:?} is not a key the desk writes")]
    Unknown(String),
}

impl fmt::Display for Widget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Widget::NewTicket => f.write_str(self.name()),
            Widget::Claim(t) | Widget::Reopen(t) | Widget::Open(_, t) => {
                write!(f, "{}:{}", self.name(), t.0)
            }
            Widget::Confirm(t, solved) => {
                let answer = if *solved { "yes" } else { "no" };
                write!(f, "{}:{}:{answer}", self.name(), t.0)
            }
            Widget::Rate(t, score) => write!(f, "{}:{}:{score}", self.name(), t.0),
            Widget::KbSolved(t, a) | Widget::KbUnhelpful(t, a) => {
                write!(f, "{}:{}:{}", self.name(), t.0, a.0)
            }
            Widget::KbShow(a) => write!(f, "{}:{}", self.name(), a.0),
        }
    }
}

impl FromStr for Widget {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts = Parts::of(s)?;
        let widget = match parts.name {
            "ticket.new" => parts.none(Widget::NewTicket),
            "ticket.claim" => parts.one().map(|t| Widget::Claim(TicketId(t))),
            "ticket.reopen" => parts.one().map(|t| Widget::Reopen(TicketId(t))),
            "ticket.confirm" => parts.two().and_then(|(t, answer)| match answer {
                "yes" => Some(Widget::Confirm(TicketId(number(t)?), true)),
                "no" => Some(Widget::Confirm(TicketId(number(t)?), false)),
                _ => None,
            }),
            "ticket.rate" => parts.two().and_then(|(t, score)| {
                let score = score.parse::<u8>().ok().filter(|s| (1..=5).contains(s))?;
                Some(Widget::Rate(TicketId(number(t)?), score))
            }),
            "kb.solved" => parts
                .two_numbers()
                .map(|(t, a)| Widget::KbSolved(TicketId(t), ArticleId(a))),
            "kb.unhelpful" => parts
                .two_numbers()
                .map(|(t, a)| Widget::KbUnhelpful(TicketId(t), ArticleId(a))),
            "kb.show" => parts.one().map(|a| Widget::KbShow(ArticleId(a))),
            name => TicketForm::named(name)
                .and_then(|form| parts.one().map(|t| Widget::Open(form, TicketId(t)))),
        };
        widget.ok_or_else(|| parts.unknown())
    }
}

impl Widget {
    /// What the widget does, without the ticket or article it does it to (for logs).
    pub fn name(&self) -> &'static str {
        match self {
            Widget::NewTicket => "ticket.new",
            Widget::Claim(_) => "ticket.claim",
            Widget::Reopen(_) => "ticket.reopen",
            Widget::Open(form, _) => form.name(),
            Widget::Confirm(..) => "ticket.confirm",
            Widget::Rate(..) => "ticket.rate",
            Widget::KbSolved(..) => "kb.solved",
            Widget::KbUnhelpful(..) => "kb.unhelpful",
            Widget::KbShow(_) => "kb.show",
        }
    }

    /// The widget of a click as the port reports it: its id and, for a button posted before
    /// widgets carried their whole key in their id (Slack kept the ticket apart, in the
    /// button's value), that value.
    pub fn from_click(id: &str, value: &str) -> Result<Widget, KeyError> {
        match id.parse() {
            Err(_) if !value.is_empty() && id.len() + value.len() < KEY_MAX => {
                format!("{id}:{value}").parse()
            }
            decoded => decoded,
        }
    }
}

impl fmt::Display for FormId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormId::NewTicket => f.write_str("ticket.new"),
            FormId::Ticket(form, t) => write!(f, "{}:{}", form.name(), t.0),
            FormId::Comment(t) => write!(f, "ticket.comment:{}", t.0),
            FormId::Article(ArticleForm::New) => f.write_str("kb.new"),
            FormId::Article(ArticleForm::Edit(a)) => write!(f, "kb.edit:{}", a.0),
            FormId::Article(ArticleForm::Promote(n)) => write!(f, "kb.promote:{}", n.0),
        }
    }
}

impl FromStr for FormId {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts = Parts::of(s)?;
        let form = match parts.name {
            "ticket.new" => parts.none(FormId::NewTicket),
            "ticket.comment" => parts.one().map(|t| FormId::Comment(TicketId(t))),
            "kb.new" => parts.none(FormId::Article(ArticleForm::New)),
            "kb.edit" => parts
                .one()
                .map(|a| FormId::Article(ArticleForm::Edit(ArticleId(a)))),
            "kb.promote" => parts
                .one()
                .filter(|n| *n > 0)
                .map(|n| FormId::Article(ArticleForm::Promote(TicketNumber(n)))),
            name => TicketForm::named(name)
                .and_then(|form| parts.one().map(|t| FormId::Ticket(form, TicketId(t)))),
        };
        form.ok_or_else(|| parts.unknown())
    }
}

impl fmt::Display for MessageKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MessageKey::Card { ticket, channel } => write!(f, "card:{}:{channel}", ticket.0),
            MessageKey::Requester(t) => write!(f, "req:{}", t.0),
            MessageKey::RequesterDirect(t) => write!(f, "dm:{}", t.0),
        }
    }
}

impl FromStr for MessageKey {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let parts = Parts::of(s)?;
        let key = match parts.name {
            // A channel id has no colon on any platform; the ticket id has none either way.
            "card" => parts.two().and_then(|(t, channel)| {
                let fits = !channel.is_empty() && channel.chars().count() <= CHANNEL_MAX;
                fits.then_some(())?;
                Some(MessageKey::card(TicketId(number(t)?), channel))
            }),
            "req" => parts.one().map(|t| MessageKey::Requester(TicketId(t))),
            "dm" => parts
                .one()
                .map(|t| MessageKey::RequesterDirect(TicketId(t))),
            _ => None,
        };
        key.ok_or_else(|| parts.unknown())
    }
}

/// A key split at its first colon into its name and the rest.
struct Parts<'a> {
    whole: &'a str,
    name: &'a str,
    rest: Option<&'a str>,
}

impl<'a> Parts<'a> {
    fn of(s: &'a str) -> Result<Parts<'a>, KeyError> {
        let chars = s.chars().count();
        if chars > KEY_MAX {
            return Err(KeyError::TooLong(chars));
        }
        let (name, rest) = match s.split_once(':') {
            Some((name, rest)) => (name, Some(rest)),
            None => (s, None),
        };
        Ok(Parts {
            whole: s,
            name,
            rest,
        })
    }

    /// `value` when the key has nothing after its name.
    fn none<T>(&self, value: T) -> Option<T> {
        self.rest.is_none().then_some(value)
    }

    /// The one number after the name.
    fn one(&self) -> Option<i64> {
        number(self.rest?)
    }

    /// The two parts after the name (the second may hold further colons).
    fn two(&self) -> Option<(&'a str, &'a str)> {
        self.rest?.split_once(':')
    }

    /// The two numbers after the name.
    fn two_numbers(&self) -> Option<(i64, i64)> {
        let (a, b) = self.two()?;
        Some((number(a)?, number(b)?))
    }

    fn unknown(&self) -> KeyError {
        KeyError::Unknown(self.whole.to_string())
    }
}

/// A database id or ticket number as the desk writes it: plain decimal digits, no sign.
fn number(text: &str) -> Option<i64> {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIG: TicketId = TicketId(i64::MAX);
    const BIG_ARTICLE: ArticleId = ArticleId(i64::MAX);

    fn widgets(t: TicketId, a: ArticleId) -> Vec<Widget> {
        let mut all = vec![
            Widget::NewTicket,
            Widget::Claim(t),
            Widget::Reopen(t),
            Widget::Confirm(t, true),
            Widget::Confirm(t, false),
            Widget::KbSolved(t, a),
            Widget::KbUnhelpful(t, a),
            Widget::KbShow(a),
        ];
        all.extend((1..=5).map(|s| Widget::Rate(t, s)));
        all.extend(TicketForm::ALL.map(|f| Widget::Open(f, t)));
        all
    }

    fn forms(t: TicketId, a: ArticleId, n: TicketNumber) -> Vec<FormId> {
        let mut all = vec![
            FormId::NewTicket,
            FormId::Comment(t),
            FormId::Article(ArticleForm::New),
            FormId::Article(ArticleForm::Edit(a)),
            FormId::Article(ArticleForm::Promote(n)),
        ];
        all.extend(TicketForm::ALL.map(|f| FormId::Ticket(f, t)));
        all
    }

    fn messages(t: TicketId, channel: &str) -> Vec<MessageKey> {
        vec![
            MessageKey::card(t, channel),
            MessageKey::Requester(t),
            MessageKey::RequesterDirect(t),
        ]
    }

    #[test]
    fn every_widget_form_and_message_key_comes_back_as_it_went() {
        for (t, a, n) in [
            (TicketId(7), ArticleId(3), TicketNumber(42)),
            (BIG, BIG_ARTICLE, TicketNumber(i64::MAX)),
            (TicketId(0), ArticleId(0), TicketNumber(1)),
        ] {
            for w in widgets(t, a) {
                assert_eq!(w.to_string().parse::<Widget>(), Ok(w), "{w}");
                assert_eq!(Widget::from_click(&w.to_string(), ""), Ok(w));
            }
            for f in forms(t, a, n) {
                assert_eq!(f.to_string().parse::<FormId>(), Ok(f), "{f}");
            }
            for k in messages(t, "C0123ABCD") {
                assert_eq!(k.to_string().parse::<MessageKey>(), Ok(k.clone()), "{k}");
            }
        }
    }

    #[test]
    fn the_longest_encoding_of_every_key_fits_every_platform() {
        let longest_channel = "C".repeat(CHANNEL_MAX);
        let mut keys: Vec<String> = widgets(BIG, BIG_ARTICLE)
            .iter()
            .map(ToString::to_string)
            .collect();
        let number = TicketNumber(i64::MAX);
        keys.extend(
            forms(BIG, BIG_ARTICLE, number)
                .iter()
                .map(ToString::to_string),
        );
        keys.extend(
            messages(BIG, &longest_channel)
                .iter()
                .map(ToString::to_string),
        );
        let lengths = keys.into_iter().map(|k| (k.chars().count(), k));
        for (length, key) in lengths {
            // Discord's custom_id (100) is the smallest limit; Slack's ids allow 255.
            assert!(length <= KEY_MAX, "{key} has {length} characters");
            assert!(length <= 100, "{key} does not fit a Discord custom_id");
        }
    }

    #[test]
    fn garbage_and_over_long_text_is_no_key() {
        let garbage = [
            "",
            ":",
            "ticket.claim",
            "ticket.claim:",
            "ticket.claim:x",
            "ticket.claim:-7",
            "ticket.claim:+7",
            "ticket.claim:7:8",
            "ticket.claim:99999999999999999999",
            "ticket.new:7",
            "ticket.delete:7",
            "ticket.confirm:7",
            "ticket.confirm:7:maybe",
            "ticket.rate:7:0",
            "ticket.rate:7:6",
            "ticket.rate:7:255",
            "kb.solved:7:password-reset",
            "kb.show:password-reset",
            "kb.save",
            "kb#show",
            "TICKET.CLAIM:7",
        ];
        for g in garbage {
            assert!(g.parse::<Widget>().is_err(), "{g:?} decoded as a widget");
            assert!(g.parse::<FormId>().is_err(), "{g:?} decoded as a form");
        }
        for g in ["kb.promote:0", "kb.edit:x", "ticket.comment", "kb.new:1"] {
            assert!(g.parse::<FormId>().is_err(), "{g:?} decoded as a form");
        }
        for g in [
            "card:7",
            "card:7:",
            "card:x:C1",
            "req:",
            "req:7:8",
            "ticket.claim:7",
        ] {
            assert!(
                g.parse::<MessageKey>().is_err(),
                "{g:?} decoded as a message key"
            );
        }
        let long = format!("ticket.claim:{}", "1".repeat(KEY_MAX));
        assert_eq!(
            long.parse::<Widget>(),
            Err(KeyError::TooLong(long.chars().count()))
        );
        let long_channel = format!("card:7:{}", "C".repeat(CHANNEL_MAX + 1));
        assert!(long_channel.parse::<MessageKey>().is_err());
    }

    #[test]
    fn the_platforms_own_new_ticket_entry_is_the_new_ticket_widget() {
        assert_eq!(
            helpdesk_chat::NEW_TICKET_WIDGET.parse(),
            Ok(Widget::NewTicket)
        );
        assert_eq!(KEY_MAX, helpdesk_chat::WIDGET_ID_MAX);
    }

    #[test]
    fn a_click_on_a_button_that_kept_its_ticket_apart_still_decodes() {
        assert_eq!(
            Widget::from_click("ticket.claim", "7"),
            Ok(Widget::Claim(TicketId(7)))
        );
        assert_eq!(
            Widget::from_click("ticket.confirm", "7:yes"),
            Ok(Widget::Confirm(TicketId(7), true))
        );
        assert!(Widget::from_click("ticket.claim", "").is_err());
        assert!(Widget::from_click("kb.solved", "7:password-reset").is_err());
    }
}
