//! The permission matrix: every command, button, form and relay path × every role × the
//! ticket's own tenant and another tenant, on a ticket at L2 and on one at the L3 network
//! specialty. The expected answer of every cell is written in [`TABLE`]; a cell that differs
//! fails the test with its name. Every privileged act that went through is in the audit log,
//! and nothing done in the other tenant touches or shows the ticket.

use crate::common;

use common::chat::{ada, boss, bruno, click, command, luisa, mario, message, nina, submitted};
use common::TestDb;
use helpdesk::config::TenantConfig;
use helpdesk::desk::keys::{ArticleForm, ArticleId, FormId, MessageKey, TicketForm, Widget};
use helpdesk::domain::{Level, Ticket, TicketId, TicketNumber};
use helpdesk::i18n::{self, Arg, Language, Msg};
use helpdesk::kb::{KbOptions, KnowledgeBase};
use helpdesk::sandbox::{example_tenant, person, Sandbox, TENANT};
use helpdesk::store::AuditFilter;
use helpdesk_chat::{ChatAction, EventKind, Sender};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The other tenant: the same layout, the same people ids, its own ticket #1.
const OTHER: &str = "globex";

/// Who is asking, by role (the columns of [`TABLE`]).
#[derive(Debug, Clone, Copy, PartialEq)]
enum Role {
    /// The ticket's requester.
    Req,
    /// Another employee, with no role.
    Out,
    /// An L1 agent.
    L1,
    /// An L2 agent.
    L2,
    /// An L3 agent (no specialty).
    L3,
    /// A network specialist (L3 specialty), nothing else.
    Net,
    /// A manager.
    Mgr,
    /// An administrator.
    Adm,
}

const ROLES: [Role; 8] = [
    Role::Req,
    Role::Out,
    Role::L1,
    Role::L2,
    Role::L3,
    Role::Net,
    Role::Mgr,
    Role::Adm,
];

fn who(role: Role) -> Sender {
    match role {
        Role::Req => mario(),
        Role::Out => luisa(),
        Role::L1 => ada(),
        Role::L2 => bruno(),
        Role::L3 => person("U-lea", "Lea", &["l3-agents"]),
        Role::Net => nina(),
        Role::Mgr => boss(),
        Role::Adm => person("U-root", "Root", &["admins"]),
    }
}

/// Where the ticket is when the act is tried.
#[derive(Debug, Clone, Copy, PartialEq)]
enum At {
    /// At L2, nobody holding it.
    L2,
    /// At L3 in the network specialty, nobody holding it.
    Net,
}

/// How a cell's outcome is read.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Probe {
    /// Allowed unless the person was told a refusal; acts that changed the ticket are audited.
    Refusal,
    /// Allowed when it is a read of someone else's ticket that must be audited.
    AuditedRead,
    /// Allowed when the text reached the requester's thread.
    Relay,
}

/// Every path, with who may take it: one letter per role in [`ROLES`] order
/// (Req Out L1 L2 L3 Net Mgr Adm), `Y` allowed, `.` refused; for the ticket at L2, then at L3
/// network. Seeing follows working; a specialty gives rights in that specialty only; L3 agents
/// and specialists never write to requesters themselves (`l3_messages = "internal"`); only
/// the current card's thread relays; managers and admins act everywhere in their tenant.
#[rustfmt::skip]
const TABLE: &[(&str, Probe, &str, &str)] = &[
    // path                          probe                at L2       at L3 network
    ("show",                         Probe::AuditedRead, "Y..YY.YY", "Y....YYY"),
    ("claim",                        Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("unclaim",                      Probe::Refusal,     "......YY", "......YY"),
    ("assign",                       Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("escalate",                     Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("deescalate",                   Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("priority",                     Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("pending",                      Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("hold",                         Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("resolve",                      Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("note",                         Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("close",                        Probe::Refusal,     "Y..YY.YY", "Y....YYY"),
    ("reopen",                       Probe::Refusal,     "Y..YY.YY", "Y....YYY"),
    ("list queue",                   Probe::Refusal,     "..YYYYYY", "..YYYYYY"),
    ("list level",                   Probe::Refusal,     "..YYYYYY", "..YYYYYY"),
    ("list all",                     Probe::Refusal,     "......YY", "......YY"),
    ("helpdesk stats",               Probe::Refusal,     "......YY", "......YY"),
    ("helpdesk audit",               Probe::Refusal,     "......YY", "......YY"),
    ("button claim",                 Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("button escalate",              Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("button resolve",               Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("button priority",              Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("button note",                  Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("button confirm",               Probe::Refusal,     "Y.......", "Y......."),
    ("button reopen",                Probe::Refusal,     "Y..YY.YY", "Y....YYY"),
    ("form escalate",                Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("form resolve",                 Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("form priority",                Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("form note",                    Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("resume",                       Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("new",                          Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("list mine",                    Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("home",                         Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("reaction",                     Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("create ticket from message",   Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("mention outside intake",       Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("form new",                     Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("kb search",                    Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("kb show",                      Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("kb add",                       Probe::Refusal,     "..YYYYYY", "..YYYYYY"),
    ("kb promote",                   Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("button rate",                  Probe::Refusal,     "Y.......", "Y......."),
    ("button kb solved",             Probe::Refusal,     "Y.......", "Y......."),
    ("button kb show",               Probe::Refusal,     "YYYYYYYY", "YYYYYYYY"),
    ("form comment",                 Probe::Refusal,     "Y.......", "Y......."),
    ("form kb save",                 Probe::Refusal,     "..YYYYYY", "..YYYYYY"),
    ("form kb promote",              Probe::Refusal,     "...YY.YY", ".....YYY"),
    ("relay from the current card",  Probe::Relay,       "...Y..YY", "......YY"),
    ("relay from a retired card",    Probe::Relay,       "........", "........"),
];

/// What the requester's ticket says: no cell in the other tenant may show it.
const SECRET: &str = "my VPN is down";

/// The event of a path, for ticket `id` where it is now.
fn path(
    name: &str,
    at: At,
    id: i64,
    card: &str,
    retired: &str,
) -> (String, Option<String>, EventKind) {
    let here = match at {
        At::L2 => "support-l2",
        At::Net => "l3-network",
    };
    let worker = match at {
        At::L2 => "U-bruno",
        At::Net => "U-nina",
    };
    let form = |id: FormId, fields: &[(&str, &str)]| {
        let fields: BTreeMap<String, String> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        submitted(id.to_string(), fields)
    };
    let c = |text: &str| (here.to_string(), None, command(text));
    let b = |widget: Widget| (here.to_string(), None, click(widget));
    let ticket = TicketId(id);
    // No article exists in these cells: the article buttons are stale for everyone.
    let article = ArticleId(1);
    match name {
        "show" => c("show #1"),
        "claim" => c("claim #1"),
        "unclaim" => c("unclaim #1"),
        "assign" => c(&format!("assign #1 <@{worker}>")),
        "escalate" => c("escalate #1 L3 security needs the security team"),
        "deescalate" => c("deescalate #1 the level below can do it"),
        "priority" => c("priority #1 high high"),
        "pending" => c("pending #1"),
        "hold" => c("hold #1 waiting for the vendor"),
        "resolve" => c("resolve #1 restarted the gateway"),
        "note" => c("note #1 checked the logs"),
        "close" => c("close #1"),
        "reopen" => c("reopen #1"),
        "list queue" => c("list queue"),
        "list level" => c("list level"),
        "list all" => c("list all"),
        "helpdesk stats" | "helpdesk audit" => (
            here.to_string(),
            None,
            EventKind::Command {
                name: "helpdesk".into(),
                args: name.trim_start_matches("helpdesk ").into(),
                options: Vec::new(),
                trigger: None,
            },
        ),
        "button claim" => b(Widget::Claim(ticket)),
        "button escalate" => b(Widget::Open(TicketForm::Escalate, ticket)),
        "button resolve" => b(Widget::Open(TicketForm::Resolve, ticket)),
        "button priority" => b(Widget::Open(TicketForm::Priority, ticket)),
        "button note" => b(Widget::Open(TicketForm::Note, ticket)),
        "button confirm" => b(Widget::Confirm(ticket, true)),
        "button reopen" => b(Widget::Reopen(ticket)),
        "form escalate" => (
            here.to_string(),
            None,
            form(
                FormId::Ticket(TicketForm::Escalate, ticket),
                &[
                    ("level", "L3"),
                    ("specialty", "security"),
                    ("reason", "phishing"),
                ],
            ),
        ),
        "form resolve" => (
            here.to_string(),
            None,
            form(
                FormId::Ticket(TicketForm::Resolve, ticket),
                &[("resolution", "reset the token")],
            ),
        ),
        "form priority" => (
            here.to_string(),
            None,
            form(
                FormId::Ticket(TicketForm::Priority, ticket),
                &[("urgency", "high"), ("impact", "high")],
            ),
        ),
        "form note" => (
            here.to_string(),
            None,
            form(
                FormId::Ticket(TicketForm::Note, ticket),
                &[("note", "looked at the firewall")],
            ),
        ),
        "resume" => c("resume #1"),
        "new" => c("new my monitor flickers"),
        "list mine" => c("list mine"),
        "home" => (here.to_string(), None, EventKind::HomeOpened),
        "reaction" => (
            "help".to_string(),
            None,
            EventKind::Reaction {
                emoji: "ticket".into(),
                on_message: "x-1".into(),
                message_author: Some("U-luisa".into()),
                message_text: Some("the projector shows no signal".into()),
            },
        ),
        "create ticket from message" => (
            "help".to_string(),
            None,
            EventKind::TicketFromMessage {
                on_message: "x-2".into(),
                message_author: Some("U-luisa".into()),
                message_text: Some("the scanner is offline".into()),
            },
        ),
        // Anyone may ask how to reach the desk: a private help, nothing touched.
        "mention outside intake" => (
            "general".to_string(),
            None,
            EventKind::Message {
                text: "who can help with my VPN?".into(),
                message_id: "x-3".into(),
                direct: false,
                mentions_bot: true,
                attachments: Vec::new(),
            },
        ),
        "form new" => (
            "general".to_string(),
            None,
            submitted(
                FormId::NewTicket.to_string(),
                [("title", "Monitor"), ("description", "it flickers")]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            ),
        ),
        "kb search" | "kb show" | "kb add" | "kb promote" => (
            here.to_string(),
            None,
            EventKind::Command {
                name: "kb".into(),
                args: match name {
                    "kb search" => "search vpn".into(),
                    "kb show" => "show vpn-reset".into(),
                    "kb add" => "add".into(),
                    _ => "promote #1".into(),
                },
                options: Vec::new(),
                trigger: None,
            },
        ),
        "button rate" => b(Widget::Rate(ticket, 1)),
        "button kb solved" => b(Widget::KbSolved(ticket, article)),
        "button kb show" => b(Widget::KbShow(article)),
        "form comment" => (
            here.to_string(),
            None,
            form(FormId::Comment(ticket), &[("comment", "slow answers")]),
        ),
        "form kb save" | "form kb promote" => {
            let fields: BTreeMap<String, String> = [
                ("title", "Resetting the VPN token"),
                (
                    "body",
                    "Open the VPN client, choose Reset token, and sign in again.",
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
            let form = if name == "form kb save" {
                ArticleForm::New
            } else {
                ArticleForm::Promote(TicketNumber(1))
            };
            let form = FormId::Article(form).to_string();
            (here.to_string(), None, submitted(form, fields))
        }
        "relay from the current card" => (
            here.to_string(),
            Some(card.to_string()),
            message("relayed-now: please restart your laptop", "r-1"),
        ),
        "relay from a retired card" => (
            "support-l1".to_string(),
            Some(retired.to_string()),
            message("relayed-old: please restart your laptop", "r-1"),
        ),
        other => panic!("no path {other}"),
    }
}

/// The refusals, as the ticket at `level` would be named in them.
fn refusals(level: &str) -> Vec<String> {
    let args = [("number", Arg::text("#1")), ("level", Arg::text(level))];
    [
        Msg::RefusedAgentsOnly,
        Msg::RefusedManagersOnly,
        Msg::RefusedNotYours,
        Msg::RefusedAboveLevel,
        Msg::RefusedOtherTeam,
    ]
    .into_iter()
    .map(|m| i18n::text(Language::En, m, &args))
    .collect()
}

/// Hands one event to the desk and sends what it queued.
async fn act(
    sb: &Sandbox,
    tenant: &str,
    sender: &Sender,
    channel: &str,
    thread: Option<&str>,
    kind: EventKind,
) {
    let event = sb.event_in(tenant, sender, channel, thread, kind);
    sb.handle(&event).await.expect("the desk handles it");
}

/// The example desk with administrators, as `id`.
fn tenant(id: &str) -> TenantConfig {
    let mut t = example_tenant();
    t.id = id.to_string();
    t.admin_groups = vec!["admins".into()];
    t
}

/// Everything in one cell: a fresh desk, the ticket where `at` says, the act, the verdict.
async fn cell(row: usize, role: Role, at: At, other: bool) -> Result<(), String> {
    let (name, probe, at_l2, at_net) = TABLE[row];
    let db = TestDb::sqlite().await;
    let kb = KnowledgeBase::open(db.store.clone(), KbOptions::in_memory())
        .await
        .unwrap();
    let sb = Sandbox::with_tenants(
        db.store.clone(),
        vec![tenant(TENANT), tenant(OTHER)],
        common::now(),
        Some(Arc::new(kb)),
    );
    for r in ROLES {
        let p = who(r);
        let groups: Vec<&str> = p.groups.iter().map(String::as_str).collect();
        sb.directory.add(TENANT, &p.id, &groups);
        sb.directory.add(OTHER, &p.id, &groups);
    }
    act(&sb, TENANT, &mario(), "help", None, message(SECRET, "m-1")).await;
    act(
        &sb,
        OTHER,
        &mario(),
        "help",
        None,
        message("printer jammed", "m-1"),
    )
    .await;
    let up = command("escalate #1 L2 network checks");
    act(&sb, TENANT, &boss(), "support-l1", None, up).await;
    if at == At::Net {
        act(
            &sb,
            TENANT,
            &boss(),
            "support-l2",
            None,
            command("escalate #1 L3 network router drops packets"),
        )
        .await;
    }
    let store = &db.store;
    let a = store.tenants().await.unwrap()[0].id;
    let before: Ticket = store.ticket(a, TicketNumber(1)).await.unwrap().unwrap();
    assert_eq!(
        before.level,
        if at == At::L2 { Level::L2 } else { Level::L3 }
    );
    let posted = |channel: &str| {
        sb.platform
            .posted(&MessageKey::card(before.id, channel).to_string())
            .expect("the card was posted")
            .message_id
    };
    let here = if at == At::L2 {
        "support-l2"
    } else {
        "l3-network"
    };
    let (card, retired) = (posted(here), posted("support-l1"));
    let (channel, thread, kind) = path(name, at, before.id.0, &card, &retired);
    let person = who(role);
    let audit = |tenant| AuditFilter {
        tenant: Some(tenant),
        limit: 10_000,
        ..AuditFilter::default()
    };
    let audited_before = store.audit_entries(&audit(a)).await.unwrap().len();
    let logged_before = store.log(before.id).await.unwrap().len();
    let sent_before = sb.platform.sent().len();
    let tenant = if other { OTHER } else { TENANT };
    act(&sb, tenant, &person, &channel, thread.as_deref(), kind).await;

    let after = store.ticket(a, TicketNumber(1)).await.unwrap().unwrap();
    let new_actions: Vec<_> = sb.platform.sent()[sent_before..].to_vec();
    let told: Vec<String> = new_actions
        .iter()
        .filter_map(|r| match &r.action {
            ChatAction::Ephemeral { user, message, .. } if *user == person.id => Some(format!(
                "{} {}",
                message.title.clone().unwrap_or_default(),
                message.text
            )),
            _ => None,
        })
        .collect();
    let audited = store.audit_entries(&audit(a)).await.unwrap().len() > audited_before;
    let acted = store.log(before.id).await.unwrap().len() > logged_before || after != before;
    let cell = format!(
        "{name} by {role:?} at {at:?} in {}",
        if other {
            "the other tenant"
        } else {
            "its tenant"
        }
    );
    db.finish().await;

    if other {
        let leaked = new_actions
            .iter()
            .any(|r| serde_json::to_string(&r.action).unwrap().contains(SECRET));
        return match (acted || audited, leaked) {
            (false, false) => Ok(()),
            _ => Err(format!(
                "{cell}: crossed tenants (acted {acted}, audited {audited}, leaked {leaked})"
            )),
        };
    }
    let expected = if at == At::L2 { at_l2 } else { at_net };
    let index = ROLES.iter().position(|r| *r == role).unwrap();
    let allowed = expected.as_bytes()[index] == b'Y';
    let refusals = refusals(if at == At::L2 { "L2" } else { "L3" });
    let refused = told
        .iter()
        .any(|t| refusals.iter().any(|r| t.contains(r.as_str())));
    let own = role == Role::Req;
    let verdict = match probe {
        Probe::Refusal => !refused,
        Probe::AuditedRead => !refused && (own || audited),
        Probe::Relay => sb.platform.shown_in("help", Some("m-1")).iter().any(|r| {
            serde_json::to_string(&r.action)
                .unwrap()
                .contains("relayed-")
        }),
    };
    let mut wrong = Vec::new();
    if verdict != allowed {
        wrong.push(format!(
            "{cell}: expected {}, told {told:?}",
            if allowed { "allowed" } else { "refused" }
        ));
    }
    if acted && !audited && probe == Probe::Refusal && !name.starts_with("relay") {
        // Every change a person makes to a ticket is a privileged act.
        let requester_own = own && matches!(name, "close" | "reopen" | "button confirm");
        if !requester_own {
            wrong.push(format!(
                "{cell}: changed the ticket but is not in the audit log"
            ));
        }
    }
    if !allowed && probe != Probe::Relay && (audited || acted) {
        wrong.push(format!("{cell}: refused but done"));
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("\n"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_path_for_every_role_in_both_tenants() {
    let mut cells = Vec::new();
    for row in 0..TABLE.len() {
        for role in ROLES {
            for at in [At::L2, At::Net] {
                for other in [false, true] {
                    cells.push((row, role, at, other));
                }
            }
        }
    }
    let total = cells.len();
    // A few cells at a time: each has its own database file.
    let limit = Arc::new(tokio::sync::Semaphore::new(6));
    let mut tasks = tokio::task::JoinSet::new();
    for (row, role, at, other) in cells {
        let limit = limit.clone();
        tasks.spawn(async move {
            let _permit = limit.acquire_owned().await.unwrap();
            cell(row, role, at, other).await
        });
    }
    let mut wrong = Vec::new();
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.expect("a cell panicked") {
            wrong.push(e);
        }
    }
    wrong.sort();
    assert!(
        wrong.is_empty(),
        "{} of {total} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Who asks the web desk (the columns of [`WEB_TABLE`]): nobody signed in, then an account of
/// each role. Web accounts are the web tenant's people; a chat identity is not one of them.
const WEB_ROLES: [Option<helpdesk::domain::AccountRole>; 7] = {
    use helpdesk::domain::AccountRole as R;
    [
        None,
        Some(R::Requester),
        Some(R::Agent(Level::L1)),
        Some(R::Agent(Level::L2)),
        Some(R::Agent(Level::L3)),
        Some(R::Manager),
        Some(R::Admin),
    ]
};

/// The web desk's acts, with who may take them: one letter per role in [`WEB_ROLES`] order
/// (Anon Req L1 L2 L3 Mgr Adm), `Y` allowed, `.` refused; in the web tenant (the person's own
/// account), then as a chat person of another tenant who has no web account (a Slack user id
/// typed as the name, with the desk's password). The requester portal is every signed-in
/// person's (anyone may ask for help), each to their own tickets alone; the console rows come
/// with it.
#[rustfmt::skip]
const WEB_TABLE: &[(&str, &str, &str)] = &[
    // act                                   web tenant  other tenant
    ("sign in with the right password",     ".YYYYYY",  "......."),
    ("sign in with a wrong password",       ".......",  "......."),
    ("see the landing page",                ".YYYYYY",  "......."),
    ("sign out with the session's token",   ".YYYYYY",  "......."),
    ("sign out with another token",         ".......",  "......."),
    ("open the setup link once an admin exists", ".......", "......."),
    ("make an admin with the setup link",   ".......",  "......."),
    ("see my tickets",                      ".YYYYYY",  "......."),
    ("open a ticket on the web",            ".YYYYYY",  "......."),
    ("read my own ticket",                  ".YYYYYY",  "......."),
    ("reply on my own ticket",              ".YYYYYY",  "......."),
    ("read another person's ticket",        ".......",  "......."),
    ("reply on another person's ticket",    ".......",  "......."),
];

/// Opens a ticket titled `title` from the intake page, if the browser gets the page.
async fn web_open(browser: &mut common::web::Browser, title: &str) {
    let form = browser.get("/tickets/new").await;
    if form.status != 200 {
        return;
    }
    let submission = form.field("submission");
    browser
        .post(
            "/tickets/new",
            &[
                ("csrf", &form.csrf()),
                ("submission", &submission),
                ("title", title),
                ("description", "please help"),
            ],
        )
        .await;
}

/// The number of `requester`'s web ticket, if they have one.
async fn web_ticket_of(store: &helpdesk::store::Store, requester: &str) -> Option<i64> {
    let tenant = store
        .tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.platform == helpdesk_web::PLATFORM)?;
    let filter = helpdesk::store::TicketFilter {
        tenant: Some(tenant.id),
        requester: Some(requester.to_string()),
        ..Default::default()
    };
    let found = store.list_tickets(&filter).await.unwrap();
    found.first().map(|t| t.number.0)
}

/// Replies on ticket `number` with the session's token (the token of any of its pages, as a
/// stranger to the ticket has no page of it); whether the reply reached the ticket's log as
/// `author`'s.
async fn web_reply(
    browser: &mut common::web::Browser,
    store: &helpdesk::store::Store,
    author: &str,
    number: i64,
) -> bool {
    let page = browser.get("/tickets").await;
    if page.status != 200 {
        return false;
    }
    browser
        .post(
            &format!("/tickets/{number}/reply"),
            &[
                ("csrf", &page.csrf()),
                ("submission", &"b".repeat(64)),
                ("text", "a word from me"),
            ],
        )
        .await;
    let tenant = store
        .tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.platform == helpdesk_web::PLATFORM)
        .expect("the web tenant");
    let ticket = store
        .ticket(tenant.id, helpdesk::domain::TicketNumber(number))
        .await
        .unwrap()
        .expect("the ticket");
    store.log(ticket.id).await.unwrap().iter().any(|r| {
        r.entry.author.id() == author
            && matches!(&r.entry.kind, helpdesk::domain::LogKind::RequesterMessage { text } if text == "a word from me")
    })
}

/// One web cell: a fresh desk with an admin and the role's account, and the act tried.
async fn web_cell(row: usize, column: usize, other: bool) -> Result<(), String> {
    use common::web::{WebDesk, PASSWORD};
    use helpdesk::domain::AccountRole;
    let (act, own, elsewhere) = WEB_TABLE[row];
    let expected = if other { elsewhere } else { own }.as_bytes()[column] == b'Y';
    let role = WEB_ROLES[column];
    let db = TestDb::sqlite().await;
    let desk = WebDesk::with_portal(db.store.clone()).await;
    let link = desk.web.arm_setup(desk.addr).await.unwrap().unwrap();
    desk.add("root", AccountRole::Admin).await;
    let name = match (role, other) {
        (Some(_), true) => "u100".to_string(),
        (Some(AccountRole::Admin), false) => "root".to_string(),
        (Some(role), false) => {
            desk.add("person", role).await;
            "person".to_string()
        }
        (None, _) => String::new(),
    };
    let mut browser = desk.browser(None);
    let signed_in = role.is_some() && browser.sign_in(&name).await.location() == Some("/");
    let setup = link
        .strip_prefix(&format!("http://{}", desk.addr))
        .unwrap()
        .to_string();
    let done = match act {
        "sign in with the right password" => signed_in,
        "sign in with a wrong password" => {
            let mut fresh = desk.browser(None);
            let csrf = fresh.get("/signin").await.csrf();
            let answer = fresh
                .post(
                    "/signin",
                    &[
                        ("csrf", &csrf),
                        ("name", &name),
                        ("password", "not the one"),
                    ],
                )
                .await;
            answer.location() == Some("/")
        }
        "see the landing page" => browser.get("/").await.status == 200,
        "sign out with the session's token" => {
            let page = browser.get("/").await;
            let csrf = if page.status == 200 {
                page.csrf()
            } else {
                String::new()
            };
            let out = browser.post("/signout", &[("csrf", &csrf)]).await;
            out.location() == Some("/signin?notice=signed-out")
        }
        "sign out with another token" => {
            let out = browser.post("/signout", &[("csrf", &"f".repeat(64))]).await;
            out.location() == Some("/signin?notice=signed-out")
        }
        "open the setup link once an admin exists" => browser.get(&setup).await.status == 200,
        "make an admin with the setup link" => {
            let form_csrf = browser.get("/signin").await;
            let csrf = if form_csrf.status == 200 {
                form_csrf.csrf()
            } else {
                String::new()
            };
            let answer = browser
                .post(
                    &setup,
                    &[
                        ("csrf", &csrf),
                        ("name", "intruder"),
                        ("password", PASSWORD),
                        ("password_again", PASSWORD),
                    ],
                )
                .await;
            answer.location() == Some("/")
                || db.store.web_account("intruder").await.unwrap().is_some()
        }
        "see my tickets" => browser.get("/tickets").await.status == 200,
        "open a ticket on the web" => {
            web_open(&mut browser, "Mine").await;
            web_ticket_of(&db.store, &name).await.is_some()
        }
        "read my own ticket" | "reply on my own ticket" => {
            web_open(&mut browser, "Mine").await;
            match web_ticket_of(&db.store, &name).await {
                Some(number) if act == "read my own ticket" => {
                    let page = browser.get(&format!("/tickets/{number}")).await;
                    page.status == 200 && page.body.contains("Mine")
                }
                Some(number) => web_reply(&mut browser, &db.store, &name, number).await,
                None => false,
            }
        }
        "read another person's ticket" | "reply on another person's ticket" => {
            desk.add("owner", AccountRole::Requester).await;
            let mut owner = desk.browser(None);
            owner.sign_in("owner").await;
            web_open(&mut owner, "Theirs").await;
            let number = web_ticket_of(&db.store, "owner")
                .await
                .expect("the owner's ticket");
            if act == "read another person's ticket" {
                let page = browser.get(&format!("/tickets/{number}")).await;
                page.status == 200 || page.body.contains("Theirs")
            } else {
                web_reply(&mut browser, &db.store, &name, number).await
            }
        }
        other => unreachable!("no web act {other}"),
    };
    let cell = format!(
        "{act} / {} / {}",
        role.map_or("anonymous".to_string(), |r| r.to_string()),
        if other { "other tenant" } else { "web tenant" }
    );
    db.finish().await;
    if done == expected {
        Ok(())
    } else {
        Err(format!(
            "{cell}: expected {}",
            if expected { "allowed" } else { "refused" }
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_web_act_for_every_role() {
    let mut wrong = Vec::new();
    let mut tasks = tokio::task::JoinSet::new();
    let limit = Arc::new(tokio::sync::Semaphore::new(4));
    for row in 0..WEB_TABLE.len() {
        for column in 0..WEB_ROLES.len() {
            for other in [false, true] {
                let limit = limit.clone();
                tasks.spawn(async move {
                    let _permit = limit.acquire_owned().await.unwrap();
                    web_cell(row, column, other).await
                });
            }
        }
    }
    while let Some(done) = tasks.join_next().await {
        if let Err(e) = done.expect("a web cell panicked") {
            wrong.push(e);
        }
    }
    wrong.sort();
    assert!(
        wrong.is_empty(),
        "{} web cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}
