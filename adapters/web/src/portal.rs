//! The portal's port: what the requester pages read (their tickets, a ticket's public
//! conversation, the desk's messages to them) and where the web platform keeps what the desk
//! sends. The binary implements both over the engine's store; the words come in already in
//! the page's language, so this crate knows no status, level or log entry of the engine.

use crate::account::Username;
use crate::port::StoreFuture;
use helpdesk_chat::RichMessage;
use std::time::SystemTime;

/// A ticket number as the portal's addresses carry it (`/tickets/7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Number(pub u64);

impl Number {
    /// A number from an address segment: digits only, at least 1.
    pub fn parse(text: &str) -> Option<Number> {
        if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok().filter(|n| *n > 0).map(Number)
    }
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// One line of "my tickets", its words in the page's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketLine {
    /// Its number.
    pub number: Number,
    /// Its title.
    pub title: String,
    /// Its status, in words.
    pub status: String,
    /// Its level (and specialty), in words.
    pub level: String,
    /// When it last changed, in words.
    pub updated: String,
}

/// One public entry of a ticket's log: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// When, in words.
    pub at: String,
    /// Who (the desk's own entries name the desk).
    pub who: String,
    /// What was said or done, in words.
    pub text: String,
}

/// Where the requester's side of a ticket talks, as the desk recorded it: a reply from the
/// portal is a message there, exactly as a chat reply in the ticket's thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    /// The channel.
    pub channel: String,
    /// The thread, when the conversation is one.
    pub thread: Option<String>,
}

/// A requester's ticket as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TicketPage {
    /// Its line (number, title, status, level, updated).
    pub line: TicketLine,
    /// The public conversation, oldest first (internal notes never appear).
    pub entries: Vec<Entry>,
    /// Where a reply goes.
    pub conversation: Conversation,
}

/// A message the desk sent to one web person, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// The web person it is for, if it is for one (`None`: a queue's).
    pub person: Option<Username>,
    /// Its channel.
    pub channel: String,
    /// Its thread, if any.
    pub thread: Option<String>,
    /// Its id on the web platform.
    pub message_id: String,
    /// What it says.
    pub message: RichMessage,
    /// When it was sent.
    pub at: SystemTime,
}

/// A message of the desk as "my tickets" lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// When, in words.
    pub at: String,
    /// What it says.
    pub message: RichMessage,
}

/// What the requester pages read.
pub trait Portal: Send + Sync {
    /// `person`'s own tickets, newest first, in `language`.
    fn mine<'a>(
        &'a self,
        person: &'a Username,
        language: &'static str,
    ) -> StoreFuture<'a, Vec<TicketLine>>;

    /// `person`'s ticket `number`, in `language`; `None` when there is none or it is
    /// someone else's (the two read the same).
    fn ticket<'a>(
        &'a self,
        person: &'a Username,
        number: Number,
        language: &'static str,
    ) -> StoreFuture<'a, Option<TicketPage>>;

    /// The desk's latest messages to `person`, newest first, in `language`.
    fn notices<'a>(
        &'a self,
        person: &'a Username,
        language: &'static str,
    ) -> StoreFuture<'a, Vec<Notice>>;
}

/// Where the web platform keeps what the desk sends.
pub trait Deliveries: Send + Sync {
    /// Keeps `message` for the outbox item `attempt_key` (a retry keeps the first) and returns
    /// the message id kept for that item.
    fn keep<'a>(&'a self, attempt_key: &'a str, message: Kept) -> StoreFuture<'a, String>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ticket_number_is_digits_and_positive() {
        assert_eq!(Number::parse("7"), Some(Number(7)));
        for bad in ["", "0", "-1", "7a", "1e3", " 7", &"9".repeat(25)] {
            assert_eq!(Number::parse(bad), None, "{bad:?}");
        }
    }
}
