//! A fake Slack on 127.0.0.1: the Web API methods the adapter calls on the way in
//! (`apps.connections.open`, `auth.test`, the directory's reads) and a Socket Mode WebSocket
//! server that counts its links, sends envelopes on the link a test names, and records every
//! acknowledgement with the link it came on. A desk that records what it is given, and can be
//! told to hold some events.

use axum::extract::{Path, State};
use axum::routing::post;
use axum::{Json, Router};
use futures_util::{SinkExt, StreamExt};
use helpdesk_chat::{ChatEvent, EventSink, SinkError, SinkFuture, Taken, TenantText};
use helpdesk_slack::directory::Directory;
use helpdesk_slack::inbound::Inbound;
use helpdesk_slack::socket::SocketMode;
use helpdesk_slack::web::{self, Web};
use helpdesk_slack::{Secret, SlackSettings};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch, Notify};
use tokio_tungstenite::tungstenite::Message;

/// How long a test waits for something before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// The workspace that installed the app (the bot token's, as `auth.test` says).
pub const INSTALLED: &str = "T0HOME";

/// What the fake saw.
#[derive(Default)]
struct Seen {
    next_link: u64,
    /// Open links → where to send their frames.
    links: BTreeMap<u64, mpsc::UnboundedSender<String>>,
    /// The most links open at once.
    most: usize,
    /// Links that were closed.
    closed: Vec<u64>,
    /// envelope id → (the link it was acknowledged on, the acknowledgement).
    acks: BTreeMap<String, (u64, Value)>,
    /// Web API methods called, in order.
    calls: Vec<String>,
    next_envelope: u64,
}

/// The fake Slack.
#[derive(Clone)]
pub struct Fake {
    /// The Web API base URL.
    pub api_url: String,
    seen: Arc<Mutex<Seen>>,
    changed: Arc<Notify>,
}

/// Waits until `check` finds something, looking again each time `changed` is notified.
pub async fn until<T>(changed: &Notify, what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(t) = check() {
            return t;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            panic!("timed out waiting for {what}");
        }
    }
}

impl Fake {
    /// Starts the Web API and the WebSocket server.
    pub async fn start() -> Fake {
        let api = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let fake = Fake {
            api_url: format!("http://{}/api", api.local_addr().unwrap()),
            seen: Arc::new(Mutex::new(Seen::default())),
            changed: Arc::new(Notify::new()),
        };
        let ws_addr = ws.local_addr().unwrap();
        let router = Router::new()
            .route("/api/{method}", post(web_api).get(web_api))
            .with_state((fake.clone(), ws_addr));
        tokio::spawn(async move { axum::serve(api, router).await });
        tokio::spawn(fake.clone().serve_sockets(ws));
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Seen> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until exactly `n` links are open, and returns them, oldest first.
    pub async fn links(&self, n: usize) -> Vec<u64> {
        until(&self.changed, &format!("{n} open links"), || {
            let seen = self.lock();
            (seen.links.len() == n).then(|| seen.links.keys().copied().collect())
        })
        .await
    }

    /// The most links that were open at once.
    pub fn most_links(&self) -> usize {
        self.lock().most
    }

    /// How many times `method` was called.
    pub fn called(&self, method: &str) -> usize {
        self.lock().calls.iter().filter(|m| *m == method).count()
    }

    /// Waits until `link` is closed.
    pub async fn closed(&self, link: u64) {
        until(&self.changed, &format!("link {link} closed"), || {
            self.lock().closed.contains(&link).then_some(())
        })
        .await
    }

    /// Sends a frame on `link`.
    pub fn send(&self, link: u64, frame: Value) {
        let seen = self.lock();
        let sent = seen
            .links
            .get(&link)
            .is_some_and(|l| l.send(frame.to_string()).is_ok());
        assert!(sent, "link {link} is not open");
    }

    /// Slack's `disconnect` on `link`.
    pub fn disconnect(&self, link: u64, reason: &str) {
        self.send(
            link,
            json!({ "type": "disconnect", "reason": reason,
                    "debug_info": { "host": "fake" } }),
        );
    }

    /// Sends an envelope on `link`; returns its id.
    pub fn envelope(&self, link: u64, kind: &str, payload: Value) -> String {
        let id = {
            let mut seen = self.lock();
            seen.next_envelope += 1;
            format!("env-{}", seen.next_envelope)
        };
        self.send(
            link,
            json!({ "envelope_id": id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api", "retry_attempt": 0 }),
        );
        id
    }

    /// Waits for the acknowledgement of `envelope`: the link it came on, and itself.
    pub async fn ack(&self, envelope: &str) -> (u64, Value) {
        until(&self.changed, &format!("the ack of {envelope}"), || {
            self.lock().acks.get(envelope).cloned()
        })
        .await
    }

    /// The acknowledgement of `envelope`, if it came.
    pub fn acked(&self, envelope: &str) -> Option<Value> {
        self.lock().acks.get(envelope).map(|(_, a)| a.clone())
    }

    async fn serve_sockets(self, listener: TcpListener) {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let fake = self.clone();
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                let (mut sink, mut stream) = ws.split();
                let (tx, mut rx) = mpsc::unbounded_channel::<String>();
                let hello = json!({ "type": "hello", "num_connections": 1,
                                    "connection_info": { "app_id": "A1" } });
                if sink
                    .send(Message::Text(hello.to_string().into()))
                    .await
                    .is_err()
                {
                    return;
                }
                let id = {
                    let mut seen = fake.lock();
                    seen.next_link += 1;
                    let id = seen.next_link;
                    seen.links.insert(id, tx);
                    seen.most = seen.most.max(seen.links.len());
                    id
                };
                fake.changed.notify_waiters();
                loop {
                    tokio::select! {
                        out = rx.recv() => match out {
                            Some(text) => if sink.send(Message::Text(text.into())).await.is_err() { break },
                            None => break,
                        },
                        incoming = stream.next() => match incoming {
                            Some(Ok(Message::Text(text))) => {
                                let ack: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                                if let Some(envelope) = ack["envelope_id"].as_str() {
                                    fake.lock().acks.insert(envelope.to_string(), (id, ack.clone()));
                                    fake.changed.notify_waiters();
                                }
                            }
                            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                            Some(Ok(_)) => {}
                        },
                    }
                }
                // Counted closed before the close is answered (tungstenite answers on the
                // next read), so the client cannot open another link before this one is gone.
                {
                    let mut seen = fake.lock();
                    seen.links.remove(&id);
                    seen.closed.push(id);
                }
                fake.changed.notify_waiters();
                let _ = stream.next().await;
                let _ = sink.close().await;
            });
        }
    }
}

async fn web_api(
    State((fake, ws)): State<(Fake, SocketAddr)>,
    Path(method): Path<String>,
    body: axum::body::Bytes,
) -> Json<Value> {
    fake.lock().calls.push(method.clone());
    fake.changed.notify_waiters();
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    Json(match method.as_str() {
        "apps.connections.open" => json!({ "ok": true, "url": format!("ws://{ws}/link") }),
        "auth.test" => json!({ "ok": true, "team_id": INSTALLED, "user_id": "UBOT" }),
        "usergroups.list" => json!({ "ok": true, "usergroups": [] }),
        "users.info" => json!({ "ok": true, "user": { "name": "someone" } }),
        "conversations.open" => {
            let user = body["users"].as_str().unwrap_or("U0");
            json!({ "ok": true, "channel": { "id": format!("D{user}") } })
        }
        _ => json!({ "ok": true }),
    })
}

/// The desk: records each event it is given and takes it; events `hold` picks wait until
/// [`Desk::release`].
pub struct Desk {
    events: Mutex<Vec<ChatEvent>>,
    changed: Notify,
    hold: fn(&ChatEvent) -> bool,
    released: watch::Sender<bool>,
    /// It answers that the workspace is not set up.
    unserved: bool,
    /// It fails every event.
    fails: bool,
}

impl Desk {
    /// Takes everything at once.
    pub fn new() -> Arc<Desk> {
        Desk::holding(|_| false)
    }

    /// Holds the events `hold` picks.
    pub fn holding(hold: fn(&ChatEvent) -> bool) -> Arc<Desk> {
        Arc::new(Desk {
            events: Mutex::new(Vec::new()),
            changed: Notify::new(),
            hold,
            released: watch::channel(false).0,
            unserved: false,
            fails: false,
        })
    }

    /// Says no `[[tenants]]` block serves the workspace.
    pub fn unserved() -> Arc<Desk> {
        Arc::new(Desk {
            unserved: true,
            ..Arc::into_inner(Desk::new()).unwrap()
        })
    }

    /// Fails every event (its database is down).
    pub fn failing() -> Arc<Desk> {
        Arc::new(Desk {
            fails: true,
            ..Arc::into_inner(Desk::new()).unwrap()
        })
    }

    /// Lets the held events through.
    pub fn release(&self) {
        self.released.send_replace(true);
    }

    /// Every event given so far.
    pub fn events(&self) -> Vec<ChatEvent> {
        self.events.lock().unwrap().clone()
    }

    /// Waits for an event `found` picks.
    pub async fn event(&self, what: &str, found: impl Fn(&ChatEvent) -> bool) -> ChatEvent {
        until(&self.changed, what, || {
            self.events
                .lock()
                .unwrap()
                .iter()
                .find(|e| found(e))
                .cloned()
        })
        .await
    }
}

impl EventSink for Desk {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            let held = (self.hold)(&event);
            self.events.lock().unwrap().push(event);
            self.changed.notify_waiters();
            if held {
                let mut released = self.released.subscribe();
                let _ = released.wait_for(|r| *r).await;
            }
            if self.fails {
                return Err(SinkError("database down".into()));
            }
            Ok(Taken {
                answered: false,
                unserved: self.unserved,
            })
        })
    }
}

/// Said when the desk is down.
pub const DESK_DOWN: &str = "The help desk is down, sorry.";
/// Said where the desk is not set up.
pub const NOT_SET_UP: &str = "The help desk is not set up in this workspace.";

/// The adapter's settings against the fake.
pub fn settings(fake: &Fake, connections: u32, ack_deadline: Duration) -> Arc<SlackSettings> {
    let mut s = SlackSettings::new(DESK_DOWN);
    s.api_url = fake.api_url.clone();
    s.bot_tokens.default = Some(Secret::new("xoxb-test"));
    s.app_token = Some(Secret::new("xapp-test"));
    s.socket_connections = connections;
    s.ack_deadline = ack_deadline;
    s.message_interval = Duration::ZERO;
    s.unserved_text = TenantText::new(NOT_SET_UP);
    Arc::new(s)
}

/// The adapter's way in over HTTP and Socket Mode, delivering to `desk`.
pub fn inbound(settings: Arc<SlackSettings>, desk: Arc<Desk>) -> (Arc<web::Client>, Arc<Inbound>) {
    let client = web::client(&settings).unwrap();
    let web = Web::new(client.clone(), settings.clone());
    let directory = Arc::new(Directory::new(web, settings.directory_ttl));
    (client, Arc::new(Inbound::new(settings, directory, desk)))
}

/// Socket Mode with `connections` links against the fake, delivering to `desk`.
pub async fn socket_mode(fake: &Fake, connections: u32, desk: Arc<Desk>) -> SocketMode {
    socket_mode_within(fake, connections, Duration::from_secs(2), desk).await
}

/// The same with this acknowledgement deadline.
pub async fn socket_mode_within(
    fake: &Fake,
    connections: u32,
    ack_deadline: Duration,
    desk: Arc<Desk>,
) -> SocketMode {
    let settings = settings(fake, connections, ack_deadline);
    let (client, inbound) = inbound(settings, desk);
    SocketMode::start(client, inbound, "xapp-test")
        .await
        .unwrap()
}
