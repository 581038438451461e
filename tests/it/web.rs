//! The web desk's sign-in, end to end over HTTP: the real router on the real store (SQLite
//! and PostgreSQL) with a clock the test moves, and the real binary for the first start and
//! the `user` commands.

use crate::common;

use common::cli::{helpdesk, run};
use common::web::{lang, shown, Answer, Browser, WebDesk, PASSWORD};
use helpdesk::domain::{AccountRole, Level};
use helpdesk::i18n::{self, Arg, Language, Msg};
use helpdesk::store::Store;
use helpdesk_chat::{ChatEvent, EventKind, Sender};
use helpdesk_web::WebConfig;
use std::time::Duration;

fn en(msg: Msg) -> String {
    shown(&i18n::text(Language::En, msg, &[]))
}

/// Signs in with the right password, and is refused with a wrong one or an unknown name in
/// the same words; signs out, and the old cookie opens nothing.
async fn sign_in_and_out(store: Store) {
    let desk = WebDesk::start(store.clone(), WebConfig::default()).await;
    desk.add("ada", AccountRole::Agent(Level::L2)).await;
    let mut browser = desk.browser(None);

    let first = browser.get("/").await;
    assert_eq!((first.status, first.location()), (303, Some("/signin")));
    let page = browser.get("/signin").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<label for=\"name\">"),
        "labelled fields"
    );
    let csrf = page.csrf();

    let wrong = browser
        .post(
            "/signin",
            &[
                ("csrf", &csrf),
                ("name", "ada"),
                ("password", "not the password"),
            ],
        )
        .await;
    let unknown = browser
        .post(
            "/signin",
            &[("csrf", &csrf), ("name", "nobody"), ("password", PASSWORD)],
        )
        .await;
    for refused in [&wrong, &unknown] {
        assert_eq!(refused.status, 401);
        assert!(
            refused.body.contains(&en(Msg::WebSignInFailed)),
            "{}",
            refused.body
        );
    }
    assert_eq!(
        wrong.body.replace("value=\"ada\"", ""),
        unknown.body.replace("value=\"nobody\"", ""),
        "an unknown name and a wrong password read the same"
    );

    let signed = browser
        .post(
            "/signin",
            &[("csrf", &csrf), ("name", "ADA"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((signed.status, signed.location()), (303, Some("/")));
    let cookie = signed.set_cookies()[0].to_string();
    assert!(
        cookie.starts_with("helpdesk_session=")
            && cookie.contains("; HttpOnly")
            && cookie.contains("; SameSite=Lax")
            && cookie.contains("; Path=/")
            && !cookie.contains("Secure"),
        "{cookie}"
    );
    // The store keeps the id's SHA-256, never the id: the cookie's value finds nothing there.
    let id = cookie.split(';').next().unwrap().split('=').nth(1).unwrap();
    assert!(store.web_session(id).await.unwrap().is_none());
    let digest = helpdesk_web::token::Token::parse(id).unwrap().digest();
    assert!(store.web_session(&digest).await.unwrap().is_some());

    let home = browser.get("/").await;
    assert_eq!(home.status, 200);
    let role = i18n::text(
        Language::En,
        Msg::WebRoleAgent,
        &[("level", Arg::text("2"))],
    );
    assert!(home.body.contains(&shown(&i18n::text(
        Language::En,
        Msg::WebHomeRole,
        &[("role", Arg::text(&role))]
    ))));
    assert!(home.body.contains("ada"));
    assert_eq!(home.header("cache-control"), Some("no-store"));
    assert!(home.header("content-security-policy").is_some());

    let stolen = browser.clone();
    let out = browser.post("/signout", &[("csrf", &home.csrf())]).await;
    assert_eq!(
        (out.status, out.location()),
        (303, Some("/signin?notice=signed-out"))
    );
    assert!(
        !browser.cookies.contains_key("helpdesk_session"),
        "the cookie is cleared"
    );
    let notice = browser.get("/signin?notice=signed-out").await;
    assert!(notice.body.contains(&en(Msg::WebSignedOut)));
    // The old cookie, replayed, opens nothing: the session is gone from the store.
    let mut stolen = stolen;
    let replay = stolen.get("/").await;
    assert_eq!(
        (replay.status, replay.location()),
        (303, Some("/signin?notice=session-ended"))
    );
}

/// Five failures are free; then the account waits (even with the right password), and so
/// does the address trying other names; after the wait it may try again.
async fn sign_in_is_rate_limited(store: Store) {
    let desk = WebDesk::start(store, WebConfig::default()).await;
    desk.add("ada", AccountRole::Requester).await;
    desk.add("bob", AccountRole::Requester).await;
    let mut browser = desk.browser(Some("pl"));
    let csrf = browser.get("/signin").await.csrf();
    for _ in 0..5 {
        let refused = browser
            .post(
                "/signin",
                &[
                    ("csrf", &csrf),
                    ("name", "ada"),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert_eq!(refused.status, 401);
    }
    let waits = browser
        .post(
            "/signin",
            &[("csrf", &csrf), ("name", "ada"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(waits.status, 429);
    assert_eq!(waits.header("retry-after"), Some("30"));
    assert!(waits.body.contains(&shown(&i18n::text(
        Language::Pl,
        Msg::WebSignInThrottled,
        &[]
    ))));
    // One name's failures do not hold back another person at the same address (many people
    // share one behind a proxy); the address has a budget of its own, far larger.
    let mut colleague = desk.browser(Some("pl"));
    let theirs = colleague.get("/signin").await.csrf();
    let other = colleague
        .post(
            "/signin",
            &[("csrf", &theirs), ("name", "bob"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(other.status, 303);
    desk.advance(Duration::from_secs(31));
    let signed = browser
        .post(
            "/signin",
            &[("csrf", &csrf), ("name", "ada"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!((signed.status, signed.location()), (303, Some("/")));
}

/// A POST without the form's token, with another browser's, or a sign-out without the
/// session's token, is refused with a polite 403 page.
async fn forms_without_their_token_are_refused(store: Store) {
    let desk = WebDesk::start(store, WebConfig::default()).await;
    desk.add("ada", AccountRole::Manager).await;
    let mut browser = desk.browser(Some("it"));
    let mut other = desk.browser(None);
    let mine = browser.get("/signin").await.csrf();
    let theirs = other.get("/signin").await.csrf();
    let expired = shown(&i18n::text(Language::It, Msg::WebFormExpired, &[]));
    for fields in [
        vec![("name", "ada"), ("password", PASSWORD)],
        vec![
            ("csrf", theirs.as_str()),
            ("name", "ada"),
            ("password", PASSWORD),
        ],
        vec![("csrf", "x"), ("name", "ada"), ("password", PASSWORD)],
    ] {
        let refused = browser.post("/signin", &fields).await;
        assert_eq!(refused.status, 403, "{fields:?}");
        assert!(refused.body.contains(&expired));
        assert_eq!(lang(&refused), "it");
    }
    assert_eq!(
        browser
            .post(
                "/signin",
                &[("csrf", &mine), ("name", "ada"), ("password", PASSWORD)]
            )
            .await
            .status,
        303
    );
    let refused = browser.post("/signout", &[("csrf", &theirs)]).await;
    assert_eq!(refused.status, 403);
    assert_eq!(browser.get("/").await.status, 200, "still signed in");
}

/// A session ends after `session_idle` without requests, and after `session_lifetime` however
/// busy; the browser is sent to sign in again, told why.
async fn sessions_expire(store: Store) {
    let config = helpdesk_web::settings::WebSection::default()
        .check()
        .unwrap();
    let config = WebConfig {
        session_idle: Duration::from_secs(30 * 60),
        session_lifetime: Duration::from_secs(60 * 60),
        ..config
    };
    let desk = WebDesk::start(store, config).await;
    desk.add("ada", AccountRole::Admin).await;
    let mut idle = desk.browser(None);
    let mut busy = desk.browser(None);
    idle.sign_in("ada").await;
    busy.sign_in("ada").await;
    for _ in 0..2 {
        desk.advance(Duration::from_secs(25 * 60));
        assert_eq!(busy.get("/").await.status, 200);
    }
    let ended = idle.get("/").await;
    assert_eq!(
        (ended.status, ended.location()),
        (303, Some("/signin?notice=session-ended"))
    );
    let told = idle.get("/signin?notice=session-ended").await;
    assert!(told.body.contains(&en(Msg::WebSessionEnded)));
    desk.advance(Duration::from_secs(11 * 60));
    let ended = busy.get("/").await;
    assert_eq!(
        ended.location(),
        Some("/signin?notice=session-ended"),
        "past the lifetime"
    );
}

/// The setup link makes the first admin once; after that, and for any other token, it is
/// dead, and arming it again gives nothing.
async fn the_setup_link_works_once(store: Store) {
    let desk = WebDesk::start(store.clone(), WebConfig::default()).await;
    desk.add("mario", AccountRole::Requester).await;
    let link = desk
        .web
        .arm_setup(desk.addr)
        .await
        .unwrap()
        .expect("no admin yet");
    let path = link
        .strip_prefix(&format!("http://{}", desk.addr))
        .unwrap()
        .to_string();
    assert!(path.starts_with("/setup/") && path.len() == "/setup/".len() + 64);
    let mut browser = desk.browser(None);
    let wrong = browser.get(&format!("/setup/{}", "0".repeat(64))).await;
    assert_eq!(wrong.status, 404);
    assert!(wrong.body.contains(&en(Msg::WebSetupGone)));
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.header("referrer-policy"), Some("no-referrer"));
    let csrf = page.csrf();
    let form = |name: &'static str, again: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("name", name.to_string()),
            ("password", PASSWORD.to_string()),
            ("password_again", again.to_string()),
        ]
    };
    let post = |b: &mut Browser, f: Vec<(&'static str, String)>| {
        let mut b = b.clone();
        let path = path.clone();
        async move {
            let fields: Vec<(&str, &str)> = f.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = b.post(&path, &fields).await;
            (answer, b)
        }
    };
    let (differ, _) = post(&mut browser, form("root", "another password")).await;
    assert_eq!(differ.status, 422);
    assert!(differ.body.contains(&en(Msg::WebPasswordsDiffer)));
    let (taken, _) = post(&mut browser, form("mario", PASSWORD)).await;
    assert_eq!(taken.status, 422);
    assert!(taken.body.contains(&en(Msg::WebNameTaken)));
    let (bad, _) = post(&mut browser, form("-root", PASSWORD)).await;
    assert!(bad.body.contains(&en(Msg::WebBadName)));
    let (made, mut signed) = post(&mut browser, form("root", PASSWORD)).await;
    assert_eq!((made.status, made.location()), (303, Some("/")));
    let home = signed.get("/").await;
    assert!(
        home.body.contains(&en(Msg::WebRoleAdmin)),
        "signed in as the new admin"
    );
    let root = store.web_account("root").await.unwrap().unwrap();
    assert_eq!(root.role, AccountRole::Admin);
    assert!(root.password_hash.starts_with("$argon2id$"));
    let audit = store.audit_log(10).await.unwrap();
    let made_by = audit
        .iter()
        .find(|e| e.target == "web:root")
        .expect("audited");
    assert_eq!(
        (made_by.action.as_str(), made_by.actor.id.as_str()),
        ("web.account.add", "web:root"),
        "made by the new admin through the setup link"
    );

    let (again, _) = post(&mut browser, form("root2", PASSWORD)).await;
    assert_eq!(again.status, 404, "used once");
    assert_eq!(browser.get(&path).await.status, 404);
    assert_eq!(
        desk.web.arm_setup(desk.addr).await.unwrap(),
        None,
        "an admin exists"
    );
    assert!(store.web_account("root2").await.unwrap().is_none());
}

/// Every page, in English, Italian and Polish from the browser's `Accept-Language`; English
/// for a language the catalogues do not have.
async fn every_page_speaks_the_browsers_language(store: Store) {
    let desk = WebDesk::start(store, WebConfig::default()).await;
    desk.add("ada", AccountRole::Agent(Level::L1)).await;
    for (header, language) in [
        (Some("en-GB,en;q=0.9"), Language::En),
        (Some("it-IT,it;q=0.9,en;q=0.8"), Language::It),
        (Some("pl,en;q=0.5"), Language::Pl),
        (Some("de-DE"), Language::En),
        (None, Language::En),
    ] {
        let t = |msg| shown(&i18n::text(language, msg, &[]));
        // Each language's failed sign-in below counts against 127.0.0.1: forgotten by now.
        desk.advance(helpdesk_web::limiter::WINDOW);
        let mut browser = desk.browser(header);
        let sign_in = browser.get("/signin").await;
        assert_eq!(lang(&sign_in), language.code());
        for msg in [
            Msg::WebSignInTitle,
            Msg::WebNameLabel,
            Msg::WebPasswordLabel,
            Msg::WebSignInButton,
        ] {
            assert!(sign_in.body.contains(&t(msg)), "{language}: {msg:?}");
        }
        let failed = browser
            .post(
                "/signin",
                &[
                    ("csrf", &sign_in.csrf()),
                    ("name", "ada"),
                    ("password", "wrong password"),
                ],
            )
            .await;
        assert!(failed.body.contains(&t(Msg::WebSignInFailed)));
        browser.sign_in("ada").await;
        let home = browser.get("/").await;
        assert_eq!(lang(&home), language.code());
        for msg in [Msg::WebHomeTitle, Msg::WebHomeNext, Msg::WebSignOutButton] {
            assert!(home.body.contains(&t(msg)), "{language}: {msg:?}");
        }
        let gone = browser.get(&format!("/setup/{}", "a".repeat(64))).await;
        assert_eq!(lang(&gone), language.code());
        assert!(gone.body.contains(&t(Msg::WebSetupGone)));
        let expired = browser.post("/signout", &[]).await;
        assert!(expired.body.contains(&t(Msg::WebFormExpired)));
    }
    // The setup page itself, in each language.
    let desk = WebDesk::start(desk.store.clone(), WebConfig::default()).await;
    let link = desk.web.arm_setup(desk.addr).await.unwrap().unwrap();
    let path = link.strip_prefix(&format!("http://{}", desk.addr)).unwrap();
    for language in Language::ALL {
        let page = desk.browser(Some(language.code())).get(path).await;
        assert_eq!(lang(&page), language.code());
        for msg in [
            Msg::WebSetupTitle,
            Msg::WebSetupIntro,
            Msg::WebPasswordAgainLabel,
            Msg::WebSetupButton,
        ] {
            assert!(
                page.body.contains(&shown(&i18n::text(language, msg, &[]))),
                "{language}: {msg:?}"
            );
        }
    }
}

/// Signing in ends the session the browser already carried: its old id, replayed, opens
/// nothing, and its row is gone, so no id planted or left behind outlives a sign-in.
async fn signing_in_ends_the_session_the_browser_carried(store: Store) {
    let desk = WebDesk::start(store.clone(), WebConfig::default()).await;
    desk.add("ada", AccountRole::Requester).await;
    let mut browser = desk.browser(None);
    let csrf = browser.get("/signin").await.csrf();
    let fields = [
        ("csrf", csrf.as_str()),
        ("name", "ada"),
        ("password", PASSWORD),
    ];
    assert_eq!(browser.post("/signin", &fields).await.location(), Some("/"));
    let mut before = browser.clone();
    let old = browser.cookies["helpdesk_session"].clone();
    // The sign-in form again, from the same browser (a second tab left open on it).
    let again = browser.post("/signin", &fields).await;
    assert_eq!(again.location(), Some("/"));
    let new = browser.cookies["helpdesk_session"].clone();
    assert_ne!(old, new, "a new id");
    let digest = |id: &str| helpdesk_web::token::Token::parse(id).unwrap().digest();
    assert!(store.web_session(&digest(&old)).await.unwrap().is_none());
    assert!(store.web_session(&digest(&new)).await.unwrap().is_some());
    let replay = before.get("/").await;
    assert_eq!(
        (replay.status, replay.location()),
        (303, Some("/signin?notice=session-ended"))
    );
    assert_eq!(browser.get("/").await.status, 200);
}

/// A setup path that is no token at all (bad percent-encoding) gets the same polite page as
/// a dead link, on GET and POST alike.
async fn a_malformed_setup_path_reads_like_a_dead_link(store: Store) {
    let desk = WebDesk::start(store, WebConfig::default()).await;
    desk.web.arm_setup(desk.addr).await.unwrap().unwrap();
    let mut browser = desk.browser(Some("pl"));
    let gone = shown(&i18n::text(Language::Pl, Msg::WebSetupGone, &[]));
    for path in ["/setup/%FF%FE", "/setup/%C3%28"] {
        let page = browser.get(path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains(&gone), "{path}: {}", page.body);
        let csrf = browser.get("/signin").await.csrf();
        let posted = browser.post(path, &[("csrf", &csrf)]).await;
        assert_eq!(posted.status, 404, "{path}");
        assert!(posted.body.contains(&gone), "{path}: {}", posted.body);
    }
}

/// The web tenant's tickets, newest first.
async fn web_tickets(store: &Store) -> Vec<helpdesk::domain::Ticket> {
    let Some(tenant) = store
        .tenants()
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.platform == helpdesk_web::PLATFORM)
    else {
        return Vec::new();
    };
    let filter = helpdesk::store::TicketFilter {
        tenant: Some(tenant.id),
        ..Default::default()
    };
    store.list_tickets(&filter).await.unwrap()
}

/// Opens a ticket from the intake page as the signed-in `browser`; the redirect's target.
async fn open_ticket(browser: &mut Browser, title: &str, description: &str) -> Answer {
    let form = browser.get("/tickets/new").await;
    assert_eq!(form.status, 200, "{}", form.body);
    browser
        .post(
            "/tickets/new",
            &[
                ("csrf", &form.csrf()),
                ("submission", &form.field("submission")),
                ("title", title),
                ("description", description),
            ],
        )
        .await
}

/// A web agent's act on the desk, as a web event (the console will send these).
fn agent_event(
    who: &str,
    role: helpdesk_web::Role,
    n: u64,
    channel: &str,
    thread: Option<String>,
    kind: EventKind,
) -> ChatEvent {
    ChatEvent {
        platform: helpdesk_web::PLATFORM,
        event_id: format!("agent-{who}-{n}"),
        tenant: helpdesk_web::ids::TENANT.into(),
        sender: Sender {
            id: who.into(),
            name: who.into(),
            groups: helpdesk_web::ids::groups(role),
            is_bot: false,
            locale: None,
        },
        channel: channel.into(),
        thread,
        kind,
    }
}

/// A requester opens a ticket on the web and finds it under "my tickets" with the desk's
/// confirmation; an agent's claim and reply made through the desk show on the requester's
/// page, an internal note never does; the requester's reply lands in the ticket's log as a
/// chat reply would; a form sent twice is one ticket.
async fn a_requester_opens_follows_and_answers_a_ticket_on_the_web(store: Store) {
    use helpdesk::desk::keys::{MessageKey, Widget};
    use helpdesk::domain::LogKind;
    let desk = WebDesk::with_portal(store.clone()).await;
    desk.add("ada", AccountRole::Requester).await;
    let mut ada = desk.browser(None);
    ada.sign_in("ada").await;
    let empty = ada.get("/tickets").await;
    assert_eq!(empty.status, 200);
    assert!(empty.body.contains(&en(Msg::WebTicketsNone)));

    let form = ada.get("/tickets/new").await;
    for label in [Msg::WebTitleLabel, Msg::WebDescriptionLabel] {
        assert!(
            form.body.contains(&format!("\">{}</label>", en(label))),
            "{label:?}"
        );
    }
    let fields = [
        ("csrf", form.csrf()),
        ("submission", form.field("submission")),
        ("title", "Printer on fire".to_string()),
        ("description", "It smokes when I print.".to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sent = ada.post("/tickets/new", &fields).await;
    assert_eq!(
        (sent.status, sent.location()),
        (303, Some("/tickets?notice=sent"))
    );
    // The same form again (a double click, a reload) is the same event: one ticket.
    let twice = ada.post("/tickets/new", &fields).await;
    assert_eq!(twice.status, 303);
    let tickets = web_tickets(&store).await;
    assert_eq!(tickets.len(), 1, "one ticket");
    let ticket = tickets[0].clone();
    assert_eq!(ticket.requester.id, "ada");
    assert_eq!(ticket.title.as_str(), "Printer on fire");
    desk.dispatch().await;

    let mine = ada.get("/tickets?notice=sent").await;
    assert_eq!(mine.status, 200);
    assert!(mine.body.contains(&en(Msg::WebTicketSent)));
    assert!(mine.body.contains("Printer on fire"));
    let link = format!("href=\"/tickets/{}\"", ticket.number.0);
    assert!(mine.body.contains(&link), "{}", mine.body);
    let status = i18n::status_name(Language::En, ticket.status);
    assert!(
        mine.body.contains(&format!("<td>{}</td>", shown(&status))),
        "{}",
        mine.body
    );
    assert!(mine.body.contains("<td>L1</td>"));
    // The desk's confirmation, sent to the web platform, is on the page.
    let kept = store.web_messages_for("ada", 10).await.unwrap();
    assert!(!kept.is_empty(), "the desk answered the requester");
    assert!(kept.iter().all(|m| m.channel == "@ada"));
    let said = kept.last().unwrap().message.text.clone();
    let first_line = said.lines().next().unwrap();
    assert!(
        mine.body.contains(&shown(first_line)),
        "{first_line}\n{}",
        mine.body
    );

    // An agent claims it from the card and answers in the card's thread, then notes
    // something for the agents alone.
    desk.add("lin", AccountRole::Agent(Level::L1)).await;
    let role = helpdesk_web::Role::Agent(helpdesk_web::Tier::L1);
    let card = store
        .message_ref(&MessageKey::card(ticket.id, "#l1").to_string())
        .await
        .unwrap()
        .expect("the card was posted to the L1 queue");
    let claim = EventKind::Action {
        id: Widget::Claim(ticket.id).to_string(),
        value: String::new(),
        message_id: Some(card.message_id.clone()),
        trigger: None,
    };
    desk.act(agent_event("lin", role, 1, "#l1", None, claim))
        .await;
    let said = |text: &str, n: u64| EventKind::Message {
        text: text.into(),
        message_id: format!("lin-{n}"),
        direct: false,
        mentions_bot: false,
        attachments: Vec::new(),
    };
    let thread = Some(card.message_id.clone());
    desk.act(agent_event(
        "lin",
        role,
        2,
        "#l1",
        thread.clone(),
        said("Unplug it, please.", 2),
    ))
    .await;
    let prefix = helpdesk::web::web_tenant(Language::En).internal_prefix;
    let note = format!("{prefix} the toner is counterfeit");
    desk.act(agent_event("lin", role, 3, "#l1", thread, said(&note, 3)))
        .await;
    desk.dispatch().await;

    let page = ada.get(&format!("/tickets/{}", ticket.number.0)).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("It smokes when I print."));
    assert!(page.body.contains("Unplug it, please."), "{}", page.body);
    let log = store.log(ticket.id).await.unwrap();
    let assigned = log
        .iter()
        .find(|r| matches!(r.entry.kind, LogKind::Assignment { .. }))
        .expect("the claim is in the log");
    let claimed = i18n::describe(Language::En, &assigned.entry.kind);
    assert!(
        page.body.contains(&shown(&claimed)),
        "{claimed}\n{}",
        page.body
    );
    assert!(
        log.iter().any(|r| r.entry.kind.is_internal()),
        "the note is in the log"
    );
    assert!(!page.body.contains("counterfeit"), "never an internal note");
    assert!(page.body.contains(&format!(
        "<label for=\"reply\">{}</label>",
        en(Msg::WebReplyLabel)
    )));

    // The requester's reply is a message in the ticket's conversation: in the log as the
    // requester's, and across to the agents' thread as a chat reply would be.
    let replied = ada
        .post(
            &format!("/tickets/{}/reply", ticket.number.0),
            &[
                ("csrf", &page.csrf()),
                ("submission", &page.field("submission")),
                ("text", "Unplugged. Now what?"),
            ],
        )
        .await;
    let back = format!("/tickets/{}?notice=replied", ticket.number.0);
    assert_eq!(
        (replied.status, replied.location()),
        (303, Some(back.as_str()))
    );
    let log = store.log(ticket.id).await.unwrap();
    let reply = log
        .iter()
        .find(|r| {
            r.entry.kind
                == LogKind::RequesterMessage {
                    text: "Unplugged. Now what?".into(),
                }
        })
        .expect("the web reply is in the log");
    assert_eq!(reply.entry.author.id(), "ada");
    let after = ada.get(&back).await;
    assert!(after.body.contains(&en(Msg::WebReplySent)));
    assert!(after.body.contains("Unplugged. Now what?"));
    // An empty reply is refused on the page, and nothing is logged.
    let before = store.log(ticket.id).await.unwrap().len();
    let blank = ada
        .post(
            &format!("/tickets/{}/reply", ticket.number.0),
            &[
                ("csrf", &after.csrf()),
                ("submission", &after.field("submission")),
                ("text", "  "),
            ],
        )
        .await;
    assert_eq!(blank.status, 422);
    assert!(blank.body.contains(&en(Msg::WebReplyMissing)));
    assert_eq!(store.log(ticket.id).await.unwrap().len(), before);
}

/// Another requester's ticket is not there for them (404, never 403), to read or to answer;
/// a signed-out browser is sent to sign in; the new forms refuse a missing or foreign token.
async fn the_portal_keeps_each_requester_to_their_own(store: Store) {
    let desk = WebDesk::with_portal(store.clone()).await;
    desk.add("ada", AccountRole::Requester).await;
    desk.add("bob", AccountRole::Requester).await;
    let mut ada = desk.browser(None);
    ada.sign_in("ada").await;
    open_ticket(&mut ada, "VPN down", "Since this morning.").await;
    let number = web_tickets(&store).await[0].number.0;
    let mine = format!("/tickets/{number}");

    let mut bob = desk.browser(Some("it"));
    bob.sign_in("bob").await;
    let theirs = bob.get(&mine).await;
    assert_eq!(theirs.status, 404);
    assert!(theirs
        .body
        .contains(&shown(&i18n::text(Language::It, Msg::WebNotFound, &[]))));
    assert!(!theirs.body.contains("VPN down"));
    let csrf = bob.get("/tickets").await.csrf();
    let answered = bob
        .post(
            &format!("{mine}/reply"),
            &[
                ("csrf", &csrf),
                ("submission", &"a".repeat(64)),
                ("text", "mine now"),
            ],
        )
        .await;
    assert_eq!(answered.status, 404);
    for missing in ["/tickets/999", "/tickets/0", "/tickets/abc", "/tickets/%FF"] {
        assert_eq!(bob.get(missing).await.status, 404, "{missing}");
    }
    assert!(!bob.get("/tickets").await.body.contains("VPN down"));
    let log = store.log(web_tickets(&store).await[0].id).await.unwrap();
    assert!(log.iter().all(|r| r.entry.author.id() != "bob"));

    let mut nobody = desk.browser(None);
    for path in ["/tickets", "/tickets/new", mine.as_str()] {
        let answer = nobody.get(path).await;
        assert_eq!(
            (answer.status, answer.location()),
            (303, Some("/signin")),
            "{path}"
        );
    }
    let posted = nobody
        .post("/tickets/new", &[("title", "x"), ("description", "y")])
        .await;
    assert_eq!((posted.status, posted.location()), (303, Some("/signin")));

    let expired = en(Msg::WebFormExpired);
    let form = ada.get("/tickets/new").await;
    let submission = form.field("submission");
    let their_csrf = bob.get("/tickets").await.csrf();
    for csrf in ["", "x", their_csrf.as_str()] {
        let refused = ada
            .post(
                "/tickets/new",
                &[
                    ("csrf", csrf),
                    ("submission", &submission),
                    ("title", "t"),
                    ("description", "d"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{csrf:?}");
        assert!(refused.body.contains(&expired));
        let page = ada.get(&mine).await;
        let refused = ada
            .post(
                &format!("{mine}/reply"),
                &[
                    ("csrf", csrf),
                    ("submission", &page.field("submission")),
                    ("text", "hi"),
                ],
            )
            .await;
        assert_eq!(refused.status, 403, "{csrf:?}");
    }
    // Without its submission token a form is as stale as without its CSRF token.
    let refused = ada
        .post(
            "/tickets/new",
            &[("csrf", &form.csrf()), ("title", "t"), ("description", "d")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        web_tickets(&store).await.len(),
        1,
        "nothing refused was opened"
    );
    let log = store.log(web_tickets(&store).await[0].id).await.unwrap();
    assert!(
        !log.iter().any(|r| matches!(&r.entry.kind, helpdesk::domain::LogKind::RequesterMessage { text } if text == "hi")),
        "nothing refused was said"
    );
    // A form missing its title is shown again with the reason, in the person's words.
    let untitled = ada
        .post(
            "/tickets/new",
            &[
                ("csrf", &form.csrf()),
                ("submission", &submission),
                ("title", " "),
                ("description", "d"),
            ],
        )
        .await;
    assert_eq!(untitled.status, 422);
    assert!(untitled.body.contains(&en(Msg::WebTitleMissing)));
}

on_both_backends!(
    a_requester_opens_follows_and_answers_a_ticket_on_the_web,
    the_portal_keeps_each_requester_to_their_own,
    signing_in_ends_the_session_the_browser_carried,
    a_malformed_setup_path_reads_like_a_dead_link,
    sign_in_and_out,
    sign_in_is_rate_limited,
    forms_without_their_token_are_refused,
    sessions_expire,
    the_setup_link_works_once,
    every_page_speaks_the_browsers_language,
);

/// With `secure_cookies` (or an https `public_url`) every cookie is `Secure` and `__Host-`
/// named, so a browser sends it over HTTPS only and no subdomain can set it.
#[tokio::test]
async fn secure_cookies_are_marked_and_prefixed() {
    let db = common::TestDb::sqlite().await;
    let config = WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    };
    let desk = WebDesk::start(db.store.clone(), config).await;
    desk.add("ada", AccountRole::Requester).await;
    let mut browser = desk.browser(None);
    let page = browser.get("/signin").await;
    let form = page.set_cookies()[0].to_string();
    assert!(
        form.starts_with("__Host-helpdesk_form=") && form.ends_with("; Secure"),
        "{form}"
    );
    let signed = browser.sign_in("ada").await;
    let session = signed.set_cookies()[0].to_string();
    assert!(
        session.starts_with("__Host-helpdesk_session=") && session.ends_with("; Secure"),
        "{session}"
    );
    assert_eq!(browser.get("/").await.status, 200);
    db.finish().await;
}

/// The style sheet is served from the binary, cacheable, as CSS.
#[tokio::test]
async fn the_style_sheet_is_embedded() {
    let db = common::TestDb::sqlite().await;
    let desk = WebDesk::start(db.store.clone(), WebConfig::default()).await;
    let css = desk.browser(None).get("/static/web.css").await;
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(css.body.contains("label"));
}

/// The binary on a fresh machine: `helpdesk run` logs a setup link; it opens the setup page
/// and makes the first admin; after a restart there is no link.
#[tokio::test]
async fn the_first_start_logs_a_setup_link_that_makes_the_admin() {
    use common::bot::Bot;
    let bot = Bot::start("", None, &[]).await;
    let logs = bot.logs().join("\n");
    let marker = format!("http://{}/setup/", bot.addr);
    let at = logs.find(&marker).expect("a setup link in the log") + marker.len();
    let token = &logs[at..at + 64];
    let path = format!("/setup/{token}");
    let mut browser = Browser::new(bot.addr, Some("it"));
    let page = browser.get(&path).await;
    assert_eq!(page.status, 200);
    let csrf = page.csrf();
    let made = browser
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("name", "root"),
                ("password", PASSWORD),
                ("password_again", PASSWORD),
            ],
        )
        .await;
    assert_eq!((made.status, made.location()), (303, Some("/")));
    let home = browser.get("/").await;
    assert!(home
        .body
        .contains(&shown(&i18n::text(Language::It, Msg::WebRoleAdmin, &[]))));
    assert_eq!(browser.get(&path).await.status, 404);
    let (_, dir) = bot.stop().await;
    let database = dir
        .path()
        .join("helpdesk.db")
        .to_string_lossy()
        .into_owned();
    let again = Bot::start("", Some(&database), &[]).await;
    assert!(
        !again.logs().join("\n").contains("/setup/"),
        "no link once an admin exists"
    );
    let mut browser = Browser::new(again.addr, None);
    assert_eq!(browser.sign_in("root").await.location(), Some("/"));
    again.stop().await;
    drop(dir);
}

/// `helpdesk user add/list/passwd/remove` on a SQLite file; `list` creates no database.
#[tokio::test]
async fn the_user_commands_manage_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("helpdesk.db");
    let cmd = |args: &[&str]| {
        let mut c = helpdesk(dir.path());
        c.env("HELPDESK_DATABASE_URL", db.to_string_lossy().as_ref())
            .args(args);
        c
    };
    let (out, _, stderr) = run(&mut cmd(&["user", "list"]));
    assert!(!out.status.success());
    assert!(stderr.contains("no helpdesk database"), "{stderr}");
    assert!(!db.exists(), "a read-only command creates no database");

    let with_stdin = |args: &[&str], input: &str| {
        use std::io::Write;
        let mut c = cmd(args);
        c.stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (ok, stdout, _) = with_stdin(
        &[
            "user",
            "add",
            "Ada",
            "--role",
            "agent-l2",
            "--password-stdin",
        ],
        &format!("{PASSWORD}\n"),
    );
    assert!(ok && stdout.contains("added ada (agent-l2)"), "{stdout}");
    let (ok, _, stderr) = with_stdin(
        &["user", "add", "ada", "--role", "admin", "--password-stdin"],
        &format!("{PASSWORD}\n"),
    );
    assert!(!ok && stderr.contains("exists already"), "{stderr}");
    let (ok, _, stderr) = with_stdin(
        &["user", "add", "bob", "--role", "boss", "--password-stdin"],
        "x\n",
    );
    assert!(!ok && stderr.contains("unknown role"), "{stderr}");
    let (ok, _, stderr) = with_stdin(
        &[
            "user",
            "add",
            "bob",
            "--role",
            "manager",
            "--password-stdin",
        ],
        "short\n",
    );
    assert!(!ok && stderr.contains("at least 10 characters"), "{stderr}");
    let (out, stdout, _) = run(&mut cmd(&["user", "add", "bob", "--role", "manager"]));
    assert!(out.status.success());
    let made = stdout
        .lines()
        .find_map(|l| l.strip_prefix("password for bob: "))
        .expect("a made password, shown once")
        .to_string();

    let (out, stdout, _) = run(&mut cmd(&["user", "list"]));
    assert!(out.status.success());
    let rows: Vec<&str> = stdout.lines().collect();
    assert!(
        rows[0].starts_with("NAME") && rows[1].starts_with("ada") && rows[1].contains("agent-l2")
    );
    assert!(rows[2].starts_with("bob") && rows[2].contains("manager"));
    let (_, json, _) = run(&mut cmd(&["user", "list", "--json"]));
    let list: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(list[1]["role"], "manager");
    assert!(!json.contains("argon2"), "hashes are never printed");

    let store = Store::open_existing(&helpdesk::store::ConnectOptions::new(db.to_string_lossy()))
        .await
        .unwrap();
    let bob = store.web_account("bob").await.unwrap().unwrap();
    assert!(helpdesk_web::password::verify(
        &helpdesk_web::Password::new(&made).unwrap(),
        &bob.password_hash
    ));
    let (ok, stdout, _) = with_stdin(
        &["user", "passwd", "bob", "--password-stdin"],
        "a new long password\n",
    );
    assert!(ok && stdout.contains("password of bob set"), "{stdout}");
    let bob = store.web_account("bob").await.unwrap().unwrap();
    assert!(helpdesk_web::password::verify(
        &helpdesk_web::Password::new("a new long password").unwrap(),
        &bob.password_hash
    ));
    let (ok, _, stderr) = with_stdin(
        &["user", "passwd", "nobody", "--password-stdin"],
        "a new long password\n",
    );
    assert!(
        !ok && stderr.contains("no web account named nobody"),
        "{stderr}"
    );

    let (out, stdout, _) = run(&mut cmd(&["user", "remove", "bob"]));
    assert!(out.status.success() && stdout.contains("removed bob"));
    assert!(stdout.contains("no administrator is left"));
    let (out, _, stderr) = run(&mut cmd(&["user", "remove", "bob"]));
    assert!(!out.status.success() && stderr.contains("no web account named bob"));
    let (_, stdout, _) = run(&mut cmd(&["user", "list"]));
    assert!(!stdout.contains("bob"));
    let acts: Vec<(String, String)> = store
        .audit_log(10)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.target))
        .collect();
    for act in [
        "web.account.add",
        "web.account.password",
        "web.account.remove",
    ] {
        assert!(
            acts.contains(&(act.to_string(), "web:bob".to_string())),
            "{act}: {acts:?}"
        );
    }
    store.close().await;
}
