//! The chat port: what the help desk engine says to and hears from any chat platform.
//!
//! No platform code lives here. Adapters (Slack, Discord, the in-memory test platform) turn
//! their events into [`ChatEvent`]s and render [`ChatAction`]s.

mod action;
mod command;
mod directory;
mod event;
pub mod ids;
mod memory;
mod message;
mod platform;
mod secret;
pub mod setting;
pub mod signed;
mod sink;
mod text;

pub use action::{ChatAction, MessageRef, ThreadRef, ANSWER_LANE};
pub use command::{
    CommandOption, CommandSpec, CommandTable, Invocation, OptionKind, OptionSpec, OptionValue,
    ParseError, Permission,
};
pub use directory::{Directories, Directory, Membership, MembershipFuture, MemoryDirectory};
pub use event::{Attachment, ChatEvent, EventKind, Platform, Sender, TextLimits, UnknownPlatform};
pub use memory::{MemoryPlatform, Recorded};
pub use message::{
    Button, ButtonStyle, Field, Form, FormField, FormFieldKind, Link, Mention, RichMessage,
    MAX_LINK_URL, NEW_TICKET_WIDGET, WIDGET_ID_MAX,
};
pub use platform::{Attempt, ChatPlatform, Delivered, Limits, SendError, SendFuture};
pub use secret::Secret;
pub use sink::{hand_off, EventSink, Handoff, SinkError, SinkFuture, Taken};
pub use text::{truncate_chars, TenantText};
