//! The operator's commands: `migrate`, `health`, and the arguments of `check-db`, `backup` and
//! `restore` (whose work is in `crate::ops`).

use anyhow::{bail, Context, Result};
use clap::Args;
use helpdesk::config::Config;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Args)]
pub struct HealthArgs {
    /// The path to ask: /readyz (the database answers) or /healthz (the process is alive).
    #[arg(long, default_value = "/readyz")]
    path: String,
}

#[derive(Args)]
pub struct CheckDbArgs {
    /// Also compare every index with its table (slow on large files).
    #[arg(long)]
    pub full: bool,
}

#[derive(Args)]
pub struct BackupArgs {
    /// The new file (must not exist yet).
    pub file: PathBuf,
}

#[derive(Args)]
pub struct RestoreArgs {
    /// A file `helpdesk backup` wrote.
    pub file: PathBuf,
    /// Replace an existing database.
    #[arg(long)]
    pub force: bool,
}

/// Creates or upgrades the schema.
pub async fn migrate(config: &Config) -> Result<()> {
    // Migrations report no steps: a spinner (or a log line) says it is still at work.
    let progress = helpdesk::progress::Progress::start("migrating the database", None);
    let store = super::open(config).await?;
    progress.finish();
    println!("database {} is up to date", store.backend().as_str());
    store.close().await;
    Ok(())
}

/// Asks the running bot's health server; an error unless it answers 200.
pub async fn health(config: &Config, args: &HealthArgs) -> Result<()> {
    let path = &args.path;
    let mut addr = config.http.health_addr();
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let (status, body) =
        tokio::time::timeout(std::time::Duration::from_secs(5), http_get(addr, path))
            .await
            .map_err(|_| anyhow::anyhow!("{addr}{path} did not answer within 5 s"))?
            .with_context(|| format!("cannot reach {addr}{path}"))?;
    if status != 200 {
        // The bot's own words (e.g. "not ready: the database is read-only").
        bail!("{addr}{path} answered {status}: {body}");
    }
    println!("{addr}{path}: ok");
    Ok(())
}

/// The status code of `GET path` on the bot's own HTTP server (plain HTTP/1.1, no client crate).
pub async fn http_get_status(addr: SocketAddr, path: &str) -> std::io::Result<u16> {
    Ok(http_get(addr, path).await?.0)
}

/// The status code and body of `GET path` on the bot's own HTTP server.
async fn http_get(addr: SocketAddr, path: &str) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await?;
    let text = String::from_utf8_lossy(&answer);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other("not an HTTP answer"))?;
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.trim().to_string())
        .unwrap_or_default();
    Ok((status, body))
}
