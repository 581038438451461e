//! What every use case works with: the open transaction, the tenant's settings, the time, and
//! (for events) who asked. Helpers here write log entries, chat actions, timers and audit rows.

use crate::config::TenantConfig;
use crate::domain::{Access, Author, LogEntry, LogKind, Person, TenantId, Ticket, Timestamp};
use crate::i18n::{self, Arg, Language, Msg};
use crate::kb::{Article, KnowledgeBase};
use crate::store::{AuditEntry, ResolvedTicket, StoreError, StoreTx};
use helpdesk_chat::{ChatAction, ChatEvent, FormField, FormFieldKind, RichMessage, TextLimits};

/// One transaction's worth of desk work.
pub(crate) struct Cx<'a> {
    pub tx: StoreTx,
    /// For long reads that must not hold the write transaction's locks (reports).
    pub store: &'a crate::store::Store,
    pub tenant: TenantId,
    pub settings: &'a TenantConfig,
    pub now: Timestamp,
    pub limits: TextLimits,
    /// The platform has private threads (else a requester's ticket talks in their DMs).
    pub private_threads: bool,
    /// The knowledge base, when the desk has one.
    pub kb: Option<&'a KnowledgeBase>,
    /// The installation admins (they alone edit shared articles).
    pub admins: &'a [crate::config::InstallationAdmin],
    /// Articles saved in this transaction: the index takes them in after commit.
    pub saved_articles: Vec<Article>,
    /// Tickets resolved in this transaction: the similar-tickets index takes them in after commit.
    pub resolved: Vec<ResolvedTicket>,
    /// Tickets reopened in this transaction: the similar-tickets index forgets them.
    pub unresolved: Vec<crate::domain::TicketId>,
    /// What this transaction did, for the metrics once it commits.
    pub counts: Counts,
    /// An answer for the person behind the event was queued.
    pub answered: bool,
    /// The language [`Cx::t`] writes in: the tenant's, but while a private answer is written.
    pub lang: Language,
    /// Each person's language as this transaction learnt it (see [`Cx::language_of`]).
    pub languages: std::collections::HashMap<String, Language>,
}

/// Things counted for the metrics, applied only after commit.
pub(crate) type Counts = crate::metrics::DeskWork;

impl Counts {
    /// A ticket opened at `level`.
    pub fn open(&mut self, level: crate::domain::Level) {
        self.opened[level as usize] += 1;
    }

    /// A ticket closed at `level`.
    pub fn close(&mut self, level: crate::domain::Level) {
        self.closed[level as usize] += 1;
    }

    /// Adds these to the process's metrics, labelled with the tenant.
    pub fn publish(self, platform: helpdesk_chat::Platform, tenant: &str) {
        crate::metrics::METRICS.desk_work(platform, tenant, &self);
    }
}

/// The person behind an event, and what they may do.
pub(crate) struct Ev<'a> {
    pub event: &'a ChatEvent,
    pub person: Person,
    pub access: Access,
    /// For an assignment: what the platform said of the assignee, asked before the
    /// transaction (`None`: the desk has no directory to ask).
    pub assignee: Option<Looked>,
}

/// What the platform's directory said of a person.
#[derive(Debug, Clone)]
pub(crate) enum Looked {
    /// It answered.
    Found(helpdesk_chat::Membership),
    /// It could not answer now.
    Failed,
}

impl Ev<'_> {
    pub fn author(&self) -> Author {
        Author::Person(self.person.clone())
    }

    /// The action that opens `form` for this person, when the event carries a form trigger.
    /// The form remembers where it was opened, so its submission lands in the same place.
    pub fn form_action(&self, form: helpdesk_chat::Form) -> Option<ChatAction> {
        self.trigger().map(|trigger| ChatAction::OpenForm {
            user: self.person.id.clone(),
            trigger: trigger.to_string(),
            form,
            channel: self.event.channel.clone(),
            thread: self.event.thread.clone(),
        })
    }

    /// The platform's form trigger of this command or click, if any.
    pub fn trigger(&self) -> Option<&str> {
        match &self.event.kind {
            helpdesk_chat::EventKind::Command { trigger, .. }
            | helpdesk_chat::EventKind::Action { trigger, .. } => trigger.as_deref(),
            _ => None,
        }
    }

    /// The trigger a private answer to this event rides on: a command's, a click's, or a
    /// form submission's (which may be answered, though not with another form).
    pub fn answer_trigger(&self) -> Option<&str> {
        match &self.event.kind {
            helpdesk_chat::EventKind::FormSubmitted { trigger, .. } => trigger.as_deref(),
            _ => self.trigger(),
        }
    }
}

impl Cx<'_> {
    /// A message from the catalogue of the language being written ([`Cx::lang`]).
    pub fn t(&self, msg: Msg, args: &[(&str, Arg)]) -> String {
        i18n::text(self.lang, msg, args)
    }

    /// A duration in words as the reader reads it ("3 days", "2 ore e 5 minuti").
    pub fn duration(&self, d: std::time::Duration) -> String {
        i18n::duration(self.lang, d)
    }

    /// A duration as a time from now ("in 3 days", "tra 3 giorni", "za 3 dni").
    pub fn duration_from_now(&self, d: std::time::Duration) -> String {
        i18n::duration_from_now(self.lang, d)
    }

    /// A time as the reader reads it (`seconds`: to the second).
    pub fn date_time(&self, at: &Timestamp, seconds: bool) -> String {
        i18n::date_time(self.lang, at, seconds)
    }

    /// The one place a person's language is decided: the platform's locale for them with this
    /// event (`given`), else the last one the desk saw, when the desk speaks it; else the
    /// tenant's. Asked once per person and transaction.
    pub async fn language_of(
        &mut self,
        person: &str,
        given: Option<&str>,
    ) -> Result<Language, StoreError> {
        if let Some(lang) = self.languages.get(person) {
            return Ok(*lang);
        }
        let locale = match given {
            Some(locale) => Some(locale.to_string()),
            None => self.tx.locale_of(self.tenant, person).await?,
        };
        let lang = locale
            .as_deref()
            .and_then(Language::from_locale)
            .unwrap_or(self.settings.language);
        self.languages.insert(person.to_string(), lang);
        Ok(lang)
    }

    /// The language of the person behind the event.
    pub async fn sender_language(&mut self, ev: &Ev<'_>) -> Result<Language, StoreError> {
        self.language_of(&ev.person.id, ev.event.sender.locale.as_deref())
            .await
    }

    /// The language of a ticket's requester (messages in their thread or direct messages).
    pub async fn requester_language(&mut self, ticket: &Ticket) -> Result<Language, StoreError> {
        self.language_of(&ticket.requester.id, None).await
    }

    /// Writes in `lang` from now on ([`Cx::t`] and the times); returns the language before.
    pub fn speak(&mut self, lang: Language) -> Language {
        std::mem::replace(&mut self.lang, lang)
    }

    /// Runs `f` writing in `lang`, then goes back to the language before.
    pub fn in_language<R>(&mut self, lang: Language, f: impl FnOnce(&Self) -> R) -> R {
        let was = self.speak(lang);
        let out = f(self);
        self.speak(was);
        out
    }

    /// A catalogue message in the language of the ticket's requester.
    pub async fn t_requester(
        &mut self,
        ticket: &Ticket,
        msg: Msg,
        args: &[(&str, Arg)],
    ) -> Result<String, StoreError> {
        let lang = self.requester_language(ticket).await?;
        Ok(i18n::text(lang, msg, args))
    }

    /// A form field labelled from the catalogue.
    pub fn field(
        &self,
        id: &str,
        label: Msg,
        kind: FormFieldKind,
        required: bool,
        initial: Option<String>,
    ) -> FormField {
        FormField {
            id: id.to_string(),
            label: self.t(label, &[]),
            kind,
            required,
            initial: initial.filter(|i| !i.is_empty()),
        }
    }

    /// Queues a chat action, sent after commit (written with the event's other actions in one
    /// INSERT at commit).
    pub async fn send(
        &mut self,
        ticket: Option<&Ticket>,
        action: ChatAction,
    ) -> Result<(), StoreError> {
        if matches!(
            action,
            ChatAction::OpenForm { .. } | ChatAction::Ephemeral { .. } | ChatAction::Update { .. }
        ) {
            self.answered = true;
        }
        self.tx
            .enqueue_later(self.tenant, ticket.map(|t| t.id), &action, self.now)
    }

    /// Tells only the person behind the event (refusals, lists, help).
    pub async fn tell(&mut self, ev: &Ev<'_>, message: RichMessage) -> Result<(), StoreError> {
        let action = ChatAction::Ephemeral {
            channel: ev.event.channel.clone(),
            thread: ev.event.thread.clone(),
            user: ev.person.id.clone(),
            message,
            trigger: ev.answer_trigger().map(str::to_string),
        };
        self.send(None, action).await
    }

    /// Tells the person a catalogue message, in their language.
    pub async fn tell_msg(
        &mut self,
        ev: &Ev<'_>,
        msg: Msg,
        args: &[(&str, Arg)],
    ) -> Result<(), StoreError> {
        let lang = self.sender_language(ev).await?;
        let text = i18n::text(lang, msg, args);
        self.tell(ev, RichMessage::text(text)).await
    }

    /// Appends the entries to the ticket's log (written with the event's other entries in one
    /// INSERT at commit, or before a read of the log).
    pub async fn record(
        &mut self,
        ticket: &Ticket,
        author: &Author,
        kinds: Vec<LogKind>,
    ) -> Result<(), StoreError> {
        for kind in kinds {
            let entry = LogEntry {
                at: self.now,
                author: author.clone(),
                kind,
            };
            self.tx.append_log_later(ticket.id, &entry)?;
        }
        Ok(())
    }

    /// Writes the changed ticket and keeps its new version.
    pub async fn save(&mut self, ticket: &mut Ticket) -> Result<(), StoreError> {
        *ticket = self.tx.update_ticket(ticket).await?;
        Ok(())
    }

    /// Saves, logs and audits a change someone made (and counts a close for the metrics).
    /// The caller shows the change on the card: the card reads clocks this module knows not.
    pub async fn commit(
        &mut self,
        ticket: &mut Ticket,
        author: &Author,
        kinds: Vec<LogKind>,
        audit: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let closes = kinds.iter().any(|k| {
            matches!(
                k,
                LogKind::StatusChange {
                    to: crate::domain::Status::Closed,
                    ..
                }
            )
        });
        if closes {
            self.counts.close(ticket.level);
        }
        self.save(ticket).await?;
        self.record(ticket, author, kinds).await?;
        self.audit(author, audit, ticket, detail).await
    }

    /// Records a privileged action on a ticket.
    pub async fn audit(
        &mut self,
        actor: &Author,
        action: &str,
        ticket: &Ticket,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        self.audit_act(actor, action, &ticket.number.to_string(), detail)
            .await
    }

    /// Records a privileged action on anything (`target` names it: `#42`, `audit`, an article).
    pub async fn audit_act(
        &mut self,
        actor: &Author,
        action: &str,
        target: &str,
        detail: serde_json::Value,
    ) -> Result<(), StoreError> {
        let actor = match actor {
            Author::Person(p) => p.clone(),
            Author::System => Person::new("system", "system"),
        };
        let entry = AuditEntry {
            tenant: Some(self.tenant),
            at: self.now,
            actor,
            action: action.to_string(),
            target: target.to_string(),
            detail,
        };
        self.tx.audit(&entry).await
    }
}
