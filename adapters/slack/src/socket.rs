//! Socket Mode: the adapter's own client, on tokio-tungstenite, authenticated with the
//! app-level token.
//!
//! Each link is opened with `apps.connections.open` and a WebSocket to the address it gives.
//! Every envelope is handed to the desk on its own task and acknowledged on the link it came
//! from, by the acknowledgement deadline at the latest (a slow envelope never holds up the next
//! one); a desk that failed leaves it unacknowledged, so Slack delivers it again. The
//! acknowledgement carries a payload only when there is an answer to give (a slash command
//! the desk could not take, or from a workspace it does not serve).
//!
//! Slack's `disconnect` (`refresh_requested`, `warning`, `link_disabled`, …) may come at any
//! time, with envelopes in flight or more to come on the same link: the link keeps reading and
//! acknowledging, a replacement is opened first, and only once it is up is the old link closed,
//! after its last envelope is acknowledged. There are `socket_connections` links, one more
//! while one is replaced; failed opens are tried again after 1 s, 2 s, … up to 30 s; a link
//! silent for 60 s (Slack pings every few seconds) is dropped and replaced.

use crate::decode::{self, Decoded};
use crate::inbound::Inbound;
use crate::web::{self, Client};
use futures_util::{SinkExt, StreamExt};
use helpdesk_chat::Handoff;
use serde_json::{json, Value};
use slack_morphism::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long [`SocketMode::stop`] waits for the connections to close.
pub const STOP_BOUND: Duration = Duration::from_secs(2);

/// A link that has sent nothing for this long (Slack pings far more often) is dropped.
pub const SILENCE_LIMIT: Duration = Duration::from_secs(60);

/// The wait before the first retry of a failed open; it doubles up to [`BACKOFF_MAX`].
pub const BACKOFF_FIRST: Duration = Duration::from_secs(1);

/// The longest wait between two tries to open a link.
pub const BACKOFF_MAX: Duration = Duration::from_secs(30);

/// How long one open (`apps.connections.open` and the WebSocket handshake) may take.
const OPEN_BOUND: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// A link could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum SocketError {
    /// Slack did not give a WebSocket address (bad app token, Socket Mode off, outage).
    #[error("apps.connections.open failed: {0}")]
    Open(#[source] helpdesk_chat::SendError),
    /// The WebSocket could not be opened (the address is not named: it carries a ticket).
    #[error("the Socket Mode WebSocket could not be opened: {0}")]
    Connect(String),
    /// Opening took longer than it may.
    #[error("opening a Socket Mode link took longer than {0:?}")]
    Timeout(Duration),
}

/// The running Socket Mode connections.
pub struct SocketMode {
    stop: watch::Sender<bool>,
    manager: tokio::task::JoinHandle<()>,
}

#[derive(serde::Deserialize)]
struct Opened {
    url: String,
}

/// Opens one link: the address from `apps.connections.open`, then the WebSocket.
async fn open(client: Arc<Client>, token: SlackApiToken) -> Result<Socket, SocketError> {
    let opening = async {
        let session = client.open_session(&token);
        let opened: Opened = session
            .http_session_api
            .http_post("apps.connections.open", &json!({}), None)
            .await
            .map_err(|e| SocketError::Open(web::sorted("apps.connections.open", e)))?;
        let (socket, _) = tokio_tungstenite::connect_async(opened.url.as_str())
            .await
            .map_err(|e| SocketError::Connect(connect_error(&e)))?;
        Ok(socket)
    };
    tokio::time::timeout(OPEN_BOUND, opening)
        .await
        .unwrap_or(Err(SocketError::Timeout(OPEN_BOUND)))
}

/// What went wrong in a handshake, without the address (and its ticket).
fn connect_error(e: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error as E;
    match e {
        E::Http(response) => format!("HTTP {}", response.status()),
        E::Url(_) => "the address Slack gave is not a WebSocket address".to_string(),
        E::Io(io) => format!("{}", io.kind()),
        other => other.to_string(),
    }
}

/// What a link tells the manager.
enum Report {
    /// Slack greeted the link: it takes envelopes.
    Up(u64),
    /// Slack asked for the link to be replaced.
    Disconnect(u64, String),
}

/// What the manager knows of a link.
struct LinkState {
    /// Slack asked for it to be replaced.
    retiring: bool,
    /// Slack greeted it.
    up: bool,
    /// Closes it once its envelopes are acknowledged (taken when told).
    close: Option<oneshot::Sender<()>>,
    /// When it was opened, so the oldest retiring link goes first.
    opened: Instant,
}

/// Keeps `wanted` links open, replacing each that Slack asks to go.
struct Manager {
    client: Arc<Client>,
    token: SlackApiToken,
    inbound: Arc<Inbound>,
    wanted: usize,
    links: BTreeMap<u64, LinkState>,
    running: JoinSet<u64>,
    /// The task of each running link → the link.
    tasks: HashMap<tokio::task::Id, u64>,
    opening: JoinSet<Result<Socket, SocketError>>,
    reports: mpsc::UnboundedSender<Report>,
    next_id: u64,
    /// Opens that failed in a row (a link that ends before Slack greets it counts).
    failures: u32,
    stop: watch::Receiver<bool>,
}

/// The wait before the next open after `failures` failed ones.
fn backoff(failures: u32) -> Duration {
    match failures {
        0 => Duration::ZERO,
        n => BACKOFF_FIRST
            .saturating_mul(1 << (n - 1).min(16))
            .min(BACKOFF_MAX),
    }
}

impl Manager {
    fn live(&self) -> usize {
        self.links.values().filter(|l| !l.retiring).count()
    }

    /// Starts opens until `wanted` links are open or opening, never more than one link beyond
    /// `wanted` (and that one only while a link is being replaced).
    fn reconcile(&mut self) {
        loop {
            let retiring = self.links.values().any(|l| l.retiring);
            let cap = self.wanted + usize::from(retiring);
            let total = self.links.len() + self.opening.len();
            if self.live() + self.opening.len() >= self.wanted || total >= cap {
                return;
            }
            let wait = backoff(self.failures);
            let (client, token) = (self.client.clone(), self.token.clone());
            self.opening.spawn(async move {
                tokio::time::sleep(wait).await;
                open(client, token).await
            });
        }
    }

    fn add(&mut self, socket: Socket) {
        self.next_id += 1;
        let id = self.next_id;
        let (close, closed) = oneshot::channel();
        self.links.insert(
            id,
            LinkState {
                retiring: false,
                up: false,
                close: Some(close),
                opened: Instant::now(),
            },
        );
        let link = Link {
            id,
            inbound: self.inbound.clone(),
            reports: self.reports.clone(),
        };
        let stop = self.stop.clone();
        let task = self.running.spawn(link.run(socket, closed, stop)).id();
        self.tasks.insert(task, id);
    }

    /// Once replacements are up, the oldest links waiting for one are closed: never more
    /// greeted links and links waiting to close than `wanted`.
    fn replaced(&mut self) {
        loop {
            let up = self.links.values().filter(|l| !l.retiring && l.up).count();
            let waiting = self
                .links
                .values()
                .filter(|l| l.retiring && l.close.is_some())
                .count();
            if up + waiting <= self.wanted {
                return;
            }
            let oldest = self
                .links
                .iter_mut()
                .filter(|(_, l)| l.retiring && l.close.is_some())
                .min_by_key(|(_, l)| l.opened);
            let Some((id, link)) = oldest else { return };
            tracing::debug!(
                link = id,
                "slack socket mode: replaced; closing the old link"
            );
            if let Some(close) = link.close.take() {
                let _ = close.send(());
            }
        }
    }

    async fn run(mut self, mut reports: mpsc::UnboundedReceiver<Report>) {
        loop {
            if *self.stop.borrow() {
                break;
            }
            self.reconcile();
            tokio::select! {
                changed = self.stop.changed() => if changed.is_err() { break },
                Some(report) = reports.recv() => match report {
                    Report::Up(id) => {
                        if let Some(link) = self.links.get_mut(&id) {
                            link.up = true;
                            self.failures = 0;
                        }
                        self.replaced();
                    }
                    Report::Disconnect(id, reason) => {
                        let Some(link) = self.links.get_mut(&id) else { continue };
                        if !link.retiring {
                            tracing::info!(link = id, reason, "slack socket mode: Slack asks for a new link; opening it first");
                            link.retiring = true;
                        }
                    }
                },
                Some(ended) = self.running.join_next_with_id(), if !self.running.is_empty() => {
                    let task = match &ended {
                        Ok((task, _)) => *task,
                        Err(e) => e.id(),
                    };
                    let id = self.tasks.remove(&task).unwrap_or_default();
                    if let Err(e) = ended {
                        tracing::error!(link = id, error = %e, "slack socket mode: a link's task died");
                    }
                    if let Some(link) = self.links.remove(&id) {
                        if !link.up {
                            self.failures += 1;
                        }
                        tracing::debug!(link = id, "slack socket mode: link closed");
                    }
                    self.replaced();
                }
                Some(opened) = self.opening.join_next(), if !self.opening.is_empty() => {
                    match opened {
                        Ok(Ok(socket)) => self.add(socket),
                        Ok(Err(e)) => {
                            self.failures += 1;
                            tracing::warn!(error = %e, retry_in = ?backoff(self.failures), "slack socket mode: cannot open a link");
                        }
                        Err(e) => tracing::error!(error = %e, "slack socket mode: an open died"),
                    }
                }
            }
        }
        // Stopping: no more opens; each link closes once its envelopes are acknowledged.
        self.opening.abort_all();
        for link in self.links.values_mut() {
            if let Some(close) = link.close.take() {
                let _ = close.send(());
            }
        }
        while self.running.join_next().await.is_some() {}
    }
}

/// One WebSocket link.
struct Link {
    id: u64,
    inbound: Arc<Inbound>,
    reports: mpsc::UnboundedSender<Report>,
}

/// An envelope as Slack sends it.
#[derive(serde::Deserialize)]
struct Frame {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    envelope_id: Option<String>,
    #[serde(default)]
    accepts_response_payload: bool,
    #[serde(default)]
    reason: Option<String>,
}

impl Link {
    /// Reads until the link ends, or until it is told to close and its envelopes are
    /// acknowledged; says which link it was.
    async fn run(
        self,
        socket: Socket,
        mut close: oneshot::Receiver<()>,
        mut stop: watch::Receiver<bool>,
    ) -> u64 {
        let (mut sink, mut stream) = socket.split();
        let (out, mut outgoing) = mpsc::unbounded_channel::<Message>();
        // The writer: acknowledgements in the order they are ready, then the close.
        let writer = tokio::spawn(async move {
            while let Some(message) = outgoing.recv().await {
                let last = matches!(message, Message::Close(_));
                if sink.send(message).await.is_err() || last {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let mut envelopes: JoinSet<()> = JoinSet::new();
        let mut closing = *stop.borrow();
        loop {
            if closing && envelopes.is_empty() {
                break;
            }
            tokio::select! {
                frame = tokio::time::timeout(SILENCE_LIMIT, stream.next()) => match frame {
                    Err(_) => {
                        tracing::warn!(link = self.id, silent = ?SILENCE_LIMIT, "slack socket mode: the link went silent; dropping it");
                        writer.abort();
                        return self.id;
                    }
                    Ok(Some(Ok(Message::Text(text)))) => {
                        self.frame(text.as_str(), &out, &mut envelopes);
                    }
                    Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => {
                        if !envelopes.is_empty() {
                            tracing::warn!(link = self.id, envelopes = envelopes.len(),
                                "slack socket mode: the link closed before envelopes were acknowledged; Slack resends events");
                        }
                        writer.abort();
                        return self.id;
                    }
                    // Pings are answered by tungstenite as it reads.
                    Ok(Some(Ok(_))) => {}
                },
                Some(_) = envelopes.join_next(), if !envelopes.is_empty() => {}
                _ = &mut close, if !closing => closing = true,
                changed = stop.changed(), if !closing => closing = changed.is_err() || *stop.borrow(),
            }
        }
        // Every acknowledgement is queued before the close.
        let _ = out.send(Message::Close(None));
        drop(out);
        let _ = writer.await;
        // Slack answers the close; what comes after it cannot be acknowledged any more.
        let _ = tokio::time::timeout(STOP_BOUND, async {
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message {
                    if text.contains("envelope_id") {
                        tracing::warn!(
                            link = self.id,
                            "slack socket mode: an envelope came after the close; Slack resends events"
                        );
                    }
                }
            }
        })
        .await;
        self.id
    }

    fn frame(&self, text: &str, out: &mpsc::UnboundedSender<Message>, envelopes: &mut JoinSet<()>) {
        let received = Instant::now();
        let frame: Frame = match serde_json::from_str(text) {
            Ok(frame) => frame,
            Err(_) => {
                tracing::warn!(
                    link = self.id,
                    "slack socket mode: a frame that is not JSON; dropped"
                );
                return;
            }
        };
        match (frame.kind.as_str(), frame.envelope_id) {
            ("hello", _) => {
                let _ = self.reports.send(Report::Up(self.id));
            }
            ("disconnect", _) => {
                let reason = frame.reason.unwrap_or_default();
                let _ = self.reports.send(Report::Disconnect(self.id, reason));
            }
            (_, Some(envelope)) => {
                let inbound = self.inbound.clone();
                let out = out.clone();
                let text = text.to_string();
                let (kind, accepts) = (frame.kind, frame.accepts_response_payload);
                let answer_by = received + inbound.settings().ack_deadline;
                envelopes.spawn(async move {
                    let Some(payload) = envelope_answer(&inbound, &text, &kind, answer_by).await
                    else {
                        return;
                    };
                    let mut ack = json!({ "envelope_id": envelope });
                    if let (Some(payload), true) = (payload, accepts) {
                        ack["payload"] = payload;
                    }
                    let _ = out.send(Message::Text(ack.to_string().into()));
                });
            }
            (kind, None) => {
                tracing::debug!(
                    link = self.id,
                    kind,
                    "slack socket mode: a frame the desk does not use"
                );
            }
        }
    }
}

/// Takes an envelope to the desk: `None` leaves it unacknowledged (Slack delivers it again),
/// `Some(payload)` acknowledges it with that payload, if any.
async fn envelope_answer(
    inbound: &Inbound,
    text: &str,
    kind: &str,
    answer_by: Instant,
) -> Option<Option<Value>> {
    let settings = inbound.settings();
    let decoded = match decode::socket_frame(text, settings) {
        Ok(decoded) => decoded,
        // The frame names user text and Slack's verification token: say the kind only.
        Err(_) => {
            tracing::warn!(
                kind,
                "slack socket mode: an envelope could not be read (acknowledged, dropped)"
            );
            return Some(None);
        }
    };
    let team = match &decoded {
        Decoded::Event(event) => event.tenant.clone(),
        Decoded::Ignored(_) => String::new(),
    };
    let command = kind == "slash_commands";
    let answer = |text: &str| json!({ "response_type": "ephemeral", "text": text });
    match inbound.receive_by(decoded, answer_by).await {
        // Slack does not retry commands: tell the person, in the command's own answer.
        Handoff::Failed(_) if command => Some(Some(answer(settings.unavailable(&team)))),
        Handoff::Failed(_) => {
            tracing::warn!(
                kind,
                "slack socket mode: the desk could not take an event; not acknowledged, Slack resends it"
            );
            None
        }
        // A workspace the desk does not serve: the person hears so, privately.
        Handoff::Done(taken) if taken.unserved && command => {
            Some(Some(answer(settings.unserved_text.get(&team))))
        }
        Handoff::Done(_) | Handoff::Running => Some(None),
    }
}

impl SocketMode {
    /// Starts the links for the app token (`apps.connections.open`, then the WebSocket, for
    /// each). They open in the background, so a Slack that refuses or never answers holds up
    /// neither the start nor [`SocketMode::stop`]: failed opens are logged and tried again.
    /// The `Result` is the wiring's: nothing fails before the first open today.
    pub async fn start(
        client: Arc<Client>,
        inbound: Arc<Inbound>,
        app_token: &str,
    ) -> Result<SocketMode, SocketError> {
        let wanted = inbound.settings().socket_connections.max(1) as usize;
        let token = SlackApiToken::new(SlackApiTokenValue(app_token.to_string()));
        let (stop, stopped) = watch::channel(false);
        let (reports, reported) = mpsc::unbounded_channel();
        let manager = Manager {
            client,
            token,
            inbound,
            wanted,
            links: BTreeMap::new(),
            running: JoinSet::new(),
            tasks: HashMap::new(),
            opening: JoinSet::new(),
            reports,
            next_id: 0,
            failures: 0,
            stop: stopped,
        };
        let manager = tokio::spawn(manager.run(reported));
        Ok(SocketMode { stop, manager })
    }

    /// Closes the connections once their envelopes are acknowledged, waiting at most
    /// [`STOP_BOUND`].
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let mut manager = self.manager;
        if tokio::time::timeout(STOP_BOUND, &mut manager)
            .await
            .is_err()
        {
            manager.abort();
            tracing::warn!(bound = ?STOP_BOUND, "slack socket mode: the connections did not close in time; dropped");
        }
    }
}
