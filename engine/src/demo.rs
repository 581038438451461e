//! `helpdesk demo`: a scripted conversation through the real engine, on the in-memory platform
//! and a temporary SQLite file, printed as each channel and thread would show it.

use crate::desk::keys::{ArticleId, MessageKey, Widget};
use crate::domain::{TicketId, TicketNumber};
use crate::i18n::Language;
use crate::kb::{ArticleDraft, ArticleSource, KbLanguage, KbOptions, KbOwner, KnowledgeBase};
use crate::sandbox::{example_tenant, person, Sandbox};
use crate::store::{ConnectOptions, Store, StoreError};
use helpdesk_chat::{ChatAction, EventKind, Mention, Recorded, RichMessage, Sender};
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Why the demo stopped.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The temporary database.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The knowledge base.
    #[error(transparent)]
    Kb(#[from] crate::kb::KbError),
    /// The engine.
    #[error(transparent)]
    Desk(#[from] crate::desk::DeskError),
    /// Writing the output.
    #[error("cannot write the output: {0}")]
    Output(#[from] std::io::Error),
    /// The script expected something the engine did not do.
    #[error("the demo went off script: {0}")]
    OffScript(String),
}

/// A temporary database file, removed when dropped.
struct TempDb(PathBuf);

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.0.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Runs the scripted conversation and writes what each channel and thread shows to `out`.
pub async fn run(out: &mut dyn Write, language: Language) -> Result<(), DemoError> {
    let stamp = chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default();
    let db = TempDb(
        std::env::temp_dir().join(format!("helpdesk-demo-{}-{stamp}.db", std::process::id())),
    );
    let store = Store::open(&ConnectOptions::new(db.0.to_string_lossy())).await?;
    let mut tenant = example_tenant();
    tenant.language = language;
    let mut tx = store.begin().await?;
    for draft in demo_articles() {
        tx.save_article(crate::kb::KbOwner::Shared, &draft, chrono::Utc::now())
            .await?;
    }
    tx.commit().await?;
    let kb = Arc::new(KnowledgeBase::open(store.clone(), KbOptions::in_memory()).await?);
    let sb = Sandbox::with_knowledge(store.clone(), tenant, chrono::Utc::now(), kb);
    let mut demo = Demo { sb, out, shown: 0 };
    let result = demo.script().await;
    store.close().await;
    result
}

/// The demo's knowledge base.
fn demo_articles() -> Vec<ArticleDraft> {
    [
        (
            "vpn-error-809",
            "VPN error 809 when connecting",
            "Error 809 means the VPN client cannot reach the gateway. Restart the VPN client; \
             if it persists, check that your network allows UDP ports 500 and 4500.",
        ),
        (
            "outlook-safe-mode",
            "Outlook crashes at start",
            "Start Outlook in safe mode (`outlook.exe /safe`) and disable the add-ins one by one.",
        ),
        (
            "password-reset",
            "Reset a forgotten password",
            "Use the self-service portal and follow the steps; the new password works everywhere \
             within 5 minutes.",
        ),
    ]
    .into_iter()
    .map(|(slug, title, body)| ArticleDraft {
        slug: slug.into(),
        title: title.into(),
        body: body.into(),
        tags: Vec::new(),
        language: KbLanguage::En,
        source: ArticleSource::Imported,
        author: None,
    })
    .collect()
}

struct Demo<'a> {
    sb: Sandbox,
    out: &'a mut dyn Write,
    shown: usize,
}

fn mario() -> Sender {
    person("U-mario", "Mario (employee)", &[])
}
fn ada() -> Sender {
    person("U-ada", "Ada (L1)", &["l1-agents"])
}
fn bruno() -> Sender {
    person("U-bruno", "Bruno (L2)", &["l2-agents"])
}
fn nina() -> Sender {
    person("U-nina", "Nina (L3 network)", &["network-team"])
}

fn message(text: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: false,
        attachments: Vec::new(),
    }
}

fn command(args: &str) -> EventKind {
    EventKind::Command {
        name: "ticket".into(),
        args: args.into(),
        options: Vec::new(),
        trigger: None,
    }
}

/// A click on the desk's widget.
fn click(widget: Widget) -> EventKind {
    EventKind::Action {
        id: widget.to_string(),
        value: String::new(),
        message_id: None,
        trigger: None,
    }
}

impl Demo<'_> {
    async fn script(&mut self) -> Result<(), DemoError> {
        writeln!(
            self.out,
            "helpdesk demo: one ticket from question to confirmed fix, through the real engine\n\
             (in-memory chat platform, temporary SQLite database, a knowledge base of 3 articles).\n\
             Channels of the example tenant:\n  \
             #help (intake) · #support-l1 · #support-l2 · #support-l3 · #l3-network · #l3-security · \
             #helpdesk-managers\n"
        )?;
        self.step(
            "Mario writes in #help",
            &mario(),
            "help",
            None,
            message("My VPN is down since this morning, error 809", "msg-mario"),
        )
        .await?;
        let id = self.ticket_id(1).await?;
        let l1 = self.card_thread(id, "support-l1")?;
        self.step(
            "Mario reads the suggested article: it does not help",
            &mario(),
            "help",
            Some("msg-mario"),
            click(Widget::KbUnhelpful(
                id,
                self.article("vpn-error-809").await?,
            )),
        )
        .await?;
        self.step(
            "Ada (L1) clicks Claim on the card",
            &ada(),
            "support-l1",
            None,
            click(Widget::Claim(id)),
        )
        .await?;
        self.step(
            "Ada answers in the card's thread",
            &ada(),
            "support-l1",
            Some(&l1),
            message("Could you restart the VPN client and try again?", "msg-ada"),
        )
        .await?;
        self.step(
            "Mario replies in his thread",
            &mario(),
            "help",
            Some("msg-mario"),
            message(
                "Restarted, still error 809. Colleagues have it too.",
                "msg-mario-2",
            ),
        )
        .await?;
        self.step(
            "Ada escalates to L2 with a reason",
            &ada(),
            "support-l1",
            Some(&l1),
            command("escalate L2 several users, client is fine: looks like the gateway"),
        )
        .await?;
        let l2 = self.card_thread(id, "support-l2")?;
        self.step(
            "Bruno (L2) claims it and escalates to the L3 network specialists",
            &bruno(),
            "support-l2",
            Some(&l2),
            command("claim"),
        )
        .await?;
        self.step(
            "",
            &bruno(),
            "support-l2",
            Some(&l2),
            command("escalate L3 network gateway drops IKE packets since the 02:00 update"),
        )
        .await?;
        let l3 = self.card_thread(id, "l3-network")?;
        self.step(
            "Nina (L3) writes in her card's thread: internal, L3 stays away from the requester",
            &nina(),
            "l3-network",
            Some(&l3),
            message("Known firmware bug, rolling back the gateway.", "msg-nina"),
        )
        .await?;
        self.step(
            "Nina resolves",
            &nina(),
            "l3-network",
            Some(&l3),
            command("resolve Rolled the VPN gateway back to the previous firmware."),
        )
        .await?;
        self.step(
            "Mario clicks \"Yes, solved\"",
            &mario(),
            "help",
            Some("msg-mario"),
            click(Widget::Confirm(id, true)),
        )
        .await?;
        self.sb.advance(Duration::from_secs(60)).await?;
        let ticket = self.ticket(1).await?;
        writeln!(
            self.out,
            "\nTicket {} is {} (priority {}, level {}). Its log holds {} entries; `helpdesk ticket \
             show` prints them on a real database.",
            ticket.number,
            ticket.status,
            ticket.priority(),
            ticket.level,
            self.sb.desk.store().log(ticket.id).await?.len()
        )?;
        Ok(())
    }

    async fn step(
        &mut self,
        narration: &str,
        who: &Sender,
        channel: &str,
        thread: Option<&str>,
        kind: EventKind,
    ) -> Result<(), DemoError> {
        if !narration.is_empty() {
            writeln!(self.out, "\n━━ {narration}")?;
        }
        let said = match &kind {
            EventKind::Message { text, .. } => format!("writes: {text}"),
            EventKind::Command { args, .. } => format!("types: /ticket {args}"),
            EventKind::Action { id, .. } => {
                let name = id.parse::<Widget>().map_or(id.as_str(), |w| w.name());
                format!("clicks: {name}")
            }
            other => format!("{other:?}"),
        };
        let place = match thread {
            Some(t) => format!("#{channel} › thread {t}"),
            None => format!("#{channel}"),
        };
        writeln!(self.out, "   {} in {place} {said}", who.name)?;
        let event = self.sb.event(who, channel, thread, kind);
        self.sb.handle(&event).await?;
        let sent = self.sb.platform.sent();
        for recorded in &sent[self.shown..] {
            self.print(recorded)?;
        }
        self.shown = sent.len();
        Ok(())
    }

    fn print(&mut self, r: &Recorded) -> Result<(), DemoError> {
        let (place, verb, message) = match &r.action {
            ChatAction::Post {
                channel, message, ..
            }
            | ChatAction::OpenThread {
                channel, message, ..
            } => (format!("#{channel}"), "posts", message),
            ChatAction::Reply {
                channel, message, ..
            } => {
                let thread = r
                    .place()
                    .and_then(|(_, t)| t.map(String::from))
                    .unwrap_or_default();
                (format!("#{channel} › thread {thread}"), "replies", message)
            }
            ChatAction::Update { message, .. } => {
                let at = r
                    .target
                    .as_ref()
                    .map(|t| format!("#{} › message {}", t.channel, t.message_id))
                    .unwrap_or_default();
                (at, "updates the card", message)
            }
            ChatAction::Ephemeral {
                channel,
                user,
                message,
                ..
            } => (format!("#{channel} (only {user} sees)"), "tells", message),
            ChatAction::React {
                channel,
                message_id,
                emoji,
            } => {
                writeln!(
                    self.out,
                    "   bot ▸ #{channel}: reacts :{emoji}: to {message_id} (kept internal)"
                )?;
                return Ok(());
            }
            ChatAction::CreateThread { .. }
            | ChatAction::AddToThread { .. }
            | ChatAction::RemoveFromThread { .. }
            | ChatAction::CloseThread { .. }
            | ChatAction::OpenForm { .. }
            | ChatAction::PublishHome { .. } => return Ok(()),
        };
        writeln!(self.out, "   bot ▸ {place} {verb}:{}", render(message))?;
        Ok(())
    }

    async fn article(&self, slug: &str) -> Result<ArticleId, DemoError> {
        let tenant = self.tenant().await?;
        let article = self.sb.desk.store().article(KbOwner::Tenant(tenant), slug);
        article
            .await?
            .map(|a| ArticleId(a.id))
            .ok_or_else(|| DemoError::OffScript(format!("no article {slug}")))
    }

    async fn tenant(&self) -> Result<crate::domain::TenantId, DemoError> {
        self.sb
            .desk
            .store()
            .tenants()
            .await?
            .first()
            .map(|t| t.id)
            .ok_or_else(|| DemoError::OffScript("no tenant".into()))
    }

    async fn ticket(&self, n: i64) -> Result<crate::domain::Ticket, DemoError> {
        let tenant = self.tenant().await?;
        self.sb
            .desk
            .store()
            .ticket(tenant, TicketNumber(n))
            .await?
            .ok_or_else(|| DemoError::OffScript(format!("no ticket #{n}")))
    }

    async fn ticket_id(&self, n: i64) -> Result<TicketId, DemoError> {
        Ok(self.ticket(n).await?.id)
    }

    fn card_thread(&self, id: TicketId, channel: &str) -> Result<String, DemoError> {
        self.sb
            .platform
            .posted(&MessageKey::card(id, channel).to_string())
            .map(|m| m.message_id)
            .ok_or_else(|| DemoError::OffScript(format!("no card in #{channel}")))
    }
}

/// A rich message as indented text lines.
fn render(m: &RichMessage) -> String {
    let mut lines = Vec::new();
    if !m.mentions.is_empty() {
        let pings: Vec<String> = m
            .mentions
            .iter()
            .map(|p| match p {
                Mention::User(id) | Mention::UserGroup(id) => format!("@{id}"),
            })
            .collect();
        lines.push(format!("[pings {}]", pings.join(" ")));
    }
    if let Some(title) = &m.title {
        lines.push(format!("**{title}**"));
    }
    lines.extend(m.text.lines().map(String::from));
    if !m.fields.is_empty() {
        let fields: Vec<String> = m
            .fields
            .iter()
            .map(|f| format!("{}: {}", f.label, f.value))
            .collect();
        lines.push(fields.join(" | "));
    }
    if !m.buttons.is_empty() {
        let buttons: Vec<String> = m.buttons.iter().map(|b| format!("[{}]", b.label)).collect();
        lines.push(buttons.join(" "));
    }
    if let Some(context) = &m.context {
        lines.push(format!("({context})"));
    }
    lines
        .iter()
        .map(|l| format!("\n        {l}"))
        .collect::<String>()
}
