//! `helpdesk run`: the engine process.

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::desk::{Desk, Handled};
use crate::http::{router, HttpServer};
use crate::kb::KnowledgeBase;
use crate::schedule::{Dispatcher, Intervals, Pruner, RetryPolicy, Scheduler, Workers};
use crate::store::{mask_url, Store, StoreError};
use helpdesk_chat::{ChatEvent, ChatPlatform, EventSink, SinkError, SinkFuture, Taken};
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::Notify;

/// Why the engine could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The knowledge base's search index.
    #[error(transparent)]
    Kb(#[from] crate::kb::KbError),
    /// A chat platform could not start.
    #[error("a chat platform could not start: {0}")]
    Platform(String),
    /// The HTTP listener.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The configured address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// How long a stop waits for each platform's connections, and for the HTTP server's open
/// requests, to close.
pub const CONNECTION_STOP_BOUND: std::time::Duration = std::time::Duration::from_secs(3);

/// How long past `outbox.flush_on_stop` the send in flight may take to finish (at most its
/// `send_timeout`), so the count of what remains is exact.
const FLUSH_GRACE: std::time::Duration = std::time::Duration::from_secs(2);

/// What a platform does at shutdown.
type Stop = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A chat platform plugged into the engine.
pub struct Plugged {
    /// Where the dispatcher sends that platform's actions.
    pub platform: Arc<dyn ChatPlatform>,
    /// Its endpoints on the bot's HTTP server (signed webhooks), if any.
    pub routes: Option<axum::Router>,
    /// What to do at shutdown (close connections), if anything.
    pub stop: Option<Pin<Box<dyn Future<Output = ()> + Send>>>,
    /// Who is in which groups there, for checks about people other than the sender.
    pub directory: Option<Arc<dyn helpdesk_chat::Directory>>,
}

/// A platform to plug in: which one, what its messages hold, and what connects it (`Err`
/// says why it could not start).
pub struct Plug {
    /// The platform.
    pub platform: helpdesk_chat::Platform,
    /// What its messages hold, as its adapter says: the desk writes within them.
    pub limits: helpdesk_chat::Limits,
    /// Connects it, given where its events go.
    pub connect: Connect,
}

/// What connects a platform: given where its events go, it starts the adapter.
pub type Connect = Box<
    dyn FnOnce(Arc<dyn EventSink>) -> Pin<Box<dyn Future<Output = Result<Plugged, String>> + Send>>
        + Send,
>;

/// A platform whose pages are served on the public listener beside the webhooks and whose
/// data is in the engine's store (the web desk): built once the database is open, given the
/// store and where its events go, like a [`Plug`] given its sink.
pub struct Site {
    /// The platform.
    pub platform: helpdesk_chat::Platform,
    /// What its messages hold: the desk writes within them.
    pub limits: helpdesk_chat::Limits,
    /// Its one tenant as the desk serves it, unless `[[tenants]]` configures that tenant.
    pub tenant: crate::config::TenantConfig,
    /// Builds it.
    pub build: BuildSite,
}

/// What builds a [`Site`]: given the store and where its events go, its routes and where
/// the dispatcher sends its actions (`Err` says why it could not start).
pub type BuildSite = Box<
    dyn FnOnce(
            Store,
            Arc<dyn EventSink>,
        ) -> Pin<Box<dyn Future<Output = Result<Served, String>> + Send>>
        + Send,
>;

/// A built [`Site`].
pub struct Served {
    /// Its pages.
    pub routes: axum::Router,
    /// Where the dispatcher sends its actions.
    pub platform: Arc<dyn ChatPlatform>,
}

/// The desk as adapters see it: each event handled in its transaction, then the dispatcher
/// woken. It counts the events in hand, so a stop waits for them before closing the database.
struct DeskSink {
    desk: Arc<Desk>,
    wake: Arc<Notify>,
    in_hand: tokio::sync::watch::Sender<usize>,
}

impl EventSink for DeskSink {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            self.in_hand.send_modify(|n| *n += 1);
            let handled = self.desk.handle_event(&event).await;
            self.in_hand.send_modify(|n| *n -= 1);
            // Its answers are on their way already (the desk hands them to the dispatcher);
            // the rest of its work waits in the other loop.
            if matches!(&handled, Ok(o) if o.handled == Handled::Done) {
                self.wake.notify_one();
            }
            handled
                .map(|o| Taken {
                    answered: o.answered,
                    unserved: o.handled == Handled::Unserved,
                })
                .map_err(|e| SinkError(e.to_string()))
        })
    }
}

/// The running engine.
pub struct Running {
    addr: std::net::SocketAddr,
    internal_addr: Option<std::net::SocketAddr>,
    workers: Workers,
    dispatcher: Arc<Dispatcher>,
    flush_for: std::time::Duration,
    send_timeout: std::time::Duration,
    in_hand: tokio::sync::watch::Receiver<usize>,
    store: Store,
    servers: Vec<Serving>,
    stops: Vec<(helpdesk_chat::Platform, Stop)>,
}

impl Running {
    /// The public HTTP server's address (the webhooks; also health and metrics when there
    /// is no internal listener).
    pub fn addr(&self) -> std::net::SocketAddr {
        self.addr
    }

    /// The internal listener's address (health, readiness, metrics), when configured.
    pub fn internal_addr(&self) -> Option<std::net::SocketAddr> {
        self.internal_addr
    }

    /// Stops taking events, closes the platforms' connections, finishes the current rounds.
    pub async fn stop(mut self) -> Result<(), RunError> {
        tracing::info!("shutting down");
        for server in &mut self.servers {
            if let Some(stop) = server.stop.take() {
                let _ = stop.send(());
            }
        }
        // Each platform closes its connections within a bound, reachable or not: a gateway
        // that never answers must not keep the process alive.
        for (platform, stop) in self.stops {
            if tokio::time::timeout(CONNECTION_STOP_BOUND, stop)
                .await
                .is_err()
            {
                tracing::warn!(
                    %platform,
                    bound = ?CONNECTION_STOP_BOUND,
                    "a platform's connections did not close in time; dropped"
                );
            }
        }
        let mut served = Ok(());
        for mut server in self.servers {
            // Requests in progress get the bound to finish; then the listener is dropped.
            let result = match tokio::time::timeout(CONNECTION_STOP_BOUND, &mut server.task).await {
                Ok(Ok(result)) => result,
                Ok(Err(join)) => Err(std::io::Error::other(join.to_string())),
                Err(_) => {
                    server.task.abort();
                    tracing::warn!(addr = %server.addr, bound = ?CONNECTION_STOP_BOUND,
                        "HTTP requests still open at the stop's bound; closed");
                    Ok(())
                }
            };
            if let Err(source) = result {
                served = Err(RunError::Listen {
                    addr: server.addr,
                    source,
                });
            }
        }
        // Events acknowledged before the stop but still at the desk finish first.
        let mut in_hand = self.in_hand.clone();
        // One bound for both: the events in hand, then the flush of what they decided.
        let flush_until = tokio::time::Instant::now() + self.flush_for;
        let finished = tokio::time::timeout_at(flush_until, in_hand.wait_for(|n| *n == 0)).await;
        if finished.is_err() {
            tracing::warn!("events were still at the desk when the stop bound ran out");
        }
        self.workers.stop(CONNECTION_STOP_BOUND).await;
        let flush_for = flush_until.saturating_duration_since(tokio::time::Instant::now());
        // What the desk decided before the stop should reach chat now, not at the next start:
        // paced and postponed actions too, as they come due within the bound. The send in
        // flight at the bound may take up to its own timeout; past that the flush is cut.
        let hard_bound = flush_for + self.send_timeout.min(FLUSH_GRACE);
        match tokio::time::timeout(hard_bound, self.dispatcher.flush(flush_for)).await {
            Ok(Ok(flushed)) if flushed.remaining == 0 => tracing::info!("outbox flushed"),
            Ok(Ok(flushed)) => tracing::warn!(
                remaining = flushed.remaining,
                bound = ?self.flush_for,
                "{} actions remain unsent after the stop's bound (outbox.flush_on_stop): \
                 they are sent at the next start",
                flushed.remaining
            ),
            Ok(Err(e)) => tracing::error!(
                error = %e,
                "flushing the outbox failed: what is left is sent at the next start"
            ),
            Err(_) => {
                let _ = self.dispatcher.release_untried().await;
                match self.store.outbox_counts().await {
                    Ok((remaining, _)) => tracing::warn!(
                        remaining,
                        bound = ?self.flush_for,
                        "{remaining} actions remain unsent: a send outlived the stop's bound; \
                         they are sent at the next start"
                    ),
                    Err(e) => tracing::warn!(error = %e, "the outbox could not be flushed in time"),
                }
            }
        }
        self.store.close().await;
        served
    }
}

/// One listener being served, and how to stop it.
struct Serving {
    addr: std::net::SocketAddr,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Binds `addr` now (a taken port fails the start) and serves `routes` on it.
async fn listen(
    addr: std::net::SocketAddr,
    routes: axum::Router,
    limits: crate::http::Limits,
) -> Result<(std::net::SocketAddr, Serving), RunError> {
    let listen_error = |source| RunError::Listen { addr, source };
    let server = HttpServer::bind(addr, routes)
        .await
        .map_err(listen_error)?
        .with_limits(limits);
    let bound = server.local_addr().map_err(listen_error)?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(server.serve(async move {
        let _ = stopped.await;
    }));
    Ok((
        bound,
        Serving {
            addr: bound,
            task,
            stop: Some(stop),
        },
    ))
}

/// Starts everything, runs until SIGINT or SIGTERM, then shuts down in order.
pub async fn run(config: Config, plugs: Vec<Plug>) -> Result<(), RunError> {
    run_with_sites(config, plugs, Vec::new()).await
}

/// [`run`], with pages served beside the webhooks.
pub async fn run_with_sites(
    config: Config,
    plugs: Vec<Plug>,
    sites: Vec<Site>,
) -> Result<(), RunError> {
    let received = ShutdownSignals::listen().received();
    tokio::pin!(received);
    // A platform that never answers can hold the start: a signal then ends it there (what
    // was started is dropped; nothing was taken from the platforms yet).
    let running = tokio::select! {
        running = start_with_sites(config, plugs, sites) => running?,
        _ = &mut received => {
            tracing::warn!("stopped before the start finished");
            return Ok(());
        }
    };
    received.await;
    running.stop().await
}

/// Opens the database, builds the desk, plugs the platforms in and starts serving.
pub async fn start(config: Config, plugs: Vec<Plug>) -> Result<Running, RunError> {
    start_with_sites(config, plugs, Vec::new()).await
}

/// [`start`], with pages served beside the webhooks.
pub async fn start_with_sites(
    config: Config,
    plugs: Vec<Plug>,
    sites: Vec<Site>,
) -> Result<Running, RunError> {
    let span = tracing::info_span!("run");
    let _enter = span.enter();
    tracing::info!(database = %mask_url(&config.database.url), "opening the database");
    let store = Store::open(&config.database.connect_options()).await?;
    tracing::info!(
        backend = store.backend().as_str(),
        "database ready, migrations applied"
    );
    // With none, the binary has said how to add one: only it knows the platforms.
    if !plugs.is_empty() {
        let names: Vec<&str> = plugs.iter().map(|p| p.platform.as_str()).collect();
        tracing::info!(platforms = ?names, "chat platforms configured");
    }

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut tenants = config.tenants.clone();
    for site in &sites {
        let configured = tenants
            .iter()
            .any(|t| t.platform == site.tenant.platform && t.id == site.tenant.id);
        if !configured {
            tenants.push(site.tenant.clone());
        }
    }
    let kb = Arc::new(KnowledgeBase::open_or_in_memory(store.clone(), config.kb_options()).await?);
    let directories = Arc::new(helpdesk_chat::Directories::new());
    let site_limits = sites.iter().map(|s| (s.platform, s.limits));
    let plug_limits = plugs.iter().map(|p| (p.platform, p.limits));
    let desk = plug_limits.chain(site_limits).fold(
        Desk::new(store.clone(), tenants, clock.clone())
            .with_knowledge(kb.clone())
            .with_installation_admins(config.admins.clone())
            .serving_unconfigured(config.accept_unconfigured_tenants)
            .with_directories(directories.clone()),
        |desk, (platform, limits)| desk.with_limits(platform, limits),
    );
    let (answers, held_answers) = tokio::sync::mpsc::unbounded_channel();
    let desk = desk.sending_answers_to(config.outbox.lease, answers);
    let desk = Arc::new(desk);
    tracing::info!(tenants = config.tenants.len(), "desk ready");
    let wake = Arc::new(Notify::new());
    let (in_hand, in_hand_rx) = tokio::sync::watch::channel(0usize);
    let sink: Arc<dyn EventSink> = Arc::new(DeskSink {
        desk: desk.clone(),
        wake: wake.clone(),
        in_hand,
    });
    let mut platforms = Vec::new();
    // Health and metrics go on the internal listener when there is one, so the public one
    // (reachable by the platforms, hence by anyone) serves only the signed webhooks.
    let health = router(store.clone());
    let mut routes = match config.http.internal_listen {
        Some(_) => axum::Router::new(),
        None => health.clone(),
    };
    let mut stops = Vec::new();
    for plug in plugs {
        let plugged = (plug.connect)(sink.clone())
            .await
            .map_err(RunError::Platform)?;
        let platform = plugged.platform.platform();
        tracing::info!(%platform, "chat platform plugged in");
        if let Some(directory) = plugged.directory {
            directories.add(plugged.platform.platform(), directory);
        }
        platforms.push(plugged.platform);
        if let Some(r) = plugged.routes {
            routes = routes.merge(r);
        }
        stops.extend(plugged.stop.map(|stop| (platform, stop)));
    }
    for site in sites {
        let served = (site.build)(store.clone(), sink.clone())
            .await
            .map_err(RunError::Platform)?;
        tracing::info!(platform = %site.platform, "served beside the webhooks");
        platforms.push(served.platform);
        routes = routes.merge(served.routes);
    }
    let dispatcher = Arc::new(Dispatcher::new(
        store.clone(),
        platforms,
        clock.clone(),
        RetryPolicy {
            lease: config.outbox.lease,
            send_timeout: config.outbox.send_timeout,
            per_platform: config.outbox.per_platform,
            per_channel: config.outbox.per_channel,
            // A round claims as many conversations as it can send side by side: claiming more
            // only leaves them leased and waiting, and makes every claim longer.
            batch: config.outbox.per_platform as i64,
            ..RetryPolicy::default()
        },
    ));
    let pruner = Pruner::new(store.clone(), clock.clone(), config.retention.clone());
    let scheduler = Arc::new(Scheduler::new(desk, clock));
    let workers = Workers::start(
        dispatcher.clone(),
        scheduler,
        Some(kb),
        Some(pruner),
        Intervals::default(),
        wake,
        held_answers,
    );

    let limits = config.http.limits();
    let (addr, public) = listen(config.http.listen, routes, limits).await?;
    let mut servers = vec![public];
    let internal_addr = match config.http.internal_listen {
        Some(internal) => {
            let (bound, serving) = listen(internal, health, limits).await?;
            servers.push(serving);
            tracing::info!(
                %addr,
                internal_addr = %bound,
                "ready: HTTP server listening (webhooks; /healthz, /readyz, /metrics on the \
                 internal listener)"
            );
            Some(bound)
        }
        None => {
            tracing::info!(%addr, "ready: HTTP server listening (/healthz, /readyz, /metrics)");
            None
        }
    };
    Ok(Running {
        addr,
        internal_addr,
        workers,
        dispatcher,
        flush_for: config.outbox.flush_on_stop,
        send_timeout: config.outbox.send_timeout,
        in_hand: in_hand_rx,
        store,
        servers,
        stops,
    })
}

/// SIGINT (Ctrl-C) and SIGTERM, listened for from the moment this is made: a signal that
/// arrives while the engine starts, or just after it is ready, starts a graceful stop instead
/// of killing the process.
struct ShutdownSignals {
    #[cfg(unix)]
    interrupt: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    terminate: Option<tokio::signal::unix::Signal>,
}

impl ShutdownSignals {
    fn listen() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let listen = |kind: SignalKind, name: &str| match signal(kind) {
                Ok(s) => Some(s),
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for {name}");
                    None
                }
            };
            ShutdownSignals {
                interrupt: listen(SignalKind::interrupt(), "SIGINT"),
                terminate: listen(SignalKind::terminate(), "SIGTERM"),
            }
        }
        #[cfg(not(unix))]
        ShutdownSignals {}
    }

    /// Completes on the first of them.
    async fn received(mut self) {
        #[cfg(unix)]
        {
            async fn next(s: &mut Option<tokio::signal::unix::Signal>) {
                match s {
                    Some(s) => {
                        s.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            }
            tokio::select! {
                _ = next(&mut self.interrupt) => tracing::info!("SIGINT received"),
                _ = next(&mut self.terminate) => tracing::info!("SIGTERM received"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            tracing::info!("SIGINT received");
        }
    }
}
