//! helpdesk: a chat-ops help desk engine. See DESIGN.md for the shape of the house.

pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod desk;
pub mod domain;
pub mod http;
pub mod i18n;
pub mod kb;
pub mod metrics;
pub mod progress;
pub mod readiness;
pub mod report;
pub mod sandbox;
pub mod schedule;
pub mod store;
pub mod telemetry;
pub mod transcript;
pub mod view;
