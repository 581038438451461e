//! One conversation per problem (issue 18, point 1), on the in-memory platform: later lines of
//! a requester join their open ticket (direct messages always, an intake channel within the
//! join window), courtesy lines never open a ticket, and one message under two event ids is
//! taken once.

use crate::common;

use common::chat::*;
use common::now;
use helpdesk::desk::keys::{MessageKey, Widget};
use helpdesk::desk::Handled;
use helpdesk::domain::{LogKind, Reach, Status, TicketNumber};
use helpdesk::i18n::{text, Arg, Language, Msg};
use helpdesk::sandbox::{example_tenant, person, Sandbox};
use helpdesk::store::{OutboxState, Store};
use helpdesk_chat::{ChatAction, EventKind};
use std::time::Duration;

on_both_backends!(
    later_lines_join_the_open_ticket_and_courtesy_opens_nothing,
    a_closed_ticket_hears_nobody_and_offers_reopen_and_a_new_ticket,
    no_line_is_lost_and_a_ticket_back_in_the_queue_pages_its_level,
    one_message_under_two_event_ids_is_taken_once,
    a_mention_is_answered_wherever_it_is_made,
    nobody_is_left_unheard_when_the_bot_cannot_write_back,
);

fn sandbox(store: Store) -> Sandbox {
    Sandbox::new(store, example_tenant(), now())
}

fn direct(text: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: true,
        mentions_bot: false,
        attachments: Vec::new(),
    }
}

/// A channel message that names the bot (the adapter has cut the mention from the text).
fn mention(text: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: text.into(),
        message_id: id.into(),
        direct: false,
        mentions_bot: true,
        attachments: Vec::new(),
    }
}

/// A direct message that is a file and no text.
fn file_alone(name: &str, id: &str) -> EventKind {
    EventKind::Message {
        text: String::new(),
        message_id: id.into(),
        direct: true,
        mentions_bot: false,
        attachments: vec![helpdesk_chat::Attachment {
            name: name.into(),
            url: format!("https://files.example/{name}"),
            size: None,
        }],
    }
}

async fn tickets(sb: &Sandbox) -> i64 {
    let tenant = sb.desk.store().tenants().await.unwrap()[0].id;
    let mut n = 0;
    while sb
        .desk
        .store()
        .ticket(tenant, TicketNumber(n + 1))
        .await
        .unwrap()
        .is_some()
    {
        n += 1;
    }
    n
}

async fn requester_lines(sb: &Sandbox, n: i64) -> Vec<String> {
    let t = ticket(sb, n).await;
    log_kinds(sb, &t)
        .await
        .into_iter()
        .filter_map(|kind| match kind {
            LogKind::RequesterMessage { text } => Some(text),
            _ => None,
        })
        .collect()
}

/// What the agents' thread under the L1 card `card_id` shows.
fn agents_thread(sb: &Sandbox, card_id: &str) -> String {
    sb.platform
        .shown_in("support-l1", Some(card_id))
        .iter()
        .map(|r| format!("{:?}", r.action))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn later_lines_join_the_open_ticket_and_courtesy_opens_nothing(store: Store) {
    let sb = sandbox(store);
    let minute = Duration::from_secs(60);

    // A burst in the intake channel, a minute apart: one ticket.
    send(&sb, &mario(), "help", None, message("my VPN is down", "m1")).await;
    sb.advance(minute).await.unwrap();
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("it says error 809", "m2"),
    )
    .await;
    sb.advance(minute).await.unwrap();
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("on the office wifi too", "m3"),
    )
    .await;
    assert_eq!(tickets(&sb).await, 1, "one problem, one ticket");
    assert_eq!(
        requester_lines(&sb, 1).await,
        [
            "my VPN is down",
            "it says error 809",
            "on the office wifi too"
        ]
    );
    // The agents hear the later lines in the card's thread.
    let card_id = sb
        .platform
        .posted(&MessageKey::card(ticket(&sb, 1).await.id, "support-l1").to_string())
        .expect("the card was posted")
        .message_id;
    let agents = agents_thread(&sb, &card_id);
    assert!(
        agents.contains("it says error 809") && agents.contains("on the office wifi too"),
        "{agents}"
    );
    // Mario is told privately where his line went, with a way to open a separate ticket.
    let joined = told(&sb, &mario());
    let notice = joined
        .iter()
        .find(|m| {
            m.text
                == text(
                    Language::En,
                    Msg::JoinedOpenTicket,
                    &[("number", Arg::text("#1"))],
                )
        })
        .expect("told where the line went");
    assert!(notice
        .buttons
        .iter()
        .any(|b| b.id == Widget::NewTicket.to_string()));

    // Courtesy lines of someone without a ticket open nothing, in any language.
    for (i, line) in ["thanks!", "👍", "grazie mille", "Dzięki"]
        .iter()
        .enumerate()
    {
        let id = format!("c{i}");
        send(&sb, &luisa(), "help", None, message(line, &id)).await;
    }
    assert_eq!(tickets(&sb).await, 1, "courtesy opens no ticket");
    assert!(
        told(&sb, &luisa()).is_empty(),
        "and is not answered in a channel"
    );

    // After the window, the same person's new line is a new problem.
    sb.advance(Duration::from_secs(11 * 60)).await.unwrap();
    send(
        &sb,
        &mario(),
        "help",
        None,
        message("the printer jams", "m4"),
    )
    .await;
    assert_eq!(tickets(&sb).await, 2, "outside the window: a new ticket");
    assert_eq!(requester_lines(&sb, 2).await, ["the printer jams"]);

    // Direct messages: every line while the ticket listens is the same conversation, hours
    // apart too, without a notice.
    let zoe = person("U-zoe", "Zoe", &[]);
    send(
        &sb,
        &zoe,
        "D-zoe",
        None,
        direct("cannot log in to SAP", "d1"),
    )
    .await;
    assert_eq!(tickets(&sb).await, 3);
    sb.advance(Duration::from_secs(2 * 3600)).await.unwrap();
    send(&sb, &zoe, "D-zoe", None, direct("still locked out", "d2")).await;
    send(&sb, &zoe, "D-zoe", None, direct("thanks", "d3")).await;
    assert_eq!(tickets(&sb).await, 3, "no ticket per DM line");
    assert_eq!(
        requester_lines(&sb, 3).await,
        ["cannot log in to SAP", "still locked out", "thanks"]
    );
    assert!(
        !told(&sb, &zoe).iter().any(|m| m.text
            == text(
                Language::En,
                Msg::JoinedOpenTicket,
                &[("number", Arg::text("#3"))]
            )),
        "a DM is the conversation: no notice"
    );

    // A courtesy DM from someone with no open ticket: a short private hint with the button.
    let max = person("U-max", "Max", &[]);
    send(&sb, &max, "D-max", None, direct("ok thanks", "d4")).await;
    assert_eq!(tickets(&sb).await, 3);
    let hint = told(&sb, &max);
    assert_eq!(hint.len(), 1, "{hint:?}");
    assert_eq!(hint[0].text, text(Language::En, Msg::CourtesyNoTicket, &[]));
    assert!(hint[0]
        .buttons
        .iter()
        .any(|b| b.id == Widget::NewTicket.to_string()));

    // A file alone is never courtesy.
    send(&sb, &max, "D-max", None, file_alone("screenshot.png", "d5")).await;
    assert_eq!(tickets(&sb).await, 4);
}

async fn one_message_under_two_event_ids_is_taken_once(store: Store) {
    let sb = sandbox(store);
    send(&sb, &mario(), "help", None, message("my VPN is down", "m1")).await;
    // The platform sends the same message again under another event id (Slack's `message`
    // and `app_mention`, or a redelivery after a reconnect).
    let again = sb.event(&mario(), "help", None, message("my VPN is down", "m1"));
    assert_eq!(sb.handle(&again).await.unwrap(), Handled::Duplicate);
    assert_eq!(tickets(&sb).await, 1);
    assert_eq!(requester_lines(&sb, 1).await, ["my VPN is down"]);
    // The same message id in another channel is another message: taken, not a duplicate
    // (`send` checks it was handled).
    send(&sb, &luisa(), "support-l1", None, message("hello", "m1")).await;
}

async fn a_closed_ticket_hears_nobody_and_offers_reopen_and_a_new_ticket(store: Store) {
    let sb = sandbox(store);
    send(&sb, &mario(), "help", None, message("my VPN is down", "m1")).await;
    let t = ticket(&sb, 1).await;
    send(&sb, &mario(), "help", Some("m1"), command("close")).await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Closed);
    let card_id = sb
        .platform
        .posted(&MessageKey::card(t.id, "support-l1").to_string())
        .expect("the card was posted")
        .message_id;
    let before = agents_thread(&sb, &card_id);

    // The requester writes in the closed ticket's thread: nothing is relayed or logged, and
    // they are told privately, with Reopen and New ticket.
    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        message("it is broken again", "m2"),
    )
    .await;
    assert_eq!(requester_lines(&sb, 1).await, ["my VPN is down"]);
    assert_eq!(
        agents_thread(&sb, &card_id),
        before,
        "the agents hear nothing"
    );
    let answer = told(&sb, &mario()).pop().expect("told privately");
    assert_eq!(
        answer.text,
        text(
            Language::En,
            Msg::TicketIsClosed,
            &[("number", Arg::text("#1"))]
        )
    );
    let ids: Vec<&str> = answer.buttons.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            Widget::Reopen(t.id).to_string(),
            Widget::NewTicket.to_string()
        ]
    );
    // Someone else in that thread is told too, with only New ticket: it is not theirs.
    send(
        &sb,
        &luisa(),
        "help",
        Some("m1"),
        message("same for me", "m3"),
    )
    .await;
    let theirs = told(&sb, &luisa()).pop().expect("told privately");
    let ids: Vec<&str> = theirs.buttons.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(ids, [Widget::NewTicket.to_string()]);
    assert_eq!(requester_lines(&sb, 1).await, ["my VPN is down"]);

    // Reopen works from the button, for the requester.
    send(
        &sb,
        &mario(),
        "help",
        Some("m1"),
        click(Widget::Reopen(t.id)),
    )
    .await;
    assert!(
        matches!(ticket(&sb, 1).await.status, Status::New | Status::Open),
        "open again"
    );
    assert_eq!(tickets(&sb).await, 1);
}

/// The review's cases: a line after resolution, a file alone in a closed thread, a ticket put
/// back in the queue or reopened after the knowledge base closed it.
async fn no_line_is_lost_and_a_ticket_back_in_the_queue_pages_its_level(store: Store) {
    let sb = sandbox(store);
    let zoe = person("U-zoe", "Zoe", &[]);
    send(
        &sb,
        &zoe,
        "D-zoe",
        None,
        direct("cannot log in to SAP", "d1"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    send(&sb, &ada(), "support-l1", None, command("claim #1")).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        None,
        command("resolve #1 unlocked the account"),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Resolved);
    // A new line in the DM after the fix is a new problem, not a line lost in a resolved
    // ticket that closes itself as unanswered.
    send(
        &sb,
        &zoe,
        "D-zoe",
        None,
        direct("and now the printer is offline", "d2"),
    )
    .await;
    assert_eq!(tickets(&sb).await, 2);
    assert_eq!(
        requester_lines(&sb, 2).await,
        ["and now the printer is offline"]
    );

    // Put back in the queue: the level is paged.
    let card = MessageKey::card(ticket(&sb, 2).await.id, "support-l1").to_string();
    let pings = |sb: &Sandbox| {
        sb.platform
            .sent()
            .into_iter()
            .filter(|r| match &r.action {
                ChatAction::Reply {
                    thread: helpdesk_chat::ThreadRef::Message(key),
                    message,
                    ..
                } => *key == card && !message.mentions.is_empty(),
                _ => false,
            })
            .count()
    };
    send(&sb, &ada(), "support-l1", None, command("claim #2")).await;
    let before = pings(&sb);
    send(&sb, &ada(), "support-l1", None, command("unclaim #2")).await;
    assert_eq!(
        pings(&sb),
        before + 1,
        "back in the queue, the level hears it"
    );

    // A file alone in a closed ticket's thread is answered, not kept in silence.
    send(
        &sb,
        &zoe,
        "D-zoe",
        Some("d1"),
        click(Widget::Confirm(t.id, true)),
    )
    .await;
    assert_eq!(ticket(&sb, 1).await.status, Status::Closed);
    send(
        &sb,
        &zoe,
        "D-zoe",
        Some("d1"),
        file_alone("error.png", "d3"),
    )
    .await;
    let answer = told(&sb, &zoe).pop().expect("told privately");
    assert_eq!(
        answer.text,
        text(
            Language::En,
            Msg::TicketIsClosed,
            &[("number", Arg::text("#1"))]
        )
    );
    let t1 = ticket(&sb, 1).await;
    assert!(
        !log_kinds(&sb, &t1)
            .await
            .iter()
            .any(|k| matches!(k, LogKind::Attachment { .. })),
        "nothing added to a closed ticket"
    );
}

async fn a_mention_is_answered_wherever_it_is_made(store: Store) {
    let sb = sandbox(store);
    let helps = |sb: &Sandbox| {
        sb.platform
            .sent()
            .into_iter()
            .filter_map(|r| match r.action {
                ChatAction::Ephemeral {
                    user,
                    channel,
                    thread,
                    message,
                    ..
                } if user == luisa().id
                    && message.text == text(Language::En, Msg::MentionHelp, &[]) =>
                {
                    assert!(
                        message
                            .buttons
                            .iter()
                            .any(|b| b.id == Widget::NewTicket.to_string()),
                        "the help has a New ticket button"
                    );
                    Some((channel, thread))
                }
                _ => None,
            })
            .collect::<Vec<_>>()
    };

    // Outside the intake channels: a private help, at the top level or in a thread.
    send(
        &sb,
        &luisa(),
        "random",
        None,
        mention("who fixes the coffee machine?", "r1"),
    )
    .await;
    send(
        &sb,
        &luisa(),
        "random",
        Some("r0"),
        mention("any idea?", "r2"),
    )
    .await;
    // Not named: the desk stays out of it.
    send(
        &sb,
        &luisa(),
        "random",
        None,
        message("lunch anyone?", "r3"),
    )
    .await;
    assert_eq!(
        helps(&sb),
        [
            ("random".to_string(), None),
            ("random".to_string(), Some("r0".to_string()))
        ]
    );
    assert_eq!(tickets(&sb).await, 0, "a mention elsewhere opens nothing");

    // Named with nothing to say in an intake channel: the help too.
    send(&sb, &luisa(), "help", None, mention("", "h1")).await;
    assert_eq!(helps(&sb).len(), 3);
    assert_eq!(tickets(&sb).await, 0);

    // Named with a problem in an intake channel: a ticket of the words around the mention.
    send(
        &sb,
        &luisa(),
        "help",
        None,
        mention("the scanner is offline", "h2"),
    )
    .await;
    assert_eq!(tickets(&sb).await, 1);
    assert_eq!(requester_lines(&sb, 1).await, ["the scanner is offline"]);
    assert_eq!(helps(&sb).len(), 3, "a ticket, not the help");
}

/// Everything shown in one channel or thread, as text.
fn shown(sb: &Sandbox, channel: &str, thread: Option<&str>) -> String {
    sb.platform
        .shown_in(channel, thread)
        .iter()
        .map(|r| format!("{:?}", r.action))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn nobody_is_left_unheard_when_the_bot_cannot_write_back(store: Store) {
    let sb = sandbox(store);
    let dm = helpdesk_chat::MemoryPlatform::direct_channel(&luisa().id);
    // The bot was taken out of the intake channel: it still hears, it can no longer write.
    sb.platform.close("help");
    send(
        &sb,
        &luisa(),
        "help",
        None,
        message("the scanner is offline", "s1"),
    )
    .await;
    let t = ticket(&sb, 1).await;
    assert_eq!(t.reach, Reach::AsAsked);
    // The dispatcher parked the answer and told the desk, which moves to her DMs.
    sb.advance(Duration::ZERO).await.unwrap();
    let t = ticket(&sb, 1).await;
    assert_eq!(t.reach, Reach::Direct);
    let opening = sb
        .platform
        .posted(&MessageKey::RequesterDirect(t.id).to_string())
        .expect("a direct message opens the conversation there");
    assert_eq!(opening.channel, dm);
    let in_dm = shown(&sb, &dm, Some(&opening.message_id));
    let first_answer = text(
        Language::En,
        Msg::RequesterOpened,
        &[
            ("number", Arg::text("#1")),
            ("priority", Arg::text(t.priority())),
            ("level", Arg::text(t.level)),
        ],
    );
    assert!(
        in_dm.contains(&first_answer),
        "what did not reach her follows in the DM: {in_dm}"
    );
    let card_key = MessageKey::card(t.id, "support-l1").to_string();
    let card_id = card_thread(&sb, &card_key);
    assert!(agents_thread(&sb, &card_id).contains(&text(
        Language::En,
        Msg::AgentsRequesterMovedToDirect,
        &[("number", Arg::text("#1"))]
    )));
    assert!(
        format!("{:?}", latest(&sb, &card_key)).contains(&text(
            Language::En,
            Msg::CardRequesterDirect,
            &[("name", Arg::text("Luisa"))]
        )),
        "the card says where the requester is"
    );

    // The conversation goes on there, both ways.
    send(&sb, &ada(), "support-l1", None, click(Widget::Claim(t.id))).await;
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&card_id),
        message("please restart it", "a1"),
    )
    .await;
    assert!(shown(&sb, &dm, Some(&opening.message_id)).contains("please restart it"));
    let answer = direct("restarted, still offline", "s2");
    send(&sb, &luisa(), &dm, Some(&opening.message_id), answer).await;
    assert_eq!(
        requester_lines(&sb, 1).await,
        ["the scanner is offline", "restarted, still offline"]
    );
    assert!(agents_thread(&sb, &card_id).contains("restarted, still offline"));

    // Then she closes her DMs to the bot: the agents are told, the ticket is marked, and what
    // did not reach her is shown to them. Nothing stays parked.
    sb.platform.close(&dm);
    send(
        &sb,
        &ada(),
        "support-l1",
        Some(&card_id),
        message("try the other scanner", "a2"),
    )
    .await;
    sb.advance(Duration::ZERO).await.unwrap();
    let t = ticket(&sb, 1).await;
    assert_eq!(t.reach, Reach::Unreachable);
    let agents = agents_thread(&sb, &card_id);
    assert!(
        agents.contains(&text(
            Language::En,
            Msg::AgentsRequesterUnreachable,
            &[("number", Arg::text("#1")), ("name", Arg::text("Luisa"))]
        )),
        "{agents}"
    );
    assert!(agents.contains(&text(
        Language::En,
        Msg::AgentsUndelivered,
        &[("text", Arg::text("try the other scanner"))]
    )));
    assert!(format!("{:?}", latest(&sb, &card_key)).contains(&text(
        Language::En,
        Msg::CardRequesterUnreachable,
        &[("name", Arg::text("Luisa"))]
    )));
    let reaches: Vec<Reach> = log_kinds(&sb, &t)
        .await
        .into_iter()
        .filter_map(|k| match k {
            LogKind::RequesterReach { reach, .. } => Some(reach),
            _ => None,
        })
        .collect();
    assert_eq!(reaches, [Reach::Direct, Reach::Unreachable]);
    let parked = sb
        .desk
        .store()
        .outbox(Some(OutboxState::Dead), 100)
        .await
        .unwrap();
    assert!(
        parked.iter().all(|i| i.ticket != Some(t.id)),
        "no message for the requester stays parked: {parked:?}"
    );
}
