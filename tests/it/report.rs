//! The manager's report on a seeded conversation whose answers are known.

use crate::common;

use common::chat::*;
use common::now;
use helpdesk::clock::Clock;
use helpdesk::desk::keys::{ArticleId, FormId, Widget};
use helpdesk::kb::{KbOptions, KbOwner, KnowledgeBase};
use helpdesk::report::{compute, csv, table};
use helpdesk::sandbox::Sandbox;
use helpdesk::store::Store;
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(the_report_counts_what_happened);

fn minutes(n: u64) -> Duration {
    Duration::from_secs(n * 60)
}

async fn the_report_counts_what_happened(store: Store) {
    save_article(
        &store,
        "password-reset",
        "Reset a forgotten password",
        "Use the self-service portal.",
    )
    .await;
    let shared = store.article(KbOwner::Shared, "password-reset").await;
    let password_reset = ArticleId(shared.unwrap().unwrap().id);
    let kb = Arc::new(
        KnowledgeBase::open(store.clone(), KbOptions::in_memory())
            .await
            .unwrap(),
    );
    let mut tenant = one_ticket_per_line();
    tenant.levels.l1.budget = None;
    tenant.sla = toml::from_str("[p4]\nfirst_response = \"1h\"\nresolution = \"4h\"\n").unwrap();
    let start = now();
    let sb = Sandbox::with_knowledge(store.clone(), tenant, start, kb);

    // #1: answered after 10 min, resolved after 30 min by Ada.
    // #2: answered after 20 min, escalated to L2, resolved by Bruno after 90 min.
    // #3: closed by a knowledge-base article.  #4: never answered, breaches its 1 h target.
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("vpn drops every hour", "m1"),
    )
    .await;
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("laptop fan very loud", "m2"),
    )
    .await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("forgotten password reset", "m3"),
    )
    .await;
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("monitor flickers", "m4b"),
    )
    .await;
    let t3 = ticket(&sb, 3).await;
    send(
        &sb,
        &mario(),
        "help",
        Some("m3"),
        click(Widget::KbSolved(t3.id, password_reset)),
    )
    .await;

    sb.advance(minutes(10)).await.unwrap();
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(
        &sb,
        &ada(),
        "help",
        Some("m1"),
        message("restart the client please", "a1"),
    )
    .await;
    sb.advance(minutes(10)).await.unwrap();
    send(&sb, &ada(), "support-l1", None, command("claim #2")).await;
    send(
        &sb,
        &ada(),
        "help",
        Some("m2"),
        message("is it under load?", "a2"),
    )
    .await;
    sb.advance(minutes(5)).await.unwrap();
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("escalate #2 L2 needs a hardware check"),
    )
    .await;
    sb.advance(minutes(5)).await.unwrap();
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 new VPN profile"),
    )
    .await;
    sb.advance(minutes(60)).await.unwrap();
    send(&sb, &bruno(), "support-l2", None, command("claim #2")).await;
    send(
        &sb,
        &bruno(),
        "support-l2",
        None,
        command("resolve #2 cleaned the fan"),
    )
    .await;

    // Mario confirms #1 and rates it 4; a second rating changes nothing. #3 (self-service) is
    // rated 2, which alerts the managers.
    let t1 = ticket(&sb, 1).await;
    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click(Widget::Confirm(t1.id, true)),
    )
    .await;
    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click(Widget::Rate(t1.id, 4)),
    )
    .await;
    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click(Widget::Rate(t1.id, 1)),
    )
    .await;
    let alerts_before = sb.platform.shown_in("helpdesk-managers", None).len();
    send(
        &sb,
        &mario(),
        "help",
        Some("m3"),
        click(Widget::Rate(t3.id, 2)),
    )
    .await;
    assert_eq!(
        sb.platform.shown_in("helpdesk-managers", None).len(),
        alerts_before + 1,
        "a low rating alerts"
    );
    let with_form = helpdesk_chat::EventKind::Action {
        id: Widget::Rate(t1.id, 5).to_string(),
        value: String::new(),
        message_id: None,
        trigger: Some("trig".into()),
    };
    send(&sb, &luisa(), "help", Some("m1"), with_form).await;
    for text in ["quick and kind", "second try"] {
        let comment = submitted(
            FormId::Comment(t1.id).to_string(),
            [("comment".to_string(), text.to_string())].into(),
        );
        send(&sb, &mario(), "help", Some("m1"), comment).await;
    }
    let comments: Vec<_> = store
        .log(t1.id)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| match r.entry.kind {
            helpdesk::domain::LogKind::FeedbackComment { text } => Some(text),
            _ => None,
        })
        .collect();
    assert_eq!(comments, ["quick and kind"], "one comment per ticket");

    // The period ends just after the last event (its end is exclusive).
    let now = sb.clock.now() + chrono::Duration::minutes(1);
    let data = store
        .report_data(None, start - chrono::Duration::minutes(1), now)
        .await
        .unwrap();
    let r = compute(&data, start - chrono::Duration::minutes(1), now);
    assert_eq!(
        (r.opened, r.closed),
        (4, 2),
        "#1 and #3 closed; #2 waits for confirmation"
    );
    assert_eq!(r.by_status["resolved"], 1);
    assert_eq!(r.by_status["closed"], 2);
    assert_eq!(
        (r.satisfaction, r.ratings),
        (Some(3.0), 2),
        "4 and 2; the repeat and Luisa's do not count"
    );
    assert_eq!(r.by_status["new"], 1);
    assert_eq!(r.by_level["L2"], 1);
    assert_eq!(r.by_channel["help"], 4);
    assert_eq!(r.first_response.count, 2);
    assert_eq!(r.first_response.p50_minutes, Some(10.0));
    assert_eq!(r.first_response.p90_minutes, Some(20.0));
    assert_eq!(r.resolution.count, 2);
    assert_eq!(r.resolution.p50_minutes, Some(30.0));
    assert_eq!(r.resolution.p90_minutes, Some(90.0));
    assert_eq!(r.sla_compliance, Some(0.75), "only #4 breached");
    assert_eq!(r.escalated_to_l2, Some(0.25));
    assert_eq!(r.escalated_to_l3, Some(0.0));
    assert_eq!(r.deflection, Some(0.25));
    let ada_row = r.agents.iter().find(|a| a.name == "Ada").unwrap();
    assert_eq!(
        (ada_row.assigned, ada_row.replies, ada_row.resolved),
        (2, 2, 1)
    );
    assert_eq!(ada_row.median_resolution_minutes, Some(30.0));
    let bruno_row = r.agents.iter().find(|a| a.name == "Bruno").unwrap();
    assert_eq!((bruno_row.assigned, bruno_row.resolved), (1, 1));
    assert_eq!(bruno_row.median_resolution_minutes, Some(90.0));

    assert_eq!(ada_row.id, "U-ada", "rows are keyed by the platform id");
    assert_eq!(r.closed_by_level["L1"], 2, "#1 and #3 closed at L1");
    assert_eq!(r.closed_by_channel["help"], 2);
    assert_eq!(r.closed_by_priority.values().sum::<usize>(), 2);
    assert!(!r.closed_by_level.contains_key("L2"), "#2 is not closed");

    // A later period: nothing opened in it, but the work done in it counts, on old tickets.
    let late = start + chrono::Duration::minutes(85);
    let data = store.report_data(None, late, now).await.unwrap();
    let l = compute(&data, late, now);
    assert_eq!((l.opened, l.closed), (0, 1), "#1 confirmed after minute 85");
    let rows: Vec<(&str, usize, usize, usize)> = l
        .agents
        .iter()
        .map(|a| (a.id.as_str(), a.assigned, a.replies, a.resolved))
        .collect();
    assert_eq!(
        rows,
        [("U-bruno", 1, 0, 1)],
        "only Bruno worked after minute 85"
    );

    assert!(
        table(&r).contains("SLA compliance  75.0 %"),
        "{}",
        table(&r)
    );
    assert!(csv(&r).contains("deflection,,0.2500"), "{}", csv(&r));

    // Managers get it in chat; others are refused.
    let stats = |args: &str| helpdesk_chat::EventKind::Command {
        name: "helpdesk".into(),
        args: args.into(),
        options: Vec::new(),
        trigger: None,
    };
    send(&sb, &boss(), "helpdesk-managers", None, stats("stats 1d")).await;
    send(&sb, &ada(), "support-l1", None, stats("stats")).await;
    send(
        &sb,
        &boss(),
        "helpdesk-managers",
        None,
        stats("stats forever"),
    )
    .await;
    let told: Vec<(String, String)> = sb
        .platform
        .sent()
        .into_iter()
        .filter_map(|r| match r.action {
            helpdesk_chat::ChatAction::Ephemeral { user, message, .. } => {
                Some((user, format!("{:?} {}", message.title, message.text)))
            }
            _ => None,
        })
        .collect();
    let n = told.len();
    assert!(
        told[n - 3].1.contains("SLA compliance 75.0 %"),
        "{:?}",
        told[n - 3]
    );
    assert!(told[n - 2].1.contains("managers"), "{:?}", told[n - 2]);
    assert!(
        told[n - 1].1.contains("Usage: /helpdesk stats"),
        "{:?}",
        told[n - 1]
    );

    // A period before anything happened is empty, not an error.
    let before = store
        .report_data(
            None,
            start - chrono::Duration::days(2),
            start - chrono::Duration::days(1),
        )
        .await
        .unwrap();
    let empty = compute(
        &before,
        start - chrono::Duration::days(2),
        start - chrono::Duration::days(1),
    );
    assert_eq!(
        (
            empty.opened,
            empty.sla_compliance,
            empty.first_response.p50_minutes
        ),
        (0, None, None)
    );
}
