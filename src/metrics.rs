//! Prometheus metrics, kept in process-wide atomics and written in the text exposition format
//! on `/metrics`. No metrics crate: a handful of counters and one histogram do not need one.

use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Event kinds counted separately (the label `kind`).
pub const EVENT_KINDS: [&str; 5] = ["message", "command", "action", "form", "reaction"];

/// Upper bounds of the event latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// Every counter of the process.
pub struct Metrics {
    events: [AtomicU64; 5],
    duplicates: AtomicU64,
    event_failures: AtomicU64,
    latency_buckets: [AtomicU64; 10],
    latency_count: AtomicU64,
    latency_sum_micros: AtomicU64,
    /// Tickets opened.
    pub tickets_opened: AtomicU64,
    /// Tickets closed.
    pub tickets_closed: AtomicU64,
    /// SLA warnings sent.
    pub sla_warnings: AtomicU64,
    /// SLA breaches.
    pub sla_breaches: AtomicU64,
    /// Chat actions delivered.
    pub dispatch_sent: AtomicU64,
    /// Failed sends that will be retried.
    pub dispatch_retries: AtomicU64,
    /// Actions parked as dead.
    pub dispatch_dead: AtomicU64,
    /// Timers fired.
    pub timers_fired: AtomicU64,
    /// Events dropped because their workspace or guild is not a configured tenant.
    pub events_unserved: AtomicU64,
}

/// The process's metrics.
pub static METRICS: Metrics = Metrics {
    events: [const { AtomicU64::new(0) }; 5],
    duplicates: AtomicU64::new(0),
    event_failures: AtomicU64::new(0),
    latency_buckets: [const { AtomicU64::new(0) }; 10],
    latency_count: AtomicU64::new(0),
    latency_sum_micros: AtomicU64::new(0),
    tickets_opened: AtomicU64::new(0),
    tickets_closed: AtomicU64::new(0),
    sla_warnings: AtomicU64::new(0),
    sla_breaches: AtomicU64::new(0),
    dispatch_sent: AtomicU64::new(0),
    dispatch_retries: AtomicU64::new(0),
    dispatch_dead: AtomicU64::new(0),
    timers_fired: AtomicU64::new(0),
    events_unserved: AtomicU64::new(0),
};

/// Adds one to a counter.
pub fn inc(counter: &AtomicU64) {
    counter.fetch_add(1, Ordering::Relaxed);
}

/// Adds `n` to a counter.
pub fn add(counter: &AtomicU64, n: usize) {
    counter.fetch_add(n as u64, Ordering::Relaxed);
}

impl Metrics {
    /// One event handled, of `kind`, in `took`; `duplicate` when it was a redelivery.
    pub fn event(&self, kind: &str, took: Duration, outcome: EventOutcome) {
        if let Some(i) = EVENT_KINDS.iter().position(|k| *k == kind) {
            inc(&self.events[i]);
        }
        match outcome {
            EventOutcome::Duplicate => inc(&self.duplicates),
            EventOutcome::Failed => inc(&self.event_failures),
            EventOutcome::Done => {}
        }
        let secs = took.as_secs_f64();
        for (i, bound) in BUCKETS.iter().enumerate() {
            if secs <= *bound {
                inc(&self.latency_buckets[i]);
            }
        }
        inc(&self.latency_count);
        add(&self.latency_sum_micros, took.as_micros() as usize);
    }

    /// The text exposition, with the outbox gauges read from the database by the caller.
    pub fn render(&self, outbox_pending: i64, outbox_dead: i64) -> String {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        let mut out = String::new();
        let mut counter = |name: &str, help: &str, value: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {value}"
            );
        };
        counter(
            "helpdesk_tickets_opened_total",
            "Tickets opened.",
            get(&self.tickets_opened),
        );
        counter(
            "helpdesk_tickets_closed_total",
            "Tickets closed.",
            get(&self.tickets_closed),
        );
        counter(
            "helpdesk_sla_warnings_total",
            "SLA warnings sent.",
            get(&self.sla_warnings),
        );
        counter(
            "helpdesk_sla_breaches_total",
            "SLA targets breached.",
            get(&self.sla_breaches),
        );
        counter(
            "helpdesk_dispatch_sent_total",
            "Chat actions delivered.",
            get(&self.dispatch_sent),
        );
        counter(
            "helpdesk_dispatch_retries_total",
            "Failed sends to retry.",
            get(&self.dispatch_retries),
        );
        counter(
            "helpdesk_dispatch_dead_total",
            "Chat actions parked as dead.",
            get(&self.dispatch_dead),
        );
        counter(
            "helpdesk_timers_fired_total",
            "Timers fired.",
            get(&self.timers_fired),
        );
        counter(
            "helpdesk_events_unserved_total",
            "Events dropped: their workspace or guild has no [[tenants]] block.",
            get(&self.events_unserved),
        );
        counter(
            "helpdesk_events_duplicate_total",
            "Redelivered events dropped.",
            get(&self.duplicates),
        );
        counter(
            "helpdesk_events_failed_total",
            "Events that failed (database).",
            get(&self.event_failures),
        );
        let _ = writeln!(out, "# HELP helpdesk_events_total Chat events handled, by kind.\n# TYPE helpdesk_events_total counter");
        for (kind, c) in EVENT_KINDS.iter().zip(&self.events) {
            let _ = writeln!(out, "helpdesk_events_total{{kind=\"{kind}\"}} {}", get(c));
        }
        let _ = writeln!(out, "# HELP helpdesk_event_duration_seconds From event in to committed.\n# TYPE helpdesk_event_duration_seconds histogram");
        for (bound, c) in BUCKETS.iter().zip(&self.latency_buckets) {
            let _ = writeln!(
                out,
                "helpdesk_event_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                get(c)
            );
        }
        let count = get(&self.latency_count);
        let _ = writeln!(
            out,
            "helpdesk_event_duration_seconds_bucket{{le=\"+Inf\"}} {count}"
        );
        let _ = writeln!(
            out,
            "helpdesk_event_duration_seconds_sum {}",
            get(&self.latency_sum_micros) as f64 / 1e6
        );
        let _ = writeln!(out, "helpdesk_event_duration_seconds_count {count}");
        for (name, help, value) in [
            (
                "helpdesk_outbox_pending",
                "Chat actions waiting to be sent.",
                outbox_pending,
            ),
            (
                "helpdesk_outbox_dead",
                "Chat actions parked as dead.",
                outbox_dead,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {value}"
            );
        }
        out
    }
}

/// How an event ended, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    /// Processed.
    Done,
    /// A redelivery, dropped.
    Duplicate,
    /// Failed.
    Failed,
}
