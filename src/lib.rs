//! helpdesk: the engine ([`helpdesk_engine`]) as the binary, its tests and its benchmarks see
//! it. The binary (`src/main.rs`) adds the command line and the chat platforms; the engine
//! crate itself depends on no platform, so the compiler keeps it that way.

pub use helpdesk_engine::*;
