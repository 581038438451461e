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

/// The one style sheet, embedded in the binary.
pub(crate) const CSS: &str = include_str!("../static/web.css");
