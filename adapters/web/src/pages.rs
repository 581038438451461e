//! The pages, as askama templates (`templates/`): compiled with the crate, so a missing field
//! or a typo in a template fails the build, and every value is HTML-escaped. Chosen over maud
//! because the markup stays plain HTML files a designer can read and edit, while keeping the
//! compile-time checks; all words come in already translated.

use askama::Template;

/// What every page has around its content.
pub(crate) struct Base {
    /// The page's language code (`<html lang>`).
    pub lang: &'static str,
    /// The page's title and heading.
    pub title: String,
    /// The desk's name, in the header.
    pub desk: String,
    /// The skip link's label.
    pub skip: String,
    /// The sign-out button, when signed in.
    pub sign_out: Option<SignOut>,
    /// The menu, when signed in.
    pub nav: Option<Nav>,
}

/// The signed-in menu: the requester's pages.
pub(crate) struct Nav {
    pub label: String,
    pub tickets: String,
    pub new_ticket: String,
}

/// The sign-out form in the header.
pub(crate) struct SignOut {
    pub csrf: String,
    pub label: String,
}

/// A link under a message.
pub(crate) struct Link {
    pub href: &'static str,
    pub label: String,
}

#[derive(Template)]
#[template(path = "signin.html")]
pub(crate) struct SignIn {
    pub base: Base,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub csrf: String,
    pub name: String,
    pub name_label: String,
    pub password_label: String,
    pub button: String,
}

#[derive(Template)]
#[template(path = "setup.html")]
pub(crate) struct Setup {
    pub base: Base,
    pub intro: String,
    pub error: Option<String>,
    pub action: String,
    pub csrf: String,
    pub name: String,
    pub name_label: String,
    pub password_label: String,
    pub password_again_label: String,
    pub button: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct Home {
    pub base: Base,
    pub signed_in: String,
    pub role: String,
    pub next: String,
}

#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct Message {
    pub base: Base,
    pub message: String,
    pub link: Option<Link>,
}

/// "My tickets": the list, the desk's latest messages, a notice after a submission.
#[derive(Template)]
#[template(path = "tickets.html")]
pub(crate) struct Tickets {
    pub base: Base,
    pub notice: Option<String>,
    pub none: String,
    pub columns: Columns,
    pub tickets: Vec<crate::portal::TicketLine>,
    pub notices_title: String,
    pub notices: Vec<crate::portal::Notice>,
    pub new_ticket: String,
}

/// The headings of a ticket's facts.
pub(crate) struct Columns {
    pub number: String,
    pub title: String,
    pub status: String,
    pub level: String,
    pub updated: String,
}

/// The intake form.
#[derive(Template)]
#[template(path = "new_ticket.html")]
pub(crate) struct NewTicket {
    pub base: Base,
    pub intro: String,
    pub error: Option<String>,
    pub csrf: String,
    pub submission: String,
    pub title: String,
    pub description: String,
    pub title_label: String,
    pub description_label: String,
    pub button: String,
}

/// A requester's ticket: its facts, the public conversation, the reply form.
#[derive(Template)]
#[template(path = "ticket.html")]
pub(crate) struct Ticket {
    pub base: Base,
    pub notice: Option<String>,
    pub error: Option<String>,
    pub columns: Columns,
    pub page: crate::portal::TicketPage,
    pub conversation: String,
    pub empty: String,
    pub action: String,
    pub csrf: String,
    pub submission: String,
    pub reply: String,
    pub reply_label: String,
    pub button: String,
}

/// The one style sheet, embedded in the binary.
pub(crate) const CSS: &str = include_str!("../static/web.css");
