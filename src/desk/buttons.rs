//! Buttons and forms. Their ids and values come from the platform's client and are never
//! trusted: each names a ticket that is re-read and re-checked against the clicker's roles.

use super::card::ids;
use super::context::{Cx, Ev};
use super::intake::{self, grade_name, Request};
use super::{find, resolve, work};
use crate::domain::{Act, Grade, Level, Ticket};
use crate::i18n::Msg;
use crate::store::StoreError;
use helpdesk_chat::{Form, FormFieldKind};
use std::collections::BTreeMap;

/// A button click.
pub(crate) async fn clicked(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    id: &str,
    value: &str,
) -> Result<(), StoreError> {
    if id == ids::NEW {
        return open_form(cx, ev, intake::form(cx, None)).await;
    }
    let act = match id {
        ids::CONFIRM => Act::Confirm,
        ids::CLAIM | ids::ESCALATE | ids::RESOLVE | ids::PRIORITY | ids::NOTE => Act::Work,
        _ => {
            tracing::warn!(action = id, "unknown button");
            return cx.tell_msg(ev, Msg::StaleButton, &[]).await;
        }
    };
    let Some(ticket) = find::by_id(cx, ev, value).await? else {
        return Ok(());
    };
    if !find::permitted(cx, ev, act, &ticket).await? {
        return Ok(());
    }
    match id {
        ids::CONFIRM => {
            let solved = value.ends_with(":yes");
            resolve::confirm(cx, ev, ticket, solved).await
        }
        ids::CLAIM => work::claim(cx, ev, ticket).await,
        _ => {
            let form = ticket_form(cx, id, &ticket);
            open_form(cx, ev, form).await
        }
    }
}

/// A submitted form.
pub(crate) async fn submitted(
    cx: &mut Cx<'_>,
    ev: &Ev<'_>,
    form: &str,
    fields: &BTreeMap<String, String>,
) -> Result<(), StoreError> {
    let get = |k: &str| fields.get(k).map(|v| v.trim()).unwrap_or_default();
    let grade = |k: &str, default: Grade| get(k).parse::<Grade>().unwrap_or(default);
    if form == ids::NEW {
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
    let Some((kind, value)) = form.split_once(':') else {
        tracing::warn!(form, "unknown form");
        return cx.tell_msg(ev, Msg::StaleButton, &[]).await;
    };
    let Some(ticket) = find::by_id(cx, ev, value).await? else {
        return Ok(());
    };
    if !find::permitted(cx, ev, Act::Work, &ticket).await? {
        return Ok(());
    }
    match kind {
        ids::ESCALATE => {
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
        ids::RESOLVE => resolve::resolve(cx, ev, ticket, get("resolution")).await,
        ids::PRIORITY => {
            let (u, i) = (
                grade("urgency", ticket.urgency),
                grade("impact", ticket.impact),
            );
            work::reprioritise(cx, ev, ticket, u, i).await
        }
        ids::NOTE => work::note(cx, ev, ticket, get("note")).await,
        _ => {
            tracing::warn!(form, "unknown form");
            cx.tell_msg(ev, Msg::StaleButton, &[]).await
        }
    }
}

/// Opens a form if the platform gave a trigger; otherwise says which command does the same.
pub(crate) async fn open_form(cx: &mut Cx<'_>, ev: &Ev<'_>, form: Form) -> Result<(), StoreError> {
    match ev.form_action(form) {
        Some(action) => cx.send(None, action).await,
        None => cx.tell_msg(ev, Msg::UseTheCommand, &[]).await,
    }
}

/// The escalate, resolve, priority or note form for a ticket.
pub(crate) fn ticket_form(cx: &Cx<'_>, id: &str, ticket: &Ticket) -> Form {
    let field =
        |id: &str, label, kind, required, initial| cx.field(id, label, kind, required, initial);
    let grades = || FormFieldKind::Choice {
        options: Grade::ALL
            .iter()
            .map(|g| (g.as_str().to_string(), grade_name(cx, *g)))
            .collect(),
    };
    let (title, fields) = match id {
        ids::ESCALATE => {
            let levels = Level::ALL
                .iter()
                .filter(|l| **l > ticket.level)
                .map(|l| (l.as_str().to_string(), l.as_str().to_string()))
                .collect();
            let mut fields = vec![field(
                "level",
                Msg::FieldLevel,
                FormFieldKind::Choice { options: levels },
                false,
                ticket.level.next().map(|l| l.as_str().to_string()),
            )];
            if !cx.settings.specialties.is_empty() {
                let options = cx
                    .settings
                    .specialties
                    .iter()
                    .map(|s| (s.name.clone(), s.name.clone()))
                    .collect();
                fields.push(field(
                    "specialty",
                    Msg::FieldSpecialty,
                    FormFieldKind::Choice { options },
                    false,
                    None,
                ));
            }
            fields.push(field(
                "reason",
                Msg::FieldReason,
                FormFieldKind::LongText,
                true,
                None,
            ));
            (Msg::FormEscalateTitle, fields)
        }
        ids::RESOLVE => (
            Msg::FormResolveTitle,
            vec![field(
                "resolution",
                Msg::FieldResolution,
                FormFieldKind::LongText,
                true,
                None,
            )],
        ),
        ids::PRIORITY => (
            Msg::FormPriorityTitle,
            vec![
                field(
                    "urgency",
                    Msg::FieldUrgency,
                    grades(),
                    true,
                    Some(ticket.urgency.as_str().into()),
                ),
                field(
                    "impact",
                    Msg::FieldImpact,
                    grades(),
                    true,
                    Some(ticket.impact.as_str().into()),
                ),
            ],
        ),
        _ => (
            Msg::FormNoteTitle,
            vec![field(
                "note",
                Msg::FieldNote,
                FormFieldKind::LongText,
                true,
                None,
            )],
        ),
    };
    Form {
        id: format!("{id}:{}", ticket.id.0),
        title: cx.t(title, &[("number", &ticket.number)]),
        fields,
        submit: cx.t(Msg::FormSubmit, &[]),
    }
}
