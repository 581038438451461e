//! The bot's HTTP server: liveness, readiness and Prometheus metrics; webhooks mount here.

use crate::store::Store;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use tracing::Instrument;

/// The routes, over a store (readiness asks the database).
pub fn router(store: Store) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(ready))
        .route("/metrics", get(metrics))
        .with_state(store)
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

async fn ready(State(store): State<Store>) -> (StatusCode, &'static str) {
    match store.ping().await {
        Ok(()) => (StatusCode::OK, "ready\n"),
        Err(e) => {
            tracing::warn!(error = %e, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

async fn metrics(
    State(store): State<Store>,
) -> (StatusCode, [(&'static str, &'static str); 1], String) {
    let (pending, dead) = match store.outbox_counts().await {
        Ok(counts) => counts,
        Err(e) => {
            tracing::warn!(error = %e, "metrics: the outbox could not be counted");
            (-1, -1)
        }
    };
    (
        StatusCode::OK,
        [("content-type", "text/plain; version=0.0.4")],
        crate::metrics::METRICS.render(pending, dead),
    )
}

/// A bound listener, ready to serve.
pub struct HttpServer {
    listener: tokio::net::TcpListener,
    router: Router,
}

impl HttpServer {
    /// Binds the address now, so a taken port fails at start with a clear error.
    pub async fn bind(addr: SocketAddr, router: Router) -> std::io::Result<HttpServer> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        Ok(HttpServer { listener, router })
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
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
    }
}
