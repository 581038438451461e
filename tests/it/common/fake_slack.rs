//! A fake Slack on 127.0.0.1: the Web API methods the adapter calls, and a Socket Mode
//! WebSocket server. It records every call and acknowledgement, and wakes waiting tests.

use serde_json::{json, Value};
use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::{mpsc, Notify};

/// One Web API call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// `chat.postMessage`, …
    pub method: String,
    /// The JSON body or the query parameters as an object.
    pub body: Value,
    /// The bearer token it carried.
    pub token: String,
    /// The ts a successful `chat.postMessage` was answered with, given as the call is
    /// recorded so that concurrent posts never swap numbers.
    pub ts: Option<String>,
}

#[derive(Default)]
struct State {
    calls: Vec<Call>,
    acks: HashMap<String, Value>,
    sockets: Vec<mpsc::UnboundedSender<String>>,
    /// Method → (status, Retry-After, error code) answers to give once each, in order.
    failures: HashMap<String, Vec<(u16, u64, String)>>,
    groups: Vec<(String, Vec<String>)>,
    names: HashMap<String, String>,
    /// user → the locale users.info gives when asked with `include_locale`.
    locales: HashMap<String, String>,
    /// (channel, ts) → (author, text), for conversations.history.
    history: HashMap<(String, String), (String, String)>,
    /// The bot's posts, as history and replies return them.
    posts: Vec<Value>,
    /// How long each Web API answer takes.
    delay: Duration,
    /// Bot token → the workspace it belongs to (`auth.test`); any other token is of `T1`.
    teams: HashMap<String, String>,
    /// Channel → the error every post there gets (the bot was taken out of it).
    refused: HashMap<String, String>,
}

/// The fake.
#[derive(Clone)]
pub struct FakeSlack {
    /// The Web API base URL (`http://127.0.0.1:port/api`).
    pub api_url: String,
    state: Arc<Mutex<State>>,
    changed: Arc<Notify>,
    ts: Arc<AtomicU64>,
    envelopes: Arc<AtomicU64>,
}

impl FakeSlack {
    /// Starts the Web API and the WebSocket server with these user groups and display names.
    pub async fn start(groups: &[(&str, &[&str])], names: &[(&str, &str)]) -> FakeSlack {
        let api = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let ws = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api_addr = api.local_addr().unwrap();
        let ws_addr = ws.local_addr().unwrap();
        let state = State {
            groups: groups
                .iter()
                .map(|(g, users)| (g.to_string(), users.iter().map(|u| u.to_string()).collect()))
                .collect(),
            names: names
                .iter()
                .map(|(u, n)| (u.to_string(), n.to_string()))
                .collect(),
            ..State::default()
        };
        let fake = FakeSlack {
            api_url: format!("http://{api_addr}/api"),
            state: Arc::new(Mutex::new(state)),
            changed: Arc::new(Notify::new()),
            ts: Arc::new(AtomicU64::new(0)),
            envelopes: Arc::new(AtomicU64::new(0)),
        };
        tokio::spawn(fake.clone().serve_api(api, ws_addr));
        tokio::spawn(fake.clone().serve_sockets(ws));
        fake
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Each Web API answer takes this long from now on (a slow Slack).
    pub fn slow_down(&self, delay: Duration) {
        self.lock().delay = delay;
    }

    /// A message people wrote, as conversations.history returns it.
    pub fn remember(&self, channel: &str, ts: &str, user: &str, text: &str) {
        self.lock().history.insert(
            (channel.to_string(), ts.to_string()),
            (user.to_string(), text.to_string()),
        );
    }

    /// A reply someone wrote in a thread, as conversations.replies returns it.
    pub fn remember_reply(&self, channel: &str, thread: &str, ts: &str, user: &str, text: &str) {
        self.lock().posts.push(json!({
            "type": "message", "channel": channel, "thread_ts": thread, "ts": ts,
            "user": user, "text": text,
        }));
    }

    /// `user`'s Slack language is `locale` (`pl-PL`): users.info says it when asked to.
    pub fn speaks(&self, user: &str, locale: &str) {
        self.lock()
            .locales
            .insert(user.to_string(), locale.to_string());
    }

    /// Every call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    /// The next call of `method` answers HTTP `status` with `{"ok":false,"error":error}` and
    /// `Retry-After: retry_after`.
    pub fn fail(&self, method: &str, status: u16, retry_after: u64, error: &str) {
        self.lock()
            .failures
            .entry(method.to_string())
            .or_default()
            .push((status, retry_after, error.to_string()));
    }

    /// From now on every post in `channel` fails with `error` (`not_in_channel`, …).
    pub fn refuse(&self, channel: &str, error: &str) {
        self.lock()
            .refused
            .insert(channel.to_string(), error.to_string());
    }

    /// Waits until `found` finds something in the calls, and returns it.
    pub async fn wait_for<T>(&self, what: &str, found: impl Fn(&[Call]) -> Option<T>) -> T {
        self.wait_for_explained(what, found, |calls| {
            // The last calls say what the bot did before it stopped; thousands say nothing.
            let last = &calls[calls.len().saturating_sub(10)..];
            format!("{} calls; the last ones: {last:#?}", calls.len())
        })
        .await
    }

    /// Like [`FakeSlack::wait_for`], with `explain` saying what was missing on failure.
    pub async fn wait_for_explained<T>(
        &self,
        what: &str,
        found: impl Fn(&[Call]) -> Option<T>,
        explain: impl Fn(&[Call]) -> String,
    ) -> T {
        wait_until(
            &self.changed,
            what,
            || found(&self.lock().calls),
            || explain(&self.lock().calls),
        )
        .await
    }

    /// Waits for a posted message matching `matches` (a `chat.postMessage` body).
    pub async fn posted(&self, what: &str, matches: impl Fn(&Value) -> bool) -> Value {
        self.wait_for(what, |calls| {
            calls
                .iter()
                .find(|c| c.method == "chat.postMessage" && matches(&c.body))
                .map(|c| c.body.clone())
        })
        .await
    }

    /// Waits for the n-th (from 1) call of `method` and returns its body.
    pub async fn nth(&self, method: &str, n: usize) -> Value {
        self.wait_for(method, |calls| {
            calls
                .iter()
                .filter(|c| c.method == method)
                .nth(n - 1)
                .map(|c| c.body.clone())
        })
        .await
    }

    /// Waits until `n` Socket Mode connections are open.
    pub async fn connected(&self, n: usize) {
        let what = format!("{n} socket connections");
        let open = || (self.lock().sockets.len() >= n).then_some(());
        wait_until(&self.changed, &what, open, String::new).await
    }

    /// Sends an envelope on a Socket Mode connection and waits for its acknowledgement.
    pub async fn envelope(&self, kind: &str, payload: Value) -> Value {
        let id = format!("env-{}", self.envelopes.fetch_add(1, Ordering::SeqCst) + 1);
        let frame = json!({
            "envelope_id": id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        });
        let sent = {
            let state = self.lock();
            state
                .sockets
                .iter()
                .any(|s| s.send(frame.to_string()).is_ok())
        };
        assert!(sent, "no socket connection is open");
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(ack) = self.lock().acks.get(&id) {
                return ack.clone();
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!("envelope {id} ({kind}) was never acknowledged");
            }
        }
    }

    fn next_ts(&self) -> String {
        format!(
            "1700000000.{:06}",
            self.ts.fetch_add(1, Ordering::SeqCst) + 1
        )
    }

    /// Says that `token` belongs to the workspace `team` (every other token belongs to `T1`).
    pub fn token_of(&self, token: &str, team: &str) {
        self.lock()
            .teams
            .insert(token.to_string(), team.to_string());
    }

    fn answer(
        &self,
        method: &str,
        body: &Value,
        ws: SocketAddr,
        token: &str,
        ts: Option<String>,
    ) -> Value {
        let field = |k: &str| body[k].as_str().unwrap_or_default().to_string();
        match method {
            "auth.test" => {
                let team = self.lock().teams.get(token).cloned();
                let team = team.unwrap_or_else(|| "T1".to_string());
                json!({ "ok": true, "team_id": team, "user_id": "UBOT", "bot_id": "BBOT" })
            }
            "apps.connections.open" => json!({ "ok": true, "url": format!("ws://{ws}/link") }),
            "chat.postMessage" => {
                let ts = ts.unwrap_or_else(|| self.next_ts());
                // A user id as the channel posts in the app's DM with that person, and Slack
                // answers with the DM's own id (D…).
                let channel = field("channel");
                let channel = match channel.strip_prefix('U') {
                    Some(user) => format!("D{user}"),
                    None => channel,
                };
                let mut message = json!({ "type": "message", "ts": ts, "text": field("text") });
                message["metadata"] = body["metadata"].clone();
                message["channel"] = json!(channel);
                message["thread_ts"] = body["thread_ts"].clone();
                self.lock().posts.push(message);
                json!({ "ok": true, "channel": channel, "ts": ts })
            }
            "conversations.replies" => {
                // Slack answers with the whole thread, whichever of its messages `ts` names.
                let state = self.lock();
                let same_channel = |m: &&Value| m["channel"] == body["channel"];
                let parent = state
                    .posts
                    .iter()
                    .filter(same_channel)
                    .find(|m| m["ts"] == body["ts"])
                    .and_then(|m| m["thread_ts"].as_str().map(str::to_string))
                    .unwrap_or_else(|| field("ts"));
                let messages: Vec<Value> = state
                    .posts
                    .iter()
                    .filter(same_channel)
                    .filter(|m| m["thread_ts"] == parent.as_str() || m["ts"] == parent.as_str())
                    .cloned()
                    .collect();
                json!({ "ok": true, "messages": messages })
            }
            "conversations.open" => {
                json!({ "ok": true, "channel": { "id": format!("D{}", field("users")) } })
            }
            "usergroups.list" => {
                let groups: Vec<Value> = self
                    .lock()
                    .groups
                    .iter()
                    .map(|(id, users)| json!({ "id": id, "users": users }))
                    .collect();
                json!({ "ok": true, "usergroups": groups })
            }
            "users.info" => {
                let user = field("user");
                let name = self
                    .lock()
                    .names
                    .get(&user)
                    .cloned()
                    .unwrap_or(user.clone());
                let mut answer = json!({ "ok": true, "user": { "id": user, "name": name, "profile": { "display_name": name } } });
                if field("include_locale") == "true" {
                    if let Some(locale) = self.lock().locales.get(&user).cloned() {
                        answer["user"]["locale"] = json!(locale);
                    }
                }
                answer
            }
            "conversations.history" if body.get("latest").is_none() => {
                let messages: Vec<Value> = self
                    .lock()
                    .posts
                    .iter()
                    .rev()
                    .filter(|m| m["channel"] == body["channel"] && m["thread_ts"].is_null())
                    .cloned()
                    .collect();
                json!({ "ok": true, "messages": messages })
            }
            "conversations.history" => {
                let key = (field("channel"), field("latest"));
                let messages: Vec<Value> = self
                    .lock()
                    .history
                    .get(&key)
                    .map(|(user, text)| json!({ "type": "message", "user": user, "text": text, "ts": key.1 }))
                    .into_iter()
                    .collect();
                json!({ "ok": true, "messages": messages })
            }
            _ => json!({ "ok": true }),
        }
    }

    async fn serve_api(self, listener: TcpListener, ws: SocketAddr) {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let fake = self.clone();
            tokio::spawn(async move {
                let _ = fake.serve_connection(stream, ws).await;
            });
        }
    }

    /// A minimal HTTP/1.1 server: enough for hyper's client (keep-alive, Content-Length).
    async fn serve_connection(
        &self,
        stream: tokio::net::TcpStream,
        ws: SocketAddr,
    ) -> std::io::Result<()> {
        use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        loop {
            let mut line = String::new();
            if read.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            let mut parts = line.split_whitespace();
            let (verb, target) = (
                parts.next().unwrap_or_default().to_string(),
                parts.next().unwrap_or_default().to_string(),
            );
            let mut length = 0usize;
            let mut token = String::new();
            loop {
                let mut header = String::new();
                read.read_line(&mut header).await?;
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let (name, value) = header.split_once(':').unwrap_or((header, ""));
                match name.to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "authorization" => {
                        token = value.trim().trim_start_matches("Bearer ").to_string()
                    }
                    _ => {}
                }
            }
            let mut raw = vec![0; length];
            read.read_exact(&mut raw).await?;
            let (path, query) = target.split_once('?').unwrap_or((&target, ""));
            let method = path.trim_start_matches("/api/").to_string();
            let body: Value = if verb == "GET" {
                let params: serde_json::Map<String, Value> =
                    form_urlencoded::parse(query.as_bytes())
                        .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
                        .collect();
                Value::Object(params)
            } else {
                serde_json::from_slice(&raw).unwrap_or(Value::Null)
            };
            let (failure, ts) = {
                let mut state = self.lock();
                let refused = body["channel"]
                    .as_str()
                    .and_then(|c| state.refused.get(c))
                    .filter(|_| method == "chat.postMessage")
                    .map(|error| (200, 0, error.clone()));
                let failure = refused.or_else(|| {
                    state
                        .failures
                        .get_mut(&method)
                        .and_then(|f| (!f.is_empty()).then(|| f.remove(0)))
                });
                let ts =
                    (method == "chat.postMessage" && failure.is_none()).then(|| self.next_ts());
                state.calls.push(Call {
                    method: method.clone(),
                    body: body.clone(),
                    token: token.clone(),
                    ts: ts.clone(),
                });
                (failure, ts)
            };
            self.changed.notify_waiters();
            let delay = self.lock().delay;
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let (status, extra, answer) = match failure {
                Some((status, retry, error)) => (
                    status,
                    format!("Retry-After: {retry}\r\n"),
                    json!({ "ok": false, "error": error }),
                ),
                None => (
                    200,
                    String::new(),
                    self.answer(&method, &body, ws, &token, ts),
                ),
            };
            let text = answer.to_string();
            let response = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json; charset=utf-8\r\n{extra}Content-Length: {}\r\n\r\n{text}",
                text.len()
            );
            write.write_all(response.as_bytes()).await?;
        }
    }

    async fn serve_sockets(self, listener: TcpListener) {
        use futures_util::{SinkExt, StreamExt};
        use tokio_tungstenite::tungstenite::Message;
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
                let hello = json!({
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": { "host": "fake" },
                    "connection_info": { "app_id": "A1" },
                });
                if sink
                    .send(Message::Text(hello.to_string().into()))
                    .await
                    .is_err()
                {
                    return;
                }
                fake.lock().sockets.push(tx);
                fake.changed.notify_waiters();
                loop {
                    tokio::select! {
                        out = rx.recv() => match out {
                            Some(text) => if sink.send(Message::Text(text.into())).await.is_err() { return },
                            None => return,
                        },
                        incoming = stream.next() => match incoming {
                            Some(Ok(Message::Text(text))) => {
                                if let Ok(ack) = serde_json::from_str::<Value>(&text) {
                                    if let Some(id) = ack["envelope_id"].as_str() {
                                        fake.lock().acks.insert(id.to_string(), ack.clone());
                                        fake.changed.notify_waiters();
                                    }
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

/// Runs `f` with a timeout, failing the test instead of hanging it.
pub async fn patiently<T>(what: &str, f: impl Future<Output = T>) -> T {
    tokio::time::timeout(PATIENCE, f)
        .await
        .unwrap_or_else(|_| panic!("timed out: {what}"))
}

/// An HTTP/1.1 POST on a fresh connection; the status and the body.
pub async fn raw_post(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, String) {
    try_post(addr, path, content_type, headers, body)
        .await
        .unwrap_or_else(|e| panic!("POST {path} to {addr}: {e}"))
}

/// The same, with a refused or cut connection as an error.
pub async fn try_post(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, String)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).await?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await?;
    let status = answer
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}

/// How long a test waits for something the bot should do before it fails.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// Waits until `check` finds something, looking again each time `changed` is notified; fails
/// the test after [`PATIENCE`] with `what` and `failure`'s account of the state.
pub async fn wait_until<T>(
    changed: &tokio::sync::Notify,
    what: &str,
    mut check: impl FnMut() -> Option<T>,
    failure: impl Fn() -> String,
) -> T {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let notified = changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        if let Some(t) = check() {
            return t;
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            panic!("timed out waiting for {what}; {}", failure());
        }
    }
}
