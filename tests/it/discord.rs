//! Discord end to end: the `helpdesk` binary, with its real serenity client, against a fake
//! Discord REST API and gateway on 127.0.0.1 — interactions once over the gateway, once over
//! the signed HTTP interactions endpoint.
//!
//! `/ticket new` → modal → ticket → card in L1 with its thread → Claim → Escalate modal → card
//! in L2 with the role pinged → replies relayed both ways → Resolve modal → Yes → closed.
//! And one bot serving two guilds, each with its own channels, role, tickets and language.

use crate::common;

use common::bot::Bot;
use common::fake_discord::FakeDiscord;
use common::fake_slack::raw_post;
use ed25519_dalek::{Signer, SigningKey};
use helpdesk::desk::keys::{TicketForm, Widget};
use helpdesk::domain::{Status, TicketNumber};
use helpdesk::i18n::{text, Language, Msg};
use helpdesk::store::{ConnectOptions, Store};
use serde_json::{json, Value};
use std::net::SocketAddr;

const APP: &str = "1100000000000000001";
const GUILD: &str = "1100000000000000002";
const GENERAL: &str = "1100000000000000010";
const HELP: &str = "1100000000000000011";
const L1: &str = "1100000000000000012";
const L2: &str = "1100000000000000013";
const L3: &str = "1100000000000000014";
const MANAGERS: &str = "1100000000000000015";
const ROLE_L1: &str = "1100000000000000021";
const ROLE_L2: &str = "1100000000000000022";
const ROLE_L3: &str = "1100000000000000023";
const ROLE_MANAGERS: &str = "1100000000000000024";
const MARIO: &str = "1100000000000000031";
const ADA: &str = "1100000000000000032";
const BRUNO: &str = "1100000000000000033";
const LUISA: &str = "1100000000000000034";
/// Shares no server with the bot, yet can write to it.
const STRANGER: &str = "1100000000000000099";
const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMQ.e2e.discord-bot-token-0123456789";

fn tenant() -> String {
    format!(
        r#"
[[tenants]]
platform = "discord"
id = "{GUILD}"
name = "E2E"
intake_channels = ["{HELP}"]
managers_channel = "{MANAGERS}"
manager_groups = ["{ROLE_MANAGERS}"]

[tenants.levels.l1]
channel = "{L1}"
group = "{ROLE_L1}"
budget = "none"

[tenants.levels.l2]
channel = "{L2}"
group = "{ROLE_L2}"
budget = "none"

[tenants.levels.l3]
channel = "{L3}"
group = "{ROLE_L3}"
budget = "none"
"#
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Gateway,
    Http,
}

/// How the test plays Discord towards the bot, in one guild.
struct Discord {
    fake: FakeDiscord,
    mode: Mode,
    bot: SocketAddr,
    key: SigningKey,
    guild: &'static str,
}

fn member(user: &str, name: &str, roles: &[&str]) -> Value {
    json!({
        "user": { "id": user, "username": name, "discriminator": "0", "avatar": null, "global_name": name },
        "roles": roles, "joined_at": "2024-01-01T00:00:00+00:00", "deaf": false, "mute": false,
        "flags": 0, "pending": false, "permissions": "2147483647",
    })
}

fn who(user: &str) -> Value {
    match user {
        MARIO => member(MARIO, "Mario Rossi", &[]),
        ADA => member(ADA, "Ada", &[ROLE_L1]),
        BRUNO => member(BRUNO, "Bruno", &[ROLE_L2]),
        other => member(other, other, &[]),
    }
}

/// A message object with every field serenity requires.
fn full_message(id: &str, channel: &str) -> Value {
    json!({
        "id": id, "channel_id": channel, "guild_id": GUILD,
        "author": { "id": APP, "username": "helpdesk", "discriminator": "0", "avatar": null, "bot": true },
        "content": "", "timestamp": "2026-12-01T10:00:00+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": [], "embeds": [], "pinned": false, "type": 0, "components": [],
    })
}

fn text_of(body: &Value) -> String {
    body.to_string()
}

/// The custom ids of a message's buttons.
fn buttons(body: &Value) -> Vec<String> {
    body["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_string))
        .collect()
}

/// The desk's widget behind a rendered button's `custom_id`.
fn widget(custom_id: &str) -> Option<Widget> {
    custom_id.parse().ok()
}

impl Discord {
    /// Sends an interaction the way the mode does; returns Discord's first answer to it.
    async fn interact(&mut self, mut payload: Value) -> Value {
        let id = self.fake.id();
        payload["id"] = json!(id);
        payload["application_id"] = json!(APP);
        payload["token"] = json!(format!("token-{id}"));
        payload["version"] = json!(1);
        payload["guild_id"] = json!(self.guild);
        // Everything Discord sends today, so serenity reads these itself (its typed events);
        // modals with Label components it cannot read still arrive, as unknown events.
        // The person's client language, when the test gives none: English.
        if payload.get("locale").is_none() {
            payload["locale"] = json!("en-US");
        }
        payload["guild_locale"] = json!("en-US");
        payload["app_permissions"] = json!("2147483647");
        payload["entitlements"] = json!([]);
        payload["attachment_size_limit"] = json!(10_485_760);
        payload["context"] = json!(0);
        match self.mode {
            Mode::Gateway => {
                self.fake.dispatch("INTERACTION_CREATE", payload);
                self.fake.callback(&id).await
            }
            Mode::Http => {
                let body = payload.to_string();
                let ts = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_secs()
                    .to_string();
                let signature: String = self
                    .key
                    .sign(&[ts.as_bytes(), body.as_bytes()].concat())
                    .to_bytes()
                    .iter()
                    .map(|b| format!("{b:02x}"))
                    .collect();
                let (status, answer) = raw_post(
                    self.bot,
                    "/discord/interactions",
                    "application/json",
                    &[
                        ("X-Signature-Ed25519", &signature),
                        ("X-Signature-Timestamp", &ts),
                    ],
                    &body,
                )
                .await;
                assert_eq!(status, 200, "{answer}");
                serde_json::from_str(&answer).unwrap()
            }
        }
    }

    async fn command(&mut self, user: &str, channel: &str, sub: &str, options: Value) -> Value {
        self.command_as("en-US", user, channel, sub, options).await
    }

    /// [`Discord::command`] from a person whose Discord client is set to `locale`.
    async fn command_as(
        &mut self,
        locale: &str,
        user: &str,
        channel: &str,
        sub: &str,
        options: Value,
    ) -> Value {
        self.interact(json!({
            "locale": locale,
            "type": 2,
            "channel_id": channel, "channel": { "id": channel, "type": 0 },
            "member": who(user),
            "data": { "id": "1", "type": 1, "name": "ticket", "options": [
                { "type": 1, "name": sub, "options": options }
            ] },
        }))
        .await
    }

    async fn click(&mut self, user: &str, channel: &str, message: &str, custom_id: &str) -> Value {
        self.interact(json!({
            "type": 3,
            "channel_id": channel, "channel": { "id": channel, "type": 0 },
            "member": who(user),
            "message": full_message(message, channel),
            "data": { "custom_id": custom_id, "component_type": 2 },
        }))
        .await
    }

    /// Submits the modal `modal` (an answer of type 9) with these values by field id.
    async fn submit(
        &mut self,
        user: &str,
        channel: &str,
        message: Option<&str>,
        modal: &Value,
        values: &[(&str, &str)],
    ) -> Value {
        assert_eq!(modal["type"], 9, "a modal: {modal}");
        let components: Vec<Value> = modal["data"]["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|item| {
                // Labels (over HTTP) hold one component; action rows (the gateway) a list.
                let labelled = item["type"] == 18;
                let input = if labelled {
                    &item["component"]
                } else {
                    &item["components"][0]
                };
                let id = input["custom_id"].as_str()?;
                let value = values.iter().find(|(k, _)| *k == id).map(|(_, v)| *v)?;
                Some(match (labelled, input["type"] == 3) {
                    (true, true) => json!({ "type": 18, "component": { "type": 3, "custom_id": id, "values": [value] } }),
                    (true, false) => json!({ "type": 18, "component": { "type": 4, "custom_id": id, "value": value } }),
                    (false, _) => json!({ "type": 1, "components": [{ "type": 4, "custom_id": id, "value": value }] }),
                })
            })
            .collect();
        let mut payload = json!({
            "type": 5,
            "channel_id": channel, "channel": { "id": channel, "type": 0 },
            "member": who(user),
            "data": { "custom_id": modal["data"]["custom_id"], "components": components },
        });
        if let Some(message) = message {
            payload["message"] = full_message(message, channel);
        }
        self.interact(payload).await
    }

    /// Someone writes in a channel (or a thread, which is a channel).
    fn message(&self, user: &str, channel: &str, text: &str) -> String {
        self.write(user, channel, text, json!([]), json!([]))
    }

    /// Someone writes in a channel naming the bot.
    fn mention(&self, user: &str, channel: &str, text: &str) -> String {
        let bot = json!([{ "id": APP, "username": "helpdesk", "discriminator": "0", "avatar": null, "bot": true }]);
        self.write(user, channel, &format!("<@{APP}> {text}"), bot, json!([]))
    }

    /// [`Discord::message`] with these attachments (Discord's attachment objects).
    fn message_with_files(&self, user: &str, channel: &str, text: &str, files: Value) -> String {
        self.write(user, channel, text, json!([]), files)
    }

    fn write(
        &self,
        user: &str,
        channel: &str,
        text: &str,
        mentions: Value,
        files: Value,
    ) -> String {
        let id = self.fake.id();
        self.fake.remember_message(channel, &id, user, text);
        let mut member = who(user);
        let author = member["user"].take();
        self.fake.dispatch(
            "MESSAGE_CREATE",
            json!({
                "id": id, "channel_id": channel, "guild_id": self.guild, "author": author,
                "member": member, "content": text, "type": 0, "tts": false,
                "timestamp": "2026-12-01T10:00:00+00:00", "edited_timestamp": null,
                "mention_everyone": false, "mentions": mentions, "mention_roles": [],
                "attachments": files, "embeds": [], "pinned": false,
            }),
        );
        id
    }

    /// Someone writes to the bot directly (no server in a DM).
    fn direct_message(&self, user: &str, dm: &str, text: &str) {
        let author = who(user)["user"].clone();
        self.fake.dispatch(
            "MESSAGE_CREATE",
            json!({
                "id": self.fake.id(), "channel_id": dm, "author": author, "content": text,
                "type": 0, "tts": false, "timestamp": "2026-12-01T10:00:00+00:00",
                "edited_timestamp": null, "mention_everyone": false, "mentions": [],
                "mention_roles": [], "attachments": [], "embeds": [], "pinned": false,
            }),
        );
    }
}

async fn the_whole_desk_runs_on_discord(mode: Mode) {
    let fake = FakeDiscord::start(APP, &[GENERAL, HELP, L1, L2, L3, MANAGERS]).await;
    let key = SigningKey::from_bytes(&[9; 32]);
    let public_key: String = key
        .verifying_key()
        .as_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut env = vec![
        ("HELPDESK_DISCORD_API_URL", fake.api_url.clone()),
        ("HELPDESK_DISCORD_TOKEN", TOKEN.to_string()),
        ("HELPDESK_DISCORD_COMMAND_GUILDS", format!("[\"{GUILD}\"]")),
        ("HELPDESK_DISCORD_DM_GUILD", GUILD.to_string()),
    ];
    if mode == Mode::Http {
        env.push(("HELPDESK_DISCORD_PUBLIC_KEY", public_key.clone()));
    }
    let bot = Bot::start(&tenant(), None, &env).await;
    fake.connected(1).await;
    let mut discord = Discord {
        fake: fake.clone(),
        mode,
        bot: bot.addr,
        key,
        guild: GUILD,
    };

    // The commands are registered in the guild, under the application the token names.
    let commands = fake
        .wait_for("the commands", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "PUT"
                        && c.path == format!("/applications/{APP}/guilds/{GUILD}/commands")
                })
                .map(|c| c.body.clone())
        })
        .await;
    let names: Vec<&str> = commands
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert!(names.contains(&"ticket") && names.contains(&"kb") && names.contains(&"Create ticket"));
    let identify = &fake.identified()[0];
    assert_eq!(identify["intents"], helpdesk_discord::intents().bits());

    // /ticket new with no title → the form, as the interaction's first answer.
    let modal = discord.command(MARIO, GENERAL, "new", json!([])).await;
    let answer = discord
        .submit(
            MARIO,
            GENERAL,
            None,
            &modal,
            &[
                ("title", "VPN is down"),
                ("description", "VPN is down since this morning"),
            ],
        )
        .await;
    assert!(answer["type"].is_number(), "{answer}");
    let (card, card_id) = fake
        .posted("the L1 card", L1, |b| b.to_string().contains("VPN is down"))
        .await;
    assert_eq!(
        card["content"],
        format!("<@&{ROLE_L1}>"),
        "L1 is pinged: {card}"
    );
    assert_eq!(
        card["allowed_mentions"],
        json!({ "parse": [], "roles": [ROLE_L1], "users": [], "replied_user": false })
    );
    fake.wait_for("the card's thread", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "POST" && c.path == format!("/channels/{L1}/messages/{card_id}/threads")
            })
            .then_some(())
    })
    .await;
    // The requester's conversation is a private thread in the channel they asked from.
    let requester_msg = fake
        .wait_for("the requester's private thread", |calls| {
            calls
                .iter()
                .find(|c| c.method == "POST" && c.path == format!("/channels/{GENERAL}/threads"))
                .map(|c| c.body.clone())
        })
        .await;
    assert_eq!(requester_msg["type"], 12, "private: {requester_msg}");
    assert_eq!(requester_msg["name"], "#1 VPN is down");
    let requester_msg = fake
        .wait_for("the thread's id", |calls| {
            calls.iter().find_map(|c| {
                let thread = c
                    .path
                    .strip_prefix("/channels/")?
                    .strip_suffix(&format!("/thread-members/{MARIO}"))?;
                (c.method == "PUT").then(|| thread.to_string())
            })
        })
        .await;
    fake.posted("the requester's first message", &requester_msg, |b| {
        b.to_string().contains("VPN is down")
    })
    .await;

    // Mario is no agent: his click on Claim is refused privately, as the click's answer.
    let refusal = discord.click(MARIO, L1, &card_id, &buttons(&card)[0]).await;
    assert_eq!(refusal["type"], 4, "{refusal}");
    assert_eq!(
        refusal["data"]["flags"], 64,
        "only Mario sees it: {refusal}"
    );

    // Ada (L1 role) claims: the card is edited as the click's own answer.
    let claim = buttons(&card)
        .into_iter()
        .find(|b| matches!(widget(b), Some(Widget::Claim(_))))
        .expect("a claim button");
    let answer = discord.click(ADA, L1, &card_id, &claim).await;
    assert_eq!(answer["type"], 7, "{answer}");
    assert!(text_of(&answer).contains("Ada"), "{answer}");
    let added = format!("/channels/{requester_msg}/thread-members/{ADA}");
    fake.wait_for("Ada let into the private thread", |calls| {
        calls
            .iter()
            .any(|c| c.method == "PUT" && c.path == added)
            .then_some(())
    })
    .await;

    // Escalate through the modal: the card goes to L2 and pings the L2 role.
    let escalate = buttons(&card)
        .into_iter()
        .find(|b| matches!(widget(b), Some(Widget::Open(TicketForm::Escalate, _))))
        .expect("an escalate button");
    let modal = discord.click(ADA, L1, &card_id, &escalate).await;
    let submitted = discord
        .submit(
            ADA,
            L1,
            Some(&card_id),
            &modal,
            &[("level", "L2"), ("reason", "needs the network team")],
        )
        .await;
    // The form came from the card's button: the card, edited, is the submission's answer.
    assert_eq!(submitted["type"], 7, "{submitted}");
    assert!(submitted.to_string().contains("L2"), "{submitted}");
    let (l2_card, l2_id) = fake
        .posted("the L2 card", L2, |b| b.to_string().contains("VPN is down"))
        .await;
    assert_eq!(l2_card["content"], format!("<@&{ROLE_L2}>"), "{l2_card}");
    assert_eq!(l2_card["allowed_mentions"]["roles"], json!([ROLE_L2]));

    // Replies both ways: the requester's thread ↔ the thread under the L2 card.
    discord.message(
        MARIO,
        &requester_msg,
        "it says @everyone certificate expired",
    );
    let (relayed, _) = fake
        .posted("the requester's reply under the L2 card", &l2_id, |b| {
            b.to_string().contains("certificate expired")
        })
        .await;
    assert!(
        !text_of(&relayed).contains("@everyone"),
        "user text pings nobody: {relayed}"
    );
    assert_eq!(relayed["allowed_mentions"]["parse"], json!([]));
    discord.message(BRUNO, &l2_id, "please restart the VPN client");
    fake.posted("the agent's reply to the requester", &requester_msg, |b| {
        b.to_string().contains("please restart the VPN client")
    })
    .await;

    // Bruno resolves through the modal; Mario confirms with Yes.
    let resolve = buttons(&l2_card)
        .into_iter()
        .find(|b| matches!(widget(b), Some(Widget::Open(TicketForm::Resolve, _))))
        .expect("a resolve button");
    let modal = discord.click(BRUNO, L2, &l2_id, &resolve).await;
    discord
        .submit(
            BRUNO,
            L2,
            Some(&l2_id),
            &modal,
            &[("resolution", "restarted the VPN gateway")],
        )
        .await;
    let (question, question_id) = fake
        .posted("the question to the requester", &requester_msg, |b| {
            buttons(b)
                .iter()
                .any(|x| matches!(widget(x), Some(Widget::Confirm(..))))
        })
        .await;
    let yes = buttons(&question)
        .into_iter()
        .find(|b| matches!(widget(b), Some(Widget::Confirm(_, true))))
        .unwrap();
    discord
        .click(MARIO, &requester_msg, &question_id, &yes)
        .await;
    fake.wait_for("the card to show the ticket closed", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "PATCH"
                    && c.path == format!("/channels/{L2}/messages/{l2_id}")
                    && c.body.to_string().contains("Closed")
            })
            .then_some(())
    })
    .await;
    // Both threads are archived: Discord limits a server's active threads.
    for thread in [&requester_msg, &l2_id] {
        let path = format!("/channels/{thread}");
        fake.wait_for("the thread archived", |calls| {
            calls
                .iter()
                .any(|c| c.method == "PATCH" && c.path == path && c.body["archived"] == true)
                .then_some(())
        })
        .await;
    }

    // Every other way in: the 🎫 reaction, the Create ticket message command, a DM.
    let jam = discord.message(LUISA, GENERAL, "the printer on floor 2 jams");
    fake.dispatch(
        "MESSAGE_REACTION_ADD",
        json!({
            "user_id": ADA, "channel_id": GENERAL, "message_id": jam, "guild_id": GUILD,
            "member": who(ADA), "emoji": { "id": null, "name": "🎫" },
        }),
    );
    fake.posted("the card of the reacted message", L1, |b| {
        b.to_string().contains("the printer on floor 2 jams")
    })
    .await;
    let projector = fake.id();
    discord
        .interact(json!({
            "type": 2,
            "channel_id": GENERAL, "channel": { "id": GENERAL, "type": 0 },
            "member": who(ADA),
            "data": {
                "id": "2", "type": 3, "name": "Create ticket", "target_id": projector,
                "resolved": { "messages": { projector.clone(): {
                    "id": projector, "channel_id": GENERAL, "content": "projector shows no signal",
                    "author": { "id": LUISA, "username": "luisa" },
                } } },
            },
        }))
        .await;
    fake.posted("the card of the message command's message", L1, |b| {
        b.to_string().contains("projector shows no signal")
    })
    .await;
    let dm = fake.id();
    fake.open_dm(&dm);
    fake.add_member(GUILD, who(LUISA));
    discord.direct_message(LUISA, &dm, "my badge does not open door 3");
    fake.posted("the card of the direct message", L1, |b| {
        b.to_string().contains("my badge does not open door 3")
    })
    .await;
    // No threads in a DM: the answer is in the conversation itself.
    fake.posted("the answer in the DM", &dm, |b| {
        b.to_string().contains("#4")
    })
    .await;

    // Named in a channel that takes no requests (over the gateway, where messages come):
    // told privately how to reach the desk, with a button; nothing is opened.
    if mode == Mode::Gateway {
        discord.mention(LUISA, GENERAL, "who fixes the coffee machine?");
        let help = text(Language::En, Msg::MentionHelp, &[]);
        let told = fake
            .wait_for("the private help for the mention", |calls| {
                calls
                    .iter()
                    .find(|c| c.path.ends_with("/messages") && text_of(&c.body).contains(&help))
                    .map(|c| c.body.clone())
            })
            .await;
        assert!(
            buttons(&told)
                .iter()
                .any(|b| matches!(widget(b), Some(Widget::NewTicket))),
            "{told}"
        );
    }

    let (logs, dir) = bot.stop().await;
    if std::env::var("SHOW_CALLS").is_ok() {
        for c in fake.calls() {
            eprintln!("{} {} {}", c.method, c.path, c.body);
        }
        for l in logs
            .iter()
            .filter(|l| l.contains("WARN") || l.contains("discord"))
        {
            eprintln!("{l}");
        }
    }
    let store = Store::open(&ConnectOptions::new(
        dir.path().join("helpdesk.db").to_string_lossy(),
    ))
    .await
    .unwrap();
    let tenant = store.tenants().await.unwrap()[0].id;
    let ticket = store
        .ticket(tenant, TicketNumber(1))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ticket.status, Status::Closed);
    assert_eq!(ticket.requester.id, MARIO);
    for n in 2..=4 {
        let t = store
            .ticket(tenant, TicketNumber(n))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(t.requester.id, LUISA, "ticket #{n} is Luisa's");
    }
    assert!(
        !logs.iter().any(|l| l.contains(TOKEN)
            || l.contains("discord-bot-token")
            || l.contains(&public_key)),
        "the token or the public key appears in the logs"
    );
    let leaked: Vec<&String> = logs.iter().filter(|l| l.contains("token-13")).collect();
    assert!(
        leaked.is_empty(),
        "an interaction token appears in the logs: {:?}",
        leaked.iter().take(3).collect::<Vec<_>>()
    );
    for call in fake.calls() {
        assert_eq!(
            call.auth,
            format!("Bot {TOKEN}"),
            "{} {}",
            call.method,
            call.path
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_desk_runs_on_discord_over_the_gateway() {
    the_whole_desk_runs_on_discord(Mode::Gateway).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_desk_runs_on_discord_over_signed_http() {
    the_whole_desk_runs_on_discord(Mode::Http).await;
}

const GUILD2: &str = "1100000000000000102";
const HELP2: &str = "1100000000000000111";
/// Any Discord user can write to a bot: only members of the DM guild reach its desk, with the
/// roles they have there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_direct_message_is_served_only_to_members_of_the_dm_guild() {
    let fake = FakeDiscord::start(APP, &[GENERAL, HELP, L1, L2, L3, MANAGERS]).await;
    let env = vec![
        ("HELPDESK_DISCORD_API_URL", fake.api_url.clone()),
        ("HELPDESK_DISCORD_TOKEN", TOKEN.to_string()),
        ("HELPDESK_DISCORD_COMMAND_GUILDS", format!("[\"{GUILD}\"]")),
        ("HELPDESK_DISCORD_DM_GUILD", GUILD.to_string()),
    ];
    let bot = Bot::start(&tenant(), None, &env).await;
    fake.connected(1).await;
    fake.add_member(GUILD, who(LUISA));
    let discord = Discord {
        fake: fake.clone(),
        mode: Mode::Gateway,
        bot: bot.addr,
        key: SigningKey::from_bytes(&[9; 32]),
        guild: GUILD,
    };

    // A stranger's phishing DM never becomes a ticket: they hear once that they cannot use
    // this desk, in the catalogue's words, however often they write.
    let theirs = fake.id();
    fake.open_dm(&theirs);
    let phishing = "IT security: your SSO password expires today, reset it at \
                    [sso.example.com](https://evil.example/sso) or your account is locked";
    discord.direct_message(STRANGER, &theirs, phishing);
    let (refusal, _) = fake.posted("the refusal", &theirs, |_| true).await;
    assert_eq!(
        refusal["content"],
        helpdesk::i18n::text(Language::En, Msg::DmNotMember, &[])
    );
    assert_eq!(refusal["allowed_mentions"]["parse"], json!([]));
    discord.direct_message(STRANGER, &theirs, "hello? please reset my password");

    // A member's DM is served as before.
    let luisas = fake.id();
    fake.open_dm(&luisas);
    discord.direct_message(LUISA, &luisas, "my badge does not open door 3");
    fake.posted("the card of the member's DM", L1, |b| {
        b.to_string().contains("my badge does not open door 3")
    })
    .await;
    fake.posted("the answer in the member's DM", &luisas, |b| {
        b.to_string().contains("#1")
    })
    .await;
    // Discord DMs have no threads: the next line is the same conversation, heard by the
    // agents in the card's thread, not a ticket of its own (checked at the end: no #2).
    discord.direct_message(LUISA, &luisas, "it beeps twice and the light stays red");
    fake.wait_for("the DM's next line in the agents' thread", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "POST"
                    && !c.posts_in(&luisas)
                    && c.body.to_string().contains("it beeps twice")
            })
            .then_some(())
    })
    .await;
    let calls = fake.calls();
    let refusals = calls.iter().filter(|c| c.posts_in(&theirs)).count();
    assert_eq!(refusals, 1, "told once");
    assert!(
        !calls
            .iter()
            .any(|c| c.body.to_string().contains("evil.example") && !c.posts_in(&theirs)),
        "the stranger's words reached no channel"
    );

    let (_logs, dir) = bot.stop().await;
    let (store, only) = common::bot::stored_ticket(&dir, 1).await;
    assert_eq!(only.requester.id, LUISA);
    assert!(store
        .ticket(only.tenant, TicketNumber(2))
        .await
        .unwrap()
        .is_none());
}

const L1_2: &str = "1100000000000000112";
const ROLE2_L1: &str = "1100000000000000121";

/// One bot, two servers: each has its own commands, tickets, channels, role and language.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_bot_serves_several_guilds_each_in_its_own_language() {
    let fake = FakeDiscord::start(APP, &[GENERAL, HELP, L1, L2, L3, MANAGERS, HELP2, L1_2]).await;
    let second = format!(
        r#"
[[tenants]]
platform = "discord"
id = "{GUILD2}"
language = "it"
intake_channels = ["{HELP2}"]

[tenants.levels.l1]
channel = "{L1_2}"
group = "{ROLE2_L1}"
budget = "none"
"#
    );
    let env = vec![
        ("HELPDESK_DISCORD_API_URL", fake.api_url.clone()),
        ("HELPDESK_DISCORD_TOKEN", TOKEN.to_string()),
        (
            "HELPDESK_DISCORD_COMMAND_GUILDS",
            format!("[\"{GUILD}\", \"{GUILD2}\"]"),
        ),
    ];
    let bot = Bot::start(&format!("{}{second}", tenant()), None, &env).await;
    fake.connected(1).await;
    let guild = |guild| Discord {
        fake: fake.clone(),
        mode: Mode::Gateway,
        bot: bot.addr,
        key: SigningKey::from_bytes(&[9; 32]),
        guild,
    };
    let (first, mut italian) = (guild(GUILD), guild(GUILD2));

    // The commands are registered in both, described in Italian for Italian members.
    for g in [GUILD, GUILD2] {
        let path = format!("/applications/{APP}/guilds/{g}/commands");
        let commands = fake
            .wait_for("the commands in each guild", |calls| {
                calls
                    .iter()
                    .find(|c| c.method == "PUT" && c.path == path)
                    .map(|c| c.body.clone())
            })
            .await;
        let ticket = commands
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == "ticket")
            .unwrap()
            .clone();
        assert_eq!(ticket["description"], "Help desk tickets");
        assert_eq!(
            ticket["description_localizations"]["it"],
            "Ticket dell'help desk"
        );
    }

    // A message in each server's intake channel: a card in that server's queue, its role
    // pinged, in its language; each server numbers its own tickets.
    italian.message(LUISA, HELP2, "la stampante è bloccata");
    let (card, _) = fake
        .posted("the card in the Italian guild", L1_2, |b| {
            b.to_string().contains("la stampante")
        })
        .await;
    assert_eq!(card["content"], format!("<@&{ROLE2_L1}>"), "{card}");
    assert_eq!(card["allowed_mentions"]["roles"], json!([ROLE2_L1]));
    assert!(text_of(&card).contains("Prendi in carico"), "{card}");
    first.message(MARIO, HELP, "the VPN is down");
    let (card, _) = fake
        .posted("the card in the English guild", L1, |b| {
            b.to_string().contains("the VPN is down")
        })
        .await;
    assert_eq!(card["content"], format!("<@&{ROLE_L1}>"), "{card}");
    assert!(text_of(&card).contains("Claim"), "{card}");
    assert!(
        fake.calls()
            .iter()
            .filter(|c| c.method == "POST" && c.path == format!("/channels/{L1_2}/messages"))
            .all(|c| !c.body.to_string().contains("VPN")),
        "nothing of one guild reaches the other"
    );
    // Commands answer in the person's language, which Discord gives with each interaction
    // (Luisa's client is Italian, Mario's English in the Italian server), and in the server's
    // language where it is one the desk does not speak.
    let help = italian
        .command_as("it", LUISA, HELP2, "help", json!([]))
        .await;
    assert!(text_of(&help).contains("questo elenco"), "{help}");
    let help = italian
        .command_as("en-US", MARIO, HELP2, "help", json!([]))
        .await;
    assert!(text_of(&help).contains("/ticket help: this list"), "{help}");
    let help = italian
        .command_as("de", MARIO, HELP2, "help", json!([]))
        .await;
    assert!(text_of(&help).contains("questo elenco"), "{help}");
    let mut first = first;
    let help = first.command_as("it", LUISA, HELP, "help", json!([])).await;
    assert!(
        text_of(&help).contains("questo elenco"),
        "an Italian client in the English server hears Italian: {help}"
    );

    let (_, dir) = bot.stop().await;
    let store = Store::open(&ConnectOptions::new(
        dir.path().join("helpdesk.db").to_string_lossy(),
    ))
    .await
    .unwrap();
    let tenants = store.tenants().await.unwrap();
    assert_eq!(tenants.len(), 2);
    for tenant in tenants {
        let ticket = store.ticket(tenant.id, TicketNumber(1)).await.unwrap();
        assert!(ticket.is_some(), "each guild has its own ticket #1");
    }
}

/// Files both ways on Discord: a file an agent shares in the card's thread reaches the
/// requester's thread as a masked link to its attachment URL, labelled with its name and size.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agents_file_in_the_card_thread_reaches_the_requester_as_a_link() {
    let fake = FakeDiscord::start(APP, &[GENERAL, HELP, L1, L2, L3, MANAGERS]).await;
    let env = vec![
        ("HELPDESK_DISCORD_API_URL", fake.api_url.clone()),
        ("HELPDESK_DISCORD_TOKEN", TOKEN.to_string()),
        ("HELPDESK_DISCORD_COMMAND_GUILDS", format!("[\"{GUILD}\"]")),
    ];
    let bot = Bot::start(&tenant(), None, &env).await;
    fake.connected(1).await;
    let discord = Discord {
        fake: fake.clone(),
        mode: Mode::Gateway,
        bot: bot.addr,
        key: SigningKey::from_bytes(&[9; 32]),
        guild: GUILD,
    };
    let asked = discord.message(MARIO, HELP, "the VPN client shows error 809");
    let (_, card_id) = fake
        .posted("the L1 card", L1, |b| b.to_string().contains("error 809"))
        .await;
    fake.wait_for("the card's thread", |calls| {
        calls
            .iter()
            .any(|c| {
                c.method == "POST" && c.path == format!("/channels/{L1}/messages/{card_id}/threads")
            })
            .then_some(())
    })
    .await;

    // Ada (L1) shares the setup guide in the card's thread, without words.
    let url = "https://cdn.discordapp.com/attachments/1100000000000000012/1100000000000000900/vpn_setup.pdf";
    discord.message_with_files(
        ADA,
        &card_id,
        "",
        json!([{
            "id": "1100000000000000900", "filename": "vpn_setup.pdf", "size": 348_160,
            "url": url, "proxy_url": url, "content_type": "application/pdf",
        }]),
    );
    // It reaches the requester in the thread of the message they asked with.
    let (relayed, _) = fake
        .posted("the file in the requester's thread", &asked, |b| {
            b.to_string().contains("vpn_setup")
        })
        .await;
    let description = relayed["embeds"][0]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        description.contains(&format!("[vpn\\_setup.pdf (340 KB)]({url})")),
        "{relayed}"
    );
    assert!(description.starts_with("Ada shared 1 file"), "{relayed}");
    bot.stop().await;
}
