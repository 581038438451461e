//! The `helpdesk` binary, run as an operator would.

use crate::common;

use common::cli::{helpdesk, run};
use common::{new_ticket, now};
use helpdesk::domain::{Author, LogEntry, LogKind, Person};
use helpdesk::i18n::{self, Arg, Language, Msg};
use helpdesk::store::{ConnectOptions, Store};
use helpdesk_chat::Platform;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

#[test]
fn migrate_creates_the_database_and_an_empty_list_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path()).arg("migrate"));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("up to date"), "{stdout}");
    assert!(
        dir.path().join("helpdesk.db").exists(),
        "the default SQLite file is created"
    );
    let (out, stdout, _) = run(helpdesk(dir.path()).args(["ticket", "list", "--json"]));
    assert!(out.status.success());
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&stdout).unwrap(),
        serde_json::json!([])
    );
}

#[tokio::test]
async fn tickets_are_listed_and_shown_with_their_log() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("helpdesk.db");
    let store = Store::open(&ConnectOptions::new(db.to_string_lossy()))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let acme = tx
        .ensure_tenant(Platform::new("slack"), "T-acme", "Acme", now())
        .await
        .unwrap();
    let mut t = tx
        .create_ticket(new_ticket(acme, "Printer on fire"), now())
        .await
        .unwrap();
    for kind in t.claim(Person::new("U1", "Ada"), now()).unwrap() {
        tx.append_log(
            t.id,
            &LogEntry {
                at: now(),
                author: Author::Person(Person::new("U1", "Ada")),
                kind,
            },
        )
        .await
        .unwrap();
    }
    tx.append_log(
        t.id,
        &LogEntry {
            at: now(),
            author: Author::Person(Person::new("U1", "Ada")),
            kind: LogKind::InternalNote {
                text: "call facilities".into(),
            },
        },
    )
    .await
    .unwrap();
    t = tx.update_ticket(&t).await.unwrap();
    tx.commit().await.unwrap();
    store.close().await;

    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["ticket", "list"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("Printer on fire") && stdout.contains("open") && stdout.contains("P2"),
        "{stdout}"
    );

    let (out, stdout, _) = run(helpdesk(dir.path()).args(["ticket", "list", "--status", "closed"]));
    assert!(out.status.success());
    assert!(stdout.contains("no tickets"), "{stdout}");

    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["ticket", "show", "#1", "--json"]));
    assert!(out.status.success(), "{stderr}");
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["number"], 1);
    assert_eq!(v["priority"], "P2");
    assert_eq!(v["status"], "Open");
    assert_eq!(v["version"], t.version);
    let kinds: Vec<&str> = v["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["status_change", "assignment", "internal_note"]);

    let (out, stdout, _) =
        run(helpdesk(dir.path()).args(["ticket", "show", "1", "--tenant", "T-acme"]));
    assert!(out.status.success());
    assert!(stdout.contains("(internal) call facilities"), "{stdout}");

    let (out, _, stderr) = run(helpdesk(dir.path()).args(["ticket", "show", "99"]));
    assert!(!out.status.success());
    assert!(stderr.contains("no ticket #99"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let (out, _, stderr) =
        run(helpdesk(dir.path()).args(["ticket", "show", "1", "--tenant", "T-nope"]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("no tenant") && stderr.contains("T-acme"),
        "{stderr}"
    );
}

#[test]
fn bad_input_is_a_clear_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("helpdesk.toml"),
        "[log]\nformat = \"loud\"\n",
    )
    .unwrap();
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["config", "check"]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("log.format") && stderr.contains("pretty"),
        "{stderr}"
    );

    let other = tempfile::tempdir().unwrap();
    let (out, _, stderr) = run(helpdesk(other.path())
        .arg("migrate")
        .env("HELPDESK_DATABASE_URL", "/nonexistent/dir/helpdesk.db"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("/nonexistent/dir") && stderr.contains("does not exist"),
        "{stderr}"
    );

    let (out, _, stderr) = run(helpdesk(other.path()).args(["ticket", "show", "abc"]));
    assert_eq!(out.status.code(), Some(2), "usage error");
    assert!(stderr.contains("not a ticket number"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn config_check_masks_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .args(["config", "check"])
        .env("HELPDESK_SLACK_BOT_TOKEN", "xoxb-top-secret")
        .env(
            "HELPDESK_DATABASE_URL",
            "postgres://bot:hunter2@db/helpdesk",
        ));
    assert!(out.status.success(), "{stderr}");
    assert!(
        !stdout.contains("xoxb-top-secret") && !stdout.contains("hunter2"),
        "{stdout}"
    );
    assert!(stdout.contains("HELPDESK_SLACK_BOT_TOKEN"), "{stdout}");
}

#[test]
fn config_check_refuses_an_empty_signing_secret_file_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("slack-signing-secret");
    std::fs::write(&secret, "\n").unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .args(["config", "check"])
        .env("HELPDESK_SLACK_BOT_TOKEN", "xoxb-top-secret")
        .env("HELPDESK_SLACK_SIGNING_SECRET_FILE", &secret));
    assert!(
        !out.status.success(),
        "an empty secret is refused: {stdout}"
    );
    assert!(
        stderr.contains(secret.to_str().unwrap()) && stderr.contains("empty"),
        "{stderr}"
    );
    let (out, _, stderr) = run(helpdesk(dir.path())
        .args(["config", "check"])
        .env("HELPDESK_SLACK_BOT_TOKEN", "xoxb-top-secret")
        .env("HELPDESK_SLACK_SIGNING_SECRET", "   "));
    assert!(!out.status.success());
    assert!(
        stderr.contains("HELPDESK_SLACK_SIGNING_SECRET") && stderr.contains("empty"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The issue's attack, end to end: with an empty signing-secret file the bot used to start and
/// accept any request signed with the empty key. Now it does not start at all.
#[tokio::test]
async fn a_request_signed_with_an_empty_key_finds_no_bot_listening() {
    let fake = common::fake_slack::FakeSlack::start(&[], &[]).await;
    let dir = tempfile::tempdir().unwrap();
    let secret = dir.path().join("slack-signing-secret");
    std::fs::write(&secret, "").unwrap();
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut child = helpdesk(dir.path())
        .args(["run", "--log-format", "json"])
        .env("HELPDESK_HTTP_LISTEN", addr.to_string())
        .env("HELPDESK_SLACK_API_URL", &fake.api_url)
        .env("HELPDESK_SLACK_BOT_TOKEN", "xoxb-empty-key-bot-token")
        .env("HELPDESK_SLACK_SIGNING_SECRET_FILE", &secret)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    // Until it exits, or says it listens.
    let lines = tokio::task::spawn_blocking(move || {
        let mut seen = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let ready = line.contains("ready: HTTP server listening");
            seen.push(line);
            if ready {
                break;
            }
        }
        seen
    });
    let lines = common::fake_slack::patiently("the bot to exit or listen", lines)
        .await
        .unwrap();
    if lines
        .iter()
        .any(|l| l.contains("ready: HTTP server listening"))
    {
        let body = r#"{"type":"url_verification","token":"x","challenge":"empty-key"}"#;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
            .to_string();
        let signature = helpdesk_slack::signature::sign("", &now, body.as_bytes());
        let headers = [
            ("X-Slack-Request-Timestamp", now.as_str()),
            ("X-Slack-Signature", signature.as_str()),
        ];
        let answer =
            common::fake_slack::try_post(addr, "/slack/events", "application/json", &headers, body)
                .await;
        let _ = child.kill();
        let _ = child.wait();
        panic!(
            "the bot started with an empty signing secret; signed with the empty key: {answer:?}"
        );
    }
    let status = child.wait().unwrap();
    let said = lines.join("\n");
    assert!(!status.success(), "it refuses to start: {said}");
    assert!(
        said.contains(secret.to_str().unwrap()) && said.contains("empty"),
        "the error names the file: {said}"
    );
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "nothing listens on {addr}"
    );
}

#[test]
fn config_check_says_which_platforms_are_enabled_and_warns_about_tenants() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .args(["config", "check"])
        .env("HELPDESK_SLACK_BOT_TOKEN", "xoxb-top-secret")
        .env("HELPDESK_SLACK_APP_TOKEN", "xapp-top-secret")
        .env("HELPDESK_DISCORD_TOKEN", "discord-top-secret")
        .env("HELPDESK_DISCORD_PUBLIC_KEY", "ab12"));
    assert!(
        out.status.success(),
        "warnings do not fail the check: {stderr}"
    );
    assert!(
        stdout.contains("# slack: enabled (Socket Mode)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("# discord: enabled (gateway and HTTP interactions"),
        "{stdout}"
    );
    assert!(
        stderr.contains("warning: no [[tenants]] block is configured")
            && stderr.contains("nothing will be served"),
        "{stderr}"
    );

    let config = dir.path().join("helpdesk.toml");
    std::fs::write(
        &config,
        "accept_unconfigured_tenants = true\n\n[[tenants]]\nplatform = \"slack\"\nid = \"T1\"\n",
    )
    .unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .args(["config", "check"])
        .env("HELPDESK_SLACK_BOT_TOKEN", "xoxb-top-secret")
        .env("HELPDESK_SLACK_SIGNING_SECRET", "signing-top-secret"));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("# slack: enabled (HTTP Events API"),
        "{stdout}"
    );
    assert!(stdout.contains("# discord: not enabled"), "{stdout}");
    assert!(stdout.contains("# tenants: 1 configured"), "{stdout}");
    assert!(
        stderr.contains("warning: accept_unconfigured_tenants = true"),
        "{stderr}"
    );
    assert!(!stderr.contains("no [[tenants]]"), "{stderr}");

    std::fs::remove_file(&config).unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["config", "check"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("# slack: not enabled") && stdout.contains("# discord: not enabled"),
        "{stdout}"
    );
    assert!(stderr.contains("no chat platform is enabled"), "{stderr}");
}

#[test]
fn run_serves_health_and_readiness_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = helpdesk(dir.path())
        .args(["run", "--log-format", "json"])
        .env("HELPDESK_HTTP_LISTEN", "127.0.0.1:0")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("the bot logs until it listens")
            .unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).expect("JSON log lines");
        seen.push(event.clone());
        if let Some(addr) = event["addr"].as_str() {
            break addr.to_string();
        }
    };
    assert!(
        seen.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("no chat platform is configured"))),
        "says which platforms are configured: {seen:?}"
    );
    for (path, expected) in [("/healthz", "ok"), ("/readyz", "ready")] {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{path}: {response}");
        assert!(
            response.ends_with(&format!("{expected}\n")),
            "{path}: {response}"
        );
    }
    // The container health check: the binary asks its own server.
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .arg("health")
        .env("HELPDESK_HTTP_LISTEN", &addr));
    assert!(out.status.success(), "{stdout}{stderr}");
    assert!(stdout.contains("/readyz: ok"), "{stdout}");
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "exit 0 after SIGTERM, got {status}");
    let (out, _, stderr) = run(helpdesk(dir.path())
        .arg("health")
        .env("HELPDESK_HTTP_LISTEN", &addr));
    assert!(!out.status.success(), "a stopped bot is not healthy");
    assert!(stderr.contains("cannot reach"), "{stderr}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(
        rest.iter().any(|l| l.contains("SIGTERM received")),
        "{rest:?}"
    );
}

#[tokio::test]
async fn dead_outbox_items_are_listed_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("helpdesk.db");
    let store = Store::open(&ConnectOptions::new(db.to_string_lossy()))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let acme = tx
        .ensure_tenant(Platform::new("slack"), "T-acme", "Acme", now())
        .await
        .unwrap();
    let action = helpdesk_chat::ChatAction::Post {
        channel: "C-gone".into(),
        message: helpdesk_chat::RichMessage::text("card"),
        key: None,
    };
    let id = tx.enqueue(acme, None, &action, now()).await.unwrap();
    tx.commit().await.unwrap();
    let claimed = store
        .claim_outbox(now(), now() + chrono::Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(claimed[0].item.id, id);
    assert!(store
        .mark_failed(&claimed[0], "channel_not_found", None, now())
        .await
        .unwrap());
    store.close().await;

    let (out, stdout, stderr) =
        run(helpdesk(dir.path()).args(["outbox", "list", "--state", "dead"]));
    assert!(out.status.success(), "{stderr}");
    assert!(
        stdout.contains("dead") && stdout.contains("channel_not_found"),
        "{stdout}"
    );

    let (out, _, stderr) = run(helpdesk(dir.path()).args(["outbox", "retry", "999"]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("999") && stderr.contains("not dead"),
        "{stderr}"
    );

    let (out, stdout, _) = run(helpdesk(dir.path()).args(["outbox", "retry", "--all"]));
    assert!(out.status.success());
    assert!(stdout.contains("1 item(s) back in the queue"), "{stdout}");

    let (out, stdout, _) = run(helpdesk(dir.path()).args(["outbox", "list", "--json"]));
    assert!(out.status.success());
    let items: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(items[0]["state"], "pending");
    assert_eq!(items[0]["attempts"], 0);
    assert_eq!(items[0]["action"]["channel"], "C-gone");

    let (out, _, stderr) = run(helpdesk(dir.path()).args(["outbox", "list", "--state", "lost"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr.contains("expected pending, sent or dead"),
        "{stderr}"
    );
}

#[test]
fn demo_plays_the_whole_conversation_in_each_language() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path()).arg("demo"));
    assert!(out.status.success(), "{stderr}");
    for expected in [
        "[pings @l1-agents]",
        "[pings @l2-agents]",
        "[pings @network-team]",
        "Ticket #1 is open",
        "[This solved it] [I still need help]",
        "Did this solve it?",
        "Ticket #1 is closed",
        "reacts :lock: to msg-nina",
    ] {
        assert!(
            stdout.contains(expected),
            "the demo shows {expected:?}:\n{stdout}"
        );
    }
    // What the bot shows in #help: the indented lines under each "bot ▸ #help" line.
    let to_requester: Vec<&str> = stdout
        .split("bot ▸ ")
        .filter(|block| block.starts_with("#help"))
        .flat_map(|block| {
            block
                .lines()
                .skip(1)
                .take_while(|l| l.starts_with("        "))
        })
        .collect();
    assert!(to_requester
        .iter()
        .any(|l| l.contains("Rolled the VPN gateway back")));
    assert!(
        !to_requester.iter().any(|l| l.contains("firmware bug")),
        "L3's internal message never reaches the requester"
    );
    assert!(
        !dir.path().join("helpdesk.db").exists(),
        "the demo leaves no database behind"
    );
    // Every language: the whole demo in it, with the line that joins the open ticket, the
    // knowledge base's chance before L1 is paged, and the rating click.
    let english = stdout.clone();
    for (code, lang, opened) in [
        ("en", Language::En, "Ticket #1 is open"),
        ("it", Language::It, "Il ticket #1 è aperto"),
        ("pl", Language::Pl, "Zgłoszenie #1 zostało otwarte"),
    ] {
        let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["demo", "--language", code]));
        assert!(out.status.success(), "{stderr}");
        let t = |msg: Msg| i18n::text(lang, msg, &[("number", Arg::text("#1"))]);
        for shown in [
            opened.to_string(),
            t(Msg::JoinedOpenTicket),
            t(Msg::DemoStepAgain),
            t(Msg::DemoStepRate),
            t(Msg::FeedbackThanks),
            t(Msg::DemoArticleVpnTitle),
            t(Msg::DemoLineResolve),
        ] {
            assert!(
                stdout.contains(&shown),
                "{code}: the demo shows {shown:?}:\n{stdout}"
            );
        }
        // Knowledge first: the card's first post in #support-l1 pings nobody.
        let card = stdout
            .split("bot ▸ ")
            .find(|block| block.starts_with("#support-l1 "))
            .expect("the card is posted");
        assert!(
            !card.contains("[pings") && !card.contains("@l1-agents"),
            "{card}"
        );
        if lang != Language::En {
            for english_only in [
                "writes:",
                "clicks",
                "Mario writes",
                "VPN error 809 when connecting",
                "Rolled the VPN gateway back",
                "Channels of the example tenant",
            ] {
                assert!(english.contains(english_only));
                assert!(
                    !stdout.contains(english_only),
                    "{code}: {english_only:?} in\n{stdout}"
                );
            }
        }
    }
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["demo", "--language", "klingon"]));
    assert!(!out.status.success());
    assert!(stderr.contains("en, it or pl"), "{stderr}");
}

#[test]
fn kb_import_updates_by_id_and_export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("articles.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\":\"vpn-809\",\"title\":\"VPN error 809\",\"body\":\"Restart the client.\"}\n\
         {\"id\":\"printer\",\"title\":\"Printer jammed\",\"body\":\"Open **tray 2**.\"}\n",
    )
    .unwrap();
    let import = |args: &[&str]| {
        let (out, stdout, stderr) = run(helpdesk(dir.path()).args(["kb", "import"]).args(args));
        assert!(out.status.success(), "{stderr}");
        stdout
    };
    let jsonl_arg = jsonl.to_string_lossy().into_owned();
    assert!(import(&["--jsonl", &jsonl_arg]).contains("2 created, 0 updated, 0 unchanged"));
    assert!(import(&["--jsonl", &jsonl_arg]).contains("0 created, 0 updated, 2 unchanged"));

    let (out, stdout, _) = run(helpdesk(dir.path()).args(["kb", "export", "out"]));
    assert!(out.status.success());
    assert!(stdout.contains("2 articles"), "{stdout}");
    let exported = std::fs::read_to_string(dir.path().join("out/printer.md")).unwrap();
    assert!(exported.contains("title: Printer jammed\n") && exported.contains("Open **tray 2**."));
    std::fs::write(
        dir.path().join("out/printer.md"),
        exported.replace("tray 2", "tray 3"),
    )
    .unwrap();
    assert!(import(&["out"]).contains("0 created, 1 updated, 1 unchanged"));

    let (out, stdout, _) = run(helpdesk(dir.path()).args(["kb", "search", "printer jammed again"]));
    assert!(out.status.success());
    assert!(
        stdout.lines().next().unwrap().starts_with("printer"),
        "{stdout}"
    );
    let (out, stdout, _) = run(helpdesk(dir.path()).args(["kb", "search", "🙂 \"*:(\""]));
    assert!(out.status.success());
    assert!(stdout.contains("nothing found"), "{stdout}");

    std::fs::write(
        &jsonl,
        "{\"id\":\"bad id!\",\"title\":\"x\",\"body\":\"y\"}\n",
    )
    .unwrap();
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["kb", "import", "--jsonl", &jsonl_arg]));
    assert!(!out.status.success());
    assert!(stderr.contains(":1") && stderr.contains("id"), "{stderr}");
}

#[test]
fn kb_eval_prints_the_measures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("a.jsonl"),
        "{\"id\":\"a1\",\"title\":\"Reset a password\",\"body\":\"Use the portal.\"}\n\
         {\"id\":\"a2\",\"title\":\"Printer jammed\",\"body\":\"Open tray 2.\"}\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("q.jsonl"),
        "{\"id\":\"q1\",\"text\":\"forgot my password\",\"article\":\"a1\"}\n\
         {\"id\":\"q2\",\"text\":\"paper stuck in the printer\",\"article\":\"a2\"}\n",
    )
    .unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args([
        "kb",
        "eval",
        "--articles",
        "a.jsonl",
        "--queries",
        "q.jsonl",
        "--json",
    ]));
    assert!(out.status.success(), "{stderr}");
    let r: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(r["queries"], 2);
    assert_eq!(r["p_at_1"], 1.0);
    assert_eq!(r["mrr_at_10"], 1.0);
}

#[tokio::test]
async fn ticket_export_writes_transcripts_with_internal_notes_marked_and_html_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("helpdesk.db");
    let store = Store::open(&ConnectOptions::new(db.to_string_lossy()))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let acme = tx
        .ensure_tenant(Platform::new("slack"), "T-acme", "Acme", now())
        .await
        .unwrap();
    let t = tx
        .create_ticket(new_ticket(acme, "<script>alert(1)</script>"), now())
        .await
        .unwrap();
    for (author, kind) in [
        (
            "Mario",
            LogKind::RequesterMessage {
                text: "it <b>broke</b>".into(),
            },
        ),
        (
            "Ada",
            LogKind::InternalNote {
                text: "call facilities".into(),
            },
        ),
        (
            "Ada",
            LogKind::AgentReply {
                text: "on my way".into(),
            },
        ),
        (
            "Mario",
            LogKind::Attachment {
                name: "photo <1>.png".into(),
                url: "https://files.example/F1".into(),
                size: Some(1_258_291),
                internal: false,
            },
        ),
        (
            "Ada",
            LogKind::Attachment {
                name: "wiring.pdf".into(),
                url: "javascript:alert(1)".into(),
                size: None,
                internal: true,
            },
        ),
    ] {
        let entry = LogEntry {
            at: now(),
            author: Author::Person(Person::new("U1", author)),
            kind,
        };
        tx.append_log(t.id, &entry).await.unwrap();
    }
    tx.commit().await.unwrap();
    store.close().await;

    let export = |format: &str| {
        let (out, stdout, stderr) =
            run(helpdesk(dir.path()).args(["ticket", "export", "1", "--format", format]));
        assert!(out.status.success(), "{stderr}");
        stdout
    };
    let md = export("md");
    assert!(md.contains("# Ticket #1"), "{md}");
    assert!(
        md.contains("Ada *(internal)*") && md.contains("> call facilities"),
        "{md}"
    );
    assert!(md.contains("> on my way"));
    let listed = md.split("## Attachments").nth(1).unwrap();
    assert!(
        listed.contains("- photo <1>.png (1.2 MB) <https://files.example/F1>\n"),
        "{md}"
    );
    assert!(listed.contains("- wiring.pdf <javascript:alert(1)> *(internal)*"));

    let html = export("html");
    assert!(!html.contains("<script>alert"), "the title is escaped");
    assert!(html.contains("&lt;script&gt;") && html.contains("it &lt;b&gt;broke&lt;/b&gt;"));
    assert!(html.contains("class=\"entry internal\""));
    assert!(html.contains("<a href=\"https://files.example/F1\">photo &lt;1&gt;.png (1.2 MB)</a>"));
    assert!(
        !html.contains("href=\"javascript"),
        "only web links become links"
    );
    assert!(html.contains("wiring.pdf (javascript:alert(1)) (internal)"));

    let json: serde_json::Value = serde_json::from_str(&export("json")).unwrap();
    let internal: Vec<bool> = json["log"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["internal"].as_bool().unwrap())
        .collect();
    assert_eq!(internal, [false, true, false, false, true]);
    let files: Vec<(&str, bool)> = json["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["name"].as_str().unwrap(),
                f["internal"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(files, [("photo <1>.png", false), ("wiring.pdf", true)]);

    let (out, _, stderr) = run(helpdesk(dir.path()).args(["ticket", "export", "9"]));
    assert!(!out.status.success());
    assert!(stderr.contains("no ticket #9"), "{stderr}");
}

#[test]
fn discord_invite_url_has_the_exact_permissions_and_reads_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let (out, stdout, stderr) = run(helpdesk(dir.path()).args([
        "discord",
        "invite-url",
        "--application-id",
        "42",
        "--guild",
        "7",
    ]));
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stdout.trim(),
        "https://discord.com/oauth2/authorize?client_id=42&scope=bot%20applications.commands\
         &permissions=395137109056&guild_id=7&disable_guild_select=true"
    );
    assert!(stderr.contains("asks to"), "each permission is explained");

    let token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GhIjKl.not-a-real-secret";
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .args(["discord", "invite-url"])
        .env("HELPDESK_DISCORD_TOKEN", token));
    assert!(out.status.success(), "{stderr}");
    assert!(stdout.contains("client_id=123456789012345678&"), "{stdout}");
    assert!(!stdout.contains(token) && !stderr.contains(token));

    let (out, _, stderr) = run(helpdesk(dir.path()).args(["discord", "invite-url"]));
    assert!(!out.status.success());
    assert!(stderr.contains("--application-id"), "{stderr}");
}

#[test]
fn kb_commands_take_a_tenant_and_history_shows_every_revision() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("helpdesk.toml"),
        "[[tenants]]\nplatform = \"slack\"\nid = \"T123\"\nname = \"Acme\"\n",
    )
    .unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "shared.jsonl",
        "{\"id\":\"vpn-809\",\"title\":\"VPN error 809\",\"body\":\"Restart the VPN client.\"}\n",
    );
    write(
        "acme.jsonl",
        "{\"id\":\"vpn-809\",\"title\":\"VPN error 809 at Acme\",\"body\":\"Call extension 4455.\"}\n",
    );
    let kb = |args: &[&str]| {
        let (out, stdout, stderr) = run(helpdesk(dir.path()).arg("kb").args(args));
        assert!(out.status.success(), "{args:?}: {stderr}");
        stdout
    };
    assert!(kb(&["import", "--jsonl", "shared.jsonl"]).contains("shared: 1 created"));
    let acme = ["--tenant", "slack:T123"];
    assert!(kb(&["import", "--jsonl", "acme.jsonl", acme[0], acme[1]]).contains("1 created"));

    // Each reads its own first; the installation reads only the shared one.
    let found = kb(&["search", "vpn error 809", acme[0], acme[1]]);
    assert_eq!(
        found.lines().count(),
        1,
        "the tenant's article stands in: {found}"
    );
    assert!(found.contains("VPN error 809 at Acme"), "{found}");
    let found = kb(&["search", "vpn error 809"]);
    assert!(!found.contains("Acme"), "{found}");

    write(
        "acme.jsonl",
        "{\"id\":\"vpn-809\",\"title\":\"VPN error 809 at Acme\",\"body\":\"Call extension 4456.\"}\n",
    );
    assert!(kb(&["import", "--jsonl", "acme.jsonl", acme[0], acme[1]]).contains("1 updated"));
    let history = kb(&["history", "vpn-809", acme[0], acme[1]]);
    assert!(history.contains("2 revision(s), now r2"), "{history}");
    assert!(
        history.contains("r1") && history.contains("import"),
        "{history}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&kb(&["history", "vpn-809", "--json", acme[0], acme[1]])).unwrap();
    assert_eq!(
        json[0]["body"], "Call extension 4455.",
        "the old text is kept"
    );
    assert_eq!(json[1]["body"], "Call extension 4456.");
    let shared: serde_json::Value =
        serde_json::from_str(&kb(&["history", "vpn-809", "--json"])).unwrap();
    assert_eq!(shared.as_array().unwrap().len(), 1);

    assert!(kb(&["export", "out", acme[0], acme[1]]).contains("1 articles"));
    let exported = std::fs::read_to_string(dir.path().join("out/vpn-809.md")).unwrap();
    assert!(exported.contains("4456"), "{exported}");

    write(
        "q.jsonl",
        "{\"id\":\"q1\",\"text\":\"vpn error 809 at acme\",\"article\":\"vpn-809\"}\n",
    );
    let r: serde_json::Value = serde_json::from_str(&kb(&[
        "eval",
        "--queries",
        "q.jsonl",
        "--json",
        acme[0],
        acme[1],
    ]))
    .unwrap();
    assert_eq!(r["p_at_1"], 1.0);

    let (out, _, stderr) = run(helpdesk(dir.path()).args([
        "kb",
        "import",
        "--jsonl",
        "acme.jsonl",
        "--tenant",
        "slack:T999",
    ]));
    assert!(!out.status.success());
    assert!(stderr.contains("no tenant slack:T999"), "{stderr}");
    let (out, _, stderr) =
        run(helpdesk(dir.path()).args(["kb", "search", "x", "--tenant", "T123"]));
    assert_eq!(out.status.code(), Some(2), "usage error: {stderr}");
    assert!(stderr.contains("PLATFORM:ID"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_is_read_by_tenant_actor_ticket_and_time() {
    use common::chat::{ada, boss, command, mario, message, send};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("helpdesk.db");
    let store = Store::open(&ConnectOptions::new(db.to_string_lossy()))
        .await
        .unwrap();
    let sb =
        helpdesk::sandbox::Sandbox::new(store.clone(), common::chat::one_ticket_per_line(), now());
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("my VPN is down", "m-1"),
    )
    .await;
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("printer jammed", "m-2"),
    )
    .await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(&sb, &boss(), "support-l1", None, command("show #2")).await;
    store.close().await;

    let json = |args: &[&str]| {
        let (out, stdout, stderr) = run(helpdesk(dir.path()).arg("audit").args(args).arg("--json"));
        assert!(out.status.success(), "{args:?}: {stderr}");
        serde_json::from_str::<Vec<serde_json::Value>>(&stdout).unwrap()
    };
    let all = json(&[]);
    let actions: Vec<&str> = all.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["show", "claim", "open", "open"], "newest first");
    let by_ada = json(&["--actor", "U-ada"]);
    assert_eq!(by_ada.len(), 1);
    assert_eq!(
        (by_ada[0]["action"].as_str(), by_ada[0]["target"].as_str()),
        (Some("claim"), Some("#1"))
    );
    let on_two = json(&["--ticket", "2"]);
    let who: Vec<&str> = on_two
        .iter()
        .map(|e| e["actor"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(who, ["U-boss", "U-mario"], "the manager's read is there");
    assert!(json(&["--tenant", "acme", "--since", "1h"]).len() == 4);
    assert!(json(&["--since", "2099-01-01"]).is_empty());
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["audit", "--tenant", "nobody"]));
    assert!(!out.status.success());
    assert!(stderr.contains("no tenant \"nobody\""), "{stderr}");
    let (out, table, _) = run(helpdesk(dir.path()).args(["audit", "--limit", "2"]));
    assert!(out.status.success());
    assert_eq!(table.lines().count(), 3, "a header and two rows: {table}");
    assert!(
        table.contains("Grace (U-boss)") && table.contains("show"),
        "{table}"
    );
}

#[test]
fn config_check_masks_url_passwords_and_refuses_channel_names_once() {
    let dir = tempfile::tempdir().unwrap();
    let url = "postgres://bot:hunter2@127.0.0.1:1/helpdesk?sslmode=disable&password=hunter3\
               &sslpassword=hunter4";
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .args(["config", "check"])
        .env("HELPDESK_DATABASE_URL", url));
    assert!(out.status.success(), "{stderr}");
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(!stdout.contains(secret), "{secret} printed: {stdout}");
    }
    assert!(stdout.contains("password=***"), "{stdout}");

    // The start log and the connection error never show it either.
    let (out, stdout, stderr) = run(helpdesk(dir.path())
        .arg("run")
        .env("HELPDESK_DATABASE_URL", url)
        .env("HELPDESK_DATABASE_CONNECT_RETRY_SECONDS", "0"));
    assert!(!out.status.success());
    assert!(
        stderr.contains("127.0.0.1:1"),
        "the error names the server: {stderr}"
    );
    assert_eq!(
        stderr.matches("cannot open the database").count(),
        1,
        "said once: {stderr}"
    );
    for secret in ["hunter2", "hunter3", "hunter4"] {
        assert!(
            !stderr.contains(secret) && !stdout.contains(secret),
            "{secret} printed: {stdout}{stderr}"
        );
    }

    std::fs::write(
        dir.path().join("helpdesk.toml"),
        "[[tenants]]\nplatform = \"slack\"\nid = \"T0ACME\"\nintake_channels = [\"#help desk\"]\n",
    )
    .unwrap();
    let (out, _, stderr) = run(helpdesk(dir.path()).args(["config", "check"]));
    assert!(!out.status.success());
    assert!(
        stderr.contains("tenants[0].intake_channels[0]") && stderr.contains("C0123ABCD"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("tenants[0]").count(),
        1,
        "said once: {stderr}"
    );
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
}
