//! The web desk of helpdesk: a third platform beside Slack and Discord, served on the bot's
//! HTTP listener. This slice is its foundation: local accounts, sign-in, sessions, CSRF
//! protection, login rate limiting, the first-start setup link, and the pages for them.
//!
//! Like the other adapters it depends on the port (`helpdesk-chat`) and not on the engine:
//! what it keeps (accounts, sessions) goes through [`Accounts`], which the binary implements
//! over the engine's store, and what it says comes from [`Catalogue`], which the binary
//! implements over the engine's message catalogues.

pub mod account;
pub mod ids;
pub mod limiter;
pub mod memory;
mod pages;
pub mod password;
pub mod port;
mod routes;
pub mod session;
pub mod settings;
pub mod setup;
pub mod text;
pub mod token;

pub use account::{Password, Role, Tier, Username};
pub use ids::{IDS, LIMITS, PLATFORM};
pub use port::{Account, Accounts, Added, Session, StoreFailure, StoreFuture};
pub use routes::{router, Web};
pub use settings::{WebConfig, WebSection};
pub use text::{Catalogue, Text};
