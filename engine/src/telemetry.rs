//! Logging: tracing with an env filter, pretty for terminals or JSON for collectors.

use crate::config::LogFormat;
use tracing_subscriber::EnvFilter;

/// Keeps serenity's payload dumps (and their tokens) out of the logs.
const SERENITY_QUIET: &str = "serenity=info";
/// Keeps serenity's request spans (and their tokens) out of the logs.
const SERENITY_HTTP_QUIET: &str = "serenity::http=warn";

/// Installs the global subscriber. `RUST_LOG` wins over the configured filter.
/// Logs go to standard error so that `--json` output on standard out stays clean.
pub fn init(format: LogFormat, filter: &str) {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(filter))
        .unwrap_or_else(|_| EnvFilter::new("info"))
        // serenity's HTTP spans record whole requests, and its debug events whole gateway
        // payloads, interaction tokens included: they are never logged, whatever the filter.
        .add_directive(SERENITY_QUIET.parse().expect("a valid directive"))
        .add_directive(SERENITY_HTTP_QUIET.parse().expect("a valid directive"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    // A second init (tests calling the library twice) is harmless: keep the first.
    let _ = match format {
        LogFormat::Pretty => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .try_init(),
    };
}
