//! Intake: a ticket from `/ticket new`, the new-ticket form, a direct message, a message in an
//! intake channel, or a 🎫 reaction. The requester is answered in their thread, the card goes
//! to L1, and L1's time budget starts.

use super::card;
use super::context::{Cx, Ev};
use super::keys::MessageKey;
use super::{knowledge, sla, timers};
use crate::domain::{
    Author, Impact, LogKind, NewTicket, Person, Priority, RequesterType, Source, Status, Ticket,
    Title, Urgency, TEXT_MAX_CHARS,
};
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;
use helpdesk_chat::{truncate_chars, ChatAction, RichMessage};
use serde_json::json;

/// What a new ticket starts from, already taken from the event.
pub(crate) struct Request {
    /// Who asks.
    pub requester: Person,
    /// A title, if the person gave one.
    pub title: Option<String>,
    /// The first message.
    pub description: String,
    /// A category the tenant knows, if chosen.
    pub category: Option<String>,
    /// How soon.
    pub urgency: Urgency,
    /// How much.
    pub impact: Impact,
    /// Channel, and the requester's message whose thread the conversation uses (`None`: the
    /// bot posts a message to start one).
    pub source: Source,
}

/// Statuses in which a ticket counts against the requester's open tickets.
const OPEN: [Status; 4] = [Status::New, Status::Open, Status::Pending, Status::OnHold];

/// Statuses in which a ticket takes its requester's next top-level line: the open ones (a
/// resolved one waits for Yes or No on its own buttons; a new line is a new problem).
const LISTENING: [Status; 4] = OPEN;

/// The most tickets read as a requester's listening ones: far more than the open limit.
const LISTENING_READ: i64 = 50;

/// What intake knows of a requester's tickets, in one read: those still listening (see
/// [`LISTENING`]) and the newest of any status (for the hourly limit); each newest first.
pub(crate) struct RequesterTickets {
    listening: Vec<Ticket>,
    latest: Vec<Ticket>,
}

impl RequesterTickets {
    /// Reads them.
    pub(crate) async fn read(cx: &mut Cx<'_>, requester: &Person) -> Result<Self, StoreError> {
        let limits = &cx.settings.limits;
        let (listening, latest) = cx
            .tx
            .requester_tickets(
                cx.tenant,
                &requester.id,
                &LISTENING,
                LISTENING_READ.max(i64::from(limits.open_tickets_per_requester)),
                i64::from(limits.new_tickets_per_hour),
            )
            .await?;
        Ok(RequesterTickets { listening, latest })
    }

    /// The newest open ticket whose requester's side is top level in `channel` (an intake
    /// channel), or, for a direct message, in their direct messages with the bot, which a
    /// ticket opened by form or command may name by the person's id (Slack).
    pub(crate) fn listening_in(&self, channel: &str, direct: Option<&str>) -> Option<&Ticket> {
        self.listening
            .iter()
            .find(|t| t.source.channel == channel || Some(t.source.channel.as_str()) == direct)
    }

    fn open(&self) -> Vec<&Ticket> {
        self.listening.iter().collect()
    }
}

/// Opens the ticket and does everything that follows; `None` when the requester is over the
/// tenant's limits (they are told why and when they can try again). Agents opening tickets
/// are not limited, and only their choice of urgency and impact is taken as it is.
pub(crate) async fn open(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    request: Request,
) -> Result<Option<Ticket>, StoreError> {
    let known = if ev.access.is_agent() {
        None
    } else {
        Some(RequesterTickets::read(cx, &request.requester).await?)
    };
    open_knowing(cx, ev, request, known).await
}

/// [`open`], with the requester's tickets already read (`None` for an agent, who is not
/// limited).
pub(crate) async fn open_knowing(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    mut request: Request,
    known: Option<RequesterTickets>,
) -> Result<Option<Ticket>, StoreError> {
    let by_agent = ev.access.is_agent();
    if let (false, Some(known)) = (by_agent, &known) {
        if !admitted(cx, ev, &request.requester, known).await? {
            return Ok(None);
        }
    }
    let most = cx.settings.limits.requester_max_priority;
    let capped = !by_agent && Priority::from_matrix(request.urgency, request.impact) < most;
    if capped {
        (request.urgency, request.impact) = Priority::capped(request.urgency, request.impact, most);
    }
    let cut = request.description.chars().count() > TEXT_MAX_CHARS;
    let description = truncate_chars(request.description.trim(), TEXT_MAX_CHARS);
    let title = request
        .title
        .as_deref()
        .and_then(|t| Title::parse(t).ok())
        .or_else(|| Title::from_description(&description))
        .unwrap_or_else(|| {
            Title::parse(&cx.t(Msg::DefaultTitle, &[]))
                .expect("the catalogue's default title is valid")
        });
    let category = request
        .category
        .filter(|c| cx.settings.categories.iter().any(|k| k == c));
    let new = NewTicket {
        tenant: cx.tenant,
        requester: request.requester.clone(),
        requester_type: RequesterType::Employee,
        title,
        description: description.clone(),
        category,
        urgency: request.urgency,
        impact: request.impact,
        source: request.source,
    };
    let ticket = cx.tx.create_ticket(new, cx.now).await?;
    cx.counts.open(ticket.level);
    let author = Author::Person(request.requester);
    let first = if description.is_empty() {
        ticket.title.to_string()
    } else {
        description
    };
    cx.record(
        &ticket,
        &author,
        vec![LogKind::RequesterMessage { text: first }],
    )
    .await?;
    // The audit names who acted; a ticket opened for someone else says for whom.
    let detail = if ev.person.id == ticket.requester.id {
        json!({ "channel": ticket.source.channel })
    } else {
        json!({ "channel": ticket.source.channel, "for": ticket.requester.id })
    };
    cx.audit(&ev.author(), "open", &ticket, detail).await?;
    tracing::info!(ticket = %ticket.number, priority = %ticket.priority(), "ticket opened");

    // The first answer is the requester's: written in their language.
    let lang = cx.requester_language(&ticket).await?;
    let was = cx.speak(lang);
    let mut text = cx.t(
        Msg::RequesterOpened,
        &[
            ("number", Arg::text(ticket.number)),
            ("priority", Arg::text(ticket.priority())),
            ("level", Arg::text(ticket.level)),
        ],
    );
    if cut {
        text.push_str("\n\n");
        text.push_str(&cx.t(Msg::TextCut, &[("max", Arg::num(TEXT_MAX_CHARS))]));
    }
    if capped {
        text.push_str("\n\n");
        text.push_str(&cx.t(Msg::PriorityCapped, &[("priority", Arg::text(most))]));
    }
    text.push_str("\n\n");
    text.push_str(&expectations(cx, &ticket));
    let message = RichMessage {
        title: Some(truncate_chars(
            &format!("{} · {}", ticket.number, ticket.title),
            cx.limits.title,
        )),
        text,
        context: Some(cx.t(Msg::RequesterOpenedHint, &[])),
        ..RichMessage::default()
    };
    cx.speak(was);
    if ticket.source.thread.is_none() {
        // No message of theirs to answer under: the conversation gets its own thread, private
        // where the platform has private threads.
        let name = truncate_chars(&format!("{} {}", ticket.number, ticket.title), 100);
        let action = ChatAction::OpenThread {
            channel: ticket.source.channel.clone(),
            key: MessageKey::Requester(ticket.id).to_string(),
            name,
            members: vec![ticket.requester.id.clone()],
            message,
        };
        cx.send(Some(&ticket), action).await?;
    } else {
        card::to_requester(cx, &ticket, message).await?;
    }
    // Knowledge first: with suggestions shown, the card goes out at once but its ping waits for
    // the requester's "I still need help" or the grace period.
    let suggested = knowledge::suggest(cx, &ticket).await?;
    let grace = cx.settings.kb_grace;
    let ping_now = !suggested || grace.is_zero();
    timers::start_budget(cx, &ticket).await?;
    sla::start(cx, &ticket).await?;
    let line = sla::card_line(cx, &ticket).await?;
    card::show_pinging(cx, &ticket, line, None, ping_now).await?;
    if !ping_now {
        timers::arm(cx, &ticket, timers::TimerKind::KbGrace, grace).await?;
    }
    Ok(Some(ticket))
}

/// What the requester may expect: that the desk is closed now and when it opens (in the
/// desk's time zone), and how soon an agent usually answers (the first-response target of the
/// ticket's priority, in working time when the tenant has business hours).
fn expectations(cx: &Cx<'_>, ticket: &Ticket) -> String {
    let mut said = Vec::with_capacity(2);
    let hours = cx.settings.business_hours.as_ref();
    if let Some(hours) = hours {
        if let Some(opens) = hours.opens_at(cx.now) {
            let zone = hours.zone();
            said.push(cx.t(
                Msg::RequesterDeskClosed,
                &[
                    (
                        "time",
                        Arg::Text(crate::i18n::date_time_in(cx.lang, &opens, zone)),
                    ),
                    ("zone", Arg::text(zone.name())),
                ],
            ));
        }
    }
    let target = cx.duration(sla::first_response_target(cx, ticket));
    let expected = if hours.is_some() {
        Msg::RequesterExpectedResponseWorking
    } else {
        Msg::RequesterExpectedResponse
    };
    said.push(cx.t(expected, &[("duration", Arg::Text(target))]));
    said.join(" ")
}

/// Whether the requester may open another ticket now: few enough open, few enough this hour.
async fn admitted(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    requester: &Person,
    known: &RequesterTickets,
) -> Result<bool, StoreError> {
    let limits = cx.settings.limits.clone();
    let open = known.open();
    let latest = &known.latest;
    let for_someone_else = ev.person.id != requester.id;
    if open.len() >= limits.open_tickets_per_requester as usize {
        tracing::info!(requester = %requester.id, open = open.len(), "refused: too many open tickets");
        if for_someone_else {
            // Someone else's ticket numbers are theirs to know.
            let name = &requester.name;
            cx.tell_msg(ev, Msg::LimitOthersOpen, &[("name", Arg::text(name))])
                .await?;
        } else {
            let numbers: Vec<String> = open.iter().map(|t| t.number.to_string()).collect();
            cx.tell_msg(
                ev,
                Msg::LimitOpenTickets,
                &[
                    ("count", Arg::num(open.len())),
                    ("numbers", Arg::text(numbers.join(", "))),
                ],
            )
            .await?;
        }
        return Ok(false);
    }
    let hour = chrono::Duration::hours(1);
    let mut this_hour: Vec<crate::domain::Timestamp> = latest
        .iter()
        .map(|t| t.created_at)
        .filter(|at| *at > cx.now - hour)
        .collect();
    if for_someone_else {
        // Tickets made of other people's messages count against whoever makes them too: one
        // person must not page the desk once for every colleague in the channel.
        let made = cx
            .tx
            .audit_entries(&crate::store::AuditFilter {
                tenant: Some(cx.tenant),
                actor: Some(ev.person.id.clone()),
                action: Some("open".into()),
                since: Some(cx.now - hour),
                limit: i64::from(limits.new_tickets_per_hour),
                ..Default::default()
            })
            .await?;
        if made.len() > this_hour.len() {
            this_hour = made.iter().map(|e| e.at).collect();
        }
    }
    if this_hour.len() >= limits.new_tickets_per_hour as usize {
        let from = this_hour
            .iter()
            .map(|at| *at + hour)
            .min()
            .unwrap_or(cx.now + hour);
        tracing::info!(requester = %requester.id, %from, "refused: too many new tickets this hour");
        cx.tell_msg(
            ev,
            Msg::LimitNewTickets,
            &[
                ("count", Arg::num(this_hour.len())),
                ("time", Arg::text(cx.date_time(&from, false))),
            ],
        )
        .await?;
        return Ok(false);
    }
    Ok(true)
}
