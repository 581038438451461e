//! Prometheus metrics on `prometheus-client`: counters labelled by platform, tenant (the
//! workspace or guild id) and level, and gauges read from the database at each scrape, so every
//! replica on one database shows the same backlog.

use crate::domain::Level;
use crate::store::Gauges;
use helpdesk_chat::Platform;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::sync::{LazyLock, Mutex};
use std::time::Duration;

/// The content type of [`Metrics::render`]'s text (OpenMetrics, which Prometheus reads).
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Upper bounds of the event latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

/// A platform.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PlatformLabels {
    platform: String,
}

/// A tenant: its platform and workspace or guild id.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TenantLabels {
    platform: String,
    tenant: String,
}

/// An event kind in a tenant.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct EventLabels {
    kind: String,
    platform: String,
    tenant: String,
}

/// A level in a tenant.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct LevelLabels {
    platform: String,
    tenant: String,
    level: String,
}

/// A level and status in a tenant.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabels {
    platform: String,
    tenant: String,
    level: String,
    status: String,
}

/// Every metric of the process, registered once.
pub struct Metrics {
    registry: Registry,
    events: Family<EventLabels, Counter>,
    duplicates: Family<PlatformLabels, Counter>,
    event_failures: Family<PlatformLabels, Counter>,
    event_duration: Histogram,
    tickets_opened: Family<LevelLabels, Counter>,
    tickets_closed: Family<LevelLabels, Counter>,
    sla_warnings: Family<TenantLabels, Counter>,
    sla_breaches: Family<TenantLabels, Counter>,
    dispatch_sent: Family<PlatformLabels, Counter>,
    dispatch_retries: Family<PlatformLabels, Counter>,
    dispatch_dead: Family<PlatformLabels, Counter>,
    timers_fired: Family<TenantLabels, Counter>,
    events_unserved: Family<PlatformLabels, Counter>,
    tickets_open: Family<StatusLabels, Gauge>,
    outbox_pending: Family<PlatformLabels, Gauge>,
    outbox_dead: Family<PlatformLabels, Gauge>,
    outbox_oldest: Family<PlatformLabels, Gauge<f64, AtomicU64>>,
    timers_due: Gauge,
    database_up: Gauge,
    /// Every family's name and type, as registered.
    families: Vec<(&'static str, &'static str)>,
    /// One scrape at a time sets the database gauges and renders them.
    scrape: Mutex<()>,
}

/// The process's metrics.
pub static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

impl Metrics {
    fn new() -> Metrics {
        let mut registry = Registry::default();
        let m = Metrics {
            registry: Registry::default(),
            events: Family::default(),
            duplicates: Family::default(),
            event_failures: Family::default(),
            event_duration: Histogram::new(BUCKETS),
            tickets_opened: Family::default(),
            tickets_closed: Family::default(),
            sla_warnings: Family::default(),
            sla_breaches: Family::default(),
            dispatch_sent: Family::default(),
            dispatch_retries: Family::default(),
            dispatch_dead: Family::default(),
            timers_fired: Family::default(),
            events_unserved: Family::default(),
            tickets_open: Family::default(),
            outbox_pending: Family::default(),
            outbox_dead: Family::default(),
            outbox_oldest: Family::default(),
            timers_due: Gauge::default(),
            database_up: Gauge::default(),
            families: Vec::new(),
            scrape: Mutex::new(()),
        };
        let mut families = Vec::new();
        // Counters get `_total` appended by the encoder: `helpdesk_events_total`.
        let r = &mut registry;
        families.push(("helpdesk_events", "counter"));
        r.register(
            "helpdesk_events",
            "Chat events handled, by kind, platform and tenant",
            m.events.clone(),
        );
        families.push(("helpdesk_events_duplicate", "counter"));
        r.register(
            "helpdesk_events_duplicate",
            "Redelivered events dropped",
            m.duplicates.clone(),
        );
        families.push(("helpdesk_events_failed", "counter"));
        r.register(
            "helpdesk_events_failed",
            "Events that failed (database)",
            m.event_failures.clone(),
        );
        families.push(("helpdesk_event_duration_seconds", "histogram"));
        r.register(
            "helpdesk_event_duration_seconds",
            "From event in to committed",
            m.event_duration.clone(),
        );
        families.push(("helpdesk_tickets_opened", "counter"));
        r.register(
            "helpdesk_tickets_opened",
            "Tickets opened, by the level they opened at",
            m.tickets_opened.clone(),
        );
        families.push(("helpdesk_tickets_closed", "counter"));
        r.register(
            "helpdesk_tickets_closed",
            "Tickets closed, by the level they closed at",
            m.tickets_closed.clone(),
        );
        families.push(("helpdesk_sla_warnings", "counter"));
        r.register(
            "helpdesk_sla_warnings",
            "SLA warnings sent",
            m.sla_warnings.clone(),
        );
        families.push(("helpdesk_sla_breaches", "counter"));
        r.register(
            "helpdesk_sla_breaches",
            "SLA targets breached",
            m.sla_breaches.clone(),
        );
        families.push(("helpdesk_dispatch_sent", "counter"));
        r.register(
            "helpdesk_dispatch_sent",
            "Chat actions delivered",
            m.dispatch_sent.clone(),
        );
        families.push(("helpdesk_dispatch_retries", "counter"));
        r.register(
            "helpdesk_dispatch_retries",
            "Failed sends to retry",
            m.dispatch_retries.clone(),
        );
        families.push(("helpdesk_dispatch_dead", "counter"));
        r.register(
            "helpdesk_dispatch_dead",
            "Chat actions parked as dead",
            m.dispatch_dead.clone(),
        );
        families.push(("helpdesk_timers_fired", "counter"));
        r.register(
            "helpdesk_timers_fired",
            "Timers fired",
            m.timers_fired.clone(),
        );
        families.push(("helpdesk_events_unserved", "counter"));
        r.register(
            "helpdesk_events_unserved",
            "Events dropped: their workspace or guild has no [[tenants]] block",
            m.events_unserved.clone(),
        );
        families.push(("helpdesk_tickets_open", "gauge"));
        r.register(
            "helpdesk_tickets_open",
            "Tickets not closed, by tenant, level and status (from the database)",
            m.tickets_open.clone(),
        );
        families.push(("helpdesk_outbox_pending", "gauge"));
        r.register(
            "helpdesk_outbox_pending",
            "Chat actions waiting to be sent (from the database)",
            m.outbox_pending.clone(),
        );
        families.push(("helpdesk_outbox_dead", "gauge"));
        r.register(
            "helpdesk_outbox_dead",
            "Chat actions parked as dead (from the database)",
            m.outbox_dead.clone(),
        );
        families.push(("helpdesk_outbox_oldest_pending_age_seconds", "gauge"));
        r.register(
            "helpdesk_outbox_oldest_pending_age_seconds",
            "How long the oldest pending chat action has waited (from the database)",
            m.outbox_oldest.clone(),
        );
        families.push(("helpdesk_timers_due", "gauge"));
        r.register(
            "helpdesk_timers_due",
            "Timers whose time has come, not fired yet (from the database)",
            m.timers_due.clone(),
        );
        families.push(("helpdesk_metrics_database_up", "gauge"));
        r.register(
            "helpdesk_metrics_database_up",
            "1 when this scrape could read the database gauges, else 0",
            m.database_up.clone(),
        );
        Metrics {
            registry,
            families,
            ..m
        }
    }

    /// Every metric family's name and type (`counter`, `gauge`, `histogram`), also those with
    /// no series yet (the exposition leaves those out).
    pub fn families(&self) -> &[(&'static str, &'static str)] {
        &self.families
    }

    /// One event handled, of `kind`, in `took`.
    pub fn event(&self, event: &EventOf<'_>, took: Duration, outcome: EventOutcome) {
        self.events
            .get_or_create(&EventLabels {
                kind: event.kind.to_string(),
                platform: event.platform.to_string(),
                tenant: event.tenant.to_string(),
            })
            .inc();
        let platform = PlatformLabels {
            platform: event.platform.to_string(),
        };
        match outcome {
            EventOutcome::Duplicate => {
                self.duplicates.get_or_create(&platform).inc();
            }
            EventOutcome::Failed => {
                self.event_failures.get_or_create(&platform).inc();
            }
            EventOutcome::Done => {}
        }
        self.event_duration.observe(took.as_secs_f64());
    }

    /// What one committed transaction did in a tenant.
    pub fn desk_work(&self, platform: Platform, tenant: &str, work: &DeskWork) {
        let level = |level: Level| LevelLabels {
            platform: platform.to_string(),
            tenant: tenant.to_string(),
            level: level.as_str().to_string(),
        };
        for (i, l) in Level::ALL.into_iter().enumerate() {
            if work.opened[i] > 0 {
                self.tickets_opened
                    .get_or_create(&level(l))
                    .inc_by(work.opened[i] as u64);
            }
            if work.closed[i] > 0 {
                self.tickets_closed
                    .get_or_create(&level(l))
                    .inc_by(work.closed[i] as u64);
            }
        }
        let at = TenantLabels {
            platform: platform.to_string(),
            tenant: tenant.to_string(),
        };
        if work.sla_warnings > 0 {
            self.sla_warnings
                .get_or_create(&at)
                .inc_by(work.sla_warnings as u64);
        }
        if work.sla_breaches > 0 {
            self.sla_breaches
                .get_or_create(&at)
                .inc_by(work.sla_breaches as u64);
        }
    }

    /// A timer fired in a tenant.
    pub fn timer_fired(&self, platform: Platform, tenant: &str) {
        self.timers_fired
            .get_or_create(&TenantLabels {
                platform: platform.to_string(),
                tenant: tenant.to_string(),
            })
            .inc();
    }

    /// An event from a workspace or guild the installation does not serve. Not by tenant:
    /// anyone can add the bot anywhere, and each place would be a new series.
    pub fn unserved(&self, platform: Platform) {
        self.events_unserved
            .get_or_create(&PlatformLabels {
                platform: platform.to_string(),
            })
            .inc();
    }

    /// How many unserved events were counted for `platform`.
    pub fn unserved_count(&self, platform: Platform) -> u64 {
        self.events_unserved
            .get_or_create(&PlatformLabels {
                platform: platform.to_string(),
            })
            .get()
    }

    /// One dispatch round on `platform`: sent, to retry, parked as dead.
    pub fn dispatched(&self, platform: &str, sent: usize, retried: usize, dead: usize) {
        let labels = PlatformLabels {
            platform: platform.to_string(),
        };
        for (family, n) in [
            (&self.dispatch_sent, sent),
            (&self.dispatch_retries, retried),
            (&self.dispatch_dead, dead),
        ] {
            if n > 0 {
                family.get_or_create(&labels).inc_by(n as u64);
            }
        }
    }

    /// The exposition, with the database gauges as read now (`None`: the database could not
    /// be read; its gauges are left out and `helpdesk_metrics_database_up` is 0).
    pub fn render(&self, gauges: Option<&Gauges>) -> String {
        let _one = self.scrape.lock().unwrap_or_else(|e| e.into_inner());
        self.tickets_open.clear();
        self.outbox_pending.clear();
        self.outbox_dead.clear();
        self.outbox_oldest.clear();
        self.database_up.set(i64::from(gauges.is_some()));
        if let Some(g) = gauges {
            for t in &g.open_tickets {
                self.tickets_open
                    .get_or_create(&StatusLabels {
                        platform: t.platform.clone(),
                        tenant: t.tenant.clone(),
                        level: t.level.clone(),
                        status: t.status.clone(),
                    })
                    .set(t.count);
            }
            for b in &g.outbox {
                let labels = PlatformLabels {
                    platform: b.platform.clone(),
                };
                self.outbox_pending.get_or_create(&labels).set(b.pending);
                self.outbox_dead.get_or_create(&labels).set(b.dead);
                self.outbox_oldest
                    .get_or_create(&labels)
                    .set(b.oldest_pending_seconds);
            }
            self.timers_due.set(g.timers_due);
        }
        let mut out = String::new();
        if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &self.registry) {
            tracing::warn!(error = %e, "metrics could not be encoded");
        }
        out
    }
}

/// The event a count is about.
#[derive(Debug, Clone, Copy)]
pub struct EventOf<'a> {
    /// `message`, `command`, `action`, `form` or `reaction`.
    pub kind: &'a str,
    /// Its platform.
    pub platform: Platform,
    /// Its workspace or guild id.
    pub tenant: &'a str,
}

/// What one transaction of desk work did, by level (`[L1, L2, L3]`).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct DeskWork {
    /// Tickets opened, by the level they opened at.
    pub opened: [usize; 3],
    /// Tickets closed, by the level they were at.
    pub closed: [usize; 3],
    /// SLA warnings sent.
    pub sla_warnings: usize,
    /// SLA breaches.
    pub sla_breaches: usize,
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
