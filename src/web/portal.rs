//! The requester portal over the engine: "my tickets", a ticket's public conversation and the
//! desk's messages to a person, read from the store in the page's language; what the desk
//! sends to the web platform, kept in `web_messages`; and the web tenant's configuration.

use super::StoreAccounts;
use helpdesk_engine::config::TenantConfig;
use helpdesk_engine::domain::{Author, Level, TenantId, Ticket, TicketNumber};
use helpdesk_engine::i18n::{self, Language, Msg};
use helpdesk_engine::store::{StoreError, TicketFilter, WebMessage};
use helpdesk_web::ids::{ADMINS, AGENT_GROUPS, MANAGERS, QUEUES, TENANT};
use helpdesk_web::portal::{Conversation, Entry, Kept, Notice, Number, TicketLine, TicketPage};
use helpdesk_web::{Deliveries, Portal, StoreFailure, StoreFuture, Username};

/// The most tickets "my tickets" lists.
const MINE: i64 = 200;

/// The most of the desk's messages read for a person's page.
const NOTICES: i64 = 10;

/// The web tenant as the desk serves it: each level's queue and group, the managers' and
/// admins' groups, in `language`. Web accounts are in these groups by their role
/// (`helpdesk_web::ids::groups`), as chat people are in their platform's.
pub fn web_tenant(language: Language) -> TenantConfig {
    let mut tenant = TenantConfig::unconfigured(helpdesk_web::PLATFORM, TENANT);
    tenant.name = Some("web desk".into());
    tenant.language = language;
    for (i, level) in Level::ALL.into_iter().enumerate() {
        let config = match level {
            Level::L1 => &mut tenant.levels.l1,
            Level::L2 => &mut tenant.levels.l2,
            Level::L3 => &mut tenant.levels.l3,
        };
        config.channel = Some(QUEUES[i].to_string());
        config.group = Some(AGENT_GROUPS[i].to_string());
    }
    tenant.manager_groups = vec![MANAGERS.to_string()];
    tenant.admin_groups = vec![ADMINS.to_string()];
    tenant
}

fn failure(e: StoreError) -> StoreFailure {
    StoreFailure(e.to_string())
}

fn language(code: &str) -> Language {
    Language::from_locale(code).unwrap_or_default()
}

impl StoreAccounts {
    /// The web tenant's id, once the desk has recorded it (at its first event).
    async fn web_tenant_id(&self) -> Result<Option<TenantId>, StoreError> {
        Ok(self
            .0
            .tenants()
            .await?
            .into_iter()
            .find(|t| t.platform == helpdesk_web::PLATFORM && t.external_id == TENANT)
            .map(|t| t.id))
    }
}

/// A ticket's level as its requester reads it (with the specialty at L3).
fn level(ticket: &Ticket) -> String {
    match &ticket.specialty {
        Some(s) => format!("{} ({s})", ticket.level),
        None => ticket.level.to_string(),
    }
}

fn line(lang: Language, ticket: &Ticket) -> TicketLine {
    TicketLine {
        number: Number(u64::try_from(ticket.number.0).unwrap_or_default()),
        title: ticket.title.as_str().to_string(),
        status: i18n::status_name(lang, ticket.status),
        level: level(ticket),
        updated: i18n::date_time(lang, &ticket.updated_at, false),
    }
}

impl Portal for StoreAccounts {
    fn mine<'a>(
        &'a self,
        person: &'a Username,
        language_code: &'static str,
    ) -> StoreFuture<'a, Vec<TicketLine>> {
        Box::pin(async move {
            let Some(tenant) = self.web_tenant_id().await.map_err(failure)? else {
                return Ok(Vec::new());
            };
            let filter = TicketFilter {
                tenant: Some(tenant),
                requester: Some(person.to_string()),
                limit: Some(MINE),
                ..TicketFilter::default()
            };
            let lang = language(language_code);
            let tickets = self.0.list_tickets(&filter).await.map_err(failure)?;
            Ok(tickets.iter().map(|t| line(lang, t)).collect())
        })
    }

    fn ticket<'a>(
        &'a self,
        person: &'a Username,
        number: Number,
        language_code: &'static str,
    ) -> StoreFuture<'a, Option<TicketPage>> {
        Box::pin(async move {
            let Some(tenant) = self.web_tenant_id().await.map_err(failure)? else {
                return Ok(None);
            };
            let Ok(number) = i64::try_from(number.0) else {
                return Ok(None);
            };
            let found = self
                .0
                .ticket(tenant, TicketNumber(number))
                .await
                .map_err(failure)?;
            // Someone else's ticket reads as no ticket at all.
            let Some(ticket) = found.filter(|t| t.requester.id == person.as_str()) else {
                return Ok(None);
            };
            let lang = language(language_code);
            let desk = i18n::text(lang, Msg::WebDeskName, &[]);
            let log = self.0.log(ticket.id).await.map_err(failure)?;
            let entries = log
                .iter()
                .filter(|r| !r.entry.kind.is_internal())
                .map(|r| Entry {
                    at: i18n::date_time(lang, &r.entry.at, false),
                    who: match &r.entry.author {
                        Author::Person(p) => p.name.clone(),
                        Author::System => desk.clone(),
                    },
                    text: i18n::describe(lang, &r.entry.kind),
                })
                .collect();
            Ok(Some(TicketPage {
                line: line(lang, &ticket),
                entries,
                conversation: Conversation {
                    channel: ticket.source.channel.clone(),
                    thread: ticket.source.thread.clone(),
                },
            }))
        })
    }

    fn notices<'a>(
        &'a self,
        person: &'a Username,
        language_code: &'static str,
    ) -> StoreFuture<'a, Vec<Notice>> {
        Box::pin(async move {
            let lang = language(language_code);
            let kept = self
                .0
                .web_messages_for(person.as_str(), NOTICES)
                .await
                .map_err(failure)?;
            Ok(kept
                .into_iter()
                .map(|m| Notice {
                    at: i18n::date_time(lang, &m.at, false),
                    message: m.message,
                })
                .collect())
        })
    }
}

impl Deliveries for StoreAccounts {
    fn keep<'a>(&'a self, attempt_key: &'a str, message: Kept) -> StoreFuture<'a, String> {
        Box::pin(async move {
            let kept = WebMessage {
                person: message.person.map(|p| p.to_string()),
                channel: message.channel,
                thread: message.thread,
                message_id: message.message_id,
                message: message.message,
                at: message.at.into(),
            };
            self.0
                .keep_web_message(attempt_key, &kept)
                .await
                .map_err(failure)
        })
    }
}
