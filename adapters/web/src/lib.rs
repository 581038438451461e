//! The web desk of helpdesk: a third platform beside Slack and Discord, served on the bot's
//! HTTP listener: local accounts, sign-in, sessions, CSRF protection, login rate limiting,
//! the first-start setup link, and the requester's portal (open a ticket, "my tickets", a
//! ticket's public conversation and replies), whose forms become the port's chat events and
//! whose answers the desk sends to [`WebPlatform`] like any chat platform's.
//!
//! Like the other adapters it depends on the port (`helpdesk-chat`) and not on the engine:
//! what it keeps (accounts, sessions) goes through [`Accounts`], which the binary implements
//! over the engine's store, and what it says comes from [`Catalogue`], which the binary
//! implements over the engine's message catalogues.

pub mod account;
pub mod events;
pub mod ids;
pub mod limiter;
pub mod memory;
mod pages;
pub mod password;
pub mod platform;
pub mod port;
pub mod portal;
mod routes;
pub mod session;
pub mod settings;
pub mod setup;
pub mod text;
pub mod token;

pub use account::{Password, Role, Tier, Username};
pub use ids::{IDS, LIMITS, PLATFORM};
pub use platform::WebPlatform;
pub use port::{Account, Accounts, Added, Session, StoreFailure, StoreFuture};
pub use portal::{Deliveries, Portal};
pub use routes::{router, Web};
pub use settings::{WebConfig, WebSection};
pub use text::{Catalogue, Text};
