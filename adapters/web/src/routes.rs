//! The web desk's routes: the landing page, sign-in, sign-out, the setup page, the
//! requester's pages (`requester`) and the style sheet. Every answer is a whole page in the browser's language; every POST carries a CSRF
//! token; every refusal is polite and logged.

// Helpers that read a request give back either what they read or the whole answer to send
// (a redirect, a refusal page): the handler returns that answer at once, so boxing it would
// only add an allocation to every refusal.
#![allow(clippy::result_large_err)]

use crate::account::{Password, Role, Username};
use crate::limiter::{Attempt, Limiter};
use crate::pages::{self, Base, Link, Nav, SignOut};
use crate::password;
use crate::port::{Accounts, Added, Session, StoreFailure};
use crate::portal::Portal;
use crate::session::{cookie, Policy};
use crate::settings::WebConfig;
use crate::setup::SetupLink;
use crate::text::{negotiate, Catalogue, Text};
use crate::token::{self, Token};
use askama::Template;
use axum::extract::rejection::{FormRejection, PathRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Path, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use helpdesk_chat::EventSink;
use serde::Deserialize;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, SystemTime};
use tokio::sync::Semaphore;

/// The largest form taken (a sign-in form is well under 2 KiB).
pub const BODY_LIMIT: usize = 16 * 1024;

/// Password hashes computed at once: each takes ~19 MiB, so a burst of sign-ins queues here
/// instead of taking the machine's memory.
const HASHES_AT_ONCE: usize = 4;

/// A session's last request is written at most this often (the idle limit is in minutes).
const TOUCH_EVERY: Duration = Duration::from_secs(60);

/// The clock the web desk reads (tests set their own).
pub type Now = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// The web desk: its store, its words, its settings and what it keeps in memory.
#[derive(Clone)]
pub struct Web(Arc<Inner>);

struct Inner {
    accounts: Arc<dyn Accounts>,
    catalogue: Arc<dyn Catalogue>,
    policy: Policy,
    public_url: Option<String>,
    limiter: Limiter,
    setup: SetupLink,
    hashing: Arc<Semaphore>,
    now: Now,
    /// The requester's pages, once the desk is there to take their forms.
    portal: std::sync::OnceLock<Desk>,
}

/// What the requester's pages read, and where their forms go.
struct Desk {
    portal: Arc<dyn Portal>,
    sink: Arc<dyn EventSink>,
}

impl Web {
    /// The web desk over `accounts`, speaking from `catalogue`, on the system clock.
    pub fn new(
        accounts: Arc<dyn Accounts>,
        catalogue: Arc<dyn Catalogue>,
        config: &WebConfig,
    ) -> Web {
        Web::with_clock(accounts, catalogue, config, Arc::new(SystemTime::now))
    }

    /// The same, on another clock.
    pub fn with_clock(
        accounts: Arc<dyn Accounts>,
        catalogue: Arc<dyn Catalogue>,
        config: &WebConfig,
        now: Now,
    ) -> Web {
        // Off the async threads: the dummy hash takes as long as a sign-in.
        std::thread::spawn(password::prepare);
        Web(Arc::new(Inner {
            accounts,
            catalogue,
            policy: Policy {
                idle: config.session_idle,
                lifetime: config.session_lifetime,
                secure: config.secure_cookies,
            },
            public_url: config.public_url.clone(),
            limiter: Limiter::default(),
            setup: SetupLink::none(),
            hashing: Arc::new(Semaphore::new(HASHES_AT_ONCE)),
            now,
            portal: std::sync::OnceLock::new(),
        }))
    }

    /// Serves the requester's pages: they read through `portal` and hand their forms to the
    /// desk through `sink`, as events. Without this they say the desk is unavailable. Set
    /// once; `false` when it was set already.
    pub fn serve_portal(&self, portal: Arc<dyn Portal>, sink: Arc<dyn EventSink>) -> bool {
        self.0.portal.set(Desk { portal, sink }).is_ok()
    }

    /// The clock the web desk reads, for the web platform's stamps.
    pub fn clock(&self) -> Now {
        self.0.now.clone()
    }

    /// When no admin account exists, makes the one-time setup link live and returns its
    /// address (`public_url`, else `http://` and `listen`); `None` once an admin exists.
    pub async fn arm_setup(&self, listen: SocketAddr) -> Result<Option<String>, StoreFailure> {
        if self.0.accounts.admin_exists().await? {
            self.0.setup.kill();
            return Ok(None);
        }
        let token = self
            .0
            .setup
            .arm()
            .map_err(|e| StoreFailure(e.to_string()))?;
        let base = self
            .0
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{listen}"));
        Ok(Some(format!("{base}/setup/{}", token.expose())))
    }

    fn now(&self) -> SystemTime {
        (self.0.now)()
    }

    fn policy(&self) -> Policy {
        self.0.policy
    }
}

/// The web desk's routes, to merge into the bot's HTTP server.
pub fn router(web: Web) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/signin", get(sign_in_page).post(sign_in))
        .route("/signout", axum::routing::post(sign_out))
        .route("/setup/{token}", get(setup_page).post(setup))
        .route("/tickets", get(requester::tickets))
        .route(
            "/tickets/new",
            get(requester::new_ticket_page).post(requester::new_ticket),
        )
        .route("/tickets/{number}", get(requester::ticket_page))
        .route(
            "/tickets/{number}/reply",
            axum::routing::post(requester::reply),
        )
        .route("/static/web.css", get(css))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(web)
}

/// What every page answer carries: no caching of personal pages, no framing, no scripts, no
/// referrer (the setup link's token is in its path).
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    let set = |h: &mut HeaderMap, name: header::HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(h, header::CACHE_CONTROL, "no-store");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::REFERRER_POLICY, "no-referrer");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    set(h, header::VARY, "Accept-Language, Cookie");
    response
}

/// The client's address, when the server recorded it.
struct ClientAddr(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Infallible> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip()),
        ))
    }
}

/// One request's language and the words in it.
struct Cx {
    web: Web,
    lang: &'static str,
}

impl Cx {
    fn new(web: &Web, headers: &HeaderMap) -> Cx {
        let accept = headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok());
        Cx {
            web: web.clone(),
            lang: negotiate(accept, web.0.catalogue.languages()),
        }
    }

    fn t(&self, text: Text) -> String {
        self.t_with(text, &[])
    }

    fn t_with(&self, text: Text, args: &[(&'static str, &str)]) -> String {
        self.web.0.catalogue.text(self.lang, text, args)
    }

    fn base(&self, title: Text, sign_out: Option<&Session>) -> Base {
        self.frame(self.t(title), sign_out)
    }

    /// The frame of a page whose title is already in words.
    fn frame(&self, title: String, sign_out: Option<&Session>) -> Base {
        Base {
            lang: self.lang,
            title,
            desk: self.t(Text::DeskName),
            skip: self.t(Text::SkipToContent),
            sign_out: sign_out.map(|s| SignOut {
                csrf: s.csrf_token.clone(),
                label: self.t(Text::SignOutButton),
            }),
            nav: sign_out.map(|_| Nav {
                label: self.t(Text::NavLabel),
                tickets: self.t(Text::NavTickets),
                new_ticket: self.t(Text::NavNewTicket),
            }),
        }
    }

    /// A page with one message (and a link to the sign-in page).
    fn message(&self, status: StatusCode, title: Text, message: Text) -> Response {
        let page = pages::Message {
            base: self.base(title, None),
            message: self.t(message),
            link: Some(Link {
                href: "/signin",
                label: self.t(Text::GoToSignIn),
            }),
        };
        html(status, &page)
    }

    /// A page that is not there for this person: one that does not exist and another
    /// person's read the same (404, never 403), so the answer tells nothing of others.
    fn not_found(&self, session: &Session, what: &str) -> Response {
        tracing::info!(account = %session.account.name, what, "web: not found (or not theirs)");
        let page = pages::Message {
            base: self.base(Text::NotFoundTitle, Some(session)),
            message: self.t(Text::NotFound),
            link: Some(Link {
                href: "/tickets",
                label: self.t(Text::GoToTickets),
            }),
        };
        html(StatusCode::NOT_FOUND, &page)
    }

    /// The store failed: the person hears the desk is unavailable; the cause is logged.
    fn unavailable(&self, e: &StoreFailure) -> Response {
        tracing::error!(error = %e, "web: the store failed");
        self.message(
            StatusCode::SERVICE_UNAVAILABLE,
            Text::UnavailableTitle,
            Text::Unavailable,
        )
    }

    /// A POST without its form's token.
    fn form_expired(&self, path: &str) -> Response {
        tracing::warn!(path, "web: a form came without its CSRF token: refused");
        self.message(
            StatusCode::FORBIDDEN,
            Text::FormExpiredTitle,
            Text::FormExpired,
        )
    }

    /// A body that is not the form the page sends.
    fn bad_form(&self, e: &FormRejection) -> Response {
        tracing::warn!(error = %e, "web: a form could not be read");
        self.message(
            StatusCode::BAD_REQUEST,
            Text::FormExpiredTitle,
            Text::FormExpired,
        )
    }
}

/// A rendered page (a template that cannot render is logged, and answered 500).
fn html(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(body) => (
            status,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "web: a page could not be rendered");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// 303 See Other to `to`, with cookies to set.
fn see_other(to: &str, cookies: &[String]) -> Response {
    let mut response =
        (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_string())]).into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

/// Adds a `Set-Cookie` to a response.
fn with_cookie(mut response: Response, value: Option<String>) -> Response {
    if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

/// Who is asking, by their session cookie.
enum Visitor {
    /// Signed in: the session and the hash it is stored under.
    Signed(Session, String),
    /// Sent a session cookie that no longer counts.
    Ended,
    /// No session cookie.
    Anonymous,
}

impl Web {
    async fn visitor(&self, headers: &HeaderMap) -> Result<Visitor, StoreFailure> {
        let policy = self.policy();
        let Some(sent) = cookie(headers, policy.session_cookie()).filter(|v| !v.is_empty()) else {
            return Ok(Visitor::Anonymous);
        };
        let Some(id) = Token::parse(sent) else {
            tracing::info!("web: a malformed session cookie was ignored");
            return Ok(Visitor::Ended);
        };
        let digest = id.digest();
        let Some(session) = self.0.accounts.session(&digest).await? else {
            return Ok(Visitor::Ended);
        };
        let now = self.now();
        if let Some(why) = policy.ended(&session, now) {
            tracing::info!(account = %session.account.name, ?why, "web: a session ended");
            self.0.accounts.remove_session(&digest).await?;
            return Ok(Visitor::Ended);
        }
        if now.duration_since(session.seen_at).unwrap_or_default() >= TOUCH_EVERY {
            self.0.accounts.touch_session(&digest, now).await?;
        }
        Ok(Visitor::Signed(session, digest))
    }

    /// Signs `account` in: a fresh session id (never one the browser brought), its CSRF
    /// token, and the cookie. A session the browser still carried is ended first, so a
    /// sign-in never leaves an earlier id (planted or left behind) alive beside the new one.
    async fn start_session(
        &self,
        headers: &HeaderMap,
        account: i64,
    ) -> Result<String, StoreFailure> {
        let fail = |e: token::NoRandomness| StoreFailure(e.to_string());
        if let Some(carried) =
            cookie(headers, self.policy().session_cookie()).and_then(Token::parse)
        {
            self.0.accounts.remove_session(&carried.digest()).await?;
        }
        let id = Token::generate().map_err(fail)?;
        let csrf = Token::generate().map_err(fail)?;
        let now = self.now();
        let policy = self.policy();
        // Expired sessions go now and then: at each sign-in.
        self.0
            .accounts
            .prune_sessions(now - policy.idle, now - policy.lifetime)
            .await?;
        self.0
            .accounts
            .add_session(&id.digest(), account, csrf.expose(), now)
            .await?;
        Ok(policy.set(policy.session_cookie(), id.expose(), policy.lifetime))
    }

    /// The form token of a page shown before sign-in: the browser's, or a new one to set.
    fn form_token(&self, headers: &HeaderMap) -> Result<(String, Option<String>), StoreFailure> {
        let policy = self.policy();
        if let Some(t) = cookie(headers, policy.form_cookie()).and_then(Token::parse) {
            return Ok((t.expose().to_string(), None));
        }
        let t = Token::generate().map_err(|e| StoreFailure(e.to_string()))?;
        let set = policy.set(policy.form_cookie(), t.expose(), policy.lifetime);
        Ok((t.expose().to_string(), Some(set)))
    }

    /// Whether a pre-sign-in form's token is the one its browser holds.
    fn form_token_matches(&self, headers: &HeaderMap, sent: &str) -> bool {
        cookie(headers, self.policy().form_cookie())
            .and_then(Token::parse)
            .is_some_and(|t| token::same(t.expose(), sent))
    }

    /// A form shown before sign-in (sign-in, setup), read: its body decoded and its token
    /// checked against the browser's form cookie; else the polite refusal to answer with.
    fn pre_sign_in_form<F: Tokened>(
        &self,
        cx: &Cx,
        headers: &HeaderMap,
        form: Result<Form<F>, FormRejection>,
        path: &str,
    ) -> Result<F, Response> {
        let Form(form) = form.map_err(|e| cx.bad_form(&e))?;
        if !self.form_token_matches(headers, form.csrf()) {
            return Err(cx.form_expired(path));
        }
        Ok(form)
    }

    /// Runs a password hash or check off the async threads, a few at a time.
    async fn hashing<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, StoreFailure> {
        // The permit goes with the job: a client that leaves must not free it while its hash
        // still runs (each takes ~19 MiB).
        let turn = self
            .0
            .hashing
            .clone()
            .acquire_owned()
            .await
            .map_err(|e| StoreFailure(e.to_string()))?;
        tokio::task::spawn_blocking(move || {
            let out = work();
            drop(turn);
            out
        })
        .await
        .map_err(|e| StoreFailure(format!("password hashing stopped: {e}")))
    }
}

impl Web {
    /// The signed-in session of a page's visitor; anyone else is sent to sign in (told their
    /// session ended when it did), and a store failure is the polite unavailable page.
    async fn signed(&self, cx: &Cx, headers: &HeaderMap) -> Result<Session, Response> {
        match self.visitor(headers).await {
            Ok(Visitor::Signed(session, _)) => Ok(session),
            Ok(Visitor::Ended) => {
                let policy = self.policy();
                Err(see_other(
                    "/signin?notice=session-ended",
                    &[policy.clear(policy.session_cookie())],
                ))
            }
            Ok(Visitor::Anonymous) => Err(see_other("/signin", &[])),
            Err(e) => Err(cx.unavailable(&e)),
        }
    }

    /// A signed-in form, read: the visitor signed in, the body decoded and its token the
    /// session's own; else the answer to give (sign in, or the polite refusal).
    async fn signed_form<F: Tokened>(
        &self,
        cx: &Cx,
        headers: &HeaderMap,
        form: Result<Form<F>, FormRejection>,
        path: &str,
    ) -> Result<(Session, F), Response> {
        let session = self.signed(cx, headers).await?;
        let Form(form) = form.map_err(|e| cx.bad_form(&e))?;
        if !token::same(&session.csrf_token, form.csrf()) {
            return Err(cx.form_expired(path));
        }
        Ok((session, form))
    }
}

async fn home(State(web): State<Web>, headers: HeaderMap) -> Response {
    let cx = Cx::new(&web, &headers);
    match web.signed(&cx, &headers).await {
        Ok(session) => {
            let account = &session.account;
            let role = match account.role {
                Role::Requester => cx.t(Text::RoleRequester),
                Role::Agent(tier) => {
                    cx.t_with(Text::RoleAgent, &[("level", &tier.number().to_string())])
                }
                Role::Manager => cx.t(Text::RoleManager),
                Role::Admin => cx.t(Text::RoleAdmin),
            };
            let page = pages::Home {
                base: cx.base(Text::HomeTitle, Some(&session)),
                signed_in: cx.t_with(Text::HomeSignedIn, &[("name", account.name.as_str())]),
                role: cx.t_with(Text::HomeRole, &[("role", &role)]),
                next: cx.t(Text::HomeNext),
            };
            html(StatusCode::OK, &page)
        }
        Err(answer) => answer,
    }
}

/// A notice the sign-in page shows on arrival.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Notice {
    SignedOut,
    SessionEnded,
}

impl Notice {
    fn of_query(query: Option<&str>) -> Option<Notice> {
        match query? {
            "notice=signed-out" => Some(Notice::SignedOut),
            "notice=session-ended" => Some(Notice::SessionEnded),
            _ => None,
        }
    }
}

/// The sign-in page with its form token, as first shown or after a refusal.
fn sign_in_form(
    cx: &Cx,
    status: StatusCode,
    csrf: String,
    name: &str,
    notice: Option<Text>,
    error: Option<Text>,
) -> Response {
    let page = pages::SignIn {
        base: cx.base(Text::SignInTitle, None),
        notice: notice.map(|n| cx.t(n)),
        error: error.map(|e| cx.t(e)),
        csrf,
        name: name.chars().take(Username::MAX).collect(),
        name_label: cx.t(Text::NameLabel),
        password_label: cx.t(Text::PasswordLabel),
        button: cx.t(Text::SignInButton),
    };
    html(status, &page)
}

async fn sign_in_page(
    State(web): State<Web>,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Response {
    let cx = Cx::new(&web, &headers);
    match web.visitor(&headers).await {
        Ok(Visitor::Signed(..)) => return see_other("/", &[]),
        Ok(_) => {}
        Err(e) => return cx.unavailable(&e),
    }
    let (csrf, set) = match web.form_token(&headers) {
        Ok(t) => t,
        Err(e) => return cx.unavailable(&e),
    };
    let notice = Notice::of_query(uri.query()).map(|n| match n {
        Notice::SignedOut => Text::SignedOut,
        Notice::SessionEnded => Text::SessionEnded,
    });
    with_cookie(
        sign_in_form(&cx, StatusCode::OK, csrf, "", notice, None),
        set,
    )
}

/// A submitted form that carries a CSRF token.
trait Tokened {
    /// The token it carried (empty when it carried none).
    fn csrf(&self) -> &str;
}

macro_rules! tokened {
    ($($form:ty),*) => {$(
        impl Tokened for $form {
            fn csrf(&self) -> &str {
                &self.csrf
            }
        }
    )*};
}

tokened!(SignInForm, SetupForm, CsrfForm);

#[derive(Deserialize)]
struct SignInForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
}

async fn sign_in(
    State(web): State<Web>,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Response {
    let cx = Cx::new(&web, &headers);
    let form = match web.pre_sign_in_form(&cx, &headers, form, "/signin") {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    let typed: String = form
        .name
        .trim()
        .to_lowercase()
        .chars()
        .take(Username::MAX)
        .collect();
    let attempt = Attempt {
        name: typed.clone(),
        address,
    };
    let now = web.now();
    let refuse =
        |status, error| sign_in_form(&cx, status, form.csrf.clone(), &typed, None, Some(error));
    if let Err(until) = web.0.limiter.begin(&attempt, now) {
        let wait = until
            .duration_since(now)
            .unwrap_or_default()
            .as_secs()
            .max(1);
        tracing::warn!(name = ?typed, ?address, wait_secs = wait, "web: sign-in refused: too many failures");
        let mut response = refuse(StatusCode::TOO_MANY_REQUESTS, Text::SignInThrottled);
        if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        return response;
    }
    let password = Password::attempt(&form.password);
    let account = match Username::parse(&form.name) {
        Ok(name) => match web.0.accounts.account(&name).await {
            Ok(found) => found,
            Err(e) => return cx.unavailable(&e),
        },
        Err(_) => None,
    };
    // The same work whether or not the account exists, so the time tells nothing either.
    let matched = match (password, account.clone()) {
        (Some(p), Some(a)) => {
            web.hashing(move || password::verify(&p, &a.password_hash))
                .await
        }
        (Some(p), None) => {
            web.hashing(move || {
                password::verify_nobody(&p);
                false
            })
            .await
        }
        (None, _) => Ok(false),
    };
    let matched = match matched {
        Ok(m) => m,
        Err(e) => return cx.unavailable(&e),
    };
    let Some(account) = account.filter(|_| matched) else {
        // Already counted when it began.
        tracing::warn!(name = ?typed, ?address, "web: sign-in failed");
        return refuse(StatusCode::UNAUTHORIZED, Text::SignInFailed);
    };
    web.0.limiter.succeeded(&attempt);
    match web.start_session(&headers, account.id).await {
        Ok(set) => {
            tracing::info!(account = %account.name, ?address, "web: signed in");
            see_other("/", &[set])
        }
        Err(e) => cx.unavailable(&e),
    }
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn sign_out(
    State(web): State<Web>,
    headers: HeaderMap,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Response {
    let cx = Cx::new(&web, &headers);
    let form = match form {
        Ok(Form(f)) => f,
        Err(e) => return cx.bad_form(&e),
    };
    let policy = web.policy();
    let clear = policy.clear(policy.session_cookie());
    match web.visitor(&headers).await {
        Ok(Visitor::Signed(session, digest)) => {
            if !token::same(&session.csrf_token, &form.csrf) {
                return cx.form_expired("/signout");
            }
            if let Err(e) = web.0.accounts.remove_session(&digest).await {
                return cx.unavailable(&e);
            }
            tracing::info!(account = %session.account.name, "web: signed out");
            see_other("/signin?notice=signed-out", &[clear])
        }
        Ok(_) => see_other("/signin", &[clear]),
        Err(e) => cx.unavailable(&e),
    }
}

/// Whether the setup link `token` is live: it matches and still no admin exists.
async fn setup_live(web: &Web, token: &str) -> Result<bool, StoreFailure> {
    if !web.0.setup.matches(token) {
        return Ok(false);
    }
    if web.0.accounts.admin_exists().await? {
        web.0.setup.kill();
        return Ok(false);
    }
    Ok(true)
}

/// The setup page, as first shown or after a refusal.
fn setup_form(
    cx: &Cx,
    status: StatusCode,
    token: &str,
    csrf: String,
    name: &str,
    error: Option<Text>,
) -> Response {
    let page = pages::Setup {
        base: cx.base(Text::SetupTitle, None),
        intro: cx.t(Text::SetupIntro),
        error: error.map(|e| cx.t(e)),
        action: format!("/setup/{token}"),
        csrf,
        name: name.chars().take(Username::MAX).collect(),
        name_label: cx.t(Text::NameLabel),
        password_label: cx.t(Text::PasswordLabel),
        password_again_label: cx.t(Text::PasswordAgainLabel),
        button: cx.t(Text::SetupButton),
    };
    html(status, &page)
}

fn setup_gone(cx: &Cx) -> Response {
    tracing::info!("web: a setup link that is not live was opened");
    cx.message(StatusCode::NOT_FOUND, Text::SetupTitle, Text::SetupGone)
}

async fn setup_page(
    State(web): State<Web>,
    token: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
) -> Response {
    let cx = Cx::new(&web, &headers);
    // A path that is no token at all (bad percent-encoding) reads like any dead link.
    let Ok(Path(token)) = token else {
        return setup_gone(&cx);
    };
    match setup_live(&web, &token).await {
        Ok(true) => {}
        Ok(false) => return setup_gone(&cx),
        Err(e) => return cx.unavailable(&e),
    }
    let (csrf, set) = match web.form_token(&headers) {
        Ok(t) => t,
        Err(e) => return cx.unavailable(&e),
    };
    with_cookie(setup_form(&cx, StatusCode::OK, &token, csrf, "", None), set)
}

#[derive(Deserialize)]
struct SetupForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

async fn setup(
    State(web): State<Web>,
    token: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    form: Result<Form<SetupForm>, FormRejection>,
) -> Response {
    let cx = Cx::new(&web, &headers);
    let Ok(Path(token)) = token else {
        return setup_gone(&cx);
    };
    let form = match web.pre_sign_in_form(&cx, &headers, form, "/setup") {
        Ok(f) => f,
        Err(refused) => return refused,
    };
    match setup_live(&web, &token).await {
        Ok(true) => {}
        Ok(false) => return setup_gone(&cx),
        Err(e) => return cx.unavailable(&e),
    }
    let again = |error| {
        tracing::info!(?error, "web: the setup form was refused");
        setup_form(
            &cx,
            StatusCode::UNPROCESSABLE_ENTITY,
            &token,
            form.csrf.clone(),
            &form.name,
            Some(error),
        )
    };
    let Ok(name) = Username::parse(&form.name) else {
        return again(Text::BadName);
    };
    let Ok(password) = Password::new(&form.password) else {
        return again(Text::BadPassword);
    };
    if form.password != form.password_again {
        return again(Text::PasswordsDiffer);
    }
    // Taken before the slow hash, so two submissions cannot both make an admin.
    if !web.0.setup.take(&token) {
        return setup_gone(&cx);
    }
    let hashed = web.hashing(move || password::hash(&password)).await;
    let phc = match hashed {
        Ok(Ok(phc)) => phc,
        Ok(Err(e)) => {
            web.0.setup.restore(&token);
            return cx.unavailable(&StoreFailure(e.to_string()));
        }
        Err(e) => {
            web.0.setup.restore(&token);
            return cx.unavailable(&e);
        }
    };
    match web.0.accounts.add_first_admin(&name, &phc, web.now()).await {
        Ok(Added::Added) => {}
        Ok(Added::NameTaken) => {
            web.0.setup.restore(&token);
            return again(Text::NameTaken);
        }
        Ok(Added::AdminExists) => return setup_gone(&cx),
        Err(e) => {
            web.0.setup.restore(&token);
            return cx.unavailable(&e);
        }
    }
    tracing::info!(account = %name, "web: the first admin was created with the setup link");
    let account = match web.0.accounts.account(&name).await {
        Ok(Some(a)) => a,
        Ok(None) => return cx.unavailable(&StoreFailure("the new admin is not stored".into())),
        Err(e) => return cx.unavailable(&e),
    };
    match web.start_session(&headers, account.id).await {
        Ok(set) => see_other("/", &[set]),
        Err(e) => cx.unavailable(&e),
    }
}

async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        pages::CSS,
    )
        .into_response()
}

// Last, so the `tokened!` macro above is in scope there.
mod requester;
