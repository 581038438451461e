//! Buttons clicked and forms submitted. Their ids come from the platform's client and are never
//! trusted: each is decoded by [`super::keys`] (anything else got the "stale button" answer
//! before this), and names a ticket that is re-read and re-checked against the clicker's roles.

use super::context::{Cx, Ev};
use super::intake::{self, Request};
use super::keys::{FormId, TicketForm, Widget};
use super::{feedback, find, forms, knowledge, resolve, work};
use crate::domain::{Act, Grade, Level};
use crate::store::StoreError;
use std::collections::BTreeMap;

/// A button click.
pub(crate) async fn clicked(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    widget: Widget,
) -> Result<(), StoreError> {
    match widget {
        Widget::NewTicket => forms::open(cx, ev, |cx| forms::new_ticket(cx, None)).await,
        Widget::KbShow(article) => knowledge::show_clicked(cx, ev, article).await,
        Widget::KbSolved(ticket, article) => {
            knowledge::answered(cx, ev, ticket, article, true).await
        }
        Widget::KbUnhelpful(ticket, article) => {
            knowledge::answered(cx, ev, ticket, article, false).await
        }
        Widget::Rate(ticket, score) => feedback::rated(cx, ev, ticket, score).await,
        Widget::Confirm(id, solved) => match find::checked(cx, ev, id, Act::Confirm).await? {
            Some(ticket) => resolve::confirm(cx, ev, ticket, solved).await,
            None => Ok(()),
        },
        Widget::Claim(id) => match find::checked(cx, ev, id, Act::Work).await? {
            Some(ticket) => work::claim(cx, ev, ticket).await,
            None => Ok(()),
        },
        Widget::Reopen(id) => match find::checked(cx, ev, id, Act::Reopen).await? {
            Some(ticket) => resolve::reopen(cx, ev, ticket).await,
            None => Ok(()),
        },
        Widget::Open(form, id) => match find::checked(cx, ev, id, Act::Work).await? {
            Some(ticket) => forms::open(cx, ev, |cx| forms::ticket(cx, form, &ticket)).await,
            None => Ok(()),
        },
    }
}

/// A submitted form.
pub(crate) async fn submitted(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    form: FormId,
    fields: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let grade = |k: &str, default: Grade| get(k).parse::<Grade>().unwrap_or(default);
    let (which, id) = match form {
        FormId::NewTicket => {
            let request = Request {
                requester: ev.person.clone(),
                title: Some(get("title").to_string()).filter(|t| !t.is_empty()),
                description: get("description").to_string(),
                category: Some(get("category").to_string()).filter(|c| !c.is_empty()),
                urgency: grade("urgency", Grade::Medium),
                impact: grade("impact", Grade::Low),
                source: find::private_source(cx, ev).await?,
            };
            return intake::open(cx, ev, request).await.map(|_| ());
        }
        FormId::Comment(ticket) => return feedback::commented(cx, ev, ticket, fields).await,
        FormId::Article(article) => return knowledge::save(cx, ev, article, fields).await,
        FormId::Ticket(which, id) => (which, id),
    };
    let Some(ticket) = find::checked(cx, ev, id, Act::Work).await? else {
        return Ok(());
    };
    match which {
        TicketForm::Escalate => {
            let level = get("level").parse::<Level>().ok();
            let specialty =
                Some(get("specialty").to_string()).filter(|s| cx.settings.specialty(s).is_some());
            let level = if specialty.is_some() {
                Some(Level::L3)
            } else {
                level
            };
            work::escalate(cx, ev, ticket, level, specialty, get("reason")).await
        }
        TicketForm::Resolve => resolve::resolve(cx, ev, ticket, get("resolution")).await,
        TicketForm::Priority => {
            let (u, i) = (
                grade("urgency", ticket.urgency),
                grade("impact", ticket.impact),
            );
            work::reprioritise(cx, ev, ticket, u, i).await
        }
        TicketForm::Note => work::note(cx, ev, ticket, get("note")).await,
    }
}
