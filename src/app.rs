//! `helpdesk run`: the engine process.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::desk::Desk;
use crate::http::{router, HttpServer};
use crate::kb::{KnowledgeBase, DEFAULT_THRESHOLD};
use crate::schedule::{Dispatcher, Intervals, RetryPolicy, Scheduler, Workers};
use crate::store::{mask_url, Store, StoreError};
use std::sync::Arc;

/// Why the engine could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The HTTP listener.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The configured address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Starts everything, runs until SIGINT or SIGTERM, then shuts down in order.
pub async fn run(config: Config) -> Result<(), RunError> {
    let span = tracing::info_span!("run");
    let _enter = span.enter();
    tracing::info!(database = %mask_url(&config.database.url), "opening the database");
    let store = Store::open(&config.database.connect_options()).await?;
    tracing::info!(
        backend = store.backend().as_str(),
        "database ready, migrations applied"
    );

    let platforms = config.configured_platforms();
    if platforms.is_empty() {
        tracing::warn!(
            "no chat platform is configured: the engine runs, but nobody can reach it. \
             To add Slack set HELPDESK_SLACK_BOT_TOKEN (and HELPDESK_SLACK_APP_TOKEN for Socket \
             Mode); to add Discord set HELPDESK_DISCORD_TOKEN. See README.md, section Configuration."
        );
    } else {
        tracing::info!(platforms = ?platforms, "chat platforms configured");
    }

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let kb = Arc::new(KnowledgeBase::open(store.clone(), DEFAULT_THRESHOLD).await?);
    tracing::info!(articles = kb.len(), "knowledge base index built");
    let desk = Arc::new(
        Desk::new(store.clone(), config.tenants.clone(), clock.clone()).with_knowledge(kb.clone()),
    );
    tracing::info!(tenants = config.tenants.len(), "desk ready");
    // Adapters register their platforms here as they land; the outbox waits for them.
    let dispatcher = Arc::new(Dispatcher::new(
        store.clone(),
        Vec::new(),
        clock.clone(),
        RetryPolicy::default(),
    ));
    let scheduler = Arc::new(Scheduler::new(desk, clock));
    let workers = Workers::start(dispatcher, scheduler, Some(kb), Intervals::default());

    let server = HttpServer::bind(config.http.listen, router(store.clone()))
        .await
        .map_err(|source| RunError::Listen {
            addr: config.http.listen,
            source,
        })?;
    let addr = server.local_addr().map_err(|source| RunError::Listen {
        addr: config.http.listen,
        source,
    })?;
    tracing::info!(%addr, "HTTP server listening (/healthz, /readyz)");
    let served = server.serve(shutdown_signal()).await;
    tracing::info!("shutting down");
    workers.stop().await;
    store.close().await;
    served.map_err(|source| RunError::Listen { addr, source })
}

/// Completes on SIGINT (Ctrl-C) or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => tracing::info!("SIGINT received"),
        _ = term => tracing::info!("SIGTERM received"),
    }
}
