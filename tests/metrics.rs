//! `/metrics`: the counters move with what the desk does, in Prometheus' text format.

mod common;

use common::chat::*;
use common::now;
use helpdesk::http::{router, HttpServer};
use helpdesk::sandbox::{example_tenant, Sandbox};
use std::io::{Read, Write};

/// The value of the sample `name` (with its labels) in an exposition.
fn sample(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|v| v.strip_prefix(' ')))
        .unwrap_or_else(|| panic!("no sample {name} in\n{text}"))
        .parse()
        .unwrap()
}

fn get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut body = String::new();
    stream.read_to_string(&mut body).unwrap();
    body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_events_tickets_and_the_outbox() {
    let db = common::TestDb::sqlite().await;
    let server = HttpServer::bind(([127, 0, 0, 1], 0).into(), router(db.store.clone()))
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve(async {
        let _ = stopped.await;
    }));
    let before = tokio::task::spawn_blocking(move || get(addr, "/metrics"))
        .await
        .unwrap();
    assert!(before.starts_with("HTTP/1.1 200"), "{before}");
    assert!(before.contains("text/plain; version=0.0.4"));

    let sb = Sandbox::new(db.store.clone(), example_tenant(), now());
    send(&sb, &mario(), "help", None, message("vpn down", "m1")).await;
    let event = sb.event(&mario(), "help", None, message("vpn down", "m1"));
    let again = helpdesk_chat::ChatEvent {
        event_id: "ev1".into(),
        ..event
    };
    sb.handle(&again).await.unwrap();
    send(&sb, &mario(), "help", None, command("close #1")).await;

    let after = tokio::task::spawn_blocking(move || get(addr, "/metrics"))
        .await
        .unwrap();
    // Other tests in this binary may count too: compare with the earlier scrape.
    let grew = |name: &str| sample(&after, name) - sample(&before, name);
    assert!(grew("helpdesk_tickets_opened_total") >= 1.0);
    assert!(grew("helpdesk_tickets_closed_total") >= 1.0);
    assert!(grew("helpdesk_events_total{kind=\"message\"}") >= 1.0);
    assert!(grew("helpdesk_events_total{kind=\"command\"}") >= 1.0);
    assert!(grew("helpdesk_events_duplicate_total") >= 1.0);
    assert!(grew("helpdesk_event_duration_seconds_count") >= 3.0);
    assert!(grew("helpdesk_dispatch_sent_total") >= 3.0);
    assert_eq!(
        sample(&after, "helpdesk_outbox_pending"),
        0.0,
        "everything was sent"
    );
    assert_eq!(sample(&after, "helpdesk_outbox_dead"), 0.0);
    let inf = sample(
        &after,
        "helpdesk_event_duration_seconds_bucket{le=\"+Inf\"}",
    );
    assert_eq!(inf, sample(&after, "helpdesk_event_duration_seconds_count"));

    let _ = stop.send(());
    serving.await.unwrap().unwrap();
    db.finish().await;
}

#[test]
fn the_grafana_dashboard_uses_only_metrics_the_bot_exposes() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/grafana-dashboard.json"
    ))
    .unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let exposed = helpdesk::metrics::METRICS.render(0, 0);
    let mut checked = 0;
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for word in expr.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if let Some(base) = word.strip_prefix("helpdesk_") {
                    let name = format!("helpdesk_{base}");
                    let family = name.trim_end_matches("_bucket");
                    assert!(
                        exposed.contains(&format!("# TYPE {family} ")),
                        "the dashboard uses {name}, which /metrics does not expose"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 10, "every panel queries the bot's metrics");
}
