//! The bot's HTTP servers: liveness, readiness and Prometheus metrics; webhooks mount here.
//! Every listener bounds what a client may take: time to send its headers, time for a whole
//! request, and connections at once.

use crate::readiness::{NotReady, Readiness};
use crate::store::Store;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tracing::Instrument;

/// The health, readiness and metrics routes, over a store (readiness asks the database).
pub fn router(store: Store) -> Router {
    let readiness = Readiness::new(store.clone());
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready).with_state(readiness))
        .route("/metrics", get(metrics).with_state(store))
        // These endpoints read no body; the limit keeps any future one bounded too.
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024))
        .layer(middleware::from_fn(request_span))
}

/// Every request runs in its own span, and its outcome is logged at debug level.
async fn request_span(request: Request, next: Next) -> Response {
    let span =
        tracing::debug_span!("http", method = %request.method(), path = %request.uri().path());
    let started = std::time::Instant::now();
    async move {
        let response = next.run(request).await;
        tracing::debug!(
            status = response.status().as_u16(),
            micros = started.elapsed().as_micros() as u64,
            "request served"
        );
        response
    }
    .instrument(span)
    .await
}

/// 200 when the database takes a write and is not damaged; 503 with the reason otherwise.
async fn ready(State(readiness): State<Readiness>) -> (StatusCode, String) {
    match readiness.check().await {
        Ok(()) => (StatusCode::OK, "ready\n".into()),
        Err(NotReady(why)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {why}\n"),
        ),
    }
}

async fn metrics(
    State(store): State<Store>,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let gauges = match store
        .gauges(crate::clock::Clock::now(&crate::clock::SystemClock))
        .await
    {
        Ok(gauges) => Some(gauges),
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the database gauges could not be read");
            None
        }
    };
    (
        StatusCode::OK,
        [("content-type", crate::metrics::CONTENT_TYPE)],
        crate::metrics::METRICS.render(gauges.as_ref()),
    )
}

/// What one listener allows its clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A connection that has not sent a request's headers in this time is closed (also an
    /// idle keep-alive connection).
    pub header_read_timeout: Duration,
    /// A request whose body and answer take longer is answered 408.
    pub request_timeout: Duration,
    /// Connections served at once; more are answered 503 and closed.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_read_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
        }
    }
}

/// Refused connections answered at once; beyond this many in flight, they are just closed.
const REFUSALS_IN_FLIGHT: usize = 64;
/// How long a refused client gets to read the 503.
const REFUSAL_LINGER: Duration = Duration::from_secs(1);
/// At most one warning about refused connections this often.
const REFUSAL_WARNING_EVERY: Duration = Duration::from_secs(60);

/// A bound listener, ready to serve.
pub struct HttpServer {
    listener: tokio::net::TcpListener,
    router: Router,
    limits: Limits,
}

impl HttpServer {
    /// Binds the address now, so a taken port fails at start with a clear error.
    pub async fn bind(addr: SocketAddr, router: Router) -> std::io::Result<HttpServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(HttpServer {
            listener,
            router,
            limits: Limits::default(),
        })
    }

    /// The same server with other limits.
    pub fn with_limits(self, limits: Limits) -> HttpServer {
        HttpServer { limits, ..self }
    }

    /// The address actually bound (port 0 picks a free one).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves until `shutdown` completes, then finishes in-flight requests.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let HttpServer {
            listener,
            router,
            limits,
        } = self;
        let router = router.layer(middleware::from_fn_with_state(
            limits.request_timeout,
            request_deadline,
        ));
        let slots = Arc::new(Semaphore::new(limits.max_connections));
        let refusals = Arc::new(Semaphore::new(REFUSALS_IN_FLIGHT));
        let (stop, stopping) = watch::channel(false);
        let mut connections = tokio::task::JoinSet::new();
        let mut refused = RefusalLog::default();
        let mut shutdown = std::pin::pin!(shutdown);
        loop {
            let stream = tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors and the like: give the process a moment
                        // instead of spinning on the error.
                        tracing::warn!(error = %e, "http: accepting a connection failed");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                () = &mut shutdown => break,
            };
            while connections.try_join_next().is_some() {}
            match slots.clone().try_acquire_owned() {
                Ok(slot) => {
                    connections.spawn(serve_connection(
                        stream,
                        router.clone(),
                        limits,
                        stopping.clone(),
                        slot,
                    ));
                }
                Err(_) => {
                    refused.count(limits.max_connections);
                    if let Ok(turn) = refusals.clone().try_acquire_owned() {
                        tokio::spawn(refuse(stream, turn));
                    }
                }
            }
        }
        drop(listener);
        let _ = stop.send(true);
        while connections.join_next().await.is_some() {}
        Ok(())
    }
}

/// One connection, served until the client leaves, a limit cuts it, or the server stops.
async fn serve_connection(
    stream: TcpStream,
    router: Router,
    limits: Limits,
    mut stopping: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    // The client's address travels with each request (`ConnectInfo`), for the web desk's
    // login limits and for logs.
    let peer = stream.peer_addr().ok();
    let service = tower::ServiceExt::map_request(
        router,
        move |mut request: axum::http::Request<hyper::body::Incoming>| {
            if let Some(peer) = peer {
                request
                    .extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
            }
            request
        },
    );
    let connection =
        builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
    let mut connection = std::pin::pin!(connection);
    let stop = async move {
        // Only whether it was asked matters, not the value (and no guard is kept).
        let _ = stopping.wait_for(|stop| *stop).await.map(|_| ());
    };
    let ended = tokio::select! {
        ended = connection.as_mut() => ended,
        () = stop => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(e) = ended {
        tracing::debug!(error = %e, "http: connection closed");
    }
}

/// Tells a client over the connection cap to come back later, then closes.
async fn refuse(mut stream: TcpStream, _turn: OwnedSemaphorePermit) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    const ANSWER: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\
        Retry-After: 1\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n\r\n\
        too many connections\r\n";
    let _ = tokio::time::timeout(REFUSAL_LINGER, async {
        stream.write_all(ANSWER).await?;
        stream.shutdown().await?;
        // Read what the client sent until it closes: closing with unread data would reset
        // the connection and could lose the answer.
        let mut sink = [0u8; 1024];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), std::io::Error>(())
    })
    .await;
}

/// Counts refused connections and warns about them now and then, not once each.
#[derive(Default)]
struct RefusalLog {
    since_warning: u64,
    warned: Option<Instant>,
}

impl RefusalLog {
    fn count(&mut self, cap: usize) {
        self.since_warning += 1;
        if self
            .warned
            .is_none_or(|at| at.elapsed() >= REFUSAL_WARNING_EVERY)
        {
            tracing::warn!(
                refused = self.since_warning,
                max_connections = cap,
                "http: connections refused, the listener is at http.max_connections"
            );
            self.since_warning = 0;
            self.warned = Some(Instant::now());
        }
    }
}

/// A request whose handler (reading its body included) outlasts the limit is answered 408.
async fn request_deadline(State(limit): State<Duration>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(
                limit = ?limit,
                "http: request timed out (http.request_timeout)"
            );
            (
                StatusCode::REQUEST_TIMEOUT,
                [("connection", "close")],
                "request took too long\n",
            )
                .into_response()
        }
    }
}
