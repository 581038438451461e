//! Every integration test in one binary, so the crate is linked once for all of them: one
//! module per area, sharing the fakes and helpers in `common`.

#[macro_use]
mod common;

mod cli;
mod config;
mod conversation;
mod desk;
mod desk_kb;
mod discord;
mod dispatcher;
mod files;
mod fuzz;
mod honest_shutdown;
mod http_hardening;
mod kb;
mod locale;
mod metrics;
mod ops;
mod permissions;
mod replicas;
mod report;
mod retention;
mod roundtrips;
mod shutdown;
mod slack;
mod slack_adapter;
mod store;
mod trust;
mod web;
mod working_time;
