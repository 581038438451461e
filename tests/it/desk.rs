//! The desk, end to end on the in-memory platform: intake, card, relay, commands, escalation,
//! resolve/confirm, permissions, exactly once, timers, text safety and language.

use crate::common;

use common::chat::*;

use common::now;
use helpdesk::desk::keys::{FormId, MessageKey, TicketForm, Widget};
use helpdesk::desk::{subcommands, Handled};
use helpdesk::domain::{Level, LogKind, Priority, Status, Ticket, TicketId};
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk::store::{OutboxState, Store};
use helpdesk_chat::{ChatAction, EventKind, Mention, RichMessage, SendError, Sender};
use std::collections::BTreeMap;
use std::time::Duration;

on_both_backends!(
    the_home_page_shows_each_person_their_tickets,
    a_message_in_the_intake_channel_opens_a_ticket_and_posts_the_card,
    requester_and_agents_talk_through_their_threads,
    escalation_goes_up_level_by_level_and_pings_each_group,
    resolve_asks_the_requester_and_their_answer_decides,
    permissions_refuse_politely_and_privileged_acts_are_audited,
    a_redelivered_event_changes_nothing_and_failures_lose_nothing,
    timers_escalate_alert_and_close,
    user_text_pings_nobody_and_long_text_is_cut_only_on_the_card,
    every_way_in_opens_a_ticket,
    commands_cover_the_agents_work,
    an_italian_tenant_hears_italian,
    a_polish_tenant_hears_polish_and_grades_in_polish,
    a_budget_set_to_alert_tells_the_managers_once,
    timers_and_unsent_actions_survive_a_restart,
    a_ticket_thread_is_never_taken_over_by_a_new_ticket,
    a_timer_read_before_it_was_rearmed_does_not_fire,
    claimed_tickets_stay_with_their_holder_and_escalation_needs_a_channel,
    long_replies_are_cut_and_l3_stays_internal_everywhere,
    sla_targets_warn_breach_pause_and_show_on_the_card,
    sla_clocks_run_in_business_hours_only,
    categories_have_their_own_targets_hold_can_pause_and_close_posts_a_transcript,
    a_breach_can_escalate,
    priority_changes_and_reopens_keep_sla_time_honest,
    shared_files_are_listed_in_the_log,
    the_desk_says_whether_it_answered_the_person,
    a_workspace_without_groups_lists_its_agents_and_managers,
    a_card_offers_only_what_its_status_allows,
);

fn sandbox(store: Store) -> Sandbox {
    Sandbox::new(store, example_tenant(), now())
}

fn all_text(m: &RichMessage) -> String {
    let mut s = m.title.clone().unwrap_or_default();
    s.push('\n');
    s.push_str(&m.text);
    for f in &m.fields {
        s.push_str(&format!("\n{}: {}", f.label, f.value));
    }
    if let Some(c) = &m.context {
        s.push('\n');
        s.push_str(c);
    }
    s
}

/// What a channel (or thread) shows, as text, in order.
fn shown(sb: &Sandbox, channel: &str, thread: Option<&str>) -> Vec<String> {
    sb.platform
        .shown_in(channel, thread)
        .iter()
        .filter_map(|r| match &r.action {
            ChatAction::Post { message, .. } | ChatAction::Reply { message, .. } => {
                Some(all_text(message))
            }
            _ => None,
        })
        .collect()
}

/// What one person was told privately, in order.
fn told(sb: &Sandbox, user: &Sender) -> Vec<String> {
    sb.platform
        .sent()
        .iter()
        .filter_map(|r| match &r.action {
            ChatAction::Ephemeral {
                user: u, message, ..
            } if *u == user.id => Some(all_text(message)),
            _ => None,
        })
        .collect()
}

fn field<'a>(m: &'a RichMessage, label: &str) -> &'a str {
    &m.fields
        .iter()
        .find(|f| f.label == label)
        .unwrap_or_else(|| panic!("no field {label}"))
        .value
}

/// Mario asks in #help; returns the ticket.
async fn vpn_ticket(sb: &Sandbox) -> Ticket {
    send(
        sb,
        &mario(),
        "help",
        None,
        message("my VPN is down since this morning", "m-vpn"),
    )
    .await;
    ticket(sb, 1).await
}

async fn a_message_in_the_intake_channel_opens_a_ticket_and_posts_the_card(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    assert_eq!(t.title.as_str(), "my VPN is down since this morning");
    assert_eq!(
        (t.status, t.level, t.priority()),
        (Status::New, Level::L1, Priority::P4)
    );
    assert_eq!(t.requester.id, "U-mario");

    let answer = shown(&sb, "help", Some("m-vpn"));
    assert_eq!(
        answer.len(),
        1,
        "one answer in the requester's thread: {answer:?}"
    );
    assert!(
        answer[0].contains("#1") && answer[0].contains("L1"),
        "{}",
        answer[0]
    );

    let key = MessageKey::card(t.id, "support-l1").to_string();
    let card = latest(&sb, &key);
    assert_eq!(
        card.mentions,
        vec![Mention::UserGroup("l1-agents".into())],
        "L1 is pinged"
    );
    assert!(card.title.as_deref().unwrap().contains("#1"));
    assert_eq!(field(&card, "Requester"), "Mario");
    assert_eq!(field(&card, "Priority"), "P4");
    assert_eq!(field(&card, "Level"), "L1");
    assert_eq!(field(&card, "Status"), "New");
    assert_eq!(field(&card, "Assignee"), "nobody");
    assert!(
        card.fields.iter().any(|f| f.label == "Level due"),
        "the L1 budget shows"
    );
    let buttons: Vec<&str> = card.buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(
        buttons,
        ["Claim", "Escalate", "Resolve", "Priority", "Note"]
    );

    // Claiming from the card updates the card in place and tells the requester.
    send(&sb, &ada(), "support-l1", None, click(Widget::Claim(t.id))).await;
    let t = ticket(&sb, 1).await;
    assert_eq!(
        (t.status, t.assignee.as_ref().map(|a| a.id.as_str())),
        (Status::Open, Some("U-ada"))
    );
    let updates = sb
        .platform
        .sent()
        .iter()
        .filter(|r| matches!(&r.action, ChatAction::Update { key: k, .. } if *k == key))
        .count();
    assert_eq!(updates, 1, "the card is updated, not posted again");
    let card = latest(&sb, &key);
    assert_eq!(field(&card, "Assignee"), "Ada");
    assert!(
        !card.buttons.iter().any(|b| b.label == "Claim"),
        "no Claim once claimed"
    );
    assert!(shown(&sb, "help", Some("m-vpn"))
        .last()
        .unwrap()
        .contains("Ada"));
}

async fn requester_and_agents_talk_through_their_threads(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    let key = MessageKey::card(t.id, "support-l1").to_string();
    let agents = card_thread(&sb, &key);

    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        message("error 809 on connect", "m2"),
    )
    .await;
    assert!(
        shown(&sb, "support-l1", Some(&agents))
            .iter()
            .any(|m| m.contains("Mario: error 809")),
        "the requester's reply reaches the agents' thread"
    );

    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        message("please restart the client", "m3"),
    )
    .await;
    let requester = shown(&sb, "help", Some("m-vpn"));
    assert!(requester
        .iter()
        .any(|m| m.contains("please restart the client") && m.contains("Ada")));
    assert!(
        ticket(&sb, 1).await.first_response_at.is_some(),
        "first response recorded"
    );

    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        message("// user sounds annoyed", "m4"),
    )
    .await;
    send(&sb, &ada(), "support-l1", Some(&agents), cmd_note()).await;
    let requester = shown(&sb, "help", Some("m-vpn"));
    assert!(
        !requester
            .iter()
            .any(|m| m.contains("annoyed") || m.contains("vendor")),
        "internal notes never reach the requester: {requester:?}"
    );
    let kinds = log_kinds(&sb, &t).await;
    assert!(kinds.contains(&LogKind::RequesterMessage {
        text: "error 809 on connect".into()
    }));
    assert!(kinds.contains(&LogKind::AgentReply {
        text: "please restart the client".into()
    }));
    assert!(kinds.contains(&LogKind::InternalNote {
        text: "user sounds annoyed".into()
    }));
    assert!(kinds.contains(&LogKind::InternalNote {
        text: "vendor ticket 55".into()
    }));
    assert!(
        sb.platform.sent().iter().any(|r| matches!(&r.action,
            ChatAction::React { message_id, emoji, .. } if message_id == "m4" && emoji == "lock")),
        "an internal message is marked as such"
    );

    // A colleague adding details in the requester's thread reaches the agents too.
    send(
        &sb,
        &luisa(),
        "help",
        Some("m-vpn"),
        message("same here on floor 2", "m5"),
    )
    .await;
    assert!(shown(&sb, "support-l1", Some(&agents))
        .iter()
        .any(|m| m.contains("Luisa: same here")));
}

fn cmd_note() -> EventKind {
    command("note vendor ticket 55")
}

async fn escalation_goes_up_level_by_level_and_pings_each_group(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    let l1_key = MessageKey::card(t.id, "support-l1").to_string();
    let l1_thread = card_thread(&sb, &l1_key);
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&l1_thread),
        command("claim"),
    )
    .await;

    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&l1_thread),
        command("escalate"),
    )
    .await;
    assert!(
        told(&sb, &ada()).last().unwrap().contains("why"),
        "escalation without a reason asks for one"
    );
    assert_eq!(ticket(&sb, 1).await.level, Level::L1);

    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&l1_thread),
        command("escalate L2 needs a visit on site"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(
        (t.level, t.status, t.assignee.clone()),
        (Level::L2, Status::New, None)
    );
    let l2_key = MessageKey::card(t.id, "support-l2").to_string();
    let l2_card = latest(&sb, &l2_key);
    assert_eq!(
        l2_card.mentions,
        vec![Mention::UserGroup("l2-agents".into())]
    );
    let l2_thread = card_thread(&sb, &l2_key);
    assert!(shown(&sb, "support-l2", Some(&l2_thread))
        .iter()
        .any(|m| m.contains("needs a visit on site")));
    let old = latest(&sb, &l1_key);
    assert!(old.buttons.is_empty(), "the L1 card is retired");
    assert!(old.context.unwrap().contains("L2"));
    assert!(shown(&sb, "help", Some("m-vpn"))
        .last()
        .unwrap()
        .contains("passed to L2"));

    // L2 escalates to the L3 network specialists.
    send(
        &sb,
        &bruno(),
        "support-l2",
        Some(&l2_thread),
        command("escalate L3 network router drops packets"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(
        (t.level, t.specialty.as_deref()),
        (Level::L3, Some("network"))
    );
    let l3_key = MessageKey::card(t.id, "l3-network").to_string();
    let l3_card = latest(&sb, &l3_key);
    assert_eq!(
        l3_card.mentions,
        vec![Mention::UserGroup("network-team".into())]
    );
    assert_eq!(field(&l3_card, "Level"), "L3 · network");
    let kinds = log_kinds(&sb, &t).await;
    let levels: Vec<(Level, Level, String)> = kinds
        .iter()
        .filter_map(|k| match k {
            LogKind::LevelChange {
                from, to, reason, ..
            } => Some((*from, *to, reason.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(
        levels,
        vec![
            (Level::L1, Level::L2, "needs a visit on site".into()),
            (Level::L2, Level::L3, "router drops packets".into())
        ]
    );

    // L3 stays away from the requester: the specialist's thread messages are internal, L2 relays.
    let l3_thread = card_thread(&sb, &l3_key);
    send(
        &sb,
        &nina(),
        "l3-network",
        Some(&l3_thread),
        message("firmware bug, patching", "n1"),
    )
    .await;
    assert!(!shown(&sb, "help", Some("m-vpn"))
        .iter()
        .any(|m| m.contains("firmware")));
    // Only those who may work the ticket at L3 speak for it: L2 is kept inside, a manager relays.
    send(
        &sb,
        &bruno(),
        "l3-network",
        Some(&l3_thread),
        message("we are on it", "b1"),
    )
    .await;
    assert!(!shown(&sb, "help", Some("m-vpn"))
        .iter()
        .any(|m| m.contains("we are on it")));
    send(
        &sb,
        &boss(),
        "l3-network",
        Some(&l3_thread),
        message("a fix is on its way", "b2"),
    )
    .await;
    assert!(shown(&sb, "help", Some("m-vpn"))
        .iter()
        .any(|m| m.contains("a fix is on its way")));

    // De-escalation returns to the L2 card, which already exists: updated, and pinged again.
    send(
        &sb,
        &nina(),
        "l3-network",
        Some(&l3_thread),
        command("deescalate config issue, not firmware"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!((t.level, t.specialty.clone()), (Level::L2, None));
    let posts = sb
        .platform
        .sent()
        .iter()
        .filter(|r| matches!(&r.action, ChatAction::Post { key: Some(k), .. } if *k == l2_key))
        .count();
    assert_eq!(posts, 1, "one card per level: updated, not posted twice");
    assert!(shown(&sb, "support-l2", Some(&l2_thread))
        .iter()
        .any(|m| m.contains("config issue")));
}

async fn resolve_asks_the_requester_and_their_answer_decides(store: Store) {
    let sb = sandbox(store);
    vpn_ticket(&sb).await;
    send(&sb, &ada(), "support-l1", None, command("resolve #1")).await;
    assert!(told(&sb, &ada()).last().unwrap().contains("what fixed it"));
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 reinstalled the VPN profile"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.status, Status::Resolved);
    assert_eq!(
        t.assignee.as_ref().unwrap().id,
        "U-ada",
        "resolving a new ticket claims it"
    );
    let question = sb
        .platform
        .shown_in("help", Some("m-vpn"))
        .into_iter()
        .rev()
        .find_map(|r| match r.action {
            ChatAction::Reply { message, .. } if !message.buttons.is_empty() => Some(message),
            _ => None,
        })
        .expect("the requester is asked");
    assert!(question.text.contains("reinstalled the VPN profile"));
    let answers: Vec<String> = question.buttons.iter().map(|b| b.id.clone()).collect();
    assert_eq!(
        answers,
        [
            Widget::Confirm(t.id, true).to_string(),
            Widget::Confirm(t.id, false).to_string()
        ]
    );

    // No: open again with the same agent, who is pinged.
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        click(Widget::Confirm(t.id, false)),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(
        (t.status, t.assignee.as_ref().map(|a| a.id.as_str())),
        (Status::Open, Some("U-ada"))
    );
    let agents = card_thread(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    let pinged = sb.platform.shown_in("support-l1", Some(&agents)).into_iter().any(|r| {
        matches!(r.action, ChatAction::Reply { message, .. } if message.mentions == vec![Mention::User("U-ada".into())])
    });
    assert!(pinged, "the assignee hears it is not solved");

    // Yes: closed. A second click changes nothing.
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 replaced the router"),
    )
    .await;
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        click(Widget::Confirm(t.id, true)),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.status, Status::Closed);
    assert!(t.closed_at.is_some());
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        click(Widget::Confirm(t.id, false)),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Closed);
    assert!(told(&sb, &mario()).last().unwrap().contains("not waiting"));
    let buttons: Vec<String> = latest(&sb, &MessageKey::card(t.id, "support-l1").to_string())
        .buttons
        .into_iter()
        .map(|b| b.id)
        .collect();
    assert_eq!(
        buttons,
        [Widget::Reopen(t.id).to_string()],
        "a closed card offers only Reopen"
    );
}

async fn permissions_refuse_politely_and_privileged_acts_are_audited(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;

    send(&sb, &mario(), "help", Some("m-vpn"), command("claim")).await;
    assert!(told(&sb, &mario())
        .last()
        .unwrap()
        .contains("Only help desk agents"));
    send(&sb, &luisa(), "help", None, command("show #1")).await;
    assert!(told(&sb, &luisa())
        .last()
        .unwrap()
        .contains("your own tickets"));
    send(
        &sb,
        &luisa(),
        "help",
        None,
        click(Widget::Confirm(t.id, true)),
    )
    .await;
    assert!(told(&sb, &luisa())
        .last()
        .unwrap()
        .contains("your own tickets"));
    assert_eq!(ticket(&sb, 1).await.status, Status::New);

    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("escalate #1 L2 needs hands on"),
    )
    .await;
    send(&sb, &ada(), "support-l2", None, click(Widget::Claim(t.id))).await;
    assert!(
        told(&sb, &ada())
            .last()
            .unwrap()
            .contains("above your support level"),
        "L1 cannot work an L2 ticket"
    );
    send(&sb, &boss(), "support-l2", None, click(Widget::Claim(t.id))).await;
    assert_eq!(
        ticket(&sb, 1).await.assignee.unwrap().id,
        "U-boss",
        "managers act at every level"
    );

    // Forged button values are never trusted.
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        click(Widget::Claim(TicketId(99999))),
    )
    .await;
    assert!(told(&sb, &ada())
        .last()
        .unwrap()
        .contains("no longer matches"));
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        click_raw(&format!("ticket.delete:{}", t.id.0)),
    )
    .await;

    // The requester sees their own ticket, without internal notes.
    send(
        &sb,
        &boss(),
        "support-l2",
        None,
        command("note #1 secret internal remark"),
    )
    .await;
    send(&sb, &mario(), "help", None, command("show #1")).await;
    let shown_to_mario = told(&sb, &mario()).last().unwrap().clone();
    assert!(shown_to_mario.contains("#1") && !shown_to_mario.contains("secret internal"));

    let audit = sb.desk.store().audit_log(100).await.unwrap();
    let acts: Vec<(String, String)> = audit
        .iter()
        .rev()
        .map(|a| (a.actor.id.clone(), a.action.clone()))
        .collect();
    assert!(
        acts.contains(&("U-ada".into(), "escalate".into())),
        "{acts:?}"
    );
    assert!(
        acts.contains(&("U-boss".into(), "claim".into())),
        "{acts:?}"
    );
    assert!(
        !acts.iter().any(|(who, _)| who == "U-luisa"),
        "refused acts change nothing"
    );
}

async fn a_redelivered_event_changes_nothing_and_failures_lose_nothing(store: Store) {
    let sb = sandbox(store);
    // The platform fails the first sends: rate limited, then errors.
    sb.platform.fail_next([
        SendError::RateLimited {
            retry_after: Duration::from_secs(2),
        },
        SendError::Transient("502".into()),
        SendError::Transient("timeout".into()),
    ]);
    let event = sb.event(&mario(), "help", None, message("printer jammed", "m-p"));
    assert_eq!(sb.handle(&event).await.unwrap(), Handled::Done);
    assert_eq!(
        sb.handle(&event).await.unwrap(),
        Handled::Duplicate,
        "a redelivery is dropped"
    );
    let thread_id = ticket(&sb, 1).await.id;
    for i in 0..5 {
        send(
            &sb,
            &mario(),
            "help",
            Some("m-p"),
            message(&format!("detail {i}"), &format!("d{i}")),
        )
        .await;
    }
    let tickets = sb
        .desk
        .store()
        .list_tickets(&Default::default())
        .await
        .unwrap();
    assert_eq!(tickets.len(), 1, "one ticket despite the redelivery");
    let agents = card_thread(&sb, &MessageKey::card(thread_id, "support-l1").to_string());
    let relayed: Vec<String> = shown(&sb, "support-l1", Some(&agents));
    let expected: Vec<String> = (0..5).map(|i| format!("Mario: detail {i}")).collect();
    let got: Vec<String> = relayed
        .into_iter()
        .filter(|m| m.contains("detail"))
        .map(|m| m.trim().to_string())
        .collect();
    assert_eq!(got, expected, "each relayed once, in order");
    assert!(sb
        .desk
        .store()
        .outbox(Some(OutboxState::Pending), 100)
        .await
        .unwrap()
        .is_empty());
    assert!(sb
        .desk
        .store()
        .outbox(Some(OutboxState::Dead), 100)
        .await
        .unwrap()
        .is_empty());
    let acks = shown(&sb, "help", Some("m-p"));
    assert_eq!(acks.len(), 1, "the requester is answered once: {acks:?}");
    let queued = sb.desk.store().outbox(None, 1000).await.unwrap().len();
    assert_eq!(
        sb.platform.sent().len(),
        queued,
        "every queued action carried out exactly once"
    );
}

async fn timers_escalate_alert_and_close(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    // Nothing is due before the L1 budget (20 minutes) runs out.
    assert_eq!(sb.advance(Duration::from_secs(19 * 60)).await.unwrap(), 0);
    assert_eq!(sb.advance(Duration::from_secs(61)).await.unwrap(), 1);
    let t2 = ticket(&sb, 1).await;
    assert_eq!(t2.level, Level::L2, "the L1 budget ran out: escalated");
    let kinds = log_kinds(&sb, &t2).await;
    assert!(kinds.iter().any(|k| matches!(k, LogKind::LevelChange { reason, .. } if reason.contains("L1 time budget of 20 minutes ran out"))));
    assert_eq!(
        latest(&sb, &MessageKey::card(t.id, "support-l2").to_string()).mentions,
        vec![Mention::UserGroup("l2-agents".into())]
    );
    // A timer fires once: running the scheduler again finds nothing.
    assert_eq!(sb.scheduler.run_once().await.unwrap(), 0);

    // L2's budget (2 h) then escalates to L3, where there is no budget.
    assert_eq!(sb.advance(Duration::from_secs(2 * 3600)).await.unwrap(), 1);
    assert_eq!(ticket(&sb, 1).await.level, Level::L3);
    let pending = sb.desk.store().pending_timers().await.unwrap();
    assert!(
        !pending
            .iter()
            .any(|t| t.kind == helpdesk::store::TimerKind::LevelBudget),
        "no budget at L3"
    );

    // Resolved and never confirmed: closed after 3 days.
    send(
        &sb,
        &boss(),
        "support-l3",
        None,
        command("resolve #1 replaced the VPN gateway"),
    )
    .await;
    assert_eq!(
        sb.advance(Duration::from_secs(3 * 86400 - 60))
            .await
            .unwrap(),
        0
    );
    assert_eq!(sb.advance(Duration::from_secs(60)).await.unwrap(), 1);
    assert_eq!(ticket(&sb, 1).await.status, Status::Closed);
    let requester = shown(&sb, "help", Some("m-vpn"));
    let n = requester.len();
    assert!(
        requester[n - 2].contains("did not hear back"),
        "{requester:?}"
    );
    assert!(
        requester[n - 1].contains("Rate the help"),
        "then the rating question"
    );

    // Pending: the requester's answer stops the clock; silence closes it.
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("outlook crashes", "m-o"),
    )
    .await;
    send(&sb, &ada(), "support-l1", None, command("claim #2")).await;
    send(&sb, &ada(), "support-l1", None, command("pending #2")).await;
    assert_eq!(ticket(&sb, 2).await.status, Status::Pending);
    send(
        &sb,
        &mario(),
        "help",
        Some("m-o"),
        message("it happens on start", "m-o2"),
    )
    .await;
    assert_eq!(
        ticket(&sb, 2).await.status,
        Status::Open,
        "the answer puts it back to work"
    );
    send(&sb, &ada(), "support-l1", None, command("pending #2")).await;
    sb.advance(Duration::from_secs(5 * 86400)).await.unwrap();
    assert_eq!(ticket(&sb, 2).await.status, Status::Closed);
}

async fn user_text_pings_nobody_and_long_text_is_cut_only_on_the_card(store: Store) {
    let sb = Sandbox::new(store, one_ticket_per_line(), now());
    let nasty = "@everyone <!channel> <@&123> <@U-boss> [click](http://evil.example)";
    send(&sb, &mario(), "help", None, message(nasty, "m-x")).await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.title.as_str(), nasty, "kept as data");
    for r in sb.platform.sent() {
        let mentions = match &r.action {
            ChatAction::Post { message, .. }
            | ChatAction::Reply { message, .. }
            | ChatAction::Update { message, .. } => &message.mentions,
            _ => continue,
        };
        assert!(
            mentions
                .iter()
                .all(|m| *m == Mention::UserGroup("l1-agents".into())),
            "only the configured group is pinged: {mentions:?}"
        );
    }

    let long = "word ".repeat(2000);
    send(&sb, &mario(), "help", None, message(&long, "m-long")).await;
    let t = ticket(&sb, 2).await;
    let card = latest(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    assert!(
        card.text.chars().count() <= 4096 && card.text.ends_with('…'),
        "cut on the card"
    );
    assert!(card.title.unwrap().chars().count() <= 256);
    let first = log_kinds(&sb, &t).await.remove(0);
    assert_eq!(
        first,
        LogKind::RequesterMessage {
            text: long.trim().to_string()
        },
        "whole in the log"
    );
}

async fn every_way_in_opens_a_ticket(store: Store) {
    let sb = sandbox(store);
    // A direct message.
    let dm = EventKind::Message {
        text: "cannot log in".into(),
        message_id: "dm1".into(),
        direct: true,
        mentions_bot: false,
        attachments: Vec::new(),
    };
    send(&sb, &mario(), "D-mario", None, dm).await;
    assert_eq!(ticket(&sb, 1).await.source.channel, "D-mario");
    assert!(shown(&sb, "D-mario", Some("dm1"))[0].contains("#1"));

    // A message in an ordinary channel opens nothing; a 🎫 reaction on it does, for its author.
    send(
        &sb,
        &luisa(),
        "random",
        None,
        message("the badge reader at door 3 is dead", "r1"),
    )
    .await;
    assert_eq!(
        sb.desk
            .store()
            .list_tickets(&Default::default())
            .await
            .unwrap()
            .len(),
        1
    );
    let reaction = EventKind::Reaction {
        emoji: "🎫".into(),
        on_message: "r1".into(),
        message_author: Some("U-luisa".into()),
        message_text: Some("the badge reader at door 3 is dead".into()),
    };
    send(&sb, &ada(), "random", None, reaction.clone()).await;
    let t = ticket(&sb, 2).await;
    assert_eq!(
        (t.requester.id.as_str(), t.title.as_str()),
        ("U-luisa", "the badge reader at door 3 is dead")
    );
    assert!(shown(&sb, "random", Some("r1"))[0].contains("#2"));
    send(&sb, &boss(), "random", None, reaction).await;
    assert!(told(&sb, &boss())
        .last()
        .unwrap()
        .contains("already ticket #2"));

    // /ticket new with a title posts a message whose thread is the requester's.
    send(
        &sb,
        &mario(),
        "general",
        None,
        command("new laptop fan is loud"),
    )
    .await;
    let t = ticket(&sb, 3).await;
    assert_eq!(t.title.as_str(), "laptop fan is loud");
    let req = sb
        .platform
        .posted(&MessageKey::Requester(t.id).to_string())
        .expect("posted");
    send(
        &sb,
        &mario(),
        "general",
        Some(&req.message_id),
        message("it started today", "g2"),
    )
    .await;
    assert!(log_kinds(&sb, &t)
        .await
        .contains(&LogKind::RequesterMessage {
            text: "it started today".into()
        }));

    // /ticket new without a title opens the form; submitting it opens the ticket.
    let with_trigger = EventKind::Command {
        name: "ticket".into(),
        args: "new".into(),
        options: Vec::new(),
        trigger: Some("trig-1".into()),
    };
    send(&sb, &mario(), "general", None, with_trigger).await;
    let form = sb
        .platform
        .sent()
        .into_iter()
        .find_map(|r| match r.action {
            ChatAction::OpenForm { form, trigger, .. } if trigger == "trig-1" => Some(form),
            _ => None,
        })
        .expect("the form opens");
    let ids: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        ids,
        ["title", "description", "category", "urgency", "impact"]
    );
    let fields: BTreeMap<String, String> = [
        ("title", "Payroll app down"),
        ("description", "nobody can open payroll"),
        ("category", "software"),
        ("urgency", "high"),
        ("impact", "high"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    send(&sb, &mario(), "general", None, submitted(form.id, fields)).await;
    let t = ticket(&sb, 4).await;
    assert_eq!(
        (t.category.as_deref(), t.priority()),
        (Some("software"), Priority::P2),
        "a requester's own high × high is capped at the tenant's P2"
    );

    // Without a trigger (no form possible) the person is told what to type.
    send(&sb, &mario(), "general", None, command("new")).await;
    assert!(told(&sb, &mario()).last().unwrap().contains("/ticket"));

    // "Create ticket" on someone's message works like the reaction, whatever the emoji list.
    let shortcut = EventKind::TicketFromMessage {
        on_message: "s1".into(),
        message_author: Some("U-luisa".into()),
        message_text: Some("the projector in room 4 shows no signal".into()),
    };
    send(&sb, &ada(), "random", None, shortcut).await;
    let t = ticket(&sb, 5).await;
    assert_eq!(
        (t.requester.id.as_str(), t.title.as_str()),
        ("U-luisa", "the projector in room 4 shows no signal")
    );
    assert!(shown(&sb, "random", Some("s1"))[0].contains("#5"));
}

async fn commands_cover_the_agents_work(store: Store) {
    let sb = sandbox(store);
    vpn_ticket(&sb).await;
    send(&sb, &ada(), "support-l1", None, command("help")).await;
    let help = told(&sb, &ada()).last().unwrap().clone();
    for sub in subcommands().iter().filter(|s| **s != "help") {
        assert!(help.contains(&format!("/ticket {sub}")), "help lists {sub}");
    }
    send(&sb, &ada(), "support-l1", None, command("fly away")).await;
    assert!(told(&sb, &ada()).last().unwrap().contains("\"fly\""));
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("priority #1 urgent"),
    )
    .await;
    assert!(told(&sb, &ada())
        .last()
        .unwrap()
        .contains("low, medium or high"));
    send(&sb, &ada(), "support-l1", None, command("claim #7")).await;
    assert!(told(&sb, &ada()).last().unwrap().contains("no ticket #7"));
    send(&sb, &ada(), "support-l1", None, command("claim")).await;
    assert!(told(&sb, &ada()).last().unwrap().contains("Which ticket"));

    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("priority #1 high high"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.priority(), Priority::P1);
    // Carla is an L1 agent who has not written yet: the platform's directory says so.
    sb.directory.add("acme", "U-carla", &["l1-agents"]);
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("assign #1 <@U-carla|carla>"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(
        (t.status, t.assignee.clone().unwrap().id),
        (Status::Open, "U-carla".to_string())
    );
    send(&sb, &ada(), "support-l1", None, command("unclaim #1")).await;
    assert!(
        told(&sb, &ada()).last().unwrap().contains("managers"),
        "only the holder or a manager unclaims"
    );
    send(&sb, &boss(), "support-l1", None, command("unclaim #1")).await;
    let t = ticket(&sb, 1).await;
    assert_eq!((t.status, t.assignee.clone()), (Status::New, None));
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("hold #1 waiting for the ISP"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::OnHold);
    send(&sb, &ada(), "support-l1", None, command("resume #1")).await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Open);
    send(&sb, &mario(), "help", None, command("close #1")).await;
    assert_eq!(
        ticket(&sb, 1).await.status,
        Status::Closed,
        "the requester may close their own"
    );
    send(&sb, &mario(), "help", None, command("reopen #1")).await;
    let t = ticket(&sb, 1).await;
    assert_eq!(
        (t.status, t.assignee.unwrap().id),
        (Status::Open, "U-ada".to_string())
    );

    send(&sb, &mario(), "help", None, command("list")).await;
    assert!(told(&sb, &mario()).last().unwrap().contains("#1"));
    send(&sb, &mario(), "help", None, command("list all")).await;
    assert!(told(&sb, &mario())
        .last()
        .unwrap()
        .contains("Only help desk agents"));
    send(&sb, &ada(), "help", None, command("list queue")).await;
    assert!(told(&sb, &ada()).last().unwrap().contains("No tickets"));
}

async fn an_italian_tenant_hears_italian(store: Store) {
    let mut tenant = example_tenant();
    tenant.language = helpdesk::i18n::Language::It;
    let sb = Sandbox::new(store, tenant, now());
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("la stampante non stampa", "m-it"),
    )
    .await;
    let answer = shown(&sb, "help", Some("m-it")).remove(0);
    assert!(answer.contains("Il ticket #1 è aperto"), "{answer}");
    let t = ticket(&sb, 1).await;
    let card = latest(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    assert_eq!(field(&card, "Richiedente"), "Mario");
    assert_eq!(card.buttons[0].label, "Prendi in carico");
}

async fn a_polish_tenant_hears_polish_and_grades_in_polish(store: Store) {
    let mut tenant = example_tenant();
    // Parsed as `language = "pl"` in [[tenants]] is.
    tenant.language = "pl".parse().expect("pl is a desk language");
    let sb = Sandbox::new(store, tenant, now());
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("drukarka na drugim piętrze nie drukuje od rana", "m-pl"),
    )
    .await;
    let answer = shown(&sb, "help", Some("m-pl")).remove(0);
    assert!(
        answer.contains("Zgłoszenie #1 zostało otwarte (priorytet P"),
        "{answer}"
    );
    let t = ticket(&sb, 1).await;
    let key = MessageKey::card(t.id, "support-l1").to_string();
    let card = latest(&sb, &key);
    assert_eq!(field(&card, "Zgłaszający"), "Mario");
    assert_eq!(card.buttons[0].label, "Przejmij");

    let agents = card_thread(&sb, &key);
    send(&sb, &ada(), "support-l1", Some(&agents), command("claim")).await;
    assert!(
        shown(&sb, "help", Some("m-pl"))
            .iter()
            .any(|m| m.contains("Ada zajmuje się teraz Pana/Pani zgłoszeniem #1")),
        "the requester hears who works on it, politely"
    );
    // The agents' usage line offers the Polish grade words: the desk reads them.
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        command("priority Wysoka wysoki"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.priority(), Priority::P1);
    assert!(shown(&sb, "support-l1", Some(&agents))
        .iter()
        .any(|m| m.contains("Ada ustawia priorytet P1.")));
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        command("priority bardzo"),
    )
    .await;
    let refused = told(&sb, &ada()).last().unwrap().clone();
    assert!(
        refused.contains("Użycie:") && refused.contains("niska, średnia, wysoka"),
        "{refused}"
    );
}

async fn a_budget_set_to_alert_tells_the_managers_once(store: Store) {
    let mut tenant = example_tenant();
    tenant.levels.l1.on_budget = helpdesk::config::BudgetAction::Alert;
    let sb = Sandbox::new(store, tenant, now());
    vpn_ticket(&sb).await;
    assert_eq!(sb.advance(Duration::from_secs(20 * 60)).await.unwrap(), 1);
    let t = ticket(&sb, 1).await;
    assert_eq!(t.level, Level::L1, "alert mode does not move the ticket");
    let alerts = messages_in(&sb, "helpdesk-managers", None);
    assert_eq!(alerts.len(), 1, "one alert");
    assert_eq!(
        alerts[0].mentions,
        vec![Mention::UserGroup("managers".into())]
    );
    assert!(alerts[0]
        .context
        .as_deref()
        .unwrap()
        .contains("L1 time budget of 20 minutes ran out"));
    assert_eq!(
        sb.advance(Duration::from_secs(3600)).await.unwrap(),
        0,
        "fires once"
    );
}

/// The runtime runs each event on its own task: handling must be `Send`.
#[tokio::test]
async fn events_can_be_handled_on_spawned_tasks() {
    let db = common::TestDb::sqlite().await;
    let sb = std::sync::Arc::new(sandbox(db.store.clone()));
    let event = sb.event(&mario(), "help", None, message("spawned", "m-s"));
    let desk = sb.desk.clone();
    let handled = tokio::spawn(async move { desk.handle(&event).await.unwrap() })
        .await
        .unwrap();
    assert_eq!(handled, Handled::Done);
    db.finish().await;
}

async fn timers_and_unsent_actions_survive_a_restart(store: Store) {
    let start = now();
    let first = Sandbox::new(store.clone(), example_tenant(), start);
    // The engine commits the ticket, then stops before sending anything.
    let event = first.event(&mario(), "help", None, message("disk full", "m-d"));
    assert_eq!(first.desk.handle(&event).await.unwrap(), Handled::Done);
    assert!(first.platform.sent().is_empty());
    drop(first);

    // A new process on the same database, 21 minutes later.
    let second = Sandbox::new(
        store,
        example_tenant(),
        start + chrono::Duration::minutes(21),
    );
    second.settle().await.unwrap();
    assert!(
        shown(&second, "help", Some("m-d"))[0].contains("#1"),
        "unsent actions go out"
    );
    assert_eq!(
        second.scheduler.run_once().await.unwrap(),
        1,
        "the L1 budget timer is still there"
    );
    second.settle().await.unwrap();
    assert_eq!(ticket(&second, 1).await.level, Level::L2);
}

async fn a_ticket_thread_is_never_taken_over_by_a_new_ticket(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    let card = sb
        .platform
        .posted(&MessageKey::card(t.id, "support-l1").to_string())
        .unwrap();
    let reaction = EventKind::Reaction {
        emoji: "ticket".into(),
        on_message: card.message_id.clone(),
        message_author: Some("U-bot".into()),
        message_text: Some("#1 · my VPN is down".into()),
    };
    send(&sb, &ada(), "support-l1", None, reaction).await;
    assert!(told(&sb, &ada())
        .last()
        .unwrap()
        .contains("already ticket #1"));
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        command("new printer broken too"),
    )
    .await;
    let second = ticket(&sb, 2).await;
    assert_eq!(
        second.source.thread, None,
        "the new ticket gets a thread of its own"
    );
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        message("vpn still down", "m7"),
    )
    .await;
    let kinds = log_kinds(&sb, &t).await;
    assert!(
        kinds.contains(&LogKind::RequesterMessage {
            text: "vpn still down".into()
        }),
        "still #1's thread"
    );
    assert_eq!(
        sb.desk
            .store()
            .list_tickets(&Default::default())
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn a_timer_read_before_it_was_rearmed_does_not_fire(store: Store) {
    let sb = sandbox(store);
    vpn_ticket(&sb).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 restarted the gateway"),
    )
    .await;
    sb.clock.advance(Duration::from_secs(3 * 86400 + 1));
    let stale = sb
        .desk
        .store()
        .due_timers(helpdesk::clock::Clock::now(sb.clock.as_ref()), 10)
        .await
        .unwrap();
    assert_eq!(stale.len(), 1, "the confirmation timeout is due");
    // Before the scheduler gets to it, the requester says No and the agent resolves again.
    let id = ticket(&sb, 1).await.id;
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        click(Widget::Confirm(id, false)),
    )
    .await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 replaced the gateway"),
    )
    .await;
    assert!(
        !sb.desk.fire_timer(&stale[0]).await.unwrap(),
        "re-armed for later: not fired"
    );
    assert_eq!(ticket(&sb, 1).await.status, Status::Resolved);
}

async fn claimed_tickets_stay_with_their_holder_and_escalation_needs_a_channel(store: Store) {
    let mut tenant = example_tenant();
    tenant.levels.l2.channel = None;
    let sb = Sandbox::new(store, tenant, now());
    vpn_ticket(&sb).await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    let cid = helpdesk::sandbox::person("U-cid", "Cid", &["l1-agents"]);
    send(&sb, &cid, "support-l1", None, command("assign #1 <@U-cid>")).await;
    assert_eq!(
        ticket(&sb, 1).await.assignee.unwrap().id,
        "U-ada",
        "no taking a claimed ticket"
    );
    assert!(told(&sb, &cid).last().unwrap().contains("managers"));

    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("escalate #1 needs L2"),
    )
    .await;
    assert!(told(&sb, &ada())
        .last()
        .unwrap()
        .contains("No channel is configured for L2"));
    assert_eq!(
        ticket(&sb, 1).await.level,
        Level::L1,
        "nobody would see it at L2"
    );
    // The L1 budget runs out with nowhere to escalate to: the managers hear of it instead.
    sb.advance(Duration::from_secs(20 * 60)).await.unwrap();
    assert_eq!(ticket(&sb, 1).await.level, Level::L1);
    assert_eq!(sb.platform.shown_in("helpdesk-managers", None).len(), 1);
}

async fn long_replies_are_cut_and_l3_stays_internal_everywhere(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    let l1 = card_thread(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    let long = "x".repeat(5000);
    send(&sb, &ada(), "support-l1", Some(&l1), message(&long, "a1")).await;
    let reply = sb
        .platform
        .shown_in("help", Some("m-vpn"))
        .into_iter()
        .rev()
        .find_map(|r| match r.action {
            ChatAction::Reply { message, .. } => Some(message),
            _ => None,
        })
        .unwrap();
    assert!(reply.text.chars().count() <= 4096 && reply.text.ends_with('…'));
    assert!(
        log_kinds(&sb, &t)
            .await
            .contains(&LogKind::AgentReply { text: long }),
        "whole in the log"
    );

    // An L3 specialist writing in the L1 thread stays internal too.
    send(
        &sb,
        &nina(),
        "support-l1",
        Some(&l1),
        message("it's the firmware", "n1"),
    )
    .await;
    assert!(!shown(&sb, "help", Some("m-vpn"))
        .iter()
        .any(|m| m.contains("firmware")));
    assert!(log_kinds(&sb, &t).await.contains(&LogKind::InternalNote {
        text: "it's the firmware".into()
    }));

    // Sending a ticket back says so.
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&l1),
        command("escalate L2 gateway"),
    )
    .await;
    let l2 = card_thread(&sb, &MessageKey::card(t.id, "support-l2").to_string());
    send(
        &sb,
        &bruno(),
        "support-l2",
        Some(&l2),
        command("deescalate user error"),
    )
    .await;
    assert!(shown(&sb, "support-l1", Some(&l1))
        .iter()
        .any(|m| m.contains("Sent back to L1. Reason: user error")));
}

async fn sla_targets_warn_breach_pause_and_show_on_the_card(store: Store) {
    let mut tenant = example_tenant();
    tenant.sla = toml::from_str("[p4]\nfirst_response = \"1h\"\nresolution = \"4h\"\n").unwrap();
    tenant.levels.l1.budget = None;
    let sb = Sandbox::new(store, tenant, now());
    let t = vpn_ticket(&sb).await;
    let key = MessageKey::card(t.id, "support-l1").to_string();
    let sla = |sb: &Sandbox| field(&latest(sb, &key), "SLA").to_string();
    assert!(
        sla(&sb).starts_with("first response due") && sla(&sb).ends_with("on track"),
        "{}",
        sla(&sb)
    );
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;

    // 45 minutes (75 % of 1 h): the level and the assignee are warned, once.
    sb.advance(Duration::from_secs(45 * 60)).await.unwrap();
    let thread = card_thread(&sb, &key);
    let warned = sb
        .platform
        .shown_in("support-l1", Some(&thread))
        .into_iter()
        .filter(|r| {
            matches!(&r.action,
        ChatAction::Reply { message, .. } if message.text.contains("first response target (1 hour)")
            && message.mentions == vec![Mention::User("U-ada".into())])
        })
        .count();
    assert_eq!(warned, 1);
    assert!(sla(&sb).ends_with("at risk"), "{}", sla(&sb));

    // 1 h: breached, the managers hear of it.
    sb.advance(Duration::from_secs(15 * 60)).await.unwrap();
    let alerts = sb.platform.shown_in("helpdesk-managers", None);
    assert_eq!(alerts.len(), 1);
    let audit = sb.desk.store().audit_log(50).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "sla_breach"));
    assert!(sla(&sb).ends_with("breached"), "{}", sla(&sb));

    // The agent answers: the resolution target is next; waiting on the requester stops it.
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&thread),
        message("try again now", "a1"),
    )
    .await;
    assert!(sla(&sb).starts_with("resolution due"), "{}", sla(&sb));
    send(&sb, &ada(), "support-l1", None, command("pending #1")).await;
    assert!(sla(&sb).contains("paused"), "{}", sla(&sb));
    sb.advance(Duration::from_secs(10 * 3600)).await.unwrap();
    assert_eq!(
        sb.platform.shown_in("helpdesk-managers", None).len(),
        1,
        "no breach while paused"
    );
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        message("still broken", "m9"),
    )
    .await;
    assert!(sla(&sb).starts_with("resolution due") && !sla(&sb).contains("paused"));
    // 3 h were left of the 4 h resolution target when it paused.
    sb.advance(Duration::from_secs(3 * 3600 + 60))
        .await
        .unwrap();
    assert_eq!(
        sb.platform.shown_in("helpdesk-managers", None).len(),
        2,
        "resolution breached"
    );
}

async fn sla_clocks_run_in_business_hours_only(store: Store) {
    use chrono::TimeZone;
    let mut tenant = example_tenant();
    tenant.levels.l1.budget = None;
    tenant.sla = toml::from_str("[p4]\nfirst_response = \"2h\"\nresolution = \"1d\"\n").unwrap();
    tenant.business_hours = Some(
        toml::from_str(
            "timezone = \"Europe/Rome\"\nhours = \"09:00-18:00\"\nholidays = [\"2026-11-23\"]\n",
        )
        .unwrap(),
    );
    // Friday 2026-11-20, 17:00 in Rome (16:00 UTC); Monday 23 is a holiday.
    let friday = chrono_tz::Europe::Rome
        .with_ymd_and_hms(2026, 11, 20, 17, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let sb = Sandbox::new(store, tenant, friday);
    let t = vpn_ticket(&sb).await;
    let card = latest(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    // 1 h on Friday, then Tuesday 09:00–10:00 Rome = 09:00 UTC.
    assert_eq!(
        field(&card, "SLA"),
        "first response due 2026-11-24 09:00 UTC · on track"
    );
    // The weekend and the holiday count for nothing.
    assert_eq!(sb.advance(Duration::from_secs(3 * 86400)).await.unwrap(), 0);
    // Tuesday 09:31 Rome: 1 h 31 min of business time, past 75 % of 2 h.
    let tuesday = chrono_tz::Europe::Rome
        .with_ymd_and_hms(2026, 11, 24, 9, 31, 0)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let now = helpdesk::clock::Clock::now(sb.clock.as_ref());
    assert_eq!(
        sb.advance((tuesday - now).to_std().unwrap()).await.unwrap(),
        1,
        "the warning"
    );
}

async fn categories_have_their_own_targets_hold_can_pause_and_close_posts_a_transcript(
    store: Store,
) {
    let mut tenant = example_tenant();
    tenant.levels.l1.budget = None;
    tenant.transcript_on_close = true;
    tenant.categories.push("security".into());
    // This desk lets requesters say P1 themselves.
    tenant.limits.requester_max_priority = Priority::P1;
    tenant.sla = toml::from_str(
        "pause_on_hold = true\n[p1]\nfirst_response = \"1h\"\n[categories.security.p1]\nfirst_response = \"10m\"\n",
    )
    .unwrap();
    let start = now();
    let sb = Sandbox::new(store, tenant, start);
    let fields: BTreeMap<String, String> = [
        ("title", "Phishing mail"),
        ("description", "got a phishing mail and clicked it"),
        ("category", "security"),
        ("urgency", "high"),
        ("impact", "high"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let form = submitted(FormId::NewTicket.to_string(), fields);
    send(&sb, &mario(), "general", None, form).await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.priority(), Priority::P1);
    let key = MessageKey::card(t.id, "support-l1").to_string();
    let due = helpdesk::i18n::date_time(
        helpdesk::i18n::Language::En,
        &(start + chrono::Duration::minutes(10)),
        false,
    );
    assert!(
        field(&latest(&sb, &key), "SLA").contains(&due),
        "security has its own 10 min target"
    );

    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("hold #1 waiting for the mail provider"),
    )
    .await;
    assert!(field(&latest(&sb, &key), "SLA").contains("paused"));
    assert_eq!(
        sb.advance(Duration::from_secs(3600)).await.unwrap(),
        0,
        "no warning while on hold"
    );
    send(&sb, &ada(), "support-l1", None, command("resume #1")).await;
    send(&sb, &mario(), "general", None, command("close #1")).await;
    let thread = card_thread(&sb, &key);
    let transcript = shown(&sb, "support-l1", Some(&thread))
        .into_iter()
        .find(|m| m.contains("Transcript of ticket #1"))
        .expect("posted on close");
    assert!(
        transcript.contains("# Ticket #1") && transcript.contains("*(internal)*"),
        "{transcript}"
    );
}

async fn a_breach_can_escalate(store: Store) {
    let mut tenant = example_tenant();
    tenant.levels.l1.budget = None;
    tenant.sla =
        toml::from_str("escalate_on_breach = true\n[p4]\nfirst_response = \"30m\"\n").unwrap();
    let sb = Sandbox::new(store, tenant, now());
    vpn_ticket(&sb).await;
    // The warning at 22.5 min, the breach at 30 min.
    assert_eq!(sb.advance(Duration::from_secs(30 * 60)).await.unwrap(), 2);
    let t = ticket(&sb, 1).await;
    assert_eq!(t.level, Level::L2, "escalated on breach");
    let kinds = log_kinds(&sb, &t).await;
    assert!(kinds.iter().any(|k| matches!(k, LogKind::LevelChange { reason, .. } if reason.contains("first response target of 30 minutes was breached"))), "{kinds:?}");
    assert_eq!(sb.platform.shown_in("helpdesk-managers", None).len(), 1);
}

async fn priority_changes_and_reopens_keep_sla_time_honest(store: Store) {
    let mut tenant = example_tenant();
    tenant.levels.l1.budget = None;
    tenant.sla = toml::from_str(
        "[p4]\nfirst_response = \"1h\"\nresolution = \"4h\"\n[p3]\nfirst_response = \"1h\"\nresolution = \"4h\"\n",
    )
    .unwrap();
    let sb = Sandbox::new(store, tenant, now());
    let t = vpn_ticket(&sb).await;
    let key = MessageKey::card(t.id, "support-l1").to_string();
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(&sb, &ada(), "support-l1", None, command("pending #1")).await;
    sb.advance(Duration::from_secs(10 * 3600)).await.unwrap();
    // Changing the priority while paused keeps the time left, and breaches nothing.
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("priority #1 medium medium"),
    )
    .await;
    assert_eq!(sb.platform.shown_in("helpdesk-managers", None).len(), 0);
    assert!(field(&latest(&sb, &key), "SLA").contains("paused"));
    // Closed while no agent had answered, then reopened: the first-response clock runs again.
    send(&sb, &mario(), "help", None, command("close #1")).await;
    send(&sb, &mario(), "help", None, command("reopen #1")).await;
    let line = field(&latest(&sb, &key), "SLA").to_string();
    assert!(
        line.starts_with("first response due") && line.ends_with("on track"),
        "{line}"
    );
}

/// The page (App Home) of a person: what they asked for, and for agents what they hold and
/// what waits in their queue.
async fn the_home_page_shows_each_person_their_tickets(store: Store) {
    let sb = Sandbox::new(store, example_tenant(), now());
    vpn_ticket(&sb).await;
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("printer jammed", "m-2"),
    )
    .await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;

    let home = |who: Sender| {
        let sb = &sb;
        async move {
            send(sb, &who, "D-home", None, EventKind::HomeOpened).await;
            let sent = sb.platform.sent();
            match &sent.last().unwrap().action {
                ChatAction::PublishHome { user, sections } => {
                    assert_eq!(user, &who.id);
                    sections
                        .iter()
                        .map(|s| format!("{}\n{}", s.title.clone().unwrap_or_default(), s.text))
                        .collect::<Vec<_>>()
                }
                other => panic!("expected the home page, got {other:?}"),
            }
        }
    };
    let mario = home(mario()).await;
    assert_eq!(mario.len(), 2, "an employee sees only their own requests");
    assert!(mario[1].starts_with("Your requests (1)"));
    assert!(mario[1].contains("#1") && !mario[1].contains("#2"));

    let ada = home(ada()).await;
    assert_eq!(ada.len(), 4);
    assert!(ada[1].starts_with("Your requests (0)"));
    assert!(ada[2].starts_with("Assigned to you (1)") && ada[2].contains("#1"));
    assert!(
        ada[3].starts_with("Waiting in your queue (1)") && ada[3].contains("#2"),
        "the claimed ticket left the queue: {ada:?}"
    );
}

fn with_files(text: &str, id: &str, files: &[&str]) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: false,
        mentions_bot: false,
        attachments: files
            .iter()
            .map(|name| helpdesk_chat::Attachment {
                name: (*name).into(),
                url: format!("https://files.example/{name}"),
                size: None,
            })
            .collect(),
    }
}

async fn shared_files_are_listed_in_the_log(store: Store) {
    let sb = sandbox(store);
    // A screenshot alone, no words, still opens a ticket.
    send(
        &sb,
        &mario(),
        "help",
        None,
        with_files("", "m-f", &["error.png"]),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.description, "error.png");
    let agents = card_thread(&sb, &MessageKey::card(t.id, "support-l1").to_string());

    // A file without words in the requester's thread: listed, no empty message logged.
    send(
        &sb,
        &mario(),
        "help",
        Some("m-f"),
        with_files(" ", "m-g", &["log.txt"]),
    )
    .await;
    // An agent's file with an answer in the agents' thread goes to the requester with it.
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&agents),
        with_files("see the diagram", "m-h", &["net.pdf"]),
    )
    .await;
    // Someone who is not an agent cannot add files to the agents' side.
    send(
        &sb,
        &mario(),
        "support-l1",
        Some(&agents),
        with_files("", "m-i", &["x.exe"]),
    )
    .await;

    let files: Vec<(String, bool)> = log_kinds(&sb, &t)
        .await
        .into_iter()
        .filter_map(|k| match k {
            LogKind::Attachment { name, internal, .. } => Some((name, internal)),
            _ => None,
        })
        .collect();
    assert_eq!(
        files,
        [
            ("error.png".to_string(), false),
            ("log.txt".to_string(), false),
            ("net.pdf".to_string(), false)
        ]
    );
    let kinds = log_kinds(&sb, &t).await;
    assert!(
        !kinds.contains(&LogKind::RequesterMessage { text: " ".into() })
            && !kinds.contains(&LogKind::RequesterMessage { text: "".into() }),
        "a file alone logs no empty message: {kinds:?}"
    );
    assert!(kinds.contains(&LogKind::AgentReply {
        text: "see the diagram".into()
    }));
    let entry = LogKind::Attachment {
        name: "net.pdf".into(),
        url: "https://files.example/net.pdf".into(),
        size: None,
        internal: true,
    };
    assert!(
        entry.is_internal(),
        "files kept among the agents are internal"
    );
}

async fn the_desk_says_whether_it_answered_the_person(store: Store) {
    let sb = sandbox(store);
    // A message that opens a ticket: cards and threads, nothing for the person alone.
    let opened = sb.event(&mario(), "help", None, message("printer jammed", "m-a"));
    let outcome = sb.desk.handle_event(&opened).await.unwrap();
    assert_eq!(outcome.handled, Handled::Done);
    assert!(!outcome.answered);
    // A command answered privately, and a form.
    let help = sb.event(&mario(), "help", None, command("help"));
    assert!(sb.desk.handle_event(&help).await.unwrap().answered);
    let form = sb.event(
        &mario(),
        "help",
        None,
        EventKind::Command {
            name: "ticket".into(),
            args: "new".into(),
            options: Vec::new(),
            trigger: Some("t-1".into()),
        },
    );
    assert!(sb.desk.handle_event(&form).await.unwrap().answered);
    // The same event again: nothing new, nothing answered.
    let again = sb.desk.handle_event(&help).await.unwrap();
    assert_eq!((again.handled, again.answered), (Handled::Duplicate, false));
    // A private answer names the command it answers, so it rides on that very interaction.
    let asked = EventKind::Command {
        name: "ticket".into(),
        args: "help".into(),
        options: Vec::new(),
        trigger: Some("t-2".into()),
    };
    send(&sb, &mario(), "help", None, asked).await;
    let answers: Vec<Option<String>> = sb
        .platform
        .sent()
        .into_iter()
        .filter_map(|r| match r.action {
            ChatAction::Ephemeral { trigger, .. } => Some(trigger),
            _ => None,
        })
        .collect();
    assert_eq!(answers.last(), Some(&Some("t-2".to_string())));
    assert!(
        answers.contains(&None),
        "the plain command's answer names none"
    );
    // So does an answer to a form submission (here: a form the desk never opened).
    let odd = EventKind::FormSubmitted {
        form: "ticket.nonsense".into(),
        fields: BTreeMap::new(),
        trigger: Some("t-3".into()),
    };
    send(&sb, &mario(), "help", None, odd).await;
    let last = sb
        .platform
        .sent()
        .into_iter()
        .rev()
        .find_map(|r| match r.action {
            ChatAction::Ephemeral { trigger, .. } => Some(trigger),
            _ => None,
        });
    assert_eq!(last, Some(Some("t-3".to_string())));
}

/// Slack's free plan has no user groups: agents and managers are listed by user id, pinged by
/// name, and act as their level allows.
async fn a_workspace_without_groups_lists_its_agents_and_managers(store: Store) {
    let mut tenant = example_tenant();
    for level in [
        &mut tenant.levels.l1,
        &mut tenant.levels.l2,
        &mut tenant.levels.l3,
    ] {
        level.group = None;
    }
    tenant.levels.l1.agents = vec!["U-lia".into(), "U-leo".into()];
    tenant.levels.l2.agents = vec!["U-max".into()];
    tenant.levels.l1.on_budget = helpdesk::config::BudgetAction::Alert;
    tenant.manager_groups.clear();
    tenant.managers = vec!["U-grace".into()];
    let sb = Sandbox::new(store, tenant, now());
    let lia = helpdesk::sandbox::person("U-lia", "Lia", &[]);
    let grace = helpdesk::sandbox::person("U-grace", "Grace", &[]);

    let t = vpn_ticket(&sb).await;
    let card = latest(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    assert_eq!(
        card.mentions,
        vec![Mention::User("U-lia".into()), Mention::User("U-leo".into())],
        "each listed L1 agent is pinged"
    );
    // Someone not listed is refused; a listed agent claims; escalating pings the L2 agent.
    send(&sb, &luisa(), "support-l1", None, command("claim #1")).await;
    assert!(ticket(&sb, 1).await.assignee.is_none());
    send(&sb, &lia, "support-l1", None, command("claim #1")).await;
    assert_eq!(ticket(&sb, 1).await.assignee.unwrap().id, "U-lia");
    send(
        &sb,
        &lia,
        "support-l1",
        None,
        command("escalate #1 needs L2"),
    )
    .await;
    let l2_card = latest(&sb, &MessageKey::card(t.id, "support-l2").to_string());
    assert_eq!(l2_card.mentions, vec![Mention::User("U-max".into())]);

    // A listed manager may unclaim what another holds, and the managers' alerts ping them.
    send(&sb, &lia, "help", None, message("second problem", "m-2")).await;
    send(&sb, &lia, "support-l1", None, command("claim #2")).await;
    send(&sb, &grace, "support-l1", None, command("unclaim #2")).await;
    assert!(
        ticket(&sb, 2).await.assignee.is_none(),
        "managers act on any ticket"
    );
    sb.advance(Duration::from_secs(20 * 60)).await.unwrap();
    let alerts = messages_in(&sb, "helpdesk-managers", None);
    assert_eq!(alerts.len(), 1, "one alert: {alerts:?}");
    assert_eq!(alerts[0].mentions, vec![Mention::User("U-grace".into())]);
}

async fn a_card_offers_only_what_its_status_allows(store: Store) {
    let sb = sandbox(store);
    let t = vpn_ticket(&sb).await;
    let key = MessageKey::card(t.id, "support-l1").to_string();
    let buttons = |sb: &Sandbox| -> Vec<String> {
        latest(sb, &key).buttons.into_iter().map(|b| b.id).collect()
    };
    let form = |f: TicketForm| Widget::Open(f, t.id).to_string();
    assert_eq!(
        buttons(&sb),
        [
            Widget::Claim(t.id).to_string(),
            form(TicketForm::Escalate),
            form(TicketForm::Resolve),
            form(TicketForm::Priority),
            form(TicketForm::Note),
        ],
        "a new ticket: all the work"
    );
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 restarted the gateway"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Resolved);
    assert_eq!(
        buttons(&sb),
        [Widget::Reopen(t.id).to_string(), form(TicketForm::Note)],
        "resolved: no Resolve, no Claim, no Escalate"
    );
    send(&sb, &ada(), "support-l1", None, command("close #1")).await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Closed);
    assert_eq!(buttons(&sb), [Widget::Reopen(t.id).to_string()], "closed");
    send(&sb, &ada(), "support-l1", None, click(Widget::Reopen(t.id))).await;
    assert_eq!(
        ticket(&sb, 1).await.status,
        Status::Open,
        "back to its agent"
    );
    assert!(buttons(&sb).contains(&form(TicketForm::Resolve)));
}
