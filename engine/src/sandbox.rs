//! The whole engine on the in-memory platform with a manual clock: used by `helpdesk demo`,
//! the desk's scenario tests and the desk benchmark.

use crate::clock::{Clock, ManualClock};
use crate::config::TenantConfig;
use crate::desk::{Desk, DeskError, Handled};
use crate::domain::Timestamp;
use crate::kb::KnowledgeBase;
use crate::schedule::{Dispatcher, RetryPolicy, Scheduler};
use crate::store::{Store, StoreError};
use helpdesk_chat::{
    ChatEvent, ChatPlatform, EventKind, MemoryDirectory, MemoryPlatform, Platform, Sender,
};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The tenant id the sandbox's events come from.
pub const TENANT: &str = "acme";

/// A desk, its dispatcher and scheduler, an in-memory platform and a clock that moves only
/// when told.
pub struct Sandbox {
    /// The engine.
    pub desk: Arc<Desk>,
    /// What the bot said, where.
    pub platform: Arc<MemoryPlatform>,
    /// Sends the outbox to `platform`.
    pub dispatcher: Dispatcher,
    /// Fires due timers.
    pub scheduler: Scheduler,
    /// The time.
    pub clock: Arc<ManualClock>,
    /// Who is in which groups, as the platform would say of people other than the sender.
    pub directory: Arc<MemoryDirectory>,
    events: AtomicU64,
}

/// The example tenant: an intake channel, a channel and group per level, two L3 specialties
/// and a managers' channel.
pub fn example_tenant() -> TenantConfig {
    let raw = r#"
        platform = "memory"
        id = "acme"
        name = "ACME"
        intake_channels = ["help"]
        managers_channel = "helpdesk-managers"
        manager_groups = ["managers"]
        [levels.l1]
        channel = "support-l1"
        group = "l1-agents"
        [levels.l2]
        channel = "support-l2"
        group = "l2-agents"
        [levels.l3]
        channel = "support-l3"
        group = "l3-agents"
        [[specialties]]
        name = "network"
        channel = "l3-network"
        group = "network-team"
        [[specialties]]
        name = "security"
        channel = "l3-security"
        group = "security-team"
    "#;
    toml::from_str(raw).expect("the example tenant parses")
}

/// A person on the sandbox's platform, in these groups.
pub fn person(id: &str, name: &str, groups: &[&str]) -> Sender {
    Sender {
        id: id.into(),
        name: name.into(),
        groups: groups.iter().map(|g| g.to_string()).collect(),
        is_bot: false,
        locale: None,
    }
}

impl Sandbox {
    /// A sandbox over `store` with one tenant, its clock starting at `start`.
    pub fn new(store: Store, tenant: TenantConfig, start: Timestamp) -> Sandbox {
        Self::build(store, vec![tenant], start, None)
    }

    /// A sandbox serving several tenants (events name theirs with [`Sandbox::event_in`]),
    /// with a knowledge base when given one.
    pub fn with_tenants(
        store: Store,
        tenants: Vec<TenantConfig>,
        start: Timestamp,
        kb: Option<Arc<KnowledgeBase>>,
    ) -> Sandbox {
        Self::build(store, tenants, start, kb)
    }

    /// The same, with a knowledge base (suggestions at intake, `/kb`).
    pub fn with_knowledge(
        store: Store,
        tenant: TenantConfig,
        start: Timestamp,
        kb: Arc<KnowledgeBase>,
    ) -> Sandbox {
        Self::build(store, vec![tenant], start, Some(kb))
    }

    fn build(
        store: Store,
        tenants: Vec<TenantConfig>,
        start: Timestamp,
        kb: Option<Arc<KnowledgeBase>>,
    ) -> Sandbox {
        let clock = Arc::new(ManualClock::new(start));
        let platform = Arc::new(MemoryPlatform::new());
        let directory = Arc::new(MemoryDirectory::new());
        let mut desk =
            Desk::new(store.clone(), tenants, clock.clone()).with_directory(directory.clone());
        if let Some(kb) = kb {
            desk = desk.with_knowledge(kb);
        }
        let desk = Arc::new(desk);
        let dispatcher = Dispatcher::new(
            store,
            vec![platform.clone() as Arc<dyn ChatPlatform>],
            clock.clone(),
            RetryPolicy::default(),
        );
        let scheduler = Scheduler::new(desk.clone(), clock.clone());
        Sandbox {
            desk,
            platform,
            dispatcher,
            scheduler,
            clock,
            directory,
            events: AtomicU64::new(0),
        }
    }

    /// The event `kind` by `sender` in `channel` (and `thread`), with a fresh event id.
    pub fn event(
        &self,
        sender: &Sender,
        channel: &str,
        thread: Option<&str>,
        kind: EventKind,
    ) -> ChatEvent {
        self.event_in(TENANT, sender, channel, thread, kind)
    }

    /// The same event in another tenant (workspace or guild id).
    pub fn event_in(
        &self,
        tenant: &str,
        sender: &Sender,
        channel: &str,
        thread: Option<&str>,
        kind: EventKind,
    ) -> ChatEvent {
        // Whoever acts is a member, as the platform's directory would say.
        let groups: Vec<&str> = sender.groups.iter().map(String::as_str).collect();
        self.directory.add(tenant, &sender.id, &groups);
        let n = self.events.fetch_add(1, Ordering::Relaxed) + 1;
        ChatEvent {
            platform: Platform::MEMORY,
            event_id: format!("ev{n}"),
            tenant: tenant.into(),
            sender: sender.clone(),
            channel: channel.into(),
            thread: thread.map(String::from),
            kind,
        }
    }

    /// Hands the event to the desk, then sends everything it queued.
    pub async fn handle(&self, event: &ChatEvent) -> Result<Handled, DeskError> {
        let handled = self.desk.handle(event).await?;
        self.settle().await?;
        Ok(handled)
    }

    /// Sends the outbox until nothing is left to send, moving the clock to each retry's time.
    pub async fn settle(&self) -> Result<(), StoreError> {
        loop {
            let r = self.dispatcher.run_once().await?;
            if r.sent + r.retried + r.dead + r.waiting > 0 {
                continue;
            }
            // Only the head of each ordering key can go: the rest waits behind it.
            let Some(next) = self.desk.store().next_pending_at().await? else {
                return Ok(());
            };
            let now = self.clock.now();
            if next <= now {
                // Due but not claimable (held behind a parked item): nothing more to do now.
                return Ok(());
            }
            self.clock
                .advance((next - now).to_std().unwrap_or(Duration::ZERO));
        }
    }

    /// Moves the clock, fires the timers that fell due and sends what they queued.
    pub async fn advance(&self, by: Duration) -> Result<usize, DeskError> {
        self.clock.advance(by);
        let fired = self.scheduler.run_once().await?;
        self.settle().await?;
        Ok(fired)
    }
}
