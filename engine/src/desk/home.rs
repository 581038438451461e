//! A person's own page of the bot (Slack's App Home): the tickets they asked for and, for agents,
//! the tickets they hold and the queue of their level.

use super::context::{Cx, Ev};
use super::keys::Widget;
use super::query;
use crate::i18n::{Arg, Msg};
use crate::store::StoreError;
use helpdesk_chat::{Button, ButtonStyle, ChatAction, RichMessage};

/// Publishes the person's page.
pub(crate) async fn opened(cx: &mut Cx<'_>, ev: &Ev<'_>) -> Result<(), StoreError> {
    let mut sections = vec![RichMessage {
        title: Some(cx.t(Msg::HomeTitle, &[])),
        text: cx.t(Msg::HomeIntro, &[]),
        buttons: vec![Button {
            label: cx.t(Msg::FormNewTitle, &[]),
            id: Widget::NewTicket.to_string(),
            style: ButtonStyle::Primary,
        }],
        ..RichMessage::default()
    }];
    let asked = query::active(cx, query::mine(&ev.person.id, false)).await?;
    sections.push(section(cx, Msg::HomeAsked, &asked));
    if ev.access.is_agent() {
        let held = query::active(cx, query::mine(&ev.person.id, true)).await?;
        sections.push(section(cx, Msg::HomeHeld, &held));
        let queue = query::at_level(cx, &ev.access, true).await?;
        sections.push(section(cx, Msg::HomeQueue, &queue));
    }
    let action = ChatAction::PublishHome {
        user: ev.person.id.clone(),
        sections,
    };
    cx.send(None, action).await
}

fn section(cx: &Cx<'_>, heading: Msg, tickets: &[crate::domain::Ticket]) -> RichMessage {
    let text = if tickets.is_empty() {
        cx.t(Msg::ListEmpty, &[])
    } else {
        query::lines(cx, tickets)
    };
    RichMessage {
        title: Some(cx.t(heading, &[("count", Arg::num(tickets.len()))])),
        text,
        ..RichMessage::default()
    }
}
