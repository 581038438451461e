//! The trust boundaries an attacker probes: places the installation does not serve, a
//! thread taken by a second ticket, relays from closed tickets, assignments to people without
//! the role, a requester flooding the desk or raising every ticket to P1, and the audit log.
//! Each test names the attack it stops.

use crate::common;

use common::chat::{
    self, ada, boss, bruno, click, command, luisa, mario, message, send, submitted, ticket,
};
use common::now;
use helpdesk::clock::ManualClock;
use helpdesk::desk::keys::{FormId, MessageKey, Widget};
use helpdesk::desk::{Desk, Handled};
use helpdesk::domain::{LogKind, Priority, Status};
use helpdesk::i18n::{self, Arg, Language, Msg};
use helpdesk::sandbox::{example_tenant, Sandbox, TENANT};
use helpdesk::store::{AuditFilter, OutboxState, Store};
use helpdesk_chat::{
    ChatAction, ChatEvent, Directory, EventKind, MembershipFuture, Platform, SendError, Sender,
};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(
    events_from_an_unconfigured_place_are_dropped_before_any_write,
    a_ticket_made_from_a_reply_in_a_tickets_thread_starts_its_own_thread,
    a_closed_ticket_relays_nothing,
    only_an_agent_allowed_at_the_level_can_be_assigned,
    a_requester_is_limited_and_told_when_to_try_again,
    a_low_rating_pages_the_managers_once_an_hour,
    managers_read_the_audit_log_in_chat_and_the_reading_is_audited,
    a_former_holder_in_the_requesters_thread_speaks_for_nobody,
    tickets_made_of_colleagues_messages_count_against_their_maker,
    only_an_agents_assignment_asks_the_platform,
    an_agent_who_is_also_a_specialist_answers_at_their_own_level,
);

/// What one person was told privately, title and text, in order.
fn told(sb: &Sandbox, who: &Sender) -> Vec<String> {
    chat::told(sb, who)
        .iter()
        .map(chat::title_and_text)
        .collect()
}

/// A catalogue text up to its first placeholder: enough to recognise it.
fn start_of(msg: Msg) -> String {
    let text = i18n::text(Language::En, msg, &[]);
    text.split('{').next().unwrap_or_default().to_string()
}

/// A direct message to the bot.
fn dm(text: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: true,
        mentions_bot: false,
        attachments: Vec::new(),
    }
}

/// Mario's VPN ticket (#1), asked in the intake channel under his message `m-vpn`.
async fn vpn_ticket(sb: &Sandbox) {
    send(
        sb,
        &mario(),
        "help",
        None,
        message("my VPN is down", "m-vpn"),
    )
    .await;
}

/// The thread under ticket #`n`'s card in `channel`.
async fn card_thread(sb: &Sandbox, n: i64, channel: &str) -> String {
    let t = ticket(sb, n).await;
    sb.platform
        .posted(&MessageKey::card(t.id, channel).to_string())
        .expect("the card was posted")
        .message_id
}

/// Whether Mario's thread showed a message containing `text`.
fn reached_requester(sb: &Sandbox, text: &str) -> bool {
    sb.platform
        .shown_in("help", Some("m-vpn"))
        .iter()
        .any(|r| serde_json::to_string(&r.action).unwrap().contains(text))
}

/// Mario, by DM, opens ticket #`n`, closes it and rates it one star.
async fn one_star(sb: &Sandbox, n: i64, text: &str) {
    let id = format!("d{n}");
    send(sb, &mario(), "D-mario", None, dm(text, &id)).await;
    send(sb, &mario(), "D-mario", Some(&id), command("close")).await;
    let t = ticket(sb, n).await;
    let rate = click(Widget::Rate(t.id, 1));
    send(sb, &mario(), "D-mario", Some(&id), rate).await;
}

fn event(tenant: &str, sender: &Sender, kind: EventKind, id: &str) -> ChatEvent {
    ChatEvent {
        platform: Platform::MEMORY,
        event_id: id.into(),
        tenant: tenant.into(),
        sender: sender.clone(),
        channel: "help".into(),
        thread: None,
        kind,
    }
}

/// Attack: any workspace or guild that adds the bot was served (tenant rows made, KB read).
async fn events_from_an_unconfigured_place_are_dropped_before_any_write(store: Store) {
    let clock = Arc::new(ManualClock::new(now()));
    let desk = Desk::new(store.clone(), vec![example_tenant()], clock.clone());
    let unserved_before = helpdesk::metrics::METRICS.unserved_count(Platform::MEMORY);
    for (i, kind) in [
        message("please reset my password", "m-1"),
        command("new printer broken"),
        EventKind::HomeOpened,
    ]
    .into_iter()
    .enumerate()
    {
        let intruder = event("T-INTRUDER", &mario(), kind, &format!("e{i}"));
        let outcome = desk.handle_event(&intruder).await.unwrap();
        assert_eq!(outcome.handled, Handled::Unserved);
        assert!(
            !outcome.answered,
            "the adapter answers, with nothing stored"
        );
        // A redelivery is dropped the same way: not even its event id was stored.
        assert_eq!(desk.handle(&intruder).await.unwrap(), Handled::Unserved);
    }
    assert!(store.tenants().await.unwrap().is_empty(), "no tenant row");
    assert!(
        store.outbox(None, 100).await.unwrap().is_empty(),
        "nothing queued"
    );
    let unserved = helpdesk::metrics::METRICS.unserved_count(Platform::MEMORY);
    assert!(
        unserved >= unserved_before + 6,
        "counted: {unserved_before} → {unserved}"
    );

    // The configured tenant is served, and the operator may choose to serve everyone.
    let ok = event(TENANT, &mario(), message("my VPN is down", "m-2"), "ok-1");
    assert_eq!(desk.handle(&ok).await.unwrap(), Handled::Done);
    let open = Desk::new(store.clone(), vec![example_tenant()], clock).serving_unconfigured(true);
    let other = event(
        "T-OTHER",
        &mario(),
        message("my VPN is down", "m-3"),
        "ok-2",
    );
    assert_eq!(open.handle(&other).await.unwrap(), Handled::Done);
    let names: Vec<String> = store
        .tenants()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.external_id)
        .collect();
    assert_eq!(names, [TENANT, "T-OTHER"]);
}

/// Attack: "Create ticket" on a reply inside ticket #1's thread made #2 on the same thread,
/// so #1 stopped hearing its requester; the audit named the requester, not the actor.
async fn a_ticket_made_from_a_reply_in_a_tickets_thread_starts_its_own_thread(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    send(
        &sb,
        &luisa(),
        "help",
        Some("m-vpn"),
        message("my printer is broken too", "r-luisa"),
    )
    .await;
    let shortcut = EventKind::TicketFromMessage {
        on_message: "r-luisa".into(),
        message_author: Some(luisa().id),
        message_text: Some("my printer is broken too".into()),
    };
    send(&sb, &ada(), "help", Some("m-vpn"), shortcut).await;
    let second = ticket(&sb, 2).await;
    assert_eq!(second.requester.id, luisa().id);
    assert_eq!(
        second.source.thread, None,
        "the new ticket starts a thread of its own"
    );
    assert!(
        sb.platform.sent().iter().any(|r| matches!(
            &r.action,
            ChatAction::OpenThread { channel, .. } if channel == "help"
        )),
        "the bot opened that thread"
    );
    // The first ticket still hears its requester.
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        message("still down after a restart", "m-2"),
    )
    .await;
    let first = ticket(&sb, 1).await;
    let heard = store.log(first.id).await.unwrap().iter().any(|r| {
        matches!(&r.entry.kind, LogKind::RequesterMessage { text } if text.contains("after a restart"))
    });
    assert!(heard, "#1 keeps its thread");
    let opened = store
        .audit_entries(&AuditFilter {
            action: Some("open".into()),
            target: Some("#2".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].actor.id, ada().id, "the audit names who acted");
    assert_eq!(opened[0].detail["for"], luisa().id, "and on whose behalf");
}

/// Attack: any agent could write to a requester from a closed ticket's card thread.
async fn a_closed_ticket_relays_nothing(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(&sb, &mario(), "help", Some("m-vpn"), command("close")).await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.status, Status::Closed);
    let card = card_thread(&sb, 1, "support-l1").await;
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&card),
        message("click here to get your VPN back", "a-1"),
    )
    .await;
    let relayed = reached_requester(&sb, "click here");
    assert!(!relayed, "nothing reaches the requester of a closed ticket");
    assert!(told(&sb, &ada())
        .iter()
        .any(|t| t.contains(&start_of(Msg::RelayClosed))));
    let kept = store.log(t.id).await.unwrap().iter().any(
        |r| matches!(&r.entry.kind, LogKind::InternalNote { text } if text.contains("click here")),
    );
    assert!(kept, "kept as an internal note");
}

/// How many tickets the sandbox's tenant has.
async fn count(desk: &Desk) -> usize {
    let t = desk.store().tenants().await.unwrap()[0].id;
    let all = helpdesk::store::TicketFilter {
        tenant: Some(t),
        ..Default::default()
    };
    desk.store().list_tickets(&all).await.unwrap().len()
}

/// A directory that cannot answer (the platform is down).
struct Down;

impl Directory for Down {
    fn membership<'a>(&'a self, _tenant: &'a str, _user: &'a str) -> MembershipFuture<'a> {
        Box::pin(async { Err(SendError::Transient("directory down".into())) })
    }
}

/// Attack: `/ticket assign` took any user id; a person with no role was let into the
/// requester's private thread.
async fn only_an_agent_allowed_at_the_level_can_be_assigned(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    // Luisa is a member with no role; U-ghost is no member at all.
    sb.directory.add(TENANT, "U-luisa", &[]);
    for who in ["<@U-luisa|luisa>", "<@U-ghost|ghost>"] {
        let before = sb.platform.sent().len();
        send(
            &sb,
            &ada(),
            "support-l1",
            None,
            command(&format!("assign #1 {who}")),
        )
        .await;
        let added = sb.platform.sent()[before..]
            .iter()
            .any(|r| matches!(r.action, ChatAction::AddToThread { .. }));
        assert!(!added, "{who} was let into the requester's thread");
        assert!(
            ticket(&sb, 1).await.assignee.is_none(),
            "{who} was assigned"
        );
        assert!(
            told(&sb, &ada())
                .last()
                .unwrap()
                .contains(&start_of(Msg::AssignNotAgent)),
            "{who}: {:?}",
            told(&sb, &ada())
        );
    }
    // An L1 agent cannot be handed a ticket at L2; an L2 agent can.
    send(
        &sb,
        &boss(),
        "support-l1",
        None,
        command("escalate #1 L2 needs a visit"),
    )
    .await;
    sb.directory.add(TENANT, "U-ada", &["l1-agents"]);
    send(
        &sb,
        &boss(),
        "support-l2",
        None,
        command("assign #1 <@U-ada|ada>"),
    )
    .await;
    assert!(ticket(&sb, 1).await.assignee.is_none());
    sb.directory.add(TENANT, "U-bruno", &["l2-agents"]);
    send(
        &sb,
        &boss(),
        "support-l2",
        None,
        command("assign #1 <@U-bruno|bruno>"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.assignee.unwrap().id, bruno().id);

    // When the platform cannot say, nobody is assigned on a guess.
    let desk = Desk::new(store.clone(), vec![example_tenant()], sb.clock.clone())
        .with_directory(Arc::new(Down));
    let mut e = sb.event(
        &boss(),
        "support-l2",
        None,
        command("assign #1 <@U-carla|carla>"),
    );
    e.event_id = "down-1".into();
    assert_eq!(desk.handle(&e).await.unwrap(), Handled::Done);
    assert_eq!(ticket(&sb, 1).await.assignee.unwrap().id, bruno().id);
    let queued = store.outbox(Some(OutboxState::Pending), 100).await.unwrap();
    let unverified = start_of(Msg::AssignUnverified);
    assert!(
        queued.iter().any(|i| serde_json::to_string(&i.action)
            .unwrap()
            .contains(&unverified)),
        "the manager is told the roles could not be checked"
    );
}

/// Attack: no limit per requester (a line in the intake channel → close, again and again), and every ticket made P1.
async fn a_requester_is_limited_and_told_when_to_try_again(store: Store) {
    let mut tenant = example_tenant();
    tenant.limits.open_tickets_per_requester = 2;
    tenant.limits.new_tickets_per_hour = 3;
    // Every line its own ticket: the limits are what is tried here, not the join window.
    tenant.join_window = Duration::ZERO;
    let sb = Sandbox::new(store.clone(), tenant, now());
    send(&sb, &mario(), "help", None, message("VPN down", "d1")).await;
    send(&sb, &mario(), "help", None, message("printer jammed", "d2")).await;
    send(&sb, &mario(), "help", None, message("mouse broken", "d3")).await;
    assert!(told(&sb, &mario())
        .last()
        .unwrap()
        .contains(&start_of(Msg::LimitOpenTickets)));
    assert_eq!(
        count(&sb.desk).await,
        2,
        "the third open ticket was refused"
    );
    // Closing one makes room; the hour's count still holds the flood back.
    send(&sb, &mario(), "help", Some("d1"), command("close")).await;
    send(&sb, &mario(), "help", None, message("mouse broken", "d4")).await;
    send(&sb, &mario(), "help", Some("d2"), command("close")).await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("keyboard broken", "d5"),
    )
    .await;
    assert_eq!(count(&sb.desk).await, 3);
    let refusal = told(&sb, &mario()).last().unwrap().clone();
    assert!(
        refusal.contains(&start_of(Msg::LimitNewTickets)),
        "{refusal}"
    );
    assert!(refusal.contains("UTC"), "it says when: {refusal}");
    // An hour later the requester may open again; agents were never limited.
    sb.advance(Duration::from_secs(3601)).await.unwrap();
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("keyboard broken", "d6"),
    )
    .await;
    assert_eq!(count(&sb.desk).await, 4);
    for i in 0..3 {
        send(
            &sb,
            &ada(),
            "support-l1",
            None,
            command(&format!("new printer {i}")),
        )
        .await;
    }
    assert_eq!(count(&sb.desk).await, 7);

    // A requester's own high × high is capped at P2 and they are told; an agent's is not.
    let fields = |title: &str| -> BTreeMap<String, String> {
        [
            ("title", title),
            ("description", "everything is down"),
            ("urgency", "high"),
            ("impact", "high"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    };
    send(
        &sb,
        &luisa(),
        "general",
        None,
        submitted(FormId::NewTicket.to_string(), fields("Payroll down")),
    )
    .await;
    send(
        &sb,
        &ada(),
        "general",
        None,
        submitted(FormId::NewTicket.to_string(), fields("Mail down")),
    )
    .await;
    let luisas = ticket(&sb, 8).await;
    assert_eq!(
        (luisas.requester.id.as_str(), luisas.priority()),
        ("U-luisa", Priority::P2)
    );
    assert_eq!(ticket(&sb, 9).await.priority(), Priority::P1);
    let capped = start_of(Msg::PriorityCapped);
    assert!(
        sb.platform
            .sent()
            .iter()
            .any(|r| serde_json::to_string(&r.action).unwrap().contains(&capped)),
        "the requester hears the cap"
    );
}

/// Attack: DM → close → 1 star, three times, paged the managers three times.
async fn a_low_rating_pages_the_managers_once_an_hour(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    let alerts = |sb: &Sandbox| {
        sb.platform
            .sent()
            .iter()
            .filter(|r| matches!(&r.action, ChatAction::Post { channel, .. } if channel == "helpdesk-managers"))
            .count()
    };
    for n in 1..=3 {
        one_star(&sb, n, &format!("angry {n}")).await;
        let t = ticket(&sb, n).await;
        let rated = store
            .log(t.id)
            .await
            .unwrap()
            .iter()
            .any(|r| matches!(r.entry.kind, LogKind::Rated { score: 1 }));
        assert!(rated, "every rating is kept on its ticket");
    }
    assert_eq!(alerts(&sb), 1, "the managers are paged once");
    // After the window a new low rating pages them again.
    sb.advance(Duration::from_secs(3601)).await.unwrap();
    one_star(&sb, 4, "angry again").await;
    assert_eq!(alerts(&sb), 2);
}

/// Attack: the audit log could not be read by anyone.
async fn managers_read_the_audit_log_in_chat_and_the_reading_is_audited(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(&sb, &bruno(), "support-l1", None, command("show #1")).await;
    let helpdesk = |args: &str| EventKind::Command {
        name: "helpdesk".into(),
        args: args.into(),
        options: Vec::new(),
        trigger: None,
    };
    send(&sb, &ada(), "support-l1", None, helpdesk("audit #1")).await;
    assert!(told(&sb, &ada()).last().unwrap().contains(&i18n::text(
        Language::En,
        Msg::RefusedManagersOnly,
        &[]
    )));
    send(
        &sb,
        &boss(),
        "helpdesk-managers",
        None,
        helpdesk("audit #1"),
    )
    .await;
    let answer = told(&sb, &boss()).last().unwrap().clone();
    assert!(answer.contains("Ada · claim #1"), "{answer}");
    assert!(
        answer.contains("Bruno · show #1"),
        "reads of others' tickets: {answer}"
    );
    send(
        &sb,
        &boss(),
        "helpdesk-managers",
        None,
        helpdesk("audit <@U-ada|ada>"),
    )
    .await;
    let by_ada = told(&sb, &boss()).last().unwrap().clone();
    assert!(
        by_ada.contains("claim") && !by_ada.contains("Bruno"),
        "{by_ada}"
    );
    send(
        &sb,
        &boss(),
        "helpdesk-managers",
        None,
        helpdesk("audit soon"),
    )
    .await;
    assert!(told(&sb, &boss()).last().unwrap().contains(&i18n::text(
        Language::En,
        Msg::AuditUsage,
        &[]
    )));
    let reads = store
        .audit_entries(&AuditFilter {
            action: Some("audit.read".into()),
            limit: 10,
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(
        reads.len(),
        2,
        "each reading of the audit log is itself audited"
    );
}

/// Review finding: a former holder, still a member of a private requester thread, wrote there
/// after the ticket moved on, and it was logged as the desk's reply.
async fn a_former_holder_in_the_requesters_thread_speaks_for_nobody(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(
        &sb,
        &boss(),
        "support-l1",
        None,
        command("escalate #1 L3 security phishing"),
    )
    .await;
    send(
        &sb,
        &ada(),
        "help",
        Some("m-vpn"),
        message("send me your password to verify", "a-1"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    let log = store.log(t.id).await.unwrap();
    assert!(
        !log.iter()
            .any(|r| matches!(&r.entry.kind, LogKind::AgentReply { .. })),
        "no reply in the desk's name"
    );
    assert!(log.iter().any(|r| matches!(
        &r.entry.kind,
        LogKind::InternalNote { text } if text.contains("password")
    )));
    assert!(t.first_response_at.is_none(), "no first response counted");
    let let_out = sb.platform.sent().iter().any(
        |r| matches!(&r.action, ChatAction::RemoveFromThread { user, .. } if *user == ada().id),
    );
    assert!(
        let_out,
        "the former holder is taken out of the requester's thread"
    );
    assert!(told(&sb, &ada())
        .last()
        .unwrap()
        .contains(&start_of(Msg::RelayNotAllowed)));
}

/// Review finding: one employee reacting 🎫 on many colleagues' messages paged the desk once
/// per colleague, each with a fresh quota, and the refusal listed the victim's tickets.
async fn tickets_made_of_colleagues_messages_count_against_their_maker(store: Store) {
    let mut tenant = example_tenant();
    tenant.limits.new_tickets_per_hour = 3;
    tenant.limits.open_tickets_per_requester = 1;
    let sb = Sandbox::new(store.clone(), tenant, now());
    for n in 1..=4 {
        let react = EventKind::Reaction {
            emoji: "ticket".into(),
            on_message: format!("x-{n}"),
            message_author: Some(format!("U-colleague{n}")),
            message_text: Some(format!("the printer on floor {n} is jammed")),
        };
        send(&sb, &luisa(), "random", None, react).await;
    }
    assert_eq!(count(&sb.desk).await, 3, "the fourth is refused");
    assert!(told(&sb, &luisa())
        .last()
        .unwrap()
        .contains(&start_of(Msg::LimitNewTickets)));
    // A colleague who already has an open ticket: the maker is told, without its number.
    sb.advance(Duration::from_secs(3601)).await.unwrap();
    let react = EventKind::Reaction {
        emoji: "ticket".into(),
        on_message: "x-5".into(),
        message_author: Some("U-colleague1".into()),
        message_text: Some("also the scanner".into()),
    };
    send(&sb, &luisa(), "random", None, react).await;
    let refusal = told(&sb, &luisa()).last().unwrap().clone();
    let expected = i18n::text(
        Language::En,
        Msg::LimitOthersOpen,
        &[("name", Arg::text("U-colleague1"))],
    );
    assert!(refusal.contains(&expected), "{refusal}");
    assert!(
        !refusal.contains("#1"),
        "no one else's ticket numbers: {refusal}"
    );
    // Agents are not limited.
    for n in 6..=9 {
        let react = EventKind::Reaction {
            emoji: "ticket".into(),
            on_message: format!("x-{n}"),
            message_author: Some(format!("U-other{n}")),
            message_text: Some(format!("the projector in room {n} is dark")),
        };
        send(&sb, &ada(), "random", None, react).await;
    }
    assert_eq!(count(&sb.desk).await, 7);
}

/// Counts the look-ups made of it.
#[derive(Default)]
struct Counting(std::sync::atomic::AtomicUsize);

impl Directory for Counting {
    fn membership<'a>(&'a self, _tenant: &'a str, _user: &'a str) -> MembershipFuture<'a> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async { Ok(helpdesk_chat::Membership::Stranger) })
    }
}

/// Review finding: anyone's `/ticket assign` made the bot ask the platform, before any check.
async fn only_an_agents_assignment_asks_the_platform(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    let asked = Arc::new(Counting::default());
    let desk = Desk::new(store.clone(), vec![example_tenant()], sb.clock.clone())
        .with_directory(asked.clone());
    for (i, who) in [mario(), luisa(), ada()].into_iter().enumerate() {
        let mut e = sb.event(&who, "support-l1", None, command("assign #1 <@U-9|nine>"));
        e.event_id = format!("assign-{i}");
        assert_eq!(desk.handle(&e).await.unwrap(), Handled::Done);
    }
    assert_eq!(
        asked.0.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "only the agent's assignment was looked up"
    );
}

/// Review finding: an L1 agent who was also in a specialty group could never answer a
/// requester: everything they wrote stayed internal.
async fn an_agent_who_is_also_a_specialist_answers_at_their_own_level(store: Store) {
    let sb = Sandbox::new(store.clone(), example_tenant(), now());
    vpn_ticket(&sb).await;
    let both = helpdesk::sandbox::person("U-kim", "Kim", &["l1-agents", "network-team"]);
    let card = card_thread(&sb, 1, "support-l1").await;
    send(
        &sb,
        &both,
        "support-l1",
        Some(&card),
        message("please restart the VPN client", "k-1"),
    )
    .await;
    let relayed = reached_requester(&sb, "restart the VPN client");
    assert!(
        relayed,
        "an L1 agent answers on an L1 ticket, specialty or not"
    );
}
