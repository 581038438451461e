//! The Slack adapter of helpdesk: Slack's events in (Socket Mode or signed HTTP), the desk's
//! actions out (Block Kit through the Web API), on slack-morphism.
//!
//! It knows only the chat port (`helpdesk-chat`), never the desk.

pub mod decode;
pub mod directory;
pub mod http;
pub mod ids;
pub mod inbound;
pub mod pacing;
pub mod platform;
pub mod render;
pub mod settings;
pub mod signature;
pub mod socket;
pub mod web;

pub use decode::Decoded;
pub use ids::{LIMITS, PLATFORM};
pub use platform::SlackPlatform;
pub use settings::{BotTokens, Secret, SlackConfig, SlackSection, SlackSettings};
