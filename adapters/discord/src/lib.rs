//! The Discord adapter of helpdesk: Discord's interactions and gateway events in, the desk's
//! actions out as embeds, components and modals, on serenity.
//!
//! It knows only the chat port (`helpdesk-chat`), never the desk.

pub mod channels;
pub mod commands;
pub mod decode;
pub mod gateway;
pub mod http;
pub mod ids;
pub mod interactions;
pub mod invite;
pub mod members;
pub mod platform;
pub mod render;
pub mod rest;
pub mod settings;
pub mod signature;

pub use decode::Decoded;
pub use ids::{LIMITS, PLATFORM};
pub use interactions::Interactions;
pub use platform::DiscordPlatform;
pub use settings::{DiscordConfig, DiscordSection, DiscordSettings, Secret};

/// The gateway intents the desk needs. `MESSAGE_CONTENT` is privileged: switch it on in the
/// developer portal (Bot → Privileged Gateway Intents), or messages arrive without their text.
pub fn intents() -> serenity::model::gateway::GatewayIntents {
    use serenity::model::gateway::GatewayIntents as I;
    I::GUILDS
        | I::GUILD_MESSAGES
        | I::MESSAGE_CONTENT
        | I::DIRECT_MESSAGES
        | I::GUILD_MESSAGE_REACTIONS
}
