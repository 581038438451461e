//! A fake Discord on 127.0.0.1: the REST routes the adapter calls (messages, threads,
//! interaction callbacks, commands, DMs) and a gateway WebSocket (HELLO → IDENTIFY → READY →
//! dispatches, heartbeats acknowledged). It records every call and wakes waiting tests.

use super::fake_slack::wait_until;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// `POST`, `PATCH`…
    pub method: String,
    /// The path after `/api/v10`, e.g. `/channels/1/messages`.
    pub path: String,
    /// The JSON body (`Null` when none).
    pub body: Value,
    /// The `Authorization` header.
    pub auth: String,
}

impl Call {
    /// `POST /channels/{channel}/messages`?
    pub fn posts_in(&self, channel: &str) -> bool {
        self.method == "POST" && self.path == format!("/channels/{channel}/messages")
    }
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    /// Channel id → parent, for threads; plain channels map to `None`.
    channels: HashMap<String, Option<String>>,
    /// Message id → channel.
    messages: HashMap<String, String>,
    /// Message id → (author, text), for messages people wrote.
    written: HashMap<String, (String, String)>,
    /// (channel, nonce) → message id, for `enforce_nonce`.
    nonces: HashMap<(String, String), String>,
    /// Open gateway connections.
    sockets: Vec<mpsc::UnboundedSender<String>>,
    /// IDENTIFY payloads received.
    identified: Vec<Value>,
    threads_started: HashSet<String>,
    /// Direct-message channels (no threads in them).
    dms: HashSet<String>,
    /// Private threads: id → (parent, name).
    private: HashMap<String, (String, Value)>,
    /// (guild, user) → the guild member object, for `GET /guilds/{guild}/members/{user}`.
    members: HashMap<(String, String), Value>,
}

/// The fake.
#[derive(Clone)]
pub struct FakeDiscord {
    /// The REST base URL (`http://127.0.0.1:port/api/v10`).
    pub api_url: String,
    /// The application (and bot user) id.
    pub application_id: String,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    ids: Arc<AtomicU64>,
    seq: Arc<AtomicU64>,
}

impl FakeDiscord {
    /// Starts REST and gateway servers; `channels` are the guild's text channels.
    pub async fn start(application_id: &str, channels: &[&str]) -> FakeDiscord {
        let api = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_addr = api.local_addr().unwrap();
        let ws_url = format!("ws://{}", ws.local_addr().unwrap());
        let state = State {
            channels: channels.iter().map(|c| (c.to_string(), None)).collect(),
            ..State::default()
        };
        let fake = FakeDiscord {
            api_url: format!("http://{api_addr}/api/v10"),
            application_id: application_id.to_string(),
            state: Arc::new(Mutex::new(state)),
            changed: Arc::new(Notify::new()),
            ids: Arc::new(AtomicU64::new(1_300_000_000_000_000_000)),
            seq: Arc::new(AtomicU64::new(0)),
        };
        let rest = fake.clone();
        let gateway_url = ws_url.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let fake = rest.clone();
                let ws = gateway_url.clone();
                async move { fake.answer(method, uri, headers, body, &ws) }
            },
        );
        tokio::spawn(async move {
            let _ = axum::serve(api, app).await;
        });
        tokio::spawn(fake.clone().serve_gateway(ws, ws_url));
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A new snowflake.
    pub fn id(&self) -> String {
        self.ids.fetch_add(1, Ordering::SeqCst).to_string()
    }

    /// A message `author` wrote in `channel`: threads can start from it, and it can be read.
    pub fn remember_message(&self, channel: &str, id: &str, author: &str, text: &str) {
        let mut state = self.lock();
        state.messages.insert(id.to_string(), channel.to_string());
        state
            .written
            .insert(id.to_string(), (author.to_string(), text.to_string()));
    }

    /// Someone is a member of `guild` (a guild member object, with its `user` and `roles`).
    pub fn add_member(&self, guild: &str, member: Value) {
        let user = member["user"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        self.lock()
            .members
            .insert((guild.to_string(), user), member);
    }

    /// A direct-message channel between someone and the bot.
    pub fn open_dm(&self, id: &str) {
        let mut state = self.lock();
        state.channels.insert(id.to_string(), None);
        state.dms.insert(id.to_string());
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The IDENTIFY payloads the bot sent.
    pub fn identified(&self) -> Vec<Value> {
        self.lock().identified.clone()
    }

    /// Waits until `found` finds something in the calls, and returns it.
    pub async fn wait_for<T>(&self, what: &str, found: impl Fn(&[Call]) -> Option<T>) -> T {
        wait_until(
            &self.changed,
            what,
            || found(&self.lock().calls),
            || format!("calls: {:#?}", self.calls()),
        )
        .await
    }

    /// Waits for a message posted in `channel` matching `matches`; returns (body, message id).
    pub async fn posted(
        &self,
        what: &str,
        channel: &str,
        matches: impl Fn(&Value) -> bool,
    ) -> (Value, String) {
        let body = self
            .wait_for(what, |calls| {
                calls
                    .iter()
                    .find(|c| c.posts_in(channel) && matches(&c.body))
                    .map(|c| c.body.clone())
            })
            .await;
        let nonce = body["nonce"].as_str().unwrap_or_default().to_string();
        let id = self
            .lock()
            .nonces
            .get(&(channel.to_string(), nonce))
            .cloned()
            .expect("a posted message has an id");
        (body, id)
    }

    /// Waits for the answer to interaction `id` through the callback route.
    pub async fn callback(&self, id: &str) -> Value {
        let path = format!("/interactions/{id}/");
        self.wait_for("the interaction's answer", |calls| {
            calls
                .iter()
                .find(|c| c.method == "POST" && c.path.starts_with(&path))
                .map(|c| c.body.clone())
        })
        .await
    }

    /// Waits until `n` gateway sessions have identified.
    pub async fn connected(&self, n: usize) {
        let what = format!("{n} gateway sessions");
        let open = || (self.lock().identified.len() >= n).then_some(());
        wait_until(&self.changed, &what, open, String::new).await
    }

    /// Sends a dispatch (`op` 0) on the gateway.
    pub fn dispatch(&self, name: &str, data: Value) {
        let frame = json!({
            "op": 0, "t": name, "d": data,
            "s": self.seq.fetch_add(1, Ordering::SeqCst) + 1,
        });
        let sent = self
            .lock()
            .sockets
            .iter()
            .any(|s| s.send(frame.to_string()).is_ok());
        assert!(sent, "no gateway connection is open");
    }

    fn record(&self, method: &Method, path: &str, body: &Value, headers: &HeaderMap) {
        let auth = headers
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        self.lock().calls.push(Call {
            method: method.to_string(),
            path: path.to_string(),
            body: body.clone(),
            auth,
        });
        self.changed.notify_waiters();
    }

    fn answer(
        &self,
        method: Method,
        uri: Uri,
        headers: HeaderMap,
        raw: Bytes,
        ws: &str,
    ) -> Response {
        let path = uri.path().trim_start_matches("/api/v10").to_string();
        let body: Value = serde_json::from_slice(&raw).unwrap_or(Value::Null);
        // Recorded once answered, so a waiting test sees the call with its outcome in place.
        let response = self.respond(&method, &path, &body, ws);
        self.record(&method, &path, &body, &headers);
        response
    }

    fn respond(&self, method: &Method, path: &str, body: &Value, ws: &str) -> Response {
        let body = body.clone();
        let parts: Vec<&str> = path.trim_start_matches('/').split('/').collect();
        let ok = |v: Value| (StatusCode::OK, axum::Json(v)).into_response();
        let unknown_channel = || {
            (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "code": 10003, "message": "Unknown Channel" })),
            )
                .into_response()
        };
        match (method.as_str(), parts.as_slice()) {
            ("GET", ["gateway"]) => ok(json!({ "url": ws })),
            ("GET", ["gateway", "bot"]) => ok(json!({
                "url": ws, "shards": 1,
                "session_start_limit": { "total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1 },
            })),
            ("PUT", ["applications", _, ..]) => ok(body),
            ("GET", ["channels", id]) => {
                let known = self.lock().channels.get(*id).cloned();
                match known {
                    Some(Some(parent)) => ok(json!({ "id": id, "type": 11, "parent_id": parent })),
                    Some(None) => ok(json!({ "id": id, "type": 0 })),
                    None => unknown_channel(),
                }
            }
            ("POST", ["channels", channel, "messages"]) => {
                let mut state = self.lock();
                if !state.channels.contains_key(*channel) {
                    return unknown_channel();
                }
                let nonce = body["nonce"].as_str().unwrap_or_default().to_string();
                let key = (channel.to_string(), nonce);
                let id = match state.nonces.get(&key) {
                    Some(id) if body["enforce_nonce"] == true => id.clone(),
                    _ => {
                        let id = self.id();
                        state.nonces.insert(key, id.clone());
                        state.messages.insert(id.clone(), channel.to_string());
                        id
                    }
                };
                ok(json!({ "id": id, "channel_id": channel, "content": body["content"] }))
            }
            ("GET", ["channels", channel, "messages", message]) => {
                let written = self.lock().written.get(*message).cloned();
                match written {
                    Some((author, text)) => ok(json!({
                        "id": message, "channel_id": channel, "content": text,
                        "author": { "id": author, "username": author },
                    })),
                    None => (
                        StatusCode::NOT_FOUND,
                        axum::Json(json!({ "code": 10008, "message": "Unknown Message" })),
                    )
                        .into_response(),
                }
            }
            ("PATCH", ["channels", channel, "messages", message]) => {
                ok(json!({ "id": message, "channel_id": channel }))
            }
            ("POST", ["channels", channel, "messages", message, "threads"]) => {
                let mut state = self.lock();
                if state.dms.contains(*channel) {
                    return (
                        StatusCode::BAD_REQUEST,
                        axum::Json(json!({ "code": 50003, "message": "Cannot execute action on a DM channel" })),
                    )
                        .into_response();
                }
                if state.messages.get(*message).map(String::as_str) != Some(*channel) {
                    return unknown_channel();
                }
                if !state.threads_started.insert(message.to_string()) {
                    return (
                        StatusCode::BAD_REQUEST,
                        axum::Json(json!({ "code": 160004, "message": "A thread has already been created for this message" })),
                    )
                        .into_response();
                }
                state
                    .channels
                    .insert(message.to_string(), Some(channel.to_string()));
                (
                    StatusCode::CREATED,
                    axum::Json(json!({ "id": message, "type": 11, "parent_id": channel, "name": body["name"] })),
                )
                    .into_response()
            }
            ("POST", ["channels", channel, "threads"]) => {
                let id = self.id();
                let mut state = self.lock();
                if !state.channels.contains_key(*channel) {
                    return unknown_channel();
                }
                state.channels.insert(id.clone(), Some(channel.to_string()));
                state
                    .private
                    .insert(id.clone(), (channel.to_string(), body["name"].clone()));
                (
                    StatusCode::CREATED,
                    axum::Json(json!({ "id": id, "type": body["type"], "parent_id": channel, "name": body["name"] })),
                )
                    .into_response()
            }
            ("GET", ["guilds", guild, "members", user]) => {
                let key = (guild.to_string(), user.to_string());
                match self.lock().members.get(&key).cloned() {
                    Some(member) => ok(member),
                    None => (
                        StatusCode::NOT_FOUND,
                        axum::Json(json!({ "code": 10007, "message": "Unknown Member" })),
                    )
                        .into_response(),
                }
            }
            ("GET", ["guilds", _, "threads", "active"]) => {
                let threads: Vec<Value> = self
                    .lock()
                    .private
                    .iter()
                    .map(|(id, (parent, name))| json!({ "id": id, "type": 12, "parent_id": parent, "name": name }))
                    .collect();
                ok(json!({ "threads": threads, "members": [] }))
            }
            ("PUT" | "DELETE", ["channels", thread, "thread-members", _]) => {
                if self
                    .lock()
                    .channels
                    .get(*thread)
                    .is_some_and(Option::is_some)
                {
                    StatusCode::NO_CONTENT.into_response()
                } else {
                    unknown_channel()
                }
            }
            ("PATCH", ["channels", thread]) => {
                let known = self.lock().channels.get(*thread).cloned();
                match known {
                    Some(Some(parent)) => ok(json!({ "id": thread, "type": 11, "parent_id": parent, "thread_metadata": { "archived": body["archived"] } })),
                    Some(None) => (
                        StatusCode::BAD_REQUEST,
                        axum::Json(json!({ "code": 50024, "message": "Cannot execute action on this channel type" })),
                    )
                        .into_response(),
                    None => unknown_channel(),
                }
            }
            ("PUT", ["channels", _, "messages", _, "reactions", _, "@me"]) => {
                StatusCode::NO_CONTENT.into_response()
            }
            ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
            ("POST", ["webhooks", _, _]) => ok(json!({ "id": self.id() })),
            ("PATCH", ["webhooks", _, _, "messages", _]) => ok(json!({ "id": self.id() })),
            ("POST", ["users", "@me", "channels"]) => {
                let id = self.id();
                self.open_dm(&id);
                ok(json!({ "id": id, "type": 1 }))
            }
            _ => (
                StatusCode::NOT_FOUND,
                axum::Json(json!({ "code": 0, "message": "404: Not Found" })),
            )
                .into_response(),
        }
    }

    async fn serve_gateway(self, listener: TcpListener, ws_url: String) {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let fake = self.clone();
            let ws_url = ws_url.clone();
            tokio::spawn(async move {
                let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
                    return;
                };
                let (mut sink, mut stream) = ws.split();
                let hello = json!({ "op": 10, "d": { "heartbeat_interval": 45000 } });
                if sink
                    .send(Message::Text(hello.to_string().into()))
                    .await
                    .is_err()
                {
                    return;
                }
                let (tx, mut rx) = mpsc::unbounded_channel::<String>();
                loop {
                    tokio::select! {
                        out = rx.recv() => match out {
                            Some(text) => if sink.send(Message::Text(text.into())).await.is_err() { return },
                            None => return,
                        },
                        incoming = stream.next() => match incoming {
                            Some(Ok(Message::Text(text))) => {
                                let Ok(frame) = serde_json::from_str::<Value>(&text) else { continue };
                                match frame["op"].as_u64() {
                                    // IDENTIFY: READY, then this connection takes dispatches.
                                    Some(2) => {
                                        let ready = json!({
                                            "op": 0, "t": "READY", "s": fake.seq.fetch_add(1, Ordering::SeqCst) + 1,
                                            "d": {
                                                "v": 10,
                                                "user": { "id": fake.application_id, "username": "helpdesk", "discriminator": "0", "avatar": null, "bot": true, "global_name": null },
                                                "guilds": [],
                                                "session_id": "fake-session",
                                                "resume_gateway_url": ws_url,
                                                "shard": frame["d"]["shard"],
                                                "application": { "id": fake.application_id, "flags": 0 },
                                            }
                                        });
                                        if sink.send(Message::Text(ready.to_string().into())).await.is_err() { return }
                                        let mut state = fake.lock();
                                        state.identified.push(frame["d"].clone());
                                        state.sockets.push(tx.clone());
                                        drop(state);
                                        fake.changed.notify_waiters();
                                    }
                                    // Heartbeat: acknowledged.
                                    Some(1) => {
                                        let ack = json!({ "op": 11 });
                                        if sink.send(Message::Text(ack.to_string().into())).await.is_err() { return }
                                    }
                                    _ => {}
                                }
                            }
                            Some(Ok(Message::Ping(p))) => { let _ = sink.send(Message::Pong(p)).await; }
                            Some(Ok(_)) => {}
                            _ => return,
                        },
                    }
                }
            });
        }
    }
}
