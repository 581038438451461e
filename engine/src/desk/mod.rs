//! The desk: the help desk's use cases, one module per job. A [`ChatEvent`] comes in; the
//! ticket change, its log entries, the chat actions that follow, the timers and the processed
//! event id are written in one transaction. The dispatcher sends the actions afterwards.

mod audit;
mod buttons;
mod card;
mod command;
mod context;
mod courtesy;
mod feedback;
mod find;
mod forms;
mod home;
mod intake;
pub mod keys;
mod knowledge;
mod query;
mod reach;
mod relay;
mod resolve;
mod sla;
mod stats;
mod timers;
mod work;

pub use command::{
    help as command_help, parse as parse_command, read as read_command, read_helpdesk, read_kb,
    subcommands, table as command_table, CommandError, HelpdeskCommand, KbCommand, ListScope,
    TicketCommand,
};
pub use timers::TimerKind;

use crate::clock::Clock;
use crate::config::TenantConfig;
use crate::domain::{Act, Person, TenantId, Ticket, TicketNumber};
use crate::i18n::{Arg, Msg};
use crate::kb::KnowledgeBase;
use crate::store::{Store, StoreError, TimerRecord};
use context::{Cx, Ev};
use helpdesk_chat::{ChatEvent, EventKind, Platform};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tracing::Instrument;

/// How many times an event is retried when a concurrent change to the same ticket won.
const CONFLICT_RETRIES: usize = 5;

/// What became of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Processed and committed.
    Done,
    /// Seen before (a platform redelivery): nothing changed.
    Duplicate,
    /// Not for the desk (a bot's own message).
    Ignored,
    /// From a workspace or guild without a `[[tenants]]` block (and the installation does not
    /// accept unconfigured tenants): dropped before any database write.
    Unserved,
}

/// What handling an event came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Whether it was processed.
    pub handled: Handled,
    /// The desk queued an answer for the person (a form, a private message, an edit): a
    /// platform that must answer every interaction can leave it to that answer.
    pub answered: bool,
}

/// Why the desk could not process an event. Bad input never ends here: it gets a polite answer.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The database failed; the event was not acknowledged as processed and may be retried.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The help desk engine.
pub struct Desk {
    store: Store,
    clock: Arc<dyn Clock>,
    tenants: HashMap<(Platform, String), Arc<TenantConfig>>,
    known: Mutex<Known>,
    kb: Option<Arc<KnowledgeBase>>,
    /// Serve workspaces and guilds without a `[[tenants]]` block, on defaults.
    serve_unconfigured: bool,
    /// When each unserved place was last logged: one line per place and hour.
    unserved_logged: Mutex<HashMap<(Platform, String), std::time::Instant>>,
    /// Asks the platforms who is in which groups (for people other than the sender).
    directories: Arc<helpdesk_chat::Directories>,
    admins: Vec<crate::config::InstallationAdmin>,
    /// What each platform's messages hold, as its adapter says (see [`Desk::with_limits`]).
    limits: HashMap<Platform, helpdesk_chat::Limits>,
    /// Where an event's answers go, already claimed, to be sent right after its commit.
    answers_to: Option<AnswerRoute>,
}

/// The answers' fast path (see [`Desk::sending_answers_to`]).
struct AnswerRoute {
    lease: std::time::Duration,
    to: tokio::sync::mpsc::UnboundedSender<Vec<crate::store::ClaimedItem>>,
}

/// How often a dropped event from one unconfigured place is logged.
const UNSERVED_LOG_EVERY: std::time::Duration = std::time::Duration::from_secs(3600);

#[derive(Default)]
struct Known {
    ids: HashMap<(Platform, String), TenantId>,
    by_id: HashMap<TenantId, (Platform, String)>,
}

impl Desk {
    /// A desk over the store, with the configured tenants (others run on defaults).
    pub fn new(store: Store, tenants: Vec<TenantConfig>, clock: Arc<dyn Clock>) -> Desk {
        let tenants = tenants
            .into_iter()
            .map(|t| ((t.platform, t.id.clone()), Arc::new(t)))
            .collect();
        Desk {
            store,
            clock,
            tenants,
            known: Mutex::default(),
            kb: None,
            serve_unconfigured: false,
            unserved_logged: Mutex::default(),
            directories: Arc::default(),
            admins: Vec::new(),
            limits: HashMap::from([(Platform::MEMORY, helpdesk_chat::Limits::MEMORY)]),
            answers_to: None,
        }
    }

    /// The desk writing for `platform` within its adapter's `limits` (the in-memory
    /// platform's are known; a platform nobody described gets the smallest).
    pub fn with_limits(mut self, platform: Platform, limits: helpdesk_chat::Limits) -> Desk {
        self.limits.insert(platform, limits);
        self
    }

    fn limits(&self, platform: Platform) -> helpdesk_chat::Limits {
        self.limits.get(&platform).copied().unwrap_or_default()
    }

    /// The desk claiming each event's answers to people (forms, private messages) for this
    /// process as it queues them, for `lease`, and handing them to `to` after the commit: the
    /// dispatcher sends them at once, without a claim round. Should this process die first,
    /// another takes them over when the lease runs out.
    pub fn sending_answers_to(
        mut self,
        lease: std::time::Duration,
        to: tokio::sync::mpsc::UnboundedSender<Vec<crate::store::ClaimedItem>>,
    ) -> Desk {
        self.answers_to = Some(AnswerRoute { lease, to });
        self
    }

    /// The desk also serving workspaces and guilds nobody configured (on the defaults).
    pub fn serving_unconfigured(mut self, serve: bool) -> Desk {
        self.serve_unconfigured = serve;
        self
    }

    /// The desk checking other people's roles (an assignee's) with the in-memory platform's
    /// directory (tests, the demo).
    pub fn with_directory(self, directory: Arc<dyn helpdesk_chat::Directory>) -> Desk {
        self.directories.add(Platform::MEMORY, directory);
        self
    }

    /// The desk checking other people's roles with each platform's directory, as the
    /// platforms connect.
    pub fn with_directories(mut self, directories: Arc<helpdesk_chat::Directories>) -> Desk {
        self.directories = directories;
        self
    }

    /// Whether events from this workspace or guild are handled.
    pub fn serves(&self, platform: Platform, external_id: &str) -> bool {
        self.serve_unconfigured
            || self
                .tenants
                .contains_key(&(platform, external_id.to_string()))
    }

    /// The desk with installation admins (top-level `admins`): they edit shared articles.
    pub fn with_installation_admins(
        mut self,
        admins: Vec<crate::config::InstallationAdmin>,
    ) -> Desk {
        self.admins = admins;
        self
    }

    /// The desk with a knowledge base: suggestions at intake and the `/kb` command.
    pub fn with_knowledge(mut self, kb: Arc<KnowledgeBase>) -> Desk {
        self.kb = Some(kb);
        self
    }

    /// The store the desk writes to.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The settings of a tenant: configured, or the defaults.
    pub fn settings(&self, platform: Platform, external_id: &str) -> Arc<TenantConfig> {
        self.tenants
            .get(&(platform, external_id.to_string()))
            .cloned()
            .unwrap_or_else(|| Arc::new(TenantConfig::unconfigured(platform, external_id)))
    }

    /// Processes one event exactly once: a redelivered event id changes nothing.
    pub async fn handle(&self, event: &ChatEvent) -> Result<Handled, DeskError> {
        self.handle_event(event).await.map(|o| o.handled)
    }

    /// Handles one event, and says whether the desk answered the person itself.
    pub async fn handle_event(&self, event: &ChatEvent) -> Result<Outcome, DeskError> {
        let span = tracing::info_span!(
            "event",
            platform = %event.platform,
            id = %event.event_id,
            tenant = %event.tenant,
            kind = kind_name(&event.kind),
        );
        if event.sender.is_bot {
            return Ok(Outcome {
                handled: Handled::Ignored,
                answered: false,
            });
        }
        if !self.serves(event.platform, &event.tenant) {
            self.unserved(event);
            return Ok(Outcome {
                handled: Handled::Unserved,
                answered: false,
            });
        }
        let started = std::time::Instant::now();
        let result = self.handle_with_retries(event).instrument(span).await;
        let outcome = match &result {
            Ok(Outcome {
                handled: Handled::Duplicate,
                ..
            }) => crate::metrics::EventOutcome::Duplicate,
            Ok(_) => crate::metrics::EventOutcome::Done,
            Err(_) => crate::metrics::EventOutcome::Failed,
        };
        let of = crate::metrics::EventOf {
            kind: kind_name(&event.kind),
            platform: event.platform,
            tenant: &event.tenant,
        };
        crate::metrics::METRICS.event(&of, started.elapsed(), outcome);
        result
    }

    async fn handle_with_retries(&self, event: &ChatEvent) -> Result<Outcome, DeskError> {
        let mut attempt = 0;
        loop {
            match self.try_handle(event).await {
                Err(DeskError::Store(e)) if e.is_retryable() && attempt < CONFLICT_RETRIES => {
                    attempt += 1;
                    tracing::debug!(error = %e, attempt, "concurrent change: retrying");
                }
                Err(e) => {
                    tracing::error!(error = %e, "event failed");
                    return Err(e);
                }
                Ok(handled) => return Ok(handled),
            }
        }
    }

    async fn try_handle(&self, event: &ChatEvent) -> Result<Outcome, DeskError> {
        let settings = self.settings(event.platform, &event.tenant);
        // Asked before the transaction: a platform round trip must not hold its locks.
        let assignee = self.assignee_membership(event, &settings).await;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if let Some(route) = &self.answers_to {
            tx.hold_answers(crate::clock::later(now, route.lease));
        }
        let identity = message_identity(event);
        if !tx
            .mark_event_as(event.platform, &event.event_id, identity.as_deref(), now)
            .await?
        {
            tracing::debug!("duplicate event: skipped");
            return Ok(Outcome {
                handled: Handled::Duplicate,
                answered: false,
            });
        }
        let (tenant, new_tenant) = self
            .tenant_id(&mut tx, event.platform, &event.tenant, &settings)
            .await?;
        let mut cx = Cx {
            tx,
            store: &self.store,
            tenant,
            settings: &settings,
            now,
            limits: self.limits(event.platform).text,
            private_threads: self.limits(event.platform).private_threads,
            kb: self.kb.as_deref(),
            admins: &self.admins,
            saved_articles: Vec::new(),
            resolved: Vec::new(),
            unresolved: Vec::new(),
            counts: Default::default(),
            answered: false,
            lang: settings.language,
            languages: Default::default(),
        };
        if let Some(locale) = event
            .sender
            .locale
            .as_deref()
            .filter(|l| well_formed_locale(l))
        {
            cx.tx
                .remember_locale(tenant, &event.sender.id, locale, now)
                .await?;
            cx.language_of(&event.sender.id, Some(locale)).await?;
        }
        let ev = Ev {
            event,
            person: Person::new(event.sender.id.clone(), event.sender.name.clone()),
            access: settings.access(&event.sender),
            assignee,
        };
        route(&mut cx, &ev).await?;
        let held = cx.tx.commit_holding().await?;
        if let (Some(route), false) = (&self.answers_to, held.is_empty()) {
            let claimed = held
                .into_iter()
                .map(|h| h.claimed(event.platform, &event.tenant))
                .collect();
            // Gone only at a stop: the answers then wait for their lease, as a dead process's.
            let _ = route.to.send(claimed);
        }
        cx.counts.publish(event.platform, &event.tenant);
        if new_tenant {
            // Only a committed tenant row may be remembered: a rolled-back id can be reused.
            self.remember_tenant(tenant, event.platform, &event.tenant);
        }
        if let Some(kb) = &self.kb {
            kb.take_in(&cx.saved_articles);
            kb.take_in_resolved(&cx.resolved);
            kb.forget_resolved(&cx.unresolved);
        }
        Ok(Outcome {
            handled: Handled::Done,
            answered: cx.answered,
        })
    }

    /// Fires one due timer exactly once (a timer another replica fired is skipped): `true` if
    /// this call fired it.
    pub async fn fire_timer(&self, timer: &TimerRecord) -> Result<bool, DeskError> {
        let span = tracing::info_span!("timer", key = %timer.key);
        async {
            let mut attempt = 0;
            loop {
                match self.try_fire(timer).await {
                    Err(DeskError::Store(e)) if e.is_retryable() && attempt < CONFLICT_RETRIES => {
                        attempt += 1;
                    }
                    other => return other,
                }
            }
        }
        .instrument(span)
        .await
    }

    async fn try_fire(&self, timer: &TimerRecord) -> Result<bool, DeskError> {
        let now = self.clock.now();
        let Some((platform, external)) = self.tenant_of(timer.tenant).await? else {
            return Ok(false);
        };
        let settings = self.settings(platform, &external);
        let mut tx = self.store.begin().await?;
        // Lock order as in event handling (ticket, then its timers), so the two never deadlock.
        // The ticket read here is the one the timer's work changes: it is not read again.
        let ticket = match timer.ticket {
            Some(ticket) => tx.ticket_by_id(ticket).await?,
            None => None,
        };
        let Some(timer) = tx.take_timer(timer.id, now).await? else {
            return Ok(false);
        };
        let mut cx = Cx {
            tx,
            store: &self.store,
            tenant: timer.tenant,
            settings: &settings,
            now,
            limits: self.limits(platform).text,
            private_threads: self.limits(platform).private_threads,
            kb: self.kb.as_deref(),
            admins: &self.admins,
            saved_articles: Vec::new(),
            resolved: Vec::new(),
            unresolved: Vec::new(),
            counts: Default::default(),
            answered: false,
            lang: settings.language,
            languages: Default::default(),
        };
        timers::fire(&mut cx, &timer, ticket).await?;
        cx.tx.commit().await?;
        cx.counts.publish(platform, &external);
        crate::metrics::METRICS.timer_fired(platform, &external);
        Ok(true)
    }

    async fn tenant_id(
        &self,
        tx: &mut crate::store::StoreTx,
        platform: Platform,
        external: &str,
        settings: &TenantConfig,
    ) -> Result<(TenantId, bool), StoreError> {
        let key = (platform, external.to_string());
        if let Some(id) = self.lock().ids.get(&key) {
            return Ok((*id, false));
        }
        let name = settings.name.as_deref().unwrap_or(external);
        let id = tx
            .ensure_tenant(platform, external, name, self.clock.now())
            .await?;
        Ok((id, true))
    }

    fn remember_tenant(&self, id: TenantId, platform: Platform, external: &str) {
        let mut known = self.lock();
        known.ids.insert((platform, external.to_string()), id);
        known.by_id.insert(id, (platform, external.to_string()));
    }

    async fn tenant_of(&self, id: TenantId) -> Result<Option<(Platform, String)>, StoreError> {
        if let Some(found) = self.lock().by_id.get(&id) {
            return Ok(Some(found.clone()));
        }
        let all = self.store.tenants().await?;
        let mut known = self.lock();
        for t in all {
            known
                .by_id
                .insert(t.id, (t.platform, t.external_id.clone()));
            known.ids.insert((t.platform, t.external_id), t.id);
        }
        Ok(known.by_id.get(&id).cloned())
    }

    /// For `/ticket assign`: the assignee's membership as the platform tells it now (`None`
    /// when the desk has no directory or the event assigns nobody).
    async fn assignee_membership(
        &self,
        event: &ChatEvent,
        settings: &TenantConfig,
    ) -> Option<context::Looked> {
        let EventKind::Command {
            name,
            args,
            options,
            ..
        } = &event.kind
        else {
            return None;
        };
        if name != "ticket" {
            return None;
        }
        let specialties: Vec<String> = settings
            .specialties
            .iter()
            .map(|s| s.name.clone())
            .collect();
        let Ok(TicketCommand::Assign { to, .. }) = command::read(args, options, &specialties)
        else {
            return None;
        };
        // Only an agent's assignment is worth a platform round trip: anyone else is refused
        // anyway, and must not make the bot spend its rate limit.
        if !settings.access(&event.sender).is_agent() {
            return None;
        }
        let directory = self.directories.get(event.platform)?;
        Some(match directory.membership(&event.tenant, &to.id).await {
            Ok(membership) => context::Looked::Found(membership),
            Err(e) => {
                tracing::warn!(error = %e, user = %to.id, "cannot read the assignee's roles");
                context::Looked::Failed
            }
        })
    }

    /// Counts an event from a place the installation does not serve, and logs it once an hour
    /// per place: a workspace that added the bot on its own must not fill the logs.
    fn unserved(&self, event: &ChatEvent) {
        crate::metrics::METRICS.unserved(event.platform);
        let now = std::time::Instant::now();
        let key = (event.platform, event.tenant.clone());
        let mut logged = self
            .unserved_logged
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let due = logged
            .get(&key)
            .is_none_or(|at| now.duration_since(*at) >= UNSERVED_LOG_EVERY);
        if due {
            logged.insert(key, now);
            tracing::warn!(
                platform = %event.platform,
                tenant = %event.tenant,
                "events from a workspace or guild without a [[tenants]] block are dropped \
                 (set accept_unconfigured_tenants = true to serve it on defaults)"
            );
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Known> {
        self.known.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// A locale code worth remembering: short, letters, digits, `-` and `_` (`pl-PL`, `en_US`).
fn well_formed_locale(code: &str) -> bool {
    (1..=35).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The platform's identity of the message an event carries, beside its event id: one message
/// may come again under another event id (Slack's `message` and `app_mention`, a redelivery
/// after a reconnect), and must still be taken once.
fn message_identity(event: &ChatEvent) -> Option<String> {
    match &event.kind {
        EventKind::Message { message_id, .. } => Some(format!(
            "message:{}:{}:{}",
            event.tenant, event.channel, message_id
        )),
        _ => None,
    }
}

fn kind_name(kind: &EventKind) -> &'static str {
    match kind {
        EventKind::Message { .. } => "message",
        EventKind::Command { .. } => "command",
        EventKind::Action { .. } => "action",
        EventKind::FormSubmitted { .. } => "form",
        EventKind::Reaction { .. } => "reaction",
        EventKind::HomeOpened => "home",
        EventKind::TicketFromMessage { .. } => "ticket_from_message",
    }
}

/// Runs a use case that answers only the person behind the event (help, lists, reports, the
/// App Home) writing in their language, then goes back to the tenant's.
macro_rules! privately {
    ($cx:expr, $ev:expr, $body:expr) => {{
        let lang = $cx.sender_language($ev).await?;
        let was = $cx.speak(lang);
        let done = $body;
        $cx.speak(was);
        done
    }};
}

/// Sends the event to the use case it asks for.
async fn route(cx: &mut Cx<'_>, ev: &Ev<'_>) -> Result<(), StoreError> {
    match &ev.event.kind {
        EventKind::Message {
            text,
            message_id,
            direct,
            mentions_bot,
            attachments,
        } => {
            let said = relay::Said { text, attachments };
            let to = relay::Addressed {
                direct: *direct,
                mentions_bot: *mentions_bot,
            };
            relay::message(cx, ev, said, message_id, to).await
        }
        EventKind::Reaction {
            emoji,
            on_message,
            message_author,
            message_text,
        } => {
            relay::reaction(
                cx,
                ev,
                emoji,
                on_message,
                message_author.as_deref(),
                message_text.as_deref(),
            )
            .await
        }
        EventKind::HomeOpened => privately!(cx, ev, home::opened(cx, ev).await),
        EventKind::TicketFromMessage {
            on_message,
            message_author,
            message_text,
        } => {
            relay::from_message(
                cx,
                ev,
                on_message,
                message_author.as_deref(),
                message_text.as_deref(),
            )
            .await
        }
        EventKind::Action { id, value, .. } => match keys::Widget::from_click(id, value) {
            Ok(widget) => buttons::clicked(cx, ev, widget).await,
            Err(e) => {
                tracing::warn!(action = %id, error = %e, "unknown button");
                cx.tell_msg(ev, Msg::StaleButton, &[]).await
            }
        },
        EventKind::FormSubmitted { form, fields, .. } => match form.parse::<keys::FormId>() {
            Ok(form) => buttons::submitted(cx, ev, form, fields).await,
            Err(e) => {
                tracing::warn!(form = %form, error = %e, "unknown form");
                cx.tell_msg(ev, Msg::StaleButton, &[]).await
            }
        },
        EventKind::Command {
            name,
            args,
            options,
            ..
        } if name == "helpdesk" => privately!(cx, ev, helpdesk(cx, ev, args, options).await),
        EventKind::Command {
            name,
            args,
            options,
            ..
        } if name == "kb" => knowledge::command(cx, ev, args, options).await,
        EventKind::Command {
            name,
            args,
            options,
            ..
        } if name == "ticket" => {
            let specialties: Vec<String> = cx
                .settings
                .specialties
                .iter()
                .map(|s| s.name.clone())
                .collect();
            match command::read(args, options, &specialties) {
                Ok(command) => run(cx, ev, command).await,
                Err(CommandError::Unknown(name)) => {
                    tracing::info!(subcommand = %name, "unknown subcommand");
                    cx.tell_msg(ev, Msg::UnknownSubcommand, &[("name", Arg::text(&name))])
                        .await
                }
                Err(CommandError::Usage(name)) => {
                    let lang = cx.sender_language(ev).await?;
                    let usage = cx.in_language(lang, |cx| query::usage(cx, name));
                    cx.tell_msg(ev, Msg::BadUsage, &[("usage", Arg::text(&usage))])
                        .await
                }
            }
        }
        EventKind::Command { name, .. } => {
            tracing::info!(command = %name, "unknown command");
            cx.tell_msg(ev, Msg::UnknownCommand, &[("name", Arg::text(name))])
                .await
        }
    }
}

/// Reads and runs `/helpdesk stats|audit`: for managers, who hear the usage when it does not fit.
async fn helpdesk(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    args: &str,
    options: &[helpdesk_chat::CommandOption],
) -> Result<(), StoreError> {
    let read = command::read_helpdesk(args, options);
    let sub = match &read {
        Ok(c) => c.name(),
        Err(e) => e.subcommand(),
    };
    let managers =
        command::permission("helpdesk", sub) == Some(helpdesk_chat::Permission::Managers);
    if managers && !ev.access.is_manager() {
        return cx.tell_msg(ev, Msg::RefusedManagersOnly, &[]).await;
    }
    match read {
        Ok(HelpdeskCommand::Stats { period }) => stats::command(cx, ev, period.as_deref()).await,
        Ok(HelpdeskCommand::Audit {
            ticket,
            actor,
            period,
        }) => audit::command(cx, ev, ticket, actor, period.as_deref()).await,
        Err(CommandError::Usage("audit")) => cx.tell_msg(ev, Msg::AuditUsage, &[]).await,
        Err(_) => cx.tell_msg(ev, Msg::StatsUsage, &[]).await,
    }
}

/// Runs a parsed `/ticket` command.
async fn run(cx: &mut Cx<'_>, ev: &Ev<'_>, command: TicketCommand) -> Result<(), StoreError> {
    use TicketCommand as C;
    // What the person must be allowed to do on the ticket: the command table says.
    let act = command::act(&command).unwrap_or(Act::Show);
    // The ticket the command is about, if the person may do `act` on it.
    async fn about(
        cx: &mut Cx<'_>,
        ev: &Ev<'_>,
        number: Option<TicketNumber>,
        act: Act,
    ) -> Result<Option<Ticket>, StoreError> {
        let Some(ticket) = find::target(cx, ev, number).await? else {
            return Ok(None);
        };
        Ok(find::permitted(cx, ev, act, &ticket)
            .await?
            .then_some(ticket))
    }
    // Runs the body with the ticket when it is found and the person may do `act` on it.
    macro_rules! on_ticket {
        ($number:expr, $act:expr, |$t:ident| $body:expr) => {
            match about(cx, ev, $number, $act).await? {
                Some($t) => $body,
                None => Ok(()),
            }
        };
    }
    match command {
        C::Help => privately!(cx, ev, query::help(cx, ev).await),
        C::List(scope) => privately!(cx, ev, query::list(cx, ev, scope).await),
        C::New { title: None } => forms::open(cx, ev, |cx| forms::new_ticket(cx, None)).await,
        C::New { title: Some(title) } => {
            let request = intake::Request {
                requester: ev.person.clone(),
                description: title.clone(),
                title: Some(title),
                category: None,
                urgency: crate::domain::Grade::Medium,
                impact: crate::domain::Grade::Low,
                source: find::private_source(cx, ev).await?,
            };
            intake::open(cx, ev, request).await.map(|_| ())
        }
        C::Show(n) => on_ticket!(n, act, |t| privately!(cx, ev, query::show(cx, ev, t).await)),
        C::Claim(n) => on_ticket!(n, act, |t| work::claim(cx, ev, t).await),
        C::Unclaim(n) => on_ticket!(n, act, |t| work::unclaim(cx, ev, t).await),
        C::Assign { ticket, to } => {
            on_ticket!(ticket, act, |t| work::assign(cx, ev, t, to).await)
        }
        C::Escalate {
            ticket,
            level,
            specialty,
            reason,
        } => on_ticket!(ticket, act, |t| work::escalate(
            cx, ev, t, level, specialty, &reason
        )
        .await),
        C::Deescalate { ticket, reason } => {
            on_ticket!(ticket, act, |t| work::deescalate(cx, ev, t, &reason).await)
        }
        C::Priority {
            ticket,
            urgency,
            impact,
        } => on_ticket!(ticket, act, |t| work::reprioritise(
            cx, ev, t, urgency, impact
        )
        .await),
        C::Pending(n) => on_ticket!(n, act, |t| work::pending(cx, ev, t).await),
        C::Hold { ticket, reason } => {
            on_ticket!(ticket, act, |t| work::hold(cx, ev, t, &reason).await)
        }
        C::Resume(n) => on_ticket!(n, act, |t| work::resume(cx, ev, t).await),
        C::Resolve { ticket, resolution } => {
            on_ticket!(ticket, act, |t| resolve::resolve(cx, ev, t, &resolution)
                .await)
        }
        C::Reopen(n) => on_ticket!(n, act, |t| resolve::reopen(cx, ev, t).await),
        C::Close(n) => on_ticket!(n, act, |t| resolve::close(cx, ev, t).await),
        C::Note { ticket, text } => {
            on_ticket!(ticket, act, |t| work::note(cx, ev, t, &text).await)
        }
    }
}
