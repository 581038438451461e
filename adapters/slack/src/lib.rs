//! The Slack adapter of helpdesk: Slack's events in (Socket Mode or signed HTTP), the desk's
//! actions out (Block Kit through the Web API), on slack-morphism.
//!
//! It knows only the chat port (`helpdesk-chat`), never the desk.

pub mod decode;
pub mod render;
pub mod settings;
pub mod signature;

pub use decode::Decoded;
pub use settings::{BotTokens, Secret, SlackSettings};
