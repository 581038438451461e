//! The requester's pages: "my tickets", the intake form, a ticket's page and its reply form.
//! Reads go through [`crate::portal::Portal`]; every submission becomes the chat event the
//! desk takes from Slack or Discord ([`crate::events`]) and is answered with a redirect to a
//! page (POST-redirect-GET), so a reload never sends it again.

use super::{html, see_other, Cx, Desk, Tokened, Web};
use crate::events;
use crate::pages::{self, Columns};
use crate::port::{Session, StoreFailure};
use crate::portal::{Number, TicketPage};
use crate::text::Text;
use crate::token::Token;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::Response;
use axum::Form;
use helpdesk_chat::ChatEvent;
use serde::Deserialize;

/// The desk's messages "my tickets" shows.
const NOTICES: usize = 10;

/// The most a title holds (the desk's own bound).
const TITLE_MAX: usize = 200;

/// The most a description or a reply holds on a page.
const TEXT_MAX: usize = 10_000;

impl Cx {
    fn columns(&self) -> Columns {
        Columns {
            number: self.t(Text::ColumnNumber),
            title: self.t(Text::ColumnTitle),
            status: self.t(Text::ColumnStatus),
            level: self.t(Text::ColumnLevel),
            updated: self.t(Text::ColumnUpdated),
        }
    }
}

impl Web {
    /// The desk behind the pages, or the polite unavailable page when it is not there.
    fn desk(&self, cx: &Cx) -> Result<&Desk, Response> {
        self.0
            .portal
            .get()
            .ok_or_else(|| cx.unavailable(&StoreFailure("the portal is not served".into())))
    }

    /// A signed-in visitor of the requester's pages, with the desk behind them.
    async fn visitor_of_desk(
        &self,
        cx: &Cx,
        headers: &HeaderMap,
    ) -> Result<(Session, &Desk), Response> {
        let session = self.signed(cx, headers).await?;
        Ok((session, self.desk(cx)?))
    }

    /// A requester's form, read: signed in, its CSRF token the session's, and its submission
    /// token (the event's id) well formed; else the answer to give.
    async fn submitted<F: Tokened + Submitted>(
        &self,
        cx: &Cx,
        headers: &HeaderMap,
        form: Result<Form<F>, FormRejection>,
        path: &str,
    ) -> Result<Submission<'_, F>, Response> {
        let (session, form) = self.signed_form(cx, headers, form, path).await?;
        let desk = self.desk(cx)?;
        let Some(token) = Token::parse(form.submission()) else {
            return Err(cx.form_expired(path));
        };
        Ok(Submission {
            session,
            form,
            desk,
            token,
        })
    }

    /// Hands one submission to the desk and waits for its commit.
    async fn submit(&self, cx: &Cx, desk: &Desk, event: ChatEvent) -> Result<(), Response> {
        match desk.sink.deliver(event).await {
            Ok(taken) if taken.unserved => Err(cx.unavailable(&StoreFailure(
                "the desk does not serve the web tenant".into(),
            ))),
            Ok(_) => Ok(()),
            Err(e) => Err(cx.unavailable(&StoreFailure(e.to_string()))),
        }
    }
}

/// A requester's form that carries its submission token.
pub(super) trait Submitted {
    /// The token, as sent (empty when missing).
    fn submission(&self) -> &str;
}

/// A requester's form as read by [`Web::submitted`].
struct Submission<'w, F> {
    session: Session,
    form: F,
    desk: &'w Desk,
    token: Token,
}

/// A fresh submission token for a form, or the unavailable page.
fn submission(cx: &Cx) -> Result<Token, Response> {
    Token::generate().map_err(|e| cx.unavailable(&StoreFailure(e.to_string())))
}

/// A notice named in a redirect's query.
fn notice(uri: &Uri, name: &str, text: Text) -> Option<Text> {
    (uri.query() == Some(format!("notice={name}").as_str())).then_some(text)
}

/// Text as typed, trimmed and bounded.
fn bounded(text: &str, max: usize) -> String {
    text.trim().chars().take(max).collect()
}

/// "My tickets": the signed-in person's tickets and the desk's latest messages to them.
pub(super) async fn tickets(State(web): State<Web>, headers: HeaderMap, uri: Uri) -> Response {
    let cx = Cx::new(&web, &headers);
    let (session, desk) = match web.visitor_of_desk(&cx, &headers).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    let name = &session.account.name;
    let read = async {
        let mine = desk.portal.mine(name, cx.lang).await?;
        let notices = desk.portal.notices(name, cx.lang).await?;
        Ok::<_, StoreFailure>((mine, notices))
    };
    let (mine, mut notices) = match read.await {
        Ok(r) => r,
        Err(e) => return cx.unavailable(&e),
    };
    notices.truncate(NOTICES);
    let page = pages::Tickets {
        base: cx.base(Text::TicketsTitle, Some(&session)),
        notice: notice(&uri, "sent", Text::TicketSent).map(|t| cx.t(t)),
        none: cx.t(Text::TicketsNone),
        columns: cx.columns(),
        tickets: mine,
        notices_title: cx.t(Text::NoticesTitle),
        notices,
        new_ticket: cx.t(Text::NavNewTicket),
    };
    html(StatusCode::OK, &page)
}

/// The intake form, as first shown or after a refusal.
fn intake_form(
    cx: &Cx,
    session: &Session,
    status: StatusCode,
    form: &NewTicketForm,
    error: Option<Text>,
) -> Response {
    let submission = match submission(cx) {
        Ok(t) => t,
        Err(answer) => return answer,
    };
    let page = pages::NewTicket {
        base: cx.base(Text::NewTicketTitle, Some(session)),
        intro: cx.t(Text::NewTicketIntro),
        error: error.map(|e| cx.t(e)),
        csrf: session.csrf_token.clone(),
        submission: submission.expose().to_string(),
        title: bounded(&form.title, TITLE_MAX),
        description: bounded(&form.description, TEXT_MAX),
        title_label: cx.t(Text::TitleLabel),
        description_label: cx.t(Text::DescriptionLabel),
        button: cx.t(Text::NewTicketButton),
    };
    html(status, &page)
}

/// The intake form, empty.
pub(super) async fn new_ticket_page(State(web): State<Web>, headers: HeaderMap) -> Response {
    let cx = Cx::new(&web, &headers);
    match web.signed(&cx, &headers).await {
        Ok(session) => intake_form(
            &cx,
            &session,
            StatusCode::OK,
            &NewTicketForm::default(),
            None,
        ),
        Err(answer) => answer,
    }
}

#[derive(Deserialize, Default)]
pub(super) struct NewTicketForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    submission: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
pub(super) struct ReplyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    submission: String,
    #[serde(default)]
    text: String,
}

tokened!(NewTicketForm, ReplyForm);

impl Submitted for NewTicketForm {
    fn submission(&self) -> &str {
        &self.submission
    }
}

impl Submitted for ReplyForm {
    fn submission(&self) -> &str {
        &self.submission
    }
}

/// The intake form, submitted: the desk's new-ticket form as an event, then "my tickets".
pub(super) async fn new_ticket(
    State(web): State<Web>,
    headers: HeaderMap,
    form: Result<Form<NewTicketForm>, FormRejection>,
) -> Response {
    let cx = Cx::new(&web, &headers);
    let Submission {
        session,
        form,
        desk,
        token: submission,
    } = match web.submitted(&cx, &headers, form, "/tickets/new").await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let (title, description) = (
        bounded(&form.title, TITLE_MAX),
        bounded(&form.description, TEXT_MAX),
    );
    let missing = if title.is_empty() {
        Some(Text::TitleMissing)
    } else if description.is_empty() {
        Some(Text::DescriptionMissing)
    } else {
        None
    };
    if let Some(error) = missing {
        tracing::info!(account = %session.account.name, ?error, "web: the intake form was refused");
        return intake_form(
            &cx,
            &session,
            StatusCode::UNPROCESSABLE_ENTITY,
            &form,
            Some(error),
        );
    }
    let event = events::new_ticket(&session.account, cx.lang, &submission, &title, &description);
    if let Err(answer) = web.submit(&cx, desk, event).await {
        return answer;
    }
    tracing::info!(account = %session.account.name, "web: a ticket was sent to the desk");
    see_other("/tickets?notice=sent", &[])
}

/// A ticket's page, as shown or after a refused reply.
fn ticket_view(
    cx: &Cx,
    session: &Session,
    status: StatusCode,
    page: TicketPage,
    notice: Option<Text>,
    error: Option<Text>,
    reply: &str,
) -> Response {
    let submission = match submission(cx) {
        Ok(t) => t,
        Err(answer) => return answer,
    };
    let number = page.line.number.to_string();
    let view = pages::Ticket {
        base: cx.frame(
            cx.t_with(Text::TicketTitle, &[("number", &number)]),
            Some(session),
        ),
        notice: notice.map(|t| cx.t(t)),
        error: error.map(|e| cx.t(e)),
        columns: cx.columns(),
        action: format!("/tickets/{number}/reply"),
        page,
        conversation: cx.t(Text::ConversationTitle),
        empty: cx.t(Text::ConversationEmpty),
        csrf: session.csrf_token.clone(),
        submission: submission.expose().to_string(),
        reply: bounded(reply, TEXT_MAX),
        reply_label: cx.t(Text::ReplyLabel),
        button: cx.t(Text::ReplyButton),
    };
    html(status, &view)
}

/// The signed-in person's ticket `number`: `Err` with the answer when there is none for them
/// (404 for a bad number, someone else's or no ticket alike) or the store failed.
async fn own_ticket(
    cx: &Cx,
    desk: &Desk,
    session: &Session,
    number: Result<Path<String>, PathRejection>,
) -> Result<TicketPage, Response> {
    let Some(number) = number.ok().and_then(|Path(n)| Number::parse(&n)) else {
        return Err(cx.not_found(session, "a ticket address"));
    };
    match desk
        .portal
        .ticket(&session.account.name, number, cx.lang)
        .await
    {
        Ok(Some(page)) => Ok(page),
        Ok(None) => Err(cx.not_found(session, "a ticket")),
        Err(e) => Err(cx.unavailable(&e)),
    }
}

/// A ticket's page: its facts, the public conversation, the reply form.
pub(super) async fn ticket_page(
    State(web): State<Web>,
    number: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    let cx = Cx::new(&web, &headers);
    let (session, desk) = match web.visitor_of_desk(&cx, &headers).await {
        Ok(v) => v,
        Err(answer) => return answer,
    };
    match own_ticket(&cx, desk, &session, number).await {
        Ok(page) => {
            let notice = notice(&uri, "replied", Text::ReplySent);
            ticket_view(&cx, &session, StatusCode::OK, page, notice, None, "")
        }
        Err(answer) => answer,
    }
}

/// A reply from a ticket's page: a message in the ticket's conversation, then the page.
pub(super) async fn reply(
    State(web): State<Web>,
    number: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    form: Result<Form<ReplyForm>, FormRejection>,
) -> Response {
    let cx = Cx::new(&web, &headers);
    let Submission {
        session,
        form,
        desk,
        token: submission,
    } = match web.submitted(&cx, &headers, form, "/tickets/reply").await {
        Ok(s) => s,
        Err(answer) => return answer,
    };
    let page = match own_ticket(&cx, desk, &session, number).await {
        Ok(page) => page,
        Err(answer) => return answer,
    };
    let text = bounded(&form.text, TEXT_MAX);
    if text.is_empty() {
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        let error = Some(Text::ReplyMissing);
        return ticket_view(&cx, &session, status, page, None, error, "");
    }
    let number = page.line.number;
    let event = events::reply(
        &session.account,
        cx.lang,
        &submission,
        &page.conversation,
        &text,
    );
    if let Err(answer) = web.submit(&cx, desk, event).await {
        return answer;
    }
    tracing::info!(account = %session.account.name, ticket = %number, "web: a reply was sent to the desk");
    see_other(&format!("/tickets/{number}?notice=replied"), &[])
}
