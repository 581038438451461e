//! `/metrics`: labelled counters move with what the desk does, and the database gauges (open
//! tickets, outbox backlog, timers due) follow the database, in the OpenMetrics text format.

use crate::common;

use common::chat::*;
use common::now;
use helpdesk::http::{router, HttpServer};
use helpdesk::sandbox::Sandbox;
use helpdesk::store::Store;
use std::io::{Read, Write};

on_both_backends!(labelled_counters_and_database_gauges_follow_the_desk);

/// The value of the sample `series` (name and labels, exactly as exposed), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series).and_then(|v| v.strip_prefix(' ')))
        .map(|v| v.parse().unwrap())
}

/// The sum of the samples of `name` whose labels include every one of `labels`.
fn sum(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter_map(|l| l.strip_prefix(name)?.strip_prefix('{'))
        .filter_map(|l| l.split_once("} "))
        .filter(|(set, _)| labels.iter().all(|want| set.split(',').any(|l| l == *want)))
        .map(|(_, v)| v.parse::<f64>().unwrap())
        .sum()
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

async fn scrape(addr: std::net::SocketAddr) -> String {
    tokio::task::spawn_blocking(move || get(addr, "/metrics"))
        .await
        .unwrap()
}

/// Two tenants of their own (other tests in this binary count in theirs), events handled
/// without sending, then the outbox sent, then a ticket closed.
async fn labelled_counters_and_database_gauges_follow_the_desk(store: Store) {
    let server = HttpServer::bind(([127, 0, 0, 1], 0).into(), router(store.clone()))
        .await
        .unwrap();
    let addr = server.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve(async {
        let _ = stopped.await;
    }));
    let backend = store.backend().as_str();
    let (a, b) = (format!("acme-{backend}"), format!("globex-{backend}"));
    let tenant = |id: &str| {
        let mut t = one_ticket_per_line();
        t.id = id.to_string();
        t
    };
    // An hour ago: the tickets' budget timers are due by now, and the outbox has waited.
    let start = now() - chrono::Duration::hours(1);
    let sb = Sandbox::with_tenants(store.clone(), vec![tenant(&a), tenant(&b)], start, None);
    let (at_a, at_b) = (format!("tenant=\"{a}\""), format!("tenant=\"{b}\""));

    let before = scrape(addr).await;
    assert!(before.starts_with("HTTP/1.1 200"), "{before}");
    assert!(before.contains("application/openmetrics-text"), "{before}");
    assert_eq!(sample(&before, "helpdesk_metrics_database_up"), Some(1.0));
    assert_eq!(sum(&before, "helpdesk_tickets_open", &[&at_a]), 0.0);
    assert_eq!(sample(&before, "helpdesk_timers_due"), Some(0.0));

    // Handled but not sent: the outbox fills.
    for (tenant, text) in [
        (
            &a,
            "the VPN drops every few minutes since this morning's update",
        ),
        (
            &b,
            "the printer on the second floor jams on every double-sided job",
        ),
        (&b, "my laptop will not charge with the new dock in room 4"),
    ] {
        let id = format!("m-{}", text.len());
        let event = sb.event_in(tenant, &mario(), "help", None, message(text, &id));
        sb.desk.handle(&event).await.unwrap();
    }
    let filled = scrape(addr).await;
    let opened =
        |text: &str, at: &str| sum(text, "helpdesk_tickets_opened_total", &[at, "level=\"L1\""]);
    assert_eq!(opened(&filled, &at_a) - opened(&before, &at_a), 1.0);
    assert_eq!(opened(&filled, &at_b) - opened(&before, &at_b), 2.0);
    assert_eq!(
        sample(
            &filled,
            &format!("helpdesk_events_total{{kind=\"message\",platform=\"memory\",{at_b}}}")
        ),
        Some(2.0)
    );
    assert_eq!(
        sum(&filled, "helpdesk_tickets_open", &[&at_a, "level=\"L1\""]),
        1.0
    );
    assert_eq!(sum(&filled, "helpdesk_tickets_open", &[&at_b]), 2.0);
    let pending = sample(&filled, "helpdesk_outbox_pending{platform=\"memory\"}").unwrap();
    assert!(
        pending >= 3.0,
        "each new ticket queues its card and answer: {pending}"
    );
    let age = sample(
        &filled,
        "helpdesk_outbox_oldest_pending_age_seconds{platform=\"memory\"}",
    )
    .unwrap();
    assert!((3000.0..4000.0).contains(&age), "about an hour: {age}");
    assert!(sample(&filled, "helpdesk_timers_due").unwrap() >= 3.0);

    // Sent: the outbox drains, and the dispatch counter says so.
    let sent_before = sample(&filled, "helpdesk_dispatch_sent_total{platform=\"memory\"}");
    sb.settle().await.unwrap();
    let drained = scrape(addr).await;
    assert_eq!(
        sample(&drained, "helpdesk_outbox_pending{platform=\"memory\"}"),
        None,
        "no pending row left: the series is gone"
    );
    let sent = sample(
        &drained,
        "helpdesk_dispatch_sent_total{platform=\"memory\"}",
    )
    .unwrap();
    assert!(sent - sent_before.unwrap_or(0.0) >= pending, "{sent}");

    // Closed: the open gauge falls, the closed counter rises at the ticket's level.
    let closed_event = sb.event_in(&a, &mario(), "help", None, command("close #1"));
    assert_eq!(
        sb.handle(&closed_event).await.unwrap(),
        helpdesk::desk::Handled::Done
    );
    let after = scrape(addr).await;
    let closed = |text: &str| {
        sum(
            text,
            "helpdesk_tickets_closed_total",
            &[&at_a, "level=\"L1\""],
        )
    };
    assert_eq!(closed(&after) - closed(&filled), 1.0);
    assert_eq!(sum(&after, "helpdesk_tickets_open", &[&at_a]), 0.0);
    assert_eq!(sum(&after, "helpdesk_tickets_open", &[&at_b]), 2.0);
    let timed = |text: &str| sample(text, "helpdesk_event_duration_seconds_count").unwrap();
    assert!(timed(&after) - timed(&filled) >= 1.0, "the close was timed");

    // The families the dashboard test trusts are the ones exposed, with their types.
    let mut shown = 0;
    for (name, kind) in helpdesk::metrics::METRICS.families() {
        if let Some(line) = after
            .lines()
            .find(|l| l.starts_with(&format!("# TYPE {name} ")))
        {
            assert_eq!(line, format!("# TYPE {name} {kind}"));
            shown += 1;
        }
    }
    assert!(shown >= 8, "{after}");

    let _ = stop.send(());
    serving.await.unwrap().unwrap();
}

/// The family a sample name belongs to: `x_total` is counter `x`, `x_bucket` histogram `x`.
fn family(name: &str) -> &str {
    ["_total", "_bucket", "_count", "_sum"]
        .iter()
        .find_map(|suffix| name.strip_suffix(suffix))
        .unwrap_or(name)
}

#[test]
fn the_grafana_dashboard_uses_only_metrics_the_bot_exposes() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/deploy/grafana-dashboard.json"
    ))
    .unwrap();
    let dashboard: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let families = helpdesk::metrics::METRICS.families();
    let mut used = std::collections::BTreeSet::new();
    for panel in dashboard["panels"].as_array().unwrap() {
        for target in panel["targets"].as_array().unwrap() {
            let expr = target["expr"].as_str().unwrap();
            for word in expr.split(|c: char| !(c.is_alphanumeric() || c == '_')) {
                if word.starts_with("helpdesk_") {
                    let kind = families
                        .iter()
                        .find(|(name, _)| *name == family(word))
                        .map(|(_, kind)| *kind);
                    let kind = kind.unwrap_or_else(|| {
                        panic!("the dashboard uses {word}, which /metrics does not expose")
                    });
                    if kind == "counter" {
                        assert!(
                            word.ends_with("_total"),
                            "a counter's samples end in _total: {word}"
                        );
                    }
                    used.insert(family(word).to_string());
                }
            }
        }
    }
    for needed in [
        "helpdesk_tickets_open",
        "helpdesk_outbox_pending",
        "helpdesk_outbox_oldest_pending_age_seconds",
        "helpdesk_timers_due",
        "helpdesk_tickets_opened",
        "helpdesk_events",
    ] {
        assert!(used.contains(needed), "the dashboard shows {needed}");
    }
}
