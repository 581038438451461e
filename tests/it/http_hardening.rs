//! The HTTP listeners as an attacker meets them: a half-sent request is cut at the header
//! timeout, a stalled body at the request timeout, connections over the cap are refused; and
//! health and metrics can live on an internal listener the platforms never see.

use crate::common;

use axum::routing::{get, post};
use axum::Router;
use common::bot::Bot;
use common::fake_slack::{patiently, FakeSlack};
use helpdesk::http::{HttpServer, Limits};
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const BOT_TOKEN: &str = "xoxb-hardening-bot-token-0123456789";
const SIGNING_SECRET: &str = "hardening-signing-secret-0123456789";

/// The desk of one workspace, so the bot has somebody to serve.
const TENANT: &str = r#"
[[tenants]]
platform = "slack"
id = "T1"
name = "Hardening"
intake_channels = ["CHELP"]

[tenants.levels.l1]
channel = "CL1"
group = "SL1"
budget = "none"
"#;

/// A small app: a page, and an endpoint that reads its whole body as the webhooks do.
fn app() -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/echo", post(|body: String| async move { body }))
}

/// Serves `app()` with these limits on a free port; stops when the sender is dropped.
async fn serve(limits: Limits) -> (SocketAddr, tokio::sync::oneshot::Sender<()>) {
    let server = HttpServer::bind(([127, 0, 0, 1], 0).into(), app())
        .await
        .unwrap()
        .with_limits(limits);
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.serve(async {
        let _ = stopped.await;
    }));
    (addr, stop)
}

fn limits(header: Duration, request: Duration, connections: usize) -> Limits {
    Limits {
        header_read_timeout: header,
        request_timeout: request,
        max_connections: connections,
    }
}

/// Everything the server sends until it closes the connection (bounded by the test's patience).
async fn read_until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    patiently("the server to close the connection", async {
        // A reset after the answer also counts as closed.
        let _ = stream.read_to_end(&mut answer).await;
    })
    .await;
    String::from_utf8_lossy(&answer).into_owned()
}

/// One request on a fresh connection that the server is asked to close; the whole answer.
async fn exchange(addr: SocketAddr, request: &str) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(addr).await?;
    stream.write_all(request.as_bytes()).await?;
    Ok(read_until_closed(&mut stream).await)
}

fn get_request(path: &str) -> String {
    format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
}

/// The issue's attack: half a request line kept a connection open for 40 s.
#[tokio::test]
async fn a_half_sent_request_is_closed_after_the_header_timeout() {
    let timeout = Duration::from_millis(300);
    let (addr, _stop) = serve(limits(timeout, Duration::from_secs(30), 16)).await;
    for partial in [
        "GET /healthz HT",
        "GET /healthz HTTP/1.1\r\nHost: x\r\n",
        "",
    ] {
        let started = Instant::now();
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream.write_all(partial.as_bytes()).await.unwrap();
        let answer = read_until_closed(&mut stream).await;
        let took = started.elapsed();
        assert!(
            took >= timeout,
            "{partial:?}: closed after {took:?}, before the timeout"
        );
        assert!(
            took < Duration::from_secs(5),
            "{partial:?}: still open after {took:?}"
        );
        assert!(
            !answer.contains("200 OK"),
            "{partial:?}: a half request is not served: {answer}"
        );
    }
    // A whole request in time is served as before.
    let answer = exchange(addr, &get_request("/healthz")).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_that_stalls_is_answered_408_at_the_request_timeout() {
    let timeout = Duration::from_millis(300);
    let (addr, _stop) = serve(limits(Duration::from_secs(10), timeout, 16)).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly ten b")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() >= timeout);

    let body = "a whole body, sent at once";
    let answer = exchange(
        addr,
        &format!(
            "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ),
    )
    .await
    .unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200") && answer.ends_with(body),
        "{answer}"
    );
}

#[tokio::test]
async fn connections_over_the_cap_are_refused_until_one_closes() {
    let (addr, _stop) = serve(limits(Duration::from_secs(30), Duration::from_secs(30), 2)).await;
    // Two clients hold their connections open (keep-alive), each after one answered request:
    // the server has taken both.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            .await
            .unwrap();
        let mut answer = Vec::new();
        patiently("a held connection's answer", async {
            while !answer.ends_with(b"ok\n") {
                let mut chunk = [0u8; 512];
                let n = stream.read(&mut chunk).await.unwrap();
                assert!(n > 0, "the held connection closed early");
                answer.extend_from_slice(&chunk[..n]);
            }
        })
        .await;
        held.push(stream);
    }
    // The third is told to come back later, and closed.
    let answer = exchange(addr, &get_request("/healthz")).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    assert!(answer.contains("Retry-After"), "{answer}");

    // Once one client leaves, a new one is served again.
    drop(held.remove(0));
    patiently("a freed slot to serve a new connection", async {
        loop {
            let answer = exchange(addr, &get_request("/healthz")).await.unwrap();
            if answer.starts_with("HTTP/1.1 200") {
                break;
            }
            assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    // The other held connection was never disturbed.
    let stream = &mut held[0];
    stream
        .write_all(get_request("/healthz").as_bytes())
        .await
        .unwrap();
    let answer = read_until_closed(stream).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

fn free_port() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A Slack `url_verification` POST signed with `secret`; the status and the body.
async fn signed_verification(addr: SocketAddr, secret: &str) -> std::io::Result<(u16, String)> {
    let body = r#"{"type":"url_verification","token":"x","challenge":"hardening-challenge"}"#;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = helpdesk_slack::signature::sign(secret, &now, body.as_bytes());
    let headers = [
        ("X-Slack-Request-Timestamp", now.as_str()),
        ("X-Slack-Signature", signature.as_str()),
    ];
    common::fake_slack::try_post(addr, "/slack/events", "application/json", &headers, body).await
}

/// The status line of `GET path`.
async fn status_of(addr: SocketAddr, path: &str) -> String {
    let answer = exchange(addr, &get_request(path)).await.unwrap();
    answer.lines().next().unwrap_or_default().to_string()
}

async fn slack_env(fake: &FakeSlack) -> Vec<(&'static str, String)> {
    vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SIGNING_SECRET.to_string()),
    ]
}

#[tokio::test]
async fn health_and_metrics_move_to_the_internal_listener_and_webhooks_stay_public() {
    let fake = FakeSlack::start(&[("SL1", &["UADA"])], &[("UADA", "Ada")]).await;
    let internal = free_port();
    let mut env = slack_env(&fake).await;
    env.push(("HELPDESK_HTTP_INTERNAL_LISTEN", internal.to_string()));
    let bot = Bot::start(TENANT, None, &env).await;
    let public = bot.addr;

    for path in ["/healthz", "/readyz", "/metrics"] {
        assert!(
            status_of(internal, path).await.starts_with("HTTP/1.1 200"),
            "{path} on the internal listener"
        );
        let status = status_of(public, path).await;
        assert!(
            status.starts_with("HTTP/1.1 404"),
            "{path} is not served to the public: {status}"
        );
    }
    let (status, body) = signed_verification(public, SIGNING_SECRET).await.unwrap();
    assert_eq!(status, 200, "the webhook stays public: {body}");
    assert!(body.contains("hardening-challenge"), "{body}");
    let (status, _) = signed_verification(internal, SIGNING_SECRET).await.unwrap();
    assert_eq!(status, 404, "no webhook on the internal listener");

    // The container health check asks the internal listener.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_helpdesk"))
        .arg("health")
        .env_clear()
        .env("HELPDESK_HTTP_LISTEN", public.to_string())
        .env("HELPDESK_HTTP_INTERNAL_LISTEN", internal.to_string())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{internal}/readyz: ok")),
        "{stdout}"
    );
    bot.stop().await;
}

#[tokio::test]
async fn without_an_internal_listener_everything_stays_on_http_listen() {
    let fake = FakeSlack::start(&[("SL1", &["UADA"])], &[("UADA", "Ada")]).await;
    let bot = Bot::start(TENANT, None, &slack_env(&fake).await).await;
    for path in ["/healthz", "/readyz", "/metrics"] {
        let status = status_of(bot.addr, path).await;
        assert!(status.starts_with("HTTP/1.1 200"), "{path}: {status}");
    }
    let (status, body) = signed_verification(bot.addr, SIGNING_SECRET).await.unwrap();
    assert_eq!(status, 200, "{body}");
    bot.stop().await;
}

/// The attack against the real binary: its public listener cuts a half-sent request.
#[tokio::test]
async fn the_bot_closes_a_half_sent_request_after_its_header_timeout() {
    let fake = FakeSlack::start(&[("SL1", &["UADA"])], &[("UADA", "Ada")]).await;
    let mut env = slack_env(&fake).await;
    env.push(("HELPDESK_HTTP_HEADER_READ_TIMEOUT", "500ms".to_string()));
    let bot = Bot::start(TENANT, None, &env).await;
    let started = Instant::now();
    let mut stream = TcpStream::connect(bot.addr).await.unwrap();
    stream.write_all(b"POST /slack/events HT").await.unwrap();
    read_until_closed(&mut stream).await;
    let took = started.elapsed();
    assert!(
        (Duration::from_millis(500)..Duration::from_secs(5)).contains(&took),
        "closed after {took:?}"
    );
    bot.stop().await;
}
