//! The adapter's integration tests in one binary: one module per area.

mod examples;
mod fuzz;
mod manifest;
mod render;
