//! Working time: level budgets count business hours (unless a level counts every hour), so an
//! evening ticket waits for the morning instead of paging L2 and L3 at night; and the first
//! answer says when a closed desk opens and how soon an agent usually answers.

use crate::common;

use chrono::TimeZone;
use common::chat::*;
use helpdesk::desk::keys::MessageKey;
use helpdesk::domain::{Level, LogKind, Status, Ticket, Timestamp};
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk::store::Store;
use helpdesk_chat::ChatAction;
use std::time::Duration;

on_both_backends!(
    an_evening_ticket_escalates_at_the_next_opening_plus_its_budget,
    a_budget_that_runs_out_while_pending_is_rearmed_in_working_time,
    a_desk_open_around_the_clock_counts_every_hour,
    a_level_on_call_counts_every_hour,
    the_first_answer_says_when_the_desk_opens_and_how_soon_an_agent_answers,
    around_the_clock_the_expectation_has_no_working_hours,
    a_polish_requester_hears_the_hours_in_polish,
);

/// A local time in Rome, as UTC.
fn rome(month: u32, day: u32, hour: u32, minute: u32) -> Timestamp {
    chrono_tz::Europe::Rome
        .with_ymd_and_hms(2026, month, day, hour, minute, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

/// Tuesday 24 November 2026, 19:00 in Rome: two hours after closing.
fn tuesday_evening() -> Timestamp {
    rome(11, 24, 19, 0)
}

/// The example tenant, open 09:00–17:00 Monday to Friday in Rome (the default SLA: a P4's
/// first response within 1 day of working time, so no SLA timer fires in these tests' days).
fn office() -> helpdesk::config::TenantConfig {
    let mut tenant = example_tenant();
    tenant.business_hours = Some(
        toml::from_str("timezone = \"Europe/Rome\"\nhours = \"09:00-17:00\"\n")
            .expect("the hours parse"),
    );
    tenant
}

/// [`office`], answering a P4 within 4 hours.
fn office_answering_in_4h() -> helpdesk::config::TenantConfig {
    let mut tenant = office();
    tenant.sla = toml::from_str("[p4]\nfirst_response = \"4h\"\n").expect("the SLA parses");
    tenant
}

/// Moves the sandbox's clock to `at`; the timers that fired.
async fn advance_to(sb: &Sandbox, at: Timestamp) -> usize {
    let now = helpdesk::clock::Clock::now(sb.clock.as_ref());
    let by = (at - now).to_std().expect("forward in time");
    sb.advance(by).await.unwrap()
}

/// `who` asks in #help with message `id`; returns the ticket numbered `n`.
async fn ask(sb: &Sandbox, who: &helpdesk_chat::Sender, id: &str, n: i64) -> Ticket {
    send(
        sb,
        who,
        "help",
        None,
        message("my VPN is down since this afternoon", id),
    )
    .await;
    ticket(sb, n).await
}

/// The first answer in the requester's thread under their message `id`.
fn first_answer(sb: &Sandbox, id: &str) -> String {
    sb.platform
        .shown_in("help", Some(id))
        .iter()
        .find_map(|r| match &r.action {
            ChatAction::Post { message, .. } | ChatAction::Reply { message, .. } => {
                Some(title_and_text(message))
            }
            _ => None,
        })
        .expect("the requester was answered")
}

fn escalated_by_budget(kinds: &[LogKind], from: &str) -> bool {
    let said = format!("{from} time budget of");
    kinds
        .iter()
        .any(|k| matches!(k, LogKind::LevelChange { reason, .. } if reason.contains(&said)))
}

async fn an_evening_ticket_escalates_at_the_next_opening_plus_its_budget(store: Store) {
    let mut tenant = office();
    // L2 gets most of a working day: its budget crosses the night too.
    tenant.levels.l2.budget = Some(Duration::from_secs(8 * 3600));
    let sb = Sandbox::new(store, tenant, tuesday_evening());
    let t = ask(&sb, &mario(), "m-vpn", 1).await;
    // The card says when L1's 20 minutes run out: 09:20 in Rome is 08:20 UTC.
    let card = latest(&sb, &MessageKey::card(t.id, "support-l1").to_string());
    let due = card.fields.iter().find(|f| f.label == "Level due");
    assert_eq!(
        due.map(|f| f.value.as_str()),
        Some("2026-11-25 08:20 UTC"),
        "{card:?}"
    );

    // The night is not L1's time: nothing happens before 09:20 on Wednesday.
    assert_eq!(
        advance_to(&sb, rome(11, 24, 19, 21)).await,
        0,
        "not at 19:20"
    );
    assert_eq!(
        advance_to(&sb, rome(11, 25, 9, 19)).await,
        0,
        "not before 09:20"
    );
    let t = ticket(&sb, 1).await;
    assert_eq!(t.level, Level::L1, "still with L1 at 09:19");
    assert!(sb.platform.shown_in("support-l2", None).is_empty());

    // 09:21: the 20 minutes of working time are spent.
    assert_eq!(advance_to(&sb, rome(11, 25, 9, 21)).await, 1);
    let t = ticket(&sb, 1).await;
    assert_eq!(t.level, Level::L2);
    assert!(escalated_by_budget(&log_kinds(&sb, &t).await, "L1"));

    // L2's 8 hours: 7 h 39 min on Wednesday, the rest from 09:00 on Thursday (09:21). The L3
    // specialists are not paged at night.
    assert_eq!(
        advance_to(&sb, rome(11, 25, 23, 0)).await,
        0,
        "not at night"
    );
    assert_eq!(advance_to(&sb, rome(11, 26, 9, 20)).await, 0);
    assert_eq!(ticket(&sb, 1).await.level, Level::L2);
    assert!(sb.platform.shown_in("support-l3", None).is_empty());
    assert_eq!(advance_to(&sb, rome(11, 26, 9, 22)).await, 1);
    let t = ticket(&sb, 1).await;
    assert_eq!(t.level, Level::L3);
    assert!(escalated_by_budget(&log_kinds(&sb, &t).await, "L2"));
}

async fn a_budget_that_runs_out_while_pending_is_rearmed_in_working_time(store: Store) {
    // Wednesday 25 November, 16:30 in Rome: L1's 20 minutes end at 16:50.
    let sb = Sandbox::new(store, office(), rome(11, 25, 16, 30));
    ask(&sb, &mario(), "m-vpn", 1).await;
    advance_to(&sb, rome(11, 25, 16, 31)).await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(&sb, &ada(), "support-l1", None, command("pending #1")).await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Pending);
    // The budget runs out while the ticket waits on the requester: it starts again, in working
    // time (9 minutes on Wednesday, 11 from 09:00 on Thursday: 09:11).
    assert_eq!(advance_to(&sb, rome(11, 25, 16, 51)).await, 1);
    assert_eq!(ticket(&sb, 1).await.level, Level::L1);
    assert_eq!(advance_to(&sb, rome(11, 26, 8, 0)).await, 0, "not at night");
    // The requester answers before the desk opens: back to work, still L1's time to come.
    send(
        &sb,
        &mario(),
        "help",
        Some("m-vpn"),
        message("still broken after a restart", "m-2"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Open);
    assert_eq!(advance_to(&sb, rome(11, 26, 9, 10)).await, 0);
    assert_eq!(ticket(&sb, 1).await.level, Level::L1, "still L1 at 09:10");
    assert_eq!(advance_to(&sb, rome(11, 26, 9, 12)).await, 1);
    assert_eq!(ticket(&sb, 1).await.level, Level::L2);
}

async fn a_desk_open_around_the_clock_counts_every_hour(store: Store) {
    // No business hours: the evening ticket escalates 20 minutes later, at 19:20.
    let sb = Sandbox::new(store, example_tenant(), tuesday_evening());
    ask(&sb, &mario(), "m-vpn", 1).await;
    assert_eq!(advance_to(&sb, rome(11, 24, 19, 19)).await, 0);
    assert_eq!(advance_to(&sb, rome(11, 24, 19, 21)).await, 1);
    assert_eq!(ticket(&sb, 1).await.level, Level::L2);
}

async fn a_level_on_call_counts_every_hour(store: Store) {
    // Business hours, but L1 is on call: its budget counts every hour; L2's counts working time.
    let mut tenant = office();
    tenant.levels = toml::from_str(
        r#"
        [l1]
        channel = "support-l1"
        group = "l1-agents"
        budget_clock = "always"
        [l2]
        channel = "support-l2"
        group = "l2-agents"
        budget_clock = "business"
        [l3]
        channel = "support-l3"
        group = "l3-agents"
        "#,
    )
    .expect("the levels parse");
    let sb = Sandbox::new(store, tenant, tuesday_evening());
    ask(&sb, &mario(), "m-vpn", 1).await;
    assert_eq!(advance_to(&sb, rome(11, 24, 19, 19)).await, 0);
    assert_eq!(advance_to(&sb, rome(11, 24, 19, 21)).await, 1);
    assert_eq!(ticket(&sb, 1).await.level, Level::L2, "L1 on call: 19:20");
    // L2's 2 hours start when the desk opens: 11:00 on Wednesday.
    assert_eq!(advance_to(&sb, rome(11, 25, 10, 59)).await, 0);
    assert_eq!(ticket(&sb, 1).await.level, Level::L2);
    assert_eq!(advance_to(&sb, rome(11, 25, 11, 1)).await, 1);
    assert_eq!(ticket(&sb, 1).await.level, Level::L3);
}

async fn the_first_answer_says_when_the_desk_opens_and_how_soon_an_agent_answers(store: Store) {
    let sb = Sandbox::new(store, office_answering_in_4h(), tuesday_evening());
    ask(&sb, &mario(), "m-evening", 1).await;
    let answer = first_answer(&sb, "m-evening");
    assert!(answer.contains("Ticket #1 is open"), "{answer}");
    assert!(
        answer.contains(
            "The help desk is closed now and opens on 2026-11-25 at 09:00 (Europe/Rome time)"
        ),
        "{answer}"
    );
    assert!(
        answer.contains("An agent usually answers within 4 hours of working time."),
        "{answer}"
    );

    // In working hours: no word of closing, the same expectation.
    advance_to(&sb, rome(11, 25, 10, 0)).await;
    ask(&sb, &luisa(), "m-morning", 2).await;
    let answer = first_answer(&sb, "m-morning");
    assert!(!answer.contains("closed"), "{answer}");
    assert!(
        answer.contains("An agent usually answers within 4 hours of working time."),
        "{answer}"
    );

    // Friday evening: the desk opens on Monday.
    advance_to(&sb, rome(11, 27, 18, 30)).await;
    let gino = helpdesk::sandbox::person("U-gino", "Gino", &[]);
    ask(&sb, &gino, "m-friday", 3).await;
    let answer = first_answer(&sb, "m-friday");
    assert!(answer.contains("opens on 2026-11-30 at 09:00"), "{answer}");
}

async fn a_polish_requester_hears_the_hours_in_polish(store: Store) {
    let mut tenant = office_answering_in_4h();
    tenant.language = "pl".parse().expect("pl is a desk language");
    let sb = Sandbox::new(store, tenant, tuesday_evening());
    ask(&sb, &mario(), "m-pl", 1).await;
    let answer = first_answer(&sb, "m-pl");
    assert!(
        answer.contains("Help desk jest teraz nieczynny i zostanie otwarty 25.11.2026 o godz. 09:00 (czas Europe/Rome)"),
        "{answer}"
    );
    assert!(
        answer.contains(
            "Przewidywany czas pierwszej odpowiedzi konsultanta: 4 godziny w godzinach pracy."
        ),
        "{answer}"
    );
}

/// Without business hours every hour counts, and the first answer says so plainly.
async fn around_the_clock_the_expectation_has_no_working_hours(store: Store) {
    let sb = Sandbox::new(store, example_tenant(), tuesday_evening());
    ask(&sb, &mario(), "m-vpn", 1).await;
    let answer = first_answer(&sb, "m-vpn");
    assert!(!answer.contains("closed"), "{answer}");
    // The default P4 first-response target.
    assert!(
        answer.contains("An agent usually answers within 1 day."),
        "{answer}"
    );
}
