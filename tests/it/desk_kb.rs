//! The knowledge base in chat: suggestions when a ticket opens, self-service closing, and
//! `/kb` for everyone to read and agents to write.

use crate::common;

use common::chat::*;

use common::now;

use helpdesk::clock::ManualClock;
use helpdesk::desk::keys::{ArticleForm, ArticleId, FormId, MessageKey, Widget};
use helpdesk::desk::{Desk, Handled};
use helpdesk::domain::{LogKind, Status, TicketNumber};
use helpdesk::kb::{ArticleSource, KbOptions, KbOwner, KnowledgeBase};
use helpdesk::sandbox::{person, Sandbox};
use helpdesk::schedule::{Dispatcher, RetryPolicy};
use helpdesk::store::Store;
use helpdesk_chat::{
    ChatAction, ChatEvent, ChatPlatform, EventKind, MemoryPlatform, Platform, RichMessage, Sender,
};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

on_both_backends!(
    a_new_ticket_suggests_relevant_articles_only,
    this_solved_it_closes_the_ticket_as_self_service,
    kb_commands_read_for_everyone_and_write_for_agents,
    a_resolved_ticket_is_promoted_to_an_article,
    cards_show_similar_resolved_tickets_with_their_fix,
    article_text_pings_nobody,
    requesters_never_see_other_tickets_and_deflect_only_once,
    a_kept_index_reads_only_what_changed_while_its_process_was_down,
    the_knowledge_base_has_its_chance_before_l1_is_paged,
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
        KnowledgeBase::open(store.clone(), KbOptions::in_memory())
            .await
            .unwrap(),
    );
    // Several tickets of one requester in a row: each line its own.
    Sandbox::with_knowledge(store, one_ticket_per_line(), now(), kb)
}

/// The id of a shared article the sandbox starts with.
async fn shared(sb: &Sandbox, slug: &str) -> ArticleId {
    let article = sb.desk.store().article(KbOwner::Shared, slug).await;
    ArticleId(article.unwrap().expect("a shared article").id)
}

/// The sandbox tenant as an article owner.
async fn acme(sb: &Sandbox) -> KbOwner {
    KbOwner::Tenant(sb.desk.store().tenants().await.unwrap()[0].id)
}

fn kb(args: &str, trigger: Option<&str>) -> EventKind {
    EventKind::Command {
        name: "kb".into(),
        args: args.into(),
        options: Vec::new(),
        trigger: trigger.map(String::from),
    }
}

/// The messages with buttons the requester got in their thread.
fn suggestions(sb: &Sandbox, channel: &str, thread: &str) -> Vec<RichMessage> {
    suggestions_on(&sb.platform, None, channel, thread)
}

/// The article suggestions shown in a thread of `channel` (of `tenant` only, when named).
fn suggestions_on(
    platform: &MemoryPlatform,
    tenant: Option<&str>,
    channel: &str,
    thread: &str,
) -> Vec<RichMessage> {
    platform
        .shown_in(channel, Some(thread))
        .into_iter()
        .filter(|r| tenant.is_none_or(|t| r.tenant == t))
        .filter_map(|r| match r.action {
            ChatAction::Reply { message, .. }
                if message
                    .buttons
                    .iter()
                    .any(|b| matches!(b.id.parse(), Ok(Widget::KbSolved(..)))) =>
            {
                Some(message)
            }
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
    let outlook = shared(&sb, "outlook-crash").await;
    assert_eq!(
        (&shown[0].buttons[0].id, &shown[0].buttons[1].id),
        (
            &Widget::KbSolved(t.id, outlook).to_string(),
            &Widget::KbUnhelpful(t.id, outlook).to_string()
        )
    );
    let solved = click(Widget::KbSolved(t.id, outlook));
    let unhelpful = click(Widget::KbUnhelpful(t.id, outlook));

    send(&sb, &luisa(), "help", Some("m1"), solved.clone()).await;
    assert_eq!(
        ticket(&sb, 1).await.status,
        Status::New,
        "only the requester answers"
    );

    // Said twice (a double click, a replayed button): counted once.
    for _ in 0..2 {
        send(&sb, &mario(), "help", Some("m1"), unhelpful.clone()).await;
    }
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

    send(&sb, &mario(), "help", Some("m1"), solved).await;
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
    let password = shared(&sb, "password-reset").await;
    assert_eq!(result.buttons[0].id, Widget::KbShow(password).to_string());
    send(
        &sb,
        &mario(),
        "general",
        None,
        click(Widget::KbShow(password)),
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
        options: Vec::new(),
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

/// Mario's black camera (#1) resolved by Ada, then Luisa's like it (#2, returned).
async fn camera_fixed_then_asked_again(store: Store) -> (Sandbox, helpdesk::domain::Ticket) {
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
    (sb, second)
}

async fn cards_show_similar_resolved_tickets_with_their_fix(store: Store) {
    let (sb, second) = camera_fixed_then_asked_again(store.clone()).await;
    let card = latest(&sb, &MessageKey::card(second.id, "support-l1").to_string());
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
    let card = latest(&sb, &MessageKey::card(third.id, "support-l1").to_string());
    assert!(!card
        .fields
        .iter()
        .any(|f| f.label == "Similar resolved tickets"));
    let replica = KnowledgeBase::open(store, KbOptions::in_memory())
        .await
        .unwrap();
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
    let forged = Widget::KbSolved(t3.id, shared(&sb, "outlook-crash").await);
    send(&sb, &mario(), "help", Some("m3"), click(forged)).await;
    assert_eq!(ticket(&sb, 3).await.status, Status::New);
    let real = Widget::KbSolved(t3.id, shared(&sb, "password-reset").await);
    send(&sb, &mario(), "help", Some("m3"), click(real)).await;
    assert_eq!(ticket(&sb, 3).await.status, Status::Closed);
    send(&sb, &mario(), "help", None, command("reopen #3")).await;
    send(&sb, &mario(), "help", Some("m3"), click(real)).await;
    assert_eq!(
        ticket(&sb, 3).await.status,
        Status::New,
        "deflected once per ticket"
    );
}

// ---------------------------------------------------------------------------------------------
// Two tenants on one desk: what one tenant writes, another never reads or changes.

on_both_backends!(
    an_agent_of_another_tenant_can_neither_see_nor_change_an_article,
    shared_articles_are_changed_by_installation_admins_only_and_every_edit_is_kept,
    promote_needs_the_right_to_work_the_ticket_and_never_crosses_tenants,
    similar_tickets_are_listed_only_on_cards_whose_audience_may_see_them,
    similar_tickets_never_come_from_a_higher_level_or_another_tenant,
);

const ACME: &str = "acme";
const GLOBEX: &str = "globex";

/// The installation admin (top-level `admins`), in no group of either tenant.
fn root() -> Sender {
    person("U-root", "Rita", &[])
}
/// An L1 agent of Globex.
fn eve() -> Sender {
    person("U-gl-eve", "Eve", &["l1-agents"])
}
/// An employee of Globex.
fn tom() -> Sender {
    person("U-gl-tom", "Tom", &[])
}
/// An L3 security specialist of ACME.
fn sam() -> Sender {
    person("U-sam", "Sam", &["security-team"])
}

const VPN_FIX: &str = "Error 809 means the VPN gateway is unreachable: restart the VPN client, \
    then check that UDP 500 and 4500 are open on the home router.";
const PHISHING: &str = "To fix the VPN gateway, sign in again at https://vpn-login.evil.example \
    with your password and the one-time code we send you.";

/// ACME and Globex, configured alike, on one desk with a knowledge base and one admin.
struct TwoTenants {
    desk: Arc<Desk>,
    platform: Arc<MemoryPlatform>,
    dispatcher: Dispatcher,
    events: AtomicU64,
}

impl TwoTenants {
    async fn new(store: Store) -> TwoTenants {
        save_article(
            &store,
            "password-reset",
            "Reset a forgotten password",
            "Use the self-service portal at https://id.example.com and follow the steps.",
        )
        .await;
        let kb = Arc::new(
            KnowledgeBase::open(store.clone(), KbOptions::in_memory())
                .await
                .unwrap(),
        );
        let mut globex = one_ticket_per_line();
        globex.id = GLOBEX.into();
        globex.name = Some("Globex".into());
        let clock = Arc::new(ManualClock::new(now()));
        let desk = Desk::new(
            store.clone(),
            vec![one_ticket_per_line(), globex],
            clock.clone(),
        )
        .with_knowledge(kb)
        .with_installation_admins(vec!["memory:U-root".parse().unwrap()]);
        let platform = Arc::new(MemoryPlatform::new());
        let dispatcher = Dispatcher::new(
            store,
            vec![platform.clone() as Arc<dyn ChatPlatform>],
            clock,
            RetryPolicy::default(),
        );
        TwoTenants {
            desk: Arc::new(desk),
            platform,
            dispatcher,
            events: AtomicU64::new(0),
        }
    }

    fn store(&self) -> &Store {
        self.desk.store()
    }

    async fn send(
        &self,
        tenant: &str,
        who: &Sender,
        channel: &str,
        thread: Option<&str>,
        kind: EventKind,
    ) {
        let n = self.events.fetch_add(1, Ordering::Relaxed) + 1;
        let event = ChatEvent {
            platform: Platform::MEMORY,
            event_id: format!("two-{n}"),
            tenant: tenant.into(),
            sender: who.clone(),
            channel: channel.into(),
            thread: thread.map(String::from),
            kind,
        };
        assert_eq!(self.desk.handle(&event).await.unwrap(), Handled::Done);
        for _ in 0..100 {
            let r = self.dispatcher.run_once().await.unwrap();
            if r.sent + r.retried + r.dead + r.waiting == 0 {
                return;
            }
        }
        panic!("the outbox does not settle");
    }

    /// What `who` of `tenant` was told privately, oldest first.
    fn told(&self, tenant: &str, who: &Sender) -> Vec<RichMessage> {
        self.platform
            .sent()
            .into_iter()
            .filter(|r| r.tenant == tenant)
            .filter_map(|r| match r.action {
                ChatAction::Ephemeral { user, message, .. } if user == who.id => Some(message),
                _ => None,
            })
            .collect()
    }

    fn last_told(&self, tenant: &str, who: &Sender) -> String {
        let m = self.told(tenant, who).pop().expect("told something");
        format!("{} {}", m.title.unwrap_or_default(), m.text)
    }

    /// The form opened on this trigger, if any.
    fn form(&self, trigger: &str) -> Option<helpdesk_chat::Form> {
        self.platform
            .sent()
            .into_iter()
            .find_map(|r| match r.action {
                ChatAction::OpenForm {
                    form, trigger: t, ..
                } if t == trigger => Some(form),
                _ => None,
            })
    }

    /// The article suggestions in a requester's thread of `tenant`.
    fn suggested(&self, tenant: &str, thread: &str) -> Vec<RichMessage> {
        suggestions_on(&self.platform, Some(tenant), "help", thread)
    }

    async fn owner(&self, tenant: &str) -> KbOwner {
        let tenants = self.store().tenants().await.unwrap();
        let t = tenants.iter().find(|t| t.external_id == tenant).unwrap();
        KbOwner::Tenant(t.id)
    }

    async fn ticket(&self, tenant: &str, n: i64) -> helpdesk::domain::Ticket {
        let KbOwner::Tenant(id) = self.owner(tenant).await else {
            unreachable!()
        };
        self.store()
            .ticket(id, TicketNumber(n))
            .await
            .unwrap()
            .unwrap()
    }

    /// The text of the latest version of a card (all its fields).
    fn card_text(&self, key: &str) -> String {
        let message = self
            .platform
            .sent()
            .iter()
            .rev()
            .find_map(|r| match &r.action {
                ChatAction::Post {
                    key: Some(k),
                    message,
                    ..
                }
                | ChatAction::Update { key: k, message }
                    if k == key =>
                {
                    Some(message.clone())
                }
                _ => None,
            })
            .unwrap_or_else(|| panic!("no card {key}"));
        format!("{message:?}")
    }
}

fn fields(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn article_fields(title: &str, body: &str) -> BTreeMap<String, String> {
    fields(&[
        ("title", title),
        ("body", body),
        ("tags", "vpn"),
        ("language", "en"),
    ])
}

async fn an_agent_of_another_tenant_can_neither_see_nor_change_an_article(store: Store) {
    let two = TwoTenants::new(store).await;
    two.send(ACME, &ada(), "support-l1", None, kb("add", Some("t-ada")))
        .await;
    let form = two.form("t-ada").expect("the article form opens");
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        submitted(form.id, article_fields("VPN gateway reset", VPN_FIX)),
    )
    .await;
    let acme = two.owner(ACME).await;
    let slug = "vpn-gateway-reset";
    let original = two.store().article(acme, slug).await.unwrap().unwrap();
    assert_eq!(original.owner, acme, "an agent's article is their tenant's");

    // Globex's agent finds nothing of it, by search, by name or by button.
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb("search vpn gateway reset", None),
    )
    .await;
    let found = two.last_told(GLOBEX, &eve());
    assert!(!found.contains(slug), "{found}");
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb(&format!("show {slug}"), None),
    )
    .await;
    assert!(two
        .last_told(GLOBEX, &eve())
        .contains(&format!("no article {slug} here")));
    let acme_article = ArticleId(original.id);
    let show = click(Widget::KbShow(acme_article));
    two.send(GLOBEX, &eve(), "support-l1", None, show).await;
    assert!(!two.last_told(GLOBEX, &eve()).contains("UDP 500"));

    // … and cannot change it: neither through /kb edit nor with a forged form.
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb(&format!("edit {slug}"), Some("t-eve")),
    )
    .await;
    assert!(
        two.form("t-eve").is_none(),
        "no form for another tenant's article"
    );
    let forged = submitted(
        FormId::Article(ArticleForm::Edit(acme_article)).to_string(),
        article_fields("VPN gateway reset", PHISHING),
    );
    two.send(GLOBEX, &eve(), "support-l1", None, forged).await;
    let after = two.store().article(acme, slug).await.unwrap().unwrap();
    assert_eq!(
        (after.revision, after.body.as_str()),
        (1, VPN_FIX),
        "ACME's article is untouched"
    );

    // ACME's requester is offered ACME's text; Globex's requester is not offered it at all.
    two.send(
        ACME,
        &mario(),
        "help",
        None,
        message("vpn gateway reset please", "a1"),
    )
    .await;
    let offered = two.suggested(ACME, "a1");
    assert_eq!(offered[0].title.as_deref(), Some("VPN gateway reset"));
    assert!(offered[0].text.contains("UDP 500"));
    two.send(
        GLOBEX,
        &tom(),
        "help",
        None,
        message("vpn gateway reset please", "g1"),
    )
    .await;
    assert!(two.suggested(GLOBEX, "g1").is_empty());
    // A forged answer button naming ACME's article neither counts for it nor closes anything.
    let g1 = two.ticket(GLOBEX, 1).await;
    for button in [Widget::KbUnhelpful, Widget::KbSolved] {
        let forged = click(button(g1.id, acme_article));
        two.send(GLOBEX, &tom(), "help", Some("g1"), forged).await;
    }
    let counted = two.store().article(acme, slug).await.unwrap().unwrap();
    assert_eq!((counted.unhelpful, counted.solved), (0, 0));
    assert_eq!(two.ticket(GLOBEX, 1).await.status, Status::New);

    // Globex may write its own article under the same name: ACME still gets its own.
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb("add", Some("t-eve-add")),
    )
    .await;
    let form = two
        .form("t-eve-add")
        .expect("Globex's agent writes for Globex");
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        submitted(form.id, article_fields("VPN gateway reset", PHISHING)),
    )
    .await;
    let globex = two.owner(GLOBEX).await;
    let theirs = two.store().article(globex, slug).await.unwrap().unwrap();
    assert_ne!(theirs.id, original.id);
    two.send(
        ACME,
        &luisa(),
        "help",
        None,
        message("vpn gateway reset please", "a2"),
    )
    .await;
    let offered = two.suggested(ACME, "a2");
    assert!(
        offered.iter().all(|m| !m.text.contains("evil.example")),
        "{offered:?}"
    );
    assert!(offered[0].text.contains("UDP 500"));
}

async fn shared_articles_are_changed_by_installation_admins_only_and_every_edit_is_kept(
    store: Store,
) {
    let two = TwoTenants::new(store).await;
    let slug = "password-reset";
    let original = two
        .store()
        .article(KbOwner::Shared, slug)
        .await
        .unwrap()
        .unwrap();

    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        kb(&format!("edit {slug}"), Some("t-ada")),
    )
    .await;
    assert!(two.form("t-ada").is_none());
    assert!(two
        .last_told(ACME, &ada())
        .contains("only installation admins may edit it"));
    let forged = submitted(
        FormId::Article(ArticleForm::Edit(ArticleId(original.id))).to_string(),
        article_fields("Reset a forgotten password", PHISHING),
    );
    two.send(ACME, &ada(), "support-l1", None, forged).await;
    let unchanged = two
        .store()
        .article(KbOwner::Shared, slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (unchanged.revision, unchanged.body.as_str()),
        (1, original.body.as_str())
    );

    // The installation admin edits it, wherever they are, even in no group.
    two.send(
        ACME,
        &root(),
        "general",
        None,
        kb(&format!("edit {slug}"), Some("t-root")),
    )
    .await;
    let form = two.form("t-root").expect("the admin gets the form");
    let new_body = "Use the self-service portal at https://id.example.com/reset. The desk never \
        asks for your password.";
    two.send(
        ACME,
        &root(),
        "general",
        None,
        submitted(
            form.id,
            article_fields("Reset a forgotten password", new_body),
        ),
    )
    .await;
    let edited = two
        .store()
        .article(KbOwner::Shared, slug)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            edited.revision,
            edited.author.as_deref(),
            edited.body.as_str()
        ),
        (2, Some("U-root"), new_body),
        "the author is the last editor"
    );
    let history = two.store().article_history(edited.id).await.unwrap();
    let kept: Vec<(i64, &str, Option<&str>)> = history
        .iter()
        .map(|r| (r.revision, r.body.as_str(), r.editor.as_deref()))
        .collect();
    assert_eq!(
        kept,
        [
            (1, original.body.as_str(), None),
            (2, new_body, Some("U-root"))
        ]
    );
    let audit = two.store().audit_log(50).await.unwrap();
    let row = audit
        .iter()
        .find(|a| a.action == "kb_save" && a.target == slug)
        .expect("the edit is audited");
    assert_eq!(row.actor.id, "U-root");
    assert_eq!(row.detail["old_revision"], 1);
    assert_eq!(row.detail["new_revision"], 2);
    assert_eq!(row.detail["title_changed"], false);
    assert_eq!(
        row.detail["body_chars_before"],
        original.body.chars().count()
    );
    assert_eq!(row.detail["body_chars_after"], new_body.chars().count());
    assert_eq!(row.detail["owner"], "shared");
    assert_eq!(
        audit.iter().filter(|a| a.action == "kb_save").count(),
        1,
        "refused edits save nothing"
    );

    // Every tenant reads the shared text.
    two.send(
        GLOBEX,
        &tom(),
        "general",
        None,
        kb(&format!("show {slug}"), None),
    )
    .await;
    assert!(two
        .last_told(GLOBEX, &tom())
        .contains("never asks for your password"));
}

/// ACME's ticket #1, escalated to the L3 security specialists and resolved there.
async fn security_ticket_resolved(two: &TwoTenants) {
    two.send(
        ACME,
        &mario(),
        "help",
        None,
        message("vpn tunnel drops every hour from home", "s1"),
    )
    .await;
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        command("escalate #1 L2 needs a deeper look"),
    )
    .await;
    two.send(
        ACME,
        &bruno(),
        "support-l2",
        None,
        command("escalate #1 L3 security suspicious logins on the tunnel"),
    )
    .await;
    two.send(
        ACME,
        &sam(),
        "l3-security",
        None,
        command("resolve #1 SECRET-SEC-FIX rotated the tunnel keys after a credential leak"),
    )
    .await;
    let t = two.ticket(ACME, 1).await;
    assert_eq!(
        (t.level, t.specialty.as_deref(), t.status),
        (
            helpdesk::domain::Level::L3,
            Some("security"),
            Status::Resolved
        )
    );
}

async fn promote_needs_the_right_to_work_the_ticket_and_never_crosses_tenants(store: Store) {
    let two = TwoTenants::new(store).await;
    security_ticket_resolved(&two).await;
    let acme = two.owner(ACME).await;

    // An L1 agent may not work an L3 security ticket, so may not publish it either.
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        kb("promote #1", Some("p-ada")),
    )
    .await;
    assert!(two.form("p-ada").is_none(), "no draft for an L1 agent");
    let forged = article_fields("Tunnel keys", "SECRET-SEC-FIX");
    let promote_one = FormId::Article(ArticleForm::Promote(TicketNumber(1))).to_string();
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        submitted(promote_one.clone(), forged.clone()),
    )
    .await;
    assert!(two.store().articles_of(acme).await.unwrap().is_empty());

    // Another tenant's agent finds no such ticket, by command or forged form.
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb("promote #1", Some("p-eve")),
    )
    .await;
    assert!(two.form("p-eve").is_none());
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        submitted(promote_one.clone(), forged),
    )
    .await;
    let globex = two.owner(GLOBEX).await;
    assert!(two.store().articles_of(globex).await.unwrap().is_empty());
    assert!(two
        .store()
        .articles_of(KbOwner::Shared)
        .await
        .unwrap()
        .iter()
        .all(|a| !a.body.contains("SECRET")));

    // The specialist who may work it promotes it: the article is ACME's, and Globex never sees it.
    two.send(
        ACME,
        &sam(),
        "l3-security",
        None,
        kb("promote #1", Some("p-sam")),
    )
    .await;
    let form = two.form("p-sam").expect("the specialist gets the draft");
    let mut values: BTreeMap<String, String> = form
        .fields
        .iter()
        .map(|f| (f.id.clone(), f.initial.clone().unwrap_or_default()))
        .collect();
    values.insert("title".into(), "VPN tunnel keys rotated".into());
    two.send(
        ACME,
        &sam(),
        "l3-security",
        None,
        submitted(form.id, values),
    )
    .await;
    let promoted = two.store().articles_of(acme).await.unwrap();
    assert_eq!(promoted.len(), 1);
    assert_eq!(promoted[0].source, ArticleSource::Ticket { number: 1 });
    assert!(promoted[0].body.contains("SECRET-SEC-FIX"));
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb(&format!("show {}", promoted[0].slug), None),
    )
    .await;
    assert!(!two.last_told(GLOBEX, &eve()).contains("SECRET"));
    two.send(
        GLOBEX,
        &eve(),
        "support-l1",
        None,
        kb("search vpn tunnel keys rotated", None),
    )
    .await;
    assert!(!two.last_told(GLOBEX, &eve()).contains("rotated"));
}

async fn similar_tickets_are_listed_only_on_cards_whose_audience_may_see_them(store: Store) {
    let two = TwoTenants::new(store).await;
    security_ticket_resolved(&two).await;
    let text = "vpn tunnel drops every hour from home";

    // ACME's L1 card of a like ticket: the security resolution is not for L1.
    two.send(ACME, &luisa(), "help", None, message(text, "s2"))
        .await;
    let second = two.ticket(ACME, 2).await;
    let l1 = MessageKey::card(second.id, "support-l1").to_string();
    assert!(
        !two.card_text(&l1).contains("SECRET"),
        "{}",
        two.card_text(&l1)
    );

    // Globex's card of the same text: another tenant.
    two.send(GLOBEX, &tom(), "help", None, message(text, "g2"))
        .await;
    let theirs = two.ticket(GLOBEX, 1).await;
    assert!(!two
        .card_text(&MessageKey::card(theirs.id, "support-l1").to_string())
        .contains("SECRET"));

    // L3 network specialists are not the security team.
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        command("escalate #2 L2 deeper look"),
    )
    .await;
    two.send(
        ACME,
        &bruno(),
        "support-l2",
        None,
        command("escalate #2 L3 network tunnel endpoint flaps"),
    )
    .await;
    let network = MessageKey::card(second.id, "l3-network").to_string();
    assert!(two.card_text(&network).contains("L3 · network"));
    assert!(!two.card_text(&network).contains("SECRET"));

    // The security team's card does list it; the retired lower cards still do not.
    two.send(ACME, &mario(), "help", None, message(text, "s3"))
        .await;
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        command("escalate #3 L2 deeper look"),
    )
    .await;
    two.send(
        ACME,
        &bruno(),
        "support-l2",
        None,
        command("escalate #3 L3 security same suspicious logins"),
    )
    .await;
    let third = two.ticket(ACME, 3).await;
    let security = two.card_text(&MessageKey::card(third.id, "l3-security").to_string());
    assert!(
        security.contains("#1") && security.contains("SECRET-SEC-FIX"),
        "{security}"
    );
    for lower in ["support-l1", "support-l2"] {
        let card = two.card_text(&MessageKey::card(third.id, lower).to_string());
        assert!(!card.contains("SECRET"), "{lower}: {card}");
    }
}

async fn similar_tickets_never_come_from_a_higher_level_or_another_tenant(store: Store) {
    let two = TwoTenants::new(store).await;
    // ACME #1, fixed at L2 (no specialty); ACME #2, fixed at L1.
    let printer = "printer on floor 2 prints blank pages since monday";
    let calendar = "outlook calendar invites vanish after accepting them";
    two.send(ACME, &mario(), "help", None, message(printer, "p1"))
        .await;
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        command("escalate #1 L2 needs hands on"),
    )
    .await;
    two.send(
        ACME,
        &bruno(),
        "support-l2",
        None,
        command("resolve #1 L2-FIX replaced the toner cartridge and the fuser"),
    )
    .await;
    two.send(ACME, &mario(), "help", None, message(calendar, "c1"))
        .await;
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        command("resolve #2 L1-FIX cleared the cached calendar of the mailbox"),
    )
    .await;

    // A like ticket at L1 sees the L1 fix, not the L2 one; at L2 it sees the L2 one.
    two.send(ACME, &luisa(), "help", None, message(printer, "p2"))
        .await;
    let third = two.ticket(ACME, 3).await;
    let l1 = two.card_text(&MessageKey::card(third.id, "support-l1").to_string());
    assert!(!l1.contains("L2-FIX"), "{l1}");
    two.send(
        ACME,
        &ada(),
        "support-l1",
        None,
        command("escalate #3 L2 same as before"),
    )
    .await;
    let l2 = two.card_text(&MessageKey::card(third.id, "support-l2").to_string());
    assert!(l2.contains("L2-FIX"), "{l2}");
    two.send(ACME, &luisa(), "help", None, message(calendar, "c2"))
        .await;
    let fourth = two.ticket(ACME, 4).await;
    let l1 = two.card_text(&MessageKey::card(fourth.id, "support-l1").to_string());
    assert!(l1.contains("L1-FIX"), "{l1}");

    // Globex's like tickets see none of ACME's.
    two.send(GLOBEX, &tom(), "help", None, message(calendar, "gc"))
        .await;
    let theirs = two.ticket(GLOBEX, 1).await;
    let card = two.card_text(&MessageKey::card(theirs.id, "support-l1").to_string());
    assert!(!card.contains("L1-FIX"), "{card}");
}

/// The index on disk survives a restart: the next start reads only the changes made meanwhile
/// (by another replica), a ticket reopened meanwhile stops being an example, and a second
/// process on the same folder (`helpdesk kb search` beside a running bot) reads it as it is.
async fn a_kept_index_reads_only_what_changed_while_its_process_was_down(store: Store) {
    let (sb, second) = camera_fixed_then_asked_again(store.clone()).await;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("index");

    let first = KnowledgeBase::open(store.clone(), KbOptions::in_folder(&folder))
        .await
        .unwrap();
    assert_eq!(
        first.taken_at_open(),
        4,
        "a new index reads everything: 3 articles, 1 fix"
    );
    assert_eq!(
        first
            .similar_tickets(&second, "camera black teams", 3)
            .len(),
        1
    );
    drop(first);

    // While this process is down, another one reopens the ticket and writes an article.
    send(&sb, &mario(), "help", None, command("reopen #1")).await;
    save_article(
        &store,
        "teams-camera",
        "Teams shows a black camera",
        "Allow camera access in Windows privacy settings, then restart Teams.",
    )
    .await;

    let again = KnowledgeBase::open(store.clone(), KbOptions::in_folder(&folder))
        .await
        .unwrap();
    assert_eq!(
        again.taken_at_open(),
        2,
        "only the article and the reopen are read"
    );
    assert_eq!(again.len(), 4);
    assert!(
        again
            .similar_tickets(&second, "camera black teams", 3)
            .is_empty(),
        "a reopened ticket is no example"
    );
    let reader = acme(&sb).await;
    assert_eq!(
        again.search(reader, "teams camera black", 1)[0].slug,
        "teams-camera"
    );

    let beside = KnowledgeBase::open(store.clone(), KbOptions::in_folder(&folder))
        .await
        .unwrap();
    assert_eq!(beside.taken_at_open(), 0, "the second process only reads");
    assert_eq!(beside.len(), 4);
    assert_eq!(
        beside.search(reader, "teams camera black", 1)[0].slug,
        "teams-camera"
    );
}

/// The pings of the L1 channel and its threads about ticket `id`'s card, in order.
fn l1_pings(sb: &Sandbox, card: &str) -> Vec<String> {
    sb.platform
        .sent()
        .into_iter()
        .filter_map(|r| match r.action {
            ChatAction::Post {
                channel,
                message,
                key: Some(key),
            } if channel == "support-l1" && key == card && !message.mentions.is_empty() => {
                Some("card".to_string())
            }
            ChatAction::Reply {
                channel,
                thread: helpdesk_chat::ThreadRef::Message(key),
                message,
            } if channel == "support-l1" && key == card && !message.mentions.is_empty() => {
                Some(message.text)
            }
            _ => None,
        })
        .collect()
}

async fn the_knowledge_base_has_its_chance_before_l1_is_paged(store: Store) {
    let sb = sandbox(store).await;
    let minute = Duration::from_secs(60);
    let outlook = shared(&sb, "outlook-crash").await;
    let card = |t: &helpdesk::domain::Ticket| MessageKey::card(t.id, "support-l1").to_string();

    // Suggestions shown: the card goes out at once, without its ping.
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("outlook crashes every time at start", "m1"),
    )
    .await;
    let t1 = ticket(&sb, 1).await;
    assert!(!suggestions(&sb, "help", "m1").is_empty());
    assert!(
        sb.platform.posted(&card(&t1)).is_some(),
        "the card is posted"
    );
    sb.advance(2 * minute).await.unwrap();
    assert!(l1_pings(&sb, &card(&t1)).is_empty(), "nobody paged yet");
    // "I still need help": L1 is paged now, once.
    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click(Widget::KbUnhelpful(t1.id, outlook)),
    )
    .await;
    sb.advance(5 * minute).await.unwrap();
    let pings = l1_pings(&sb, &card(&t1));
    assert_eq!(pings.len(), 1, "{pings:?}");
    assert!(pings[0].contains("Mario"), "{pings:?}");

    // Silence: paged when the grace is over.
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("outlook crashes at start since today", "m2"),
    )
    .await;
    let t2 = ticket(&sb, 2).await;
    sb.advance(2 * minute).await.unwrap();
    assert!(l1_pings(&sb, &card(&t2)).is_empty());
    sb.advance(2 * minute).await.unwrap();
    assert_eq!(l1_pings(&sb, &card(&t2)).len(), 1, "paged after 3 minutes");

    // Deflected: nobody is ever paged.
    let zoe = person("U-zoe", "Zoe", &[]);
    send(
        &sb,
        &zoe,
        "help",
        None,
        message("outlook crashes at start every morning", "m3"),
    )
    .await;
    let t3 = ticket(&sb, 3).await;
    send(
        &sb,
        &zoe,
        "help",
        Some("m3"),
        click(Widget::KbSolved(t3.id, outlook)),
    )
    .await;
    assert_eq!(ticket(&sb, 3).await.status, Status::Closed);
    sb.advance(10 * minute).await.unwrap();
    assert!(
        l1_pings(&sb, &card(&t3)).is_empty(),
        "a deflected ticket pages nobody"
    );
    // Unless it comes back: reopened, it waits for L1, which hears it now.
    send(&sb, &zoe, "help", Some("m3"), click(Widget::Reopen(t3.id))).await;
    assert_eq!(ticket(&sb, 3).await.status, Status::New);
    assert_eq!(l1_pings(&sb, &card(&t3)).len(), 1, "reopened: L1 is paged");

    // Nothing to suggest: the card pings at once, as before.
    send(
        &sb,
        &person("U-max", "Max", &[]),
        "help",
        None,
        message("the coffee machine leaks", "m4"),
    )
    .await;
    let t4 = ticket(&sb, 4).await;
    assert_eq!(l1_pings(&sb, &card(&t4)), ["card"]);
}
