//! The web desk as a browser sees it: the real router over a real store on 127.0.0.1, a clock
//! the test moves, and a small HTTP/1.1 client that keeps cookies like a browser.

use helpdesk::clock::{Clock, SystemClock};
use helpdesk::desk::{Desk, Handled};
use helpdesk::domain::AccountRole;
use helpdesk::schedule::{Dispatcher, RetryPolicy};
use helpdesk::store::{AccountAdded, Store};
use helpdesk_chat::{ChatEvent, ChatPlatform, EventSink, SinkError, SinkFuture, Taken};
use helpdesk_web::{password, Password, Web, WebConfig, WebPlatform};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A password every test account has.
pub const PASSWORD: &str = "correct horse battery";

/// The web desk served on a free port.
pub struct WebDesk {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its store.
    pub store: Store,
    /// Its handle (to arm the setup link).
    pub web: Web,
    /// The desk behind the portal, and the dispatcher that sends its actions to the web
    /// platform ([`WebDesk::with_portal`]).
    pub portal: Option<(Arc<Desk>, Dispatcher)>,
    clock: Arc<Mutex<SystemTime>>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// The desk as the web adapter hands it events: each handled in its own transaction.
struct DeskSink(Arc<Desk>);

impl EventSink for DeskSink {
    fn deliver(&self, event: ChatEvent) -> SinkFuture<'_> {
        Box::pin(async move {
            let outcome = self
                .0
                .handle_event(&event)
                .await
                .map_err(|e| SinkError(e.to_string()))?;
            Ok(Taken {
                answered: outcome.answered,
                unserved: outcome.handled == Handled::Unserved,
            })
        })
    }
}

impl WebDesk {
    /// Serves the web desk with its portal: a desk serving the web tenant behind it, and a
    /// dispatcher sending its actions to the web platform (run by [`WebDesk::dispatch`]).
    pub async fn with_portal(store: Store) -> WebDesk {
        let mut desk = WebDesk::start(store.clone(), WebConfig::default()).await;
        let clock: Arc<dyn Clock> = Arc::new(SystemClock);
        let engine = Desk::new(
            store.clone(),
            vec![helpdesk::web::web_tenant(helpdesk::i18n::Language::En)],
            clock.clone(),
        )
        .with_limits(helpdesk_web::PLATFORM, helpdesk_web::LIMITS);
        let engine = Arc::new(engine);
        let accounts = Arc::new(helpdesk::web::StoreAccounts(store.clone()));
        assert!(desk
            .web
            .serve_portal(accounts.clone(), Arc::new(DeskSink(engine.clone()))));
        let platform = WebPlatform::new(accounts, desk.web.clock());
        let dispatcher = Dispatcher::new(
            store,
            vec![Arc::new(platform) as Arc<dyn ChatPlatform>],
            clock,
            RetryPolicy::default(),
        );
        desk.portal = Some((engine, dispatcher));
        desk
    }

    /// Sends everything the desk queued to the web platform, as `helpdesk run`'s dispatcher
    /// does after each commit.
    pub async fn dispatch(&self) {
        let (_, dispatcher) = self.portal.as_ref().expect("a desk behind the portal");
        // A round sends the heads of conversations; what waited on them goes in the next.
        for _ in 0..8 {
            let report = dispatcher.run_once().await.unwrap();
            if report.sent == 0 && report.waiting == 0 {
                return;
            }
        }
    }

    /// Hands `event` to the desk, as a chat platform (or the console) would.
    pub async fn act(&self, event: ChatEvent) {
        let (desk, _) = self.portal.as_ref().expect("a desk behind the portal");
        desk.handle_event(&event).await.unwrap();
    }

    /// Serves the web desk over `store` with `config`, on its own clock.
    pub async fn start(store: Store, config: WebConfig) -> WebDesk {
        let clock = Arc::new(Mutex::new(SystemTime::now()));
        let now = clock.clone();
        let web = Web::with_clock(
            Arc::new(helpdesk::web::StoreAccounts(store.clone())),
            Arc::new(helpdesk::web::Catalogues::default()),
            &config,
            Arc::new(move || *now.lock().unwrap()),
        );
        let server = helpdesk::http::HttpServer::bind(
            "127.0.0.1:0".parse().unwrap(),
            helpdesk_web::router(web.clone()),
        )
        .await
        .unwrap();
        let addr = server.local_addr().unwrap();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.serve(async move {
            let _ = stopped.await;
        }));
        WebDesk {
            addr,
            store,
            web,
            portal: None,
            clock,
            _stop: stop,
        }
    }

    /// Adds an account with [`PASSWORD`].
    pub async fn add(&self, name: &str, role: AccountRole) {
        // One hash for every test account: hashing is deliberately slow.
        static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
        let hash = HASH.get_or_init(|| password::hash(&Password::new(PASSWORD).unwrap()).unwrap());
        let added = self
            .store
            .add_web_account(
                &helpdesk::domain::Person::new("cli", "command line"),
                name,
                role,
                hash,
                false,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        assert_eq!(added, AccountAdded::Added);
    }

    /// Moves the desk's clock on.
    pub fn advance(&self, by: Duration) {
        *self.clock.lock().unwrap() += by;
    }

    /// A new browser that asks for `language` (an `Accept-Language` value), if any.
    pub fn browser(&self, language: Option<&str>) -> Browser {
        Browser::new(self.addr, language)
    }
}

/// One answer.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// Every header, names in lower case, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: String,
}

impl Answer {
    /// The first header of that name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every `Set-Cookie`.
    pub fn set_cookies(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The value of the page's hidden field `name` (in its first form that has one).
    pub fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let at = self.body.find(&marker).expect("a form with that field") + marker.len();
        let end = self.body[at..].find('"').expect("a quoted value");
        self.body[at..at + end].to_string()
    }

    /// Where a redirect points.
    pub fn location(&self) -> Option<&str> {
        self.header("location")
    }

    /// The page's CSRF token (the hidden field of its first form).
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let at = self.body.find(marker).expect("a form with a CSRF token") + marker.len();
        self.body[at..at + 64].to_string()
    }
}

/// A browser: cookies kept between requests, as a browser would.
#[derive(Debug, Clone)]
pub struct Browser {
    addr: SocketAddr,
    language: Option<String>,
    /// Cookies by name.
    pub cookies: BTreeMap<String, String>,
}

impl Browser {
    /// A browser with no cookies, speaking to `addr`.
    pub fn new(addr: SocketAddr, language: Option<&str>) -> Browser {
        Browser {
            addr,
            language: language.map(str::to_string),
            cookies: BTreeMap::new(),
        }
    }

    /// GET `path`.
    pub async fn get(&mut self, path: &str) -> Answer {
        self.send("GET", path, None).await
    }

    /// POST the form `fields` to `path`.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Answer {
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        self.send("POST", path, Some(body)).await
    }

    /// Signs in as `name` with [`PASSWORD`]: the sign-in page, then its form.
    pub async fn sign_in(&mut self, name: &str) -> Answer {
        let page = self.get("/signin").await;
        let csrf = page.csrf();
        self.post(
            "/signin",
            &[("csrf", &csrf), ("name", name), ("password", PASSWORD)],
        )
        .await
    }

    async fn send(&mut self, method: &str, path: &str, body: Option<String>) -> Answer {
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n",
            self.addr
        );
        if let Some(language) = &self.language {
            request.push_str(&format!("Accept-Language: {language}\r\n"));
        }
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        let body = body.unwrap_or_default();
        if method == "POST" {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        let mut stream = tokio::net::TcpStream::connect(self.addr).await.unwrap();
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.unwrap();
        let answer = parse(&raw);
        for set in answer.set_cookies() {
            let pair = set.split(';').next().unwrap_or_default();
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_string(), value.to_string());
            }
        }
        answer
    }
}

fn parse(raw: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("a status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"));
    let body = if chunked {
        unchunk(body)
    } else {
        body.to_string()
    };
    Answer {
        status,
        headers,
        body,
    }
}

fn unchunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let Ok(n) = usize::from_str_radix(size.trim(), 16) else {
            break;
        };
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// A page's `<html lang>`.
pub fn lang(page: &Answer) -> &str {
    let marker = "<html lang=\"";
    let at = page.body.find(marker).expect("an html page") + marker.len();
    let end = page.body[at..].find('"').unwrap();
    &page.body[at..at + end]
}

/// A catalogue text as a page shows it (HTML-escaped, as askama writes it).
pub fn shown(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}
