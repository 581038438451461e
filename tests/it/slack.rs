//! Slack end to end: the `helpdesk` binary, with its real slack-morphism client, against a fake
//! Slack on 127.0.0.1 — once over Socket Mode, once over signed HTTP.
//!
//! slash command → ticket → card in L1 → Claim → Escalate modal → card in L2 with the group
//! pinged → replies relayed both ways → Resolve modal → the requester clicks Yes → closed.

use crate::common;

use common::bot::Bot;
use common::fake_slack::FakeSlack;
use helpdesk::desk::keys::{TicketForm, Widget};
use helpdesk::domain::{Status, TicketNumber};
use helpdesk::i18n::{text, Arg, Language, Msg};
use helpdesk::store::{ConnectOptions, Store};
use serde_json::{json, Value};
use std::net::SocketAddr;

const TEAM: &str = "T1";
const BOT_TOKEN: &str = "xoxb-e2e-bot-token-0123456789";
const APP_TOKEN: &str = "xapp-e2e-app-token-0123456789";
const SIGNING_SECRET: &str = "e2e-signing-secret-0123456789";
const MARIO: &str = "UMARIO";
const ADA: &str = "UADA";
const BRUNO: &str = "UBRUNO";
const LUISA: &str = "ULUISA";

const TENANT: &str = r#"
[[tenants]]
platform = "slack"
id = "T1"
name = "E2E"
intake_channels = ["CHELP"]
managers_channel = "CMANAGERS"
manager_groups = ["SMANAGERS"]

[tenants.levels.l1]
channel = "CL1"
group = "SL1"
budget = "none"

[tenants.levels.l2]
channel = "CL2"
group = "SL2"
budget = "none"

[tenants.levels.l3]
channel = "CL3"
group = "SL3"
budget = "none"
"#;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Socket,
    Http,
}

/// How the test plays Slack towards the bot.
struct Slack {
    fake: FakeSlack,
    mode: Mode,
    bot: SocketAddr,
    n: u64,
}

impl Slack {
    fn next(&mut self, what: &str) -> String {
        self.n += 1;
        format!("{what}-{}", self.n)
    }

    /// Delivers a payload the way the mode does, and checks Slack got its acknowledgement.
    async fn deliver(&mut self, kind: &str, payload: Value) {
        match self.mode {
            Mode::Socket => {
                let ack = self.fake.envelope(kind, payload).await;
                assert!(ack["envelope_id"].is_string(), "{ack}");
            }
            Mode::Http => {
                let (path, content_type, body) = match kind {
                    "events_api" => ("/slack/events", "application/json", payload.to_string()),
                    "slash_commands" => {
                        let form: Vec<(String, String)> = payload
                            .as_object()
                            .unwrap()
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect();
                        let body = form_urlencoded::Serializer::new(String::new())
                            .extend_pairs(form)
                            .finish();
                        ("/slack/commands", "application/x-www-form-urlencoded", body)
                    }
                    _ => {
                        let body = form_urlencoded::Serializer::new(String::new())
                            .append_pair("payload", &payload.to_string())
                            .finish();
                        (
                            "/slack/interactivity",
                            "application/x-www-form-urlencoded",
                            body,
                        )
                    }
                };
                let (status, answer) = signed_post(self.bot, path, content_type, &body).await;
                assert_eq!(status, 200, "{path}: {answer}");
            }
        }
    }

    async fn command(&mut self, user: &str, channel: &str, text: &str) {
        let trigger = self.next("trigger");
        let payload = json!({
            "token": "x", "team_id": TEAM, "team_domain": "e2e", "channel_id": channel,
            "channel_name": "c", "user_id": user, "user_name": user, "command": "/ticket",
            "text": text, "api_app_id": "A1", "response_url": "https://hooks.example/x",
            "trigger_id": trigger,
        });
        self.deliver("slash_commands", payload).await;
    }

    async fn message(&mut self, user: &str, channel: &str, thread: Option<&str>, text: &str) {
        let kind = if channel.starts_with('D') {
            "im"
        } else {
            "channel"
        };
        let ts = format!("1800000000.{:06}", self.n + 1);
        let mut event = json!({
            "type": "message", "channel": channel, "user": user, "text": text, "ts": ts,
            "event_ts": ts, "channel_type": kind,
        });
        if let Some(t) = thread {
            event["thread_ts"] = json!(t);
        }
        self.event(event).await;
    }

    async fn event(&mut self, event: Value) {
        let id = self.next("Ev");
        let payload = json!({
            "token": "x", "team_id": TEAM, "api_app_id": "A1", "event": event,
            "type": "event_callback", "event_id": id, "event_time": 1800000000,
        });
        self.deliver("events_api", payload).await;
    }

    /// The person opens the bot's Home tab; returns the published view.
    async fn home(&mut self, user: &str) -> Value {
        let before = self
            .fake
            .calls()
            .iter()
            .filter(|c| c.method == "views.publish")
            .count();
        self.event(json!({ "type": "app_home_opened", "user": user, "channel": format!("D{user}"), "tab": "home" }))
            .await;
        let published = self.fake.nth("views.publish", before + 1).await;
        assert_eq!(published["user_id"], user);
        published["view"].clone()
    }

    /// "Create ticket" on a message someone wrote.
    async fn shortcut(&mut self, user: &str, channel: &str, ts: &str, author: &str, text: &str) {
        let trigger = self.next("trigger");
        let payload = json!({
            "type": "message_action", "callback_id": "create_ticket", "trigger_id": trigger,
            "team": { "id": TEAM, "domain": "e2e" }, "user": { "id": user, "username": user },
            "channel": { "id": channel, "name": "c" }, "response_url": "https://hooks.example/x",
            "message": { "type": "message", "user": author, "text": text, "ts": ts },
        });
        self.deliver("interactive", payload).await;
    }

    /// Clicks the first button whose widget is `wanted` on the posted message `posted` (a
    /// `chat.postMessage` body, with the `ts` Slack gave it); returns the trigger id.
    async fn click(
        &mut self,
        user: &str,
        posted: &Value,
        ts: &str,
        wanted: fn(&Widget) -> bool,
    ) -> String {
        let button = buttons(posted)
            .into_iter()
            .find(|b| widget(b).as_ref().is_some_and(wanted))
            .unwrap_or_else(|| panic!("no such button on {posted}"));
        let trigger = self.next("trigger");
        let channel = posted["channel"].as_str().unwrap();
        let mut message = json!({ "type": "message", "ts": ts, "text": "card" });
        if let Some(t) = posted["thread_ts"].as_str() {
            message["thread_ts"] = json!(t);
        }
        let payload = json!({
            "type": "block_actions",
            "team": { "id": TEAM, "domain": "e2e" },
            "user": { "id": user, "username": user, "team_id": TEAM },
            "api_app_id": "A1",
            "container": { "type": "message", "message_ts": ts, "channel_id": channel, "is_ephemeral": false },
            "trigger_id": trigger,
            "channel": { "id": channel, "name": "c" },
            "message": message,
            "actions": [{
                "type": "button", "action_id": button["action_id"], "block_id": "b",
                "value": button["value"], "action_ts": "1800000000.1",
            }],
        });
        self.deliver("interactive", payload).await;
        trigger
    }

    /// Submits the modal opened with `trigger`, with these values per block.
    async fn submit(&mut self, user: &str, trigger: &str, values: &[(&str, &str)]) {
        let opened = self
            .fake
            .wait_for("the modal to open", |calls| {
                calls
                    .iter()
                    .find(|c| c.method == "views.open" && c.body["trigger_id"] == trigger)
                    .map(|c| c.body["view"].clone())
            })
            .await;
        let mut state = serde_json::Map::new();
        for block in opened["blocks"].as_array().unwrap() {
            let id = block["block_id"].as_str().unwrap();
            let Some((_, value)) = values.iter().find(|(k, _)| *k == id) else {
                continue;
            };
            let entry = if block["element"]["type"] == "static_select" {
                json!({ "type": "static_select", "selected_option": {
                    "text": { "type": "plain_text", "text": value }, "value": value } })
            } else {
                json!({ "type": "plain_text_input", "value": value })
            };
            state.insert(id.to_string(), json!({ "value": entry }));
        }
        let mut view = opened.clone();
        view["id"] = json!(self.next("V"));
        view["team_id"] = json!(TEAM);
        view["hash"] = json!(self.next("hash"));
        view["state"] = json!({ "values": state });
        let payload = json!({
            "type": "view_submission",
            "team": { "id": TEAM, "domain": "e2e" },
            "user": { "id": user, "username": user, "team_id": TEAM },
            "api_app_id": "A1",
            "trigger_id": self.next("trigger"),
            "view": view,
        });
        self.deliver("interactive", payload).await;
    }
}

fn buttons(posted: &Value) -> Vec<Value> {
    posted["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .collect()
}

/// The desk's widget behind a rendered button (its action id without Slack's position).
fn widget(button: &Value) -> Option<Widget> {
    let id = button["action_id"].as_str()?;
    helpdesk_slack::render::desk_action(id).parse().ok()
}

fn text_of(posted: &Value) -> String {
    posted.to_string()
}

/// The `ts` the fake gave the n-th (from 1) posted message matching `matches`.
async fn ts_of(fake: &FakeSlack, what: &str, matches: impl Fn(&Value) -> bool) -> (Value, String) {
    fake.wait_for(what, |calls| {
        calls
            .iter()
            .filter(|c| c.method == "chat.postMessage")
            .find(|c| c.ts.is_some() && matches(&c.body))
            .map(|c| (c.body.clone(), c.ts.clone().unwrap_or_default()))
    })
    .await
}

async fn signed_post(
    addr: SocketAddr,
    path: &str,
    content_type: &str,
    body: &str,
) -> (u16, String) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = helpdesk_slack::signature::sign(SIGNING_SECRET, &now, body.as_bytes());
    let headers = [
        ("X-Slack-Request-Timestamp", now.as_str()),
        ("X-Slack-Signature", signature.as_str()),
    ];
    common::fake_slack::raw_post(addr, path, content_type, &headers, body).await
}

async fn the_whole_desk_runs_on_slack(mode: Mode) {
    let fake = FakeSlack::start(
        &[("SL1", &[ADA]), ("SL2", &[BRUNO])],
        &[(MARIO, "Mario Rossi"), (ADA, "Ada"), (BRUNO, "Bruno")],
    )
    .await;
    let mut env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
    ];
    env.push(match mode {
        Mode::Socket => ("HELPDESK_SLACK_APP_TOKEN", APP_TOKEN.to_string()),
        Mode::Http => ("HELPDESK_SLACK_SIGNING_SECRET", SIGNING_SECRET.to_string()),
    });
    let bot = Bot::start(TENANT, None, &env).await;
    if mode == Mode::Socket {
        fake.connected(1).await;
    }
    let mut slack = Slack {
        fake: fake.clone(),
        mode,
        bot: bot.addr,
        n: 0,
    };

    // /ticket new in a public channel → the conversation goes to the requester's DM with the
    // bot (Slack threads are as public as their channel), the card in L1 pinging L1.
    slack
        .command(MARIO, "CGENERAL", "new VPN is down since this morning")
        .await;
    let (_, requester_ts) = ts_of(&fake, "the requester's message", |b| {
        b["channel"] == MARIO && b.get("thread_ts").is_none()
    })
    .await;
    // Slack answers a post to a user id from the DM's own channel: the conversation lives there.
    let dm = format!("D{}", &MARIO[1..]);
    let (card, card_ts) = ts_of(&fake, "the L1 card", |b| {
        b["channel"] == "CL1" && b.get("thread_ts").is_none()
    })
    .await;
    let card_text = text_of(&card);
    assert!(
        card_text.contains("<!subteam^SL1>"),
        "L1 is pinged: {card_text}"
    );
    assert!(card_text.contains("VPN is down since this morning"));
    assert!(
        card_text.contains("Mario Rossi"),
        "the name comes from users.info: {card_text}"
    );

    // Ada (in the L1 user group) claims: the card is updated in place.
    slack
        .click(ADA, &card, &card_ts, |w| matches!(w, Widget::Claim(_)))
        .await;
    let update = fake.nth("chat.update", 1).await;
    assert_eq!(
        (update["channel"].as_str(), update["ts"].as_str()),
        (Some("CL1"), Some(card_ts.as_str()))
    );
    assert!(text_of(&update).contains("Ada"), "{update}");

    // Escalate through the modal: the card goes to L2 and pings L2.
    let trigger = slack
        .click(ADA, &card, &card_ts, |w| {
            matches!(w, Widget::Open(TicketForm::Escalate, _))
        })
        .await;
    slack
        .submit(
            ADA,
            &trigger,
            &[("level", "L2"), ("reason", "needs the network team")],
        )
        .await;
    let (l2_card, l2_ts) = ts_of(&fake, "the L2 card", |b| {
        b["channel"] == "CL2" && b.get("thread_ts").is_none()
    })
    .await;
    assert!(text_of(&l2_card).contains("<!subteam^SL2>"), "{l2_card}");

    // The Home tab: Mario sees his request, Bruno his level's queue.
    let mario_home = slack.home(MARIO).await.to_string();
    assert!(
        mario_home.contains("Your requests (1)") && mario_home.contains("VPN is down"),
        "{mario_home}"
    );
    assert!(
        !mario_home.contains("Waiting in your queue"),
        "requesters see no queue"
    );
    let bruno_home = slack.home(BRUNO).await.to_string();
    assert!(
        bruno_home.contains("Waiting in your queue (1)"),
        "{bruno_home}"
    );

    // Assignment goes by the roles Slack reports now: Luisa, in no group, is refused; Bruno,
    // in the L2 group, is given the ticket.
    slack
        .command(BRUNO, "CL2", "assign #1 <@ULUISA|luisa>")
        .await;
    fake.wait_for("the refused assignment", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "chat.postEphemeral"
                    && c.body["user"] == BRUNO
                    && c.body.to_string().contains("cannot take ticket #1")
            })
            .then_some(())
    })
    .await;
    slack
        .command(BRUNO, "CL2", "assign #1 <@UBRUNO|bruno>")
        .await;
    fake.wait_for("the L2 card showing Bruno", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "chat.update"
                    && c.body["channel"] == "CL2"
                    && text_of(&c.body).contains("bruno")
            })
            .then_some(())
    })
    .await;

    // Replies go both ways: requester → agents' thread, agent → requester's thread.
    slack
        .message(
            MARIO,
            &dm,
            Some(&requester_ts),
            "it says <!channel> certificate expired",
        )
        .await;
    let relayed = fake
        .posted("the requester's reply in the L2 thread", |b| {
            b["channel"] == "CL2"
                && b["thread_ts"] == l2_ts.as_str()
                && b.to_string().contains("certificate expired")
        })
        .await;
    assert!(
        !text_of(&relayed).contains("<!channel>"),
        "user text pings nobody: {relayed}"
    );
    slack
        .message(BRUNO, "CL2", Some(&l2_ts), "please restart the VPN client")
        .await;
    fake.posted("the agent's reply in the requester's thread", |b| {
        b["channel"] == dm.as_str()
            && b["thread_ts"] == requester_ts.as_str()
            && b.to_string().contains("please restart the VPN client")
    })
    .await;

    // Bruno resolves through the modal; Mario confirms with Yes.
    let trigger = slack
        .click(BRUNO, &l2_card, &l2_ts, |w| {
            matches!(w, Widget::Open(TicketForm::Resolve, _))
        })
        .await;
    slack
        .submit(
            BRUNO,
            &trigger,
            &[("resolution", "restarted the VPN gateway")],
        )
        .await;
    let (question, question_ts) = ts_of(&fake, "the question to the requester", |b| {
        b["channel"] == dm.as_str()
            && b["thread_ts"] == requester_ts.as_str()
            && buttons(b)
                .iter()
                .any(|x| matches!(widget(x), Some(Widget::Confirm(..))))
    })
    .await;
    slack
        .click(MARIO, &question, &question_ts, |w| {
            matches!(w, Widget::Confirm(_, true))
        })
        .await;
    fake.wait_for("the card to show the ticket closed", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "chat.update"
                    && c.body["channel"] == "CL2"
                    && c.body.to_string().contains("Closed")
            })
            .then_some(())
    })
    .await;

    // Every other way in: a direct message, the 🎫 reaction, the message shortcut.
    slack
        .message(LUISA, "DLUISA", None, "my badge does not open door 3")
        .await;
    fake.posted("the card of the direct message", |b| {
        b["channel"] == "CL1" && b.to_string().contains("my badge does not open door 3")
    })
    .await;
    fake.remember(
        "CGENERAL",
        "1800000001.000001",
        LUISA,
        "the printer on floor 2 jams",
    );
    slack
        .event(json!({
            "type": "reaction_added", "user": ADA, "reaction": "ticket", "item_user": LUISA,
            "item": { "type": "message", "channel": "CGENERAL", "ts": "1800000001.000001" },
            "event_ts": "1800000001.000002",
        }))
        .await;
    fake.posted("the card of the reacted message", |b| {
        b["channel"] == "CL1" && b.to_string().contains("the printer on floor 2 jams")
    })
    .await;
    slack
        .shortcut(
            ADA,
            "CGENERAL",
            "1800000001.000003",
            LUISA,
            "projector shows no signal",
        )
        .await;
    fake.posted("the card of the shortcut's message", |b| {
        b["channel"] == "CL1" && b.to_string().contains("projector shows no signal")
    })
    .await;

    // 🎫 on a reply inside a thread: the ticket lives in that thread.
    fake.remember_reply(
        "CGENERAL",
        "1800000002.000001",
        "1800000002.000005",
        LUISA,
        "the wifi in room 9 drops",
    );
    slack
        .event(json!({
            "type": "reaction_added", "user": ADA, "reaction": "ticket", "item_user": LUISA,
            "item": { "type": "message", "channel": "CGENERAL", "ts": "1800000002.000005" },
            "event_ts": "1800000002.000006",
        }))
        .await;
    fake.posted("the answer in the reply's thread", |b| {
        b["channel"] == "CGENERAL" && b["thread_ts"] == "1800000002.000001"
    })
    .await;

    // Named where the desk takes no requests: the person hears privately how to reach it,
    // with a button for a ticket, and nothing is opened.
    slack
        .event(json!({
            "type": "app_mention", "user": LUISA, "text": "<@UBOT> who fixes the coffee machine?",
            "ts": "1800000003.000001", "channel": "CRANDOM", "event_ts": "1800000003.000001",
        }))
        .await;
    let help = fake
        .wait_for("the private help for the mention", |calls| {
            calls
                .iter()
                .find(|c| c.method == "chat.postEphemeral" && c.body["channel"] == "CRANDOM")
                .map(|c| c.body.clone())
        })
        .await;
    assert_eq!(help["user"], LUISA);
    assert!(
        buttons(&help)
            .iter()
            .any(|b| matches!(widget(b), Some(Widget::NewTicket))),
        "{help}"
    );
    let (logs, dir) = bot.stop().await;
    let store = Store::open(&ConnectOptions::new(
        dir.path().join("helpdesk.db").to_string_lossy(),
    ))
    .await
    .unwrap();
    if std::env::var("SHOW_CALLS").is_ok() {
        for c in fake.calls() {
            eprintln!("{} {}", c.method, c.body);
        }
    }
    let tenant = store.tenants().await.unwrap()[0].id;
    let ticket = store
        .ticket(tenant, TicketNumber(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.status, Status::Closed);
    assert_eq!(ticket.requester.id, MARIO);
    for n in 2..=5 {
        let t = store
            .ticket(tenant, TicketNumber(n))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.requester.id, LUISA, "ticket #{n} is Luisa's");
    }
    let sixth = store.ticket(tenant, TicketNumber(6)).await.unwrap();
    assert!(sixth.is_none(), "the mention opened no ticket");
    assert!(
        logs.len() > 100,
        "logged at every level: {} lines",
        logs.len()
    );
    for secret in [BOT_TOKEN, APP_TOKEN, SIGNING_SECRET] {
        assert!(
            !logs.iter().any(|l| l.contains(secret)),
            "a secret appears in the logs"
        );
    }
    // Every Web API call carried the workspace's bot token (the app token only opens sockets).
    for call in fake.calls() {
        let expected = if call.method == "apps.connections.open" {
            APP_TOKEN
        } else {
            BOT_TOKEN
        };
        assert_eq!(call.token, expected, "{}", call.method);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_desk_runs_on_slack_over_socket_mode() {
    the_whole_desk_runs_on_slack(Mode::Socket).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_desk_runs_on_slack_over_signed_http() {
    the_whole_desk_runs_on_slack(Mode::Http).await;
}

/// Files both ways on Slack: a screenshot the requester shares in their thread reaches the
/// agents' thread as a link to its permalink, labelled with its name and size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requesters_file_reaches_the_agents_thread_as_a_link_with_its_size() {
    let fake = FakeSlack::start(&[("SL1", &[ADA])], &[(MARIO, "Mario Rossi"), (ADA, "Ada")]).await;
    let (bot, mut slack) = over_http(&fake).await;
    slack
        .message(MARIO, "CHELP", None, "the VPN client shows an error")
        .await;
    let asked = "1800000000.000001";
    let (_, card_ts) = ts_of(&fake, "the L1 card", |b| {
        b["channel"] == "CL1" && b.get("thread_ts").is_none()
    })
    .await;

    // Mario shares a screenshot in his thread, as Slack sends a `file_share` message.
    let permalink = "https://e2e.slack.com/files/UMARIO/F0SHOT/error.png";
    slack
        .event(json!({
            "type": "message", "subtype": "file_share", "channel": "CHELP", "user": MARIO,
            "text": "this is what I see", "ts": "1800000000.000100", "thread_ts": asked,
            "channel_type": "channel",
            "files": [{
                "id": "F0SHOT", "name": "error.png", "title": "error.png", "size": 1_258_291,
                "mimetype": "image/png", "filetype": "png",
                "url_private": "https://files.slack.com/files-pri/T1-F0SHOT/error.png",
                "permalink": permalink,
            }],
        }))
        .await;
    let echo = fake
        .posted("the screenshot in the agents' thread", |b| {
            b["channel"] == "CL1"
                && b["thread_ts"] == card_ts.as_str()
                && b.to_string().contains("this is what I see")
        })
        .await;
    let link = format!("<{permalink}|error.png (1.2 MB)>");
    let sections: Vec<&str> = echo["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"]["text"].as_str())
        .collect();
    assert!(sections.contains(&link.as_str()), "{echo}");
    assert!(
        !echo.to_string().contains("files-pri"),
        "the permalink, not the private download: {echo}"
    );
    let (_, dir) = bot.stop().await;
    let (store, ticket) = common::bot::stored_ticket(&dir, 1).await;
    let log = store.log(ticket.id).await.unwrap();
    assert!(
        log.iter().any(|r| r.entry.kind
            == helpdesk::domain::LogKind::Attachment {
                name: "error.png".into(),
                url: permalink.into(),
                size: Some(1_258_291),
                internal: false,
            }),
        "the log keeps the file with its size"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_requester_the_bot_cannot_answer_in_the_channel_is_answered_in_their_dm() {
    let fake = FakeSlack::start(&[("SL1", &[ADA])], &[(MARIO, "Mario Rossi"), (ADA, "Ada")]).await;
    let (bot, mut slack) = over_http(&fake).await;
    // The bot hears the intake channel but was taken out of it: Slack refuses its posts there.
    fake.refuse("CHELP", "not_in_channel");
    slack
        .message(MARIO, "CHELP", None, "the VPN client shows an error")
        .await;
    let moved = text(
        Language::En,
        Msg::RequesterMovedToDirect,
        &[("number", Arg::text("#1"))],
    );
    // The DM as conversations.open names it.
    let dm = format!("D{MARIO}");
    let (_, opening_ts) = ts_of(&fake, "the conversation opened in Mario's DM", |b| {
        b["channel"] == dm.as_str() && b.to_string().contains(&moved)
    })
    .await;
    // What did not reach him follows in that DM's thread, and the agents are told.
    fake.posted("the first answer in the DM's thread", |b| {
        b["channel"] == dm.as_str() && b["thread_ts"] == opening_ts.as_str()
    })
    .await;
    let (_, card_ts) = ts_of(&fake, "the L1 card", |b| {
        b["channel"] == "CL1" && b.get("thread_ts").is_none()
    })
    .await;
    let told = text(
        Language::En,
        Msg::AgentsRequesterMovedToDirect,
        &[("number", Arg::text("#1"))],
    );
    fake.posted("the agents told where the conversation went", |b| {
        b["channel"] == "CL1" && b["thread_ts"] == card_ts.as_str() && b.to_string().contains(&told)
    })
    .await;
    let (_, dir) = bot.stop().await;
    let (_, ticket) = common::bot::stored_ticket(&dir, 1).await;
    assert_eq!(ticket.reach, helpdesk::domain::Reach::Direct);
}

/// The bot over signed HTTP against `fake`, and a Slack that sends it events.
async fn over_http(fake: &FakeSlack) -> (Bot, Slack) {
    let env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
        ("HELPDESK_SLACK_SIGNING_SECRET", SIGNING_SECRET.to_string()),
    ];
    let bot = Bot::start(TENANT, None, &env).await;
    let slack = Slack {
        fake: fake.clone(),
        mode: Mode::Http,
        bot: bot.addr,
        n: 0,
    };
    (bot, slack)
}

/// A person whose Slack is set to Polish (`users.info` locale `pl-PL`) in an English
/// workspace: their answers are Polish, the card the agents read stays English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_is_answered_in_the_language_slack_gives_for_them() {
    let fake = FakeSlack::start(&[("SL1", &[ADA])], &[(MARIO, "Mario Rossi"), (ADA, "Ada")]).await;
    fake.speaks(MARIO, "pl-PL");
    let env = vec![
        ("HELPDESK_SLACK_API_URL", fake.api_url.clone()),
        ("HELPDESK_SLACK_BOT_TOKEN", BOT_TOKEN.to_string()),
        ("HELPDESK_SLACK_MESSAGE_INTERVAL", "0s".to_string()),
        ("HELPDESK_SLACK_APP_TOKEN", APP_TOKEN.to_string()),
    ];
    let bot = Bot::start(TENANT, None, &env).await;
    fake.connected(1).await;
    let mut slack = Slack {
        fake: fake.clone(),
        mode: Mode::Socket,
        bot: bot.addr,
        n: 0,
    };

    slack
        .command(MARIO, "CGENERAL", "new VPN is down since this morning")
        .await;
    let (first, _) = ts_of(&fake, "the requester's message", |b| {
        b["channel"] == MARIO && b.get("thread_ts").is_none()
    })
    .await;
    assert!(
        text_of(&first).contains("Zgłoszenie #1 zostało otwarte"),
        "the first answer is Polish: {first}"
    );
    let (card, _) = ts_of(&fake, "the L1 card", |b| {
        b["channel"] == "CL1" && b.get("thread_ts").is_none()
    })
    .await;
    let card_text = text_of(&card);
    assert!(
        card_text.contains("Requester"),
        "the card is English: {card_text}"
    );
    assert!(!card_text.contains("Zgłoszenie"), "{card_text}");

    // His private answer is Polish; Ada, whose Slack says no language, hears English.
    slack.command(MARIO, "CGENERAL", "help").await;
    slack.command(ADA, "CL1", "help").await;
    for (user, title) in [(MARIO, "Polecenia help desku"), (ADA, "Help desk commands")] {
        fake.wait_for(&format!("{user}'s help"), |calls| {
            calls
                .iter()
                .any(|c| {
                    c.method == "chat.postEphemeral"
                        && c.body["user"] == user
                        && c.body.to_string().contains(title)
                })
                .then_some(())
        })
        .await;
    }
    let asked = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "users.info")
        .all(|c| c.body["include_locale"] == "true");
    assert!(asked, "users.info is asked for the locale");
    bot.stop().await;
}
