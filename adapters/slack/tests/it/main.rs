//! The adapter's integration tests in one binary: one module per area.

mod edges;
mod examples;
mod fake;
mod fuzz;
mod manifest;
mod render;
mod socket;
