//! `helpdesk config`: check the configuration.

use crate::platforms::Settings;
use anyhow::Result;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Validate the configuration and print the effective values, secrets masked.
    Check,
}

/// Runs one `config` subcommand.
pub fn run(config: &Settings, command: ConfigCommand) -> Result<()> {
    match command {
        ConfigCommand::Check => check(config),
    }
    Ok(())
}

/// What is enabled, what looks wrong (on both outputs), then the effective values.
fn check(config: &Settings) {
    let report = config.check_report();
    println!("# configuration is valid");
    for (platform, state) in &report.platforms {
        println!("# {platform}: {state}");
    }
    println!("# tenants: {} configured", config.engine.tenants.len());
    for warning in &report.warnings {
        println!("# warning: {warning}");
        eprintln!("warning: {warning}");
    }
    println!("# effective values (secrets masked):");
    print!("{}", config.to_masked_toml());
}
