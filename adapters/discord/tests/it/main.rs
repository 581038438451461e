//! The adapter's integration tests in one binary: one module per area.

mod commands;
mod common;
mod examples;
mod fuzz;
mod http;
mod members;
mod platform;
mod render;
mod unhandled;
