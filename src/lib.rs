//! helpdesk: the engine ([`helpdesk_engine`]) as the binary, its tests and its benchmarks see
//! it. The binary (`src/main.rs`) adds the command line and the chat platforms; the engine
//! crate itself depends on no platform, so the compiler keeps it that way. [`web`] joins the
//! web desk to the engine (both sides are known only here).

pub use helpdesk_engine::*;

pub mod web;
