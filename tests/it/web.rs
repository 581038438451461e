//! The web desk's sign-in, end to end over HTTP: the real router on the real store (SQLite
//! and PostgreSQL) with a clock the test moves, and the real binary for the first start and
//! the `user` commands.

use crate::common;

use common::cli::{helpdesk, run};
use common::web::{lang, shown, Browser, WebDesk, PASSWORD};
use helpdesk::domain::{AccountRole, Level};
use helpdesk::i18n::{self, Arg, Language, Msg};
use helpdesk::store::Store;
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

on_both_backends!(
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
