//! `helpdesk demo`: a scripted conversation through the real engine, on the in-memory platform
//! and a temporary SQLite file, printed as each channel and thread would show it.

use crate::desk::keys::{ArticleId, MessageKey, Widget};
use crate::domain::{TicketId, TicketNumber};
use crate::i18n::{self, Arg, Language, Msg};
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
    for draft in demo_articles(language) {
        tx.save_article(crate::kb::KbOwner::Shared, &draft, chrono::Utc::now())
            .await?;
    }
    tx.commit().await?;
    let kb = Arc::new(KnowledgeBase::open(store.clone(), KbOptions::in_memory()).await?);
    let sb = Sandbox::with_knowledge(store.clone(), tenant, chrono::Utc::now(), kb);
    let mut demo = Demo {
        sb,
        out,
        shown: 0,
        language,
    };
    let result = demo.script().await;
    store.close().await;
    result
}

/// The demo's knowledge base, in the demo's language.
fn demo_articles(language: Language) -> Vec<ArticleDraft> {
    [
        (
            "vpn-error-809",
            Msg::DemoArticleVpnTitle,
            Msg::DemoArticleVpnBody,
        ),
        (
            "outlook-safe-mode",
            Msg::DemoArticleOutlookTitle,
            Msg::DemoArticleOutlookBody,
        ),
        (
            "password-reset",
            Msg::DemoArticlePasswordTitle,
            Msg::DemoArticlePasswordBody,
        ),
    ]
    .into_iter()
    .map(|(slug, title, body)| ArticleDraft {
        slug: slug.into(),
        title: i18n::text(language, title, &[]),
        body: i18n::text(language, body, &[]),
        tags: Vec::new(),
        language: KbLanguage::from(language),
        source: ArticleSource::Imported,
        author: None,
    })
    .collect()
}

struct Demo<'a> {
    sb: Sandbox,
    out: &'a mut dyn Write,
    shown: usize,
    language: Language,
}

fn ada() -> Sender {
    person("U-ada", "Ada (L1)", &["l1-agents"])
}
fn bruno() -> Sender {
    person("U-bruno", "Bruno (L2)", &["l2-agents"])
}

fn message(text: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: false,
        mentions_bot: false,
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
    /// A catalogue message in the demo's language.
    fn t(&self, msg: Msg, args: &[(&str, Arg)]) -> String {
        i18n::text(self.language, msg, args)
    }

    fn mario(&self) -> Sender {
        let name = self.t(Msg::DemoEmployee, &[("name", Arg::text("Mario"))]);
        person("U-mario", &name, &[])
    }

    fn nina(&self) -> Sender {
        let name = self.t(Msg::DemoNetwork, &[("name", Arg::text("Nina"))]);
        person("U-nina", &name, &["network-team"])
    }

    async fn script(&mut self) -> Result<(), DemoError> {
        let (mario, ada, bruno, nina) = (self.mario(), ada(), bruno(), self.nina());
        let t = |demo: &Self, msg| demo.t(msg, &[]);
        writeln!(
            self.out,
            "{}\n{}\n  #help · #support-l1 · #support-l2 · #support-l3 · #l3-network · \
             #l3-security · #helpdesk-managers\n",
            t(self, Msg::DemoIntro),
            t(self, Msg::DemoChannels),
        )?;
        let ask = message(&t(self, Msg::DemoLineAsk), "msg-mario");
        self.step(Msg::DemoStepAsks, &mario, "help", None, ask)
            .await?;
        let id = self.ticket_id(1).await?;
        let l1 = self.card_thread(id, "support-l1")?;
        // A minute later, a second line at the top level of #help: it joins ticket #1.
        self.sb.advance(Duration::from_secs(60)).await?;
        let again = message(&t(self, Msg::DemoLineAgain), "msg-mario-again");
        self.step(Msg::DemoStepAgain, &mario, "help", None, again)
            .await?;
        let unhelpful = click(Widget::KbUnhelpful(
            id,
            self.article("vpn-error-809").await?,
        ));
        self.step(
            Msg::DemoStepUnhelpful,
            &mario,
            "help",
            Some("msg-mario"),
            unhelpful,
        )
        .await?;
        self.step(
            Msg::DemoStepClaim,
            &ada,
            "support-l1",
            None,
            click(Widget::Claim(id)),
        )
        .await?;
        let answer = message(&t(self, Msg::DemoLineAnswer), "msg-ada");
        self.step(Msg::DemoStepAnswer, &ada, "support-l1", Some(&l1), answer)
            .await?;
        let reply = message(&t(self, Msg::DemoLineReply), "msg-mario-2");
        self.step(Msg::DemoStepReply, &mario, "help", Some("msg-mario"), reply)
            .await?;
        let escalate = command(&format!("escalate L2 {}", t(self, Msg::DemoLineEscalate)));
        self.step(
            Msg::DemoStepEscalate,
            &ada,
            "support-l1",
            Some(&l1),
            escalate,
        )
        .await?;
        let l2 = self.card_thread(id, "support-l2")?;
        self.step(
            Msg::DemoStepL2,
            &bruno,
            "support-l2",
            Some(&l2),
            command("claim"),
        )
        .await?;
        let to_l3 = command(&format!("escalate L3 network {}", t(self, Msg::DemoLineL3)));
        self.quiet_step(&bruno, "support-l2", Some(&l2), to_l3)
            .await?;
        let l3 = self.card_thread(id, "l3-network")?;
        let internal = message(&t(self, Msg::DemoLineInternal), "msg-nina");
        self.step(
            Msg::DemoStepInternal,
            &nina,
            "l3-network",
            Some(&l3),
            internal,
        )
        .await?;
        let resolve = command(&format!("resolve {}", t(self, Msg::DemoLineResolve)));
        self.step(
            Msg::DemoStepResolve,
            &nina,
            "l3-network",
            Some(&l3),
            resolve,
        )
        .await?;
        let confirm = click(Widget::Confirm(id, true));
        self.step(
            Msg::DemoStepConfirm,
            &mario,
            "help",
            Some("msg-mario"),
            confirm,
        )
        .await?;
        let rate = click(Widget::Rate(id, 5));
        self.step(Msg::DemoStepRate, &mario, "help", Some("msg-mario"), rate)
            .await?;
        self.sb.advance(Duration::from_secs(60)).await?;
        let ticket = self.ticket(1).await?;
        let entries = self.sb.desk.store().log(ticket.id).await?.len();
        let summary = self.t(
            Msg::DemoSummary,
            &[
                ("number", Arg::text(ticket.number)),
                (
                    "status",
                    Arg::text(i18n::status_name(self.language, ticket.status).to_lowercase()),
                ),
                ("priority", Arg::text(ticket.priority())),
                ("level", Arg::text(ticket.level)),
                ("entries", Arg::num(entries)),
            ],
        );
        writeln!(self.out, "\n{summary}")?;
        Ok(())
    }

    /// What a button is called on screen, in the demo's language.
    fn label(&self, widget: &Widget) -> String {
        let msg = match widget {
            Widget::Claim(_) => Msg::ButtonClaim,
            Widget::KbUnhelpful(..) => Msg::ButtonArticleNotSolved,
            Widget::KbSolved(..) => Msg::ButtonArticleSolved,
            Widget::Confirm(_, true) => Msg::ButtonSolved,
            Widget::Confirm(_, false) => Msg::ButtonNotSolved,
            Widget::Rate(_, n) => return "★".repeat(usize::from(*n)),
            other => return other.name().to_string(),
        };
        self.t(msg, &[])
    }

    async fn step(
        &mut self,
        narration: Msg,
        who: &Sender,
        channel: &str,
        thread: Option<&str>,
        kind: EventKind,
    ) -> Result<(), DemoError> {
        writeln!(self.out, "\n━━ {}", self.t(narration, &[]))?;
        self.quiet_step(who, channel, thread, kind).await
    }

    /// Hands the event to the desk and prints who did what and everything the bot showed.
    async fn quiet_step(
        &mut self,
        who: &Sender,
        channel: &str,
        thread: Option<&str>,
        kind: EventKind,
    ) -> Result<(), DemoError> {
        let said = match &kind {
            EventKind::Message { text, .. } => {
                self.t(Msg::DemoWrites, &[("text", Arg::text(text))])
            }
            EventKind::Command { args, .. } => self.t(
                Msg::DemoTypes,
                &[("text", Arg::text(format!("/ticket {args}")))],
            ),
            EventKind::Action { id, .. } => {
                let button = id.parse::<Widget>().map_or(id.clone(), |w| self.label(&w));
                self.t(Msg::DemoClicks, &[("button", Arg::text(button))])
            }
            other => format!("{other:?}"),
        };
        let place = self.place(channel, thread);
        let line = self.t(
            Msg::DemoActs,
            &[
                ("name", Arg::text(&who.name)),
                ("place", Arg::text(place)),
                ("what", Arg::text(said)),
            ],
        );
        writeln!(self.out, "   {line}")?;
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
            } => (format!("#{channel}"), Msg::DemoPosts, message),
            ChatAction::DirectMessage { user, message, .. } => {
                (format!("@{user}"), Msg::DemoPosts, message)
            }
            ChatAction::Reply {
                channel, message, ..
            } => {
                let thread = r.place().and_then(|(_, t)| t.map(String::from));
                (
                    self.place(channel, thread.as_deref()),
                    Msg::DemoReplies,
                    message,
                )
            }
            ChatAction::Update { message, .. } => {
                let at = r
                    .target
                    .as_ref()
                    .map(|t| {
                        self.t(
                            Msg::DemoAtMessage,
                            &[
                                ("channel", Arg::text(format!("#{}", t.channel))),
                                ("message", Arg::text(&t.message_id)),
                            ],
                        )
                    })
                    .unwrap_or_default();
                (at, Msg::DemoUpdates, message)
            }
            ChatAction::Ephemeral {
                channel,
                user,
                message,
                ..
            } => (
                self.t(
                    Msg::DemoOnlySees,
                    &[
                        ("channel", Arg::text(format!("#{channel}"))),
                        ("user", Arg::text(user)),
                    ],
                ),
                Msg::DemoTells,
                message,
            ),
            ChatAction::React {
                channel,
                message_id,
                emoji,
            } => {
                let line = self.t(
                    Msg::DemoReacts,
                    &[
                        ("channel", Arg::text(format!("#{channel}"))),
                        ("emoji", Arg::text(emoji)),
                        ("message", Arg::text(message_id)),
                    ],
                );
                writeln!(self.out, "   {line}")?;
                return Ok(());
            }
            ChatAction::CreateThread { .. }
            | ChatAction::AddToThread { .. }
            | ChatAction::RemoveFromThread { .. }
            | ChatAction::CloseThread { .. }
            | ChatAction::OpenForm { .. }
            | ChatAction::PublishHome { .. } => return Ok(()),
        };
        let bot = self.t(
            Msg::DemoBot,
            &[
                ("place", Arg::text(place)),
                ("verb", Arg::text(self.t(verb, &[]))),
            ],
        );
        let pings = self.t(Msg::DemoPings, &[]);
        writeln!(self.out, "   {bot}{}", render(message, &pings))?;
        Ok(())
    }

    /// A channel, or a thread in it, as the demo names it.
    fn place(&self, channel: &str, thread: Option<&str>) -> String {
        match thread {
            Some(thread) => self.t(
                Msg::DemoInThread,
                &[
                    ("channel", Arg::text(format!("#{channel}"))),
                    ("thread", Arg::text(thread)),
                ],
            ),
            None => format!("#{channel}"),
        }
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
fn render(m: &RichMessage, pings_word: &str) -> String {
    let mut lines = Vec::new();
    if !m.mentions.is_empty() {
        let pings: Vec<String> = m
            .mentions
            .iter()
            .map(|p| match p {
                Mention::User(id) | Mention::UserGroup(id) => format!("@{id}"),
            })
            .collect();
        lines.push(format!("[{pings_word} {}]", pings.join(" ")));
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
