//! The knowledge base in chat: suggestions when a ticket opens, self-service closing, and
//! `/kb` for everyone to read and agents to write.

mod common;

use common::chat::*;

use common::now;

use helpdesk::domain::{LogKind, Status, TicketNumber};
use helpdesk::kb::{ArticleSource, KbOwner, KnowledgeBase, DEFAULT_THRESHOLD};
use helpdesk::sandbox::{example_tenant, Sandbox};
use helpdesk::store::Store;
use helpdesk_chat::{ChatAction, EventKind, RichMessage, Sender};
use std::collections::BTreeMap;
use std::sync::Arc;

on_both_backends!(
    a_new_ticket_suggests_relevant_articles_only,
    this_solved_it_closes_the_ticket_as_self_service,
    kb_commands_read_for_everyone_and_write_for_agents,
    a_resolved_ticket_is_promoted_to_an_article,
    cards_show_similar_resolved_tickets_with_their_fix,
    article_text_pings_nobody,
    requesters_never_see_other_tickets_and_deflect_only_once,
);

async fn sandbox(store: Store) -> Sandbox {
    for (slug, title, body) in [
        ("vpn-809", "VPN error 809 when connecting", "Error 809 means the VPN gateway is unreachable: restart the VPN client, then check that UDP 500 and 4500 are open."),
        ("outlook-crash", "Outlook crashes at start", "Start Outlook in safe mode (outlook.exe /safe) and disable add-ins."),
        ("password-reset", "Reset a forgotten password", "Use the self-service portal at https://id.example.com and follow the steps."),
    ] {
        save_article(&store, slug, title, body).await;
    }
    let kb = Arc::new(
        KnowledgeBase::open(store.clone(), DEFAULT_THRESHOLD)
            .await
            .unwrap(),
    );
    Sandbox::with_knowledge(store, example_tenant(), now(), kb)
}

/// The sandbox tenant as an article owner.
async fn acme(sb: &Sandbox) -> KbOwner {
    KbOwner::Tenant(sb.desk.store().tenants().await.unwrap()[0].id)
}

fn kb(args: &str, trigger: Option<&str>) -> EventKind {
    EventKind::Command {
        name: "kb".into(),
        args: args.into(),
        trigger: trigger.map(String::from),
    }
}

/// The messages with buttons the requester got in their thread.
fn suggestions(sb: &Sandbox, channel: &str, thread: &str) -> Vec<RichMessage> {
    sb.platform
        .shown_in(channel, Some(thread))
        .into_iter()
        .filter_map(|r| match r.action {
            ChatAction::Reply { message, .. }
                if message.buttons.iter().any(|b| b.action == "kb.solved") =>
            {
                Some(message)
            }
            _ => None,
        })
        .collect()
}

fn told(sb: &Sandbox, user: &Sender) -> Vec<RichMessage> {
    sb.platform
        .sent()
        .into_iter()
        .filter_map(|r| match r.action {
            ChatAction::Ephemeral {
                user: u, message, ..
            } if u == user.id => Some(message),
            _ => None,
        })
        .collect()
}

async fn a_new_ticket_suggests_relevant_articles_only(store: Store) {
    let sb = sandbox(store).await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("vpn error 809 when I connect from home", "m1"),
    )
    .await;
    let shown = suggestions(&sb, "help", "m1");
    assert!(!shown.is_empty() && shown.len() <= 3);
    assert_eq!(
        shown[0].title.as_deref(),
        Some("VPN error 809 when connecting")
    );
    let labels: Vec<&str> = shown[0].buttons.iter().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["This solved it", "I still need help"]);
    let t = ticket(&sb, 1).await;
    let log = sb.desk.store().log(t.id).await.unwrap();
    assert!(log.iter().any(|r| matches!(&r.entry.kind, LogKind::KbSuggestionShown { articles } if articles[0] == "vpn-809")));
    assert_eq!(
        sb.desk
            .store()
            .article(KbOwner::Shared, "vpn-809")
            .await
            .unwrap()
            .unwrap()
            .shown,
        1
    );

    send(
        &sb,
        &mario(),
        "help",
        None,
        message("the coffee machine on floor 3 leaks water", "m2"),
    )
    .await;
    assert!(
        suggestions(&sb, "help", "m2").is_empty(),
        "nothing relevant: nothing suggested"
    );
}

async fn this_solved_it_closes_the_ticket_as_self_service(store: Store) {
    let sb = sandbox(store).await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("outlook crashes every time at start", "m1"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    let shown = suggestions(&sb, "help", "m1");
    let solved = shown[0].buttons[0].value.clone();
    let unhelpful = shown[0].buttons[1].value.clone();

    send(
        &sb,
        &luisa(),
        "help",
        Some("m1"),
        click("kb.solved", &solved),
    )
    .await;
    assert_eq!(
        ticket(&sb, 1).await.status,
        Status::New,
        "only the requester answers"
    );

    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click("kb.unhelpful", &unhelpful),
    )
    .await;
    assert_eq!(
        ticket(&sb, 1).await.status,
        Status::New,
        "still needs help: the agents go on"
    );
    assert_eq!(
        sb.desk
            .store()
            .article(KbOwner::Shared, "outlook-crash")
            .await
            .unwrap()
            .unwrap()
            .unhelpful,
        1
    );

    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click("kb.solved", &solved),
    )
    .await;
    let closed = ticket(&sb, 1).await;
    assert_eq!(closed.status, Status::Closed);
    let log = sb.desk.store().log(t.id).await.unwrap();
    assert!(log.iter().any(|r| r.entry.kind
        == LogKind::Deflected {
            article: "outlook-crash".into()
        }));
    assert_eq!(
        sb.desk
            .store()
            .article(KbOwner::Shared, "outlook-crash")
            .await
            .unwrap()
            .unwrap()
            .solved,
        1
    );
    assert!(
        sb.desk.store().pending_timers().await.unwrap().is_empty(),
        "no budget runs on a deflected ticket"
    );
    let audit = sb.desk.store().audit_log(10).await.unwrap();
    assert!(audit.iter().any(|a| a.action == "deflected"));
}

async fn kb_commands_read_for_everyone_and_write_for_agents(store: Store) {
    let sb = sandbox(store).await;
    send(
        &sb,
        &mario(),
        "general",
        None,
        kb("search forgot my password", None),
    )
    .await;
    let result = told(&sb, &mario()).pop().unwrap();
    assert!(result.text.starts_with("password-reset"), "{}", result.text);
    assert_eq!(result.buttons[0].action, "kb.show");
    send(
        &sb,
        &mario(),
        "general",
        None,
        click("kb.show", "password-reset"),
    )
    .await;
    assert!(told(&sb, &mario())
        .pop()
        .unwrap()
        .text
        .contains("self-service portal"));
    for odd in [
        "🙂",
        "\"*:()-AND",
        "пароль",
        "密码",
        &"word ".repeat(10_000),
    ] {
        send(
            &sb,
            &mario(),
            "general",
            None,
            kb(&format!("search {odd}"), None),
        )
        .await;
        let answer = told(&sb, &mario()).pop().unwrap();
        assert!(
            answer.text.contains("Nothing found") || answer.title.is_some(),
            "{odd:?}"
        );
    }
    send(&sb, &mario(), "general", None, kb("show nope", None)).await;
    assert!(told(&sb, &mario())
        .pop()
        .unwrap()
        .text
        .contains("no article nope"));

    send(&sb, &mario(), "general", None, kb("add", Some("trig-m"))).await;
    assert!(told(&sb, &mario())
        .pop()
        .unwrap()
        .text
        .contains("Only help desk agents"));

    send(&sb, &ada(), "support-l1", None, kb("add", Some("trig-a"))).await;
    let form = sb
        .platform
        .sent()
        .into_iter()
        .find_map(|r| match r.action {
            ChatAction::OpenForm { form, .. } => Some(form),
            _ => None,
        })
        .expect("the article form opens");
    let fields: BTreeMap<String, String> = [
        ("title", "Printer shows paper jam"),
        ("body", "Open **tray 2** and remove the sheet."),
        ("tags", "printer, hardware"),
        ("language", "en"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    let by_mario = submitted(form.id.clone(), fields.clone());
    send(&sb, &mario(), "general", None, by_mario).await;
    assert!(
        sb.desk
            .store()
            .article(acme(&sb).await, "printer-shows-paper-jam")
            .await
            .unwrap()
            .is_none(),
        "forms are re-checked"
    );
    send(&sb, &ada(), "support-l1", None, submitted(form.id, fields)).await;
    let a = sb
        .desk
        .store()
        .article(acme(&sb).await, "printer-shows-paper-jam")
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(
        (a.tags.clone(), a.source.clone()),
        (
            vec!["printer".to_string(), "hardware".to_string()],
            ArticleSource::Written
        )
    );

    // Searchable at once: a new ticket about it gets the suggestion.
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("printer shows a paper jam", "m9"),
    )
    .await;
    let shown = suggestions(&sb, "help", "m9");
    assert_eq!(shown[0].title.as_deref(), Some("Printer shows paper jam"));
}

async fn a_resolved_ticket_is_promoted_to_an_article(store: Store) {
    let sb = sandbox(store).await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("teams camera is black in meetings", "m1"),
    )
    .await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        kb("promote #1", Some("t1")),
    )
    .await;
    assert!(told(&sb, &ada())
        .pop()
        .unwrap()
        .text
        .contains("no resolution yet"));
    let resolve = EventKind::Command {
        name: "ticket".into(),
        args: "resolve #1 allow camera access in Windows privacy settings".into(),
        trigger: None,
    };
    send(&sb, &ada(), "support-l1", None, resolve).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        kb("promote #1", Some("t2")),
    )
    .await;
    let form = sb
        .platform
        .sent()
        .into_iter()
        .find_map(|r| match r.action {
            ChatAction::OpenForm { form, trigger, .. } if trigger == "t2" => Some(form),
            _ => None,
        })
        .expect("a drafted form");
    let body = form
        .fields
        .iter()
        .find(|f| f.id == "body")
        .unwrap()
        .initial
        .clone()
        .unwrap();
    assert!(
        body.contains("## Problem")
            && body.contains("teams camera is black")
            && body.contains("allow camera access"),
        "{body}"
    );
    let mut fields: BTreeMap<String, String> = form
        .fields
        .iter()
        .map(|f| (f.id.clone(), f.initial.clone().unwrap_or_default()))
        .collect();
    fields.insert("title".into(), "Teams camera is black".into());
    send(&sb, &ada(), "support-l1", None, submitted(form.id, fields)).await;
    let a = sb
        .desk
        .store()
        .article(acme(&sb).await, "teams-camera-is-black")
        .await
        .unwrap()
        .expect("saved");
    assert_eq!(a.source, ArticleSource::Ticket { number: 1 });
    assert!(told(&sb, &ada())
        .pop()
        .unwrap()
        .text
        .contains("teams-camera-is-black"));
}

async fn cards_show_similar_resolved_tickets_with_their_fix(store: Store) {
    let sb = sandbox(store.clone()).await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("teams camera is black in meetings", "m1"),
    )
    .await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 allow camera access in Windows privacy settings"),
    )
    .await;
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("my camera is black in teams meetings", "m2"),
    )
    .await;
    let second = ticket(&sb, 2).await;
    let card = latest(&sb, &format!("card:{}:support-l1", second.id.0));
    let similar = card
        .fields
        .iter()
        .find(|f| f.label == "Similar resolved tickets")
        .expect("listed");
    assert!(
        similar.value.contains("#1") && similar.value.contains("allow camera access"),
        "{}",
        similar.value
    );

    // Unrelated tickets list nothing; another replica learns resolved tickets from the database.
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("the coffee machine leaks", "m3"),
    )
    .await;
    let third = ticket(&sb, 3).await;
    let card = latest(&sb, &format!("card:{}:support-l1", third.id.0));
    assert!(!card
        .fields
        .iter()
        .any(|f| f.label == "Similar resolved tickets"));
    let replica = KnowledgeBase::open(store, DEFAULT_THRESHOLD).await.unwrap();
    let found = replica.similar_tickets(&second, "camera black teams", 3);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].number, TicketNumber(1));
}

async fn article_text_pings_nobody(store: Store) {
    let sb = sandbox(store.clone()).await;
    save_article(
        &store,
        "printer-jam",
        "Printer jam <!channel> @everyone",
        "Tell <@U-boss> and <!here> [click](http://evil.example) @here",
    )
    .await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        kb("show printer-jam", None),
    )
    .await;
    let shown = told(&sb, &ada()).pop().unwrap();
    assert!(shown.text.contains("<!here>"), "the text is kept as data");
    assert!(
        shown.mentions.is_empty(),
        "and pings nobody: adapters render only structured mentions"
    );
}

async fn requesters_never_see_other_tickets_and_deflect_only_once(store: Store) {
    let sb = sandbox(store).await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("teams camera is black in meetings", "m1"),
    )
    .await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 SECRET-FIX privacy settings"),
    )
    .await;
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("my camera is black in teams meetings", "m2"),
    )
    .await;
    send(&sb, &luisa(), "help", None, command("show #2")).await;
    let shown = told(&sb, &luisa()).pop().unwrap();
    let text = format!("{:?}", shown.fields);
    assert!(
        !text.contains("SECRET-FIX") && !text.contains("Similar"),
        "{text}"
    );

    send(
        &sb,
        &mario(),
        "help",
        None,
        message("forgotten password reset please", "m3"),
    )
    .await;
    let t3 = ticket(&sb, 3).await;
    // An article never suggested for the ticket does not close it.
    let forged = format!("{}:outlook-crash", t3.id.0);
    send(
        &sb,
        &mario(),
        "help",
        Some("m3"),
        click("kb.solved", &forged),
    )
    .await;
    assert_eq!(ticket(&sb, 3).await.status, Status::New);
    let real = format!("{}:password-reset", t3.id.0);
    send(&sb, &mario(), "help", Some("m3"), click("kb.solved", &real)).await;
    assert_eq!(ticket(&sb, 3).await.status, Status::Closed);
    send(&sb, &mario(), "help", None, command("reopen #3")).await;
    send(&sb, &mario(), "help", Some("m3"), click("kb.solved", &real)).await;
    assert_eq!(
        ticket(&sb, 3).await.status,
        Status::New,
        "deflected once per ticket"
    );
}
