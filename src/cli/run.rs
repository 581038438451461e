//! `helpdesk run`: the bot itself.

use crate::platforms::Settings;
use anyhow::Result;
use helpdesk::config::LogFormat;

/// Plugs the configured platforms in and runs until stopped.
pub async fn run(settings: Settings, log_format: LogFormat) -> Result<()> {
    let plugs = crate::wiring::plugs(&settings);
    let sites = crate::wiring::sites(&settings);
    if let Err(e) = helpdesk::app::run_with_sites(settings.engine, plugs, sites).await {
        // Log collectors see it as JSON too; a text log would only say it twice.
        if log_format == LogFormat::Json {
            tracing::error!(error = %e, "helpdesk stopped with an error");
        }
        return Err(e.into());
    }
    Ok(())
}
