//! The web desk's routes over the in-memory store, through the router as the server runs it:
//! sign-in, the CSRF checks, sign-out and the idle expiry, with a clock the test moves.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use helpdesk_web::memory::MemoryAccounts;
use helpdesk_web::{
    password, router, Catalogue, Password, Role, Text, Tier, Username, Web, WebConfig,
};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};
use tower::ServiceExt;

/// Says each text as its key, in brackets with the language: enough to see which was said.
struct Keys;

impl Catalogue for Keys {
    fn languages(&self) -> &[&'static str] {
        &["en", "it"]
    }

    fn text(&self, language: &'static str, text: Text, args: &[(&'static str, &str)]) -> String {
        let args: Vec<String> = args.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("[{language}:{}{}]", text.key(), args.join(","))
    }
}

struct Desk {
    app: axum::Router,
    accounts: Arc<MemoryAccounts>,
    clock: Arc<Mutex<SystemTime>>,
}

impl Desk {
    fn new() -> Desk {
        let accounts = Arc::new(MemoryAccounts::default());
        let hash = password::hash(&Password::new("correct horse battery").unwrap()).unwrap();
        accounts.insert(
            &Username::parse("ada").unwrap(),
            Role::Agent(Tier::L2),
            &hash,
        );
        let clock = Arc::new(Mutex::new(
            SystemTime::UNIX_EPOCH + Duration::from_secs(1 << 30),
        ));
        let now = clock.clone();
        let web = Web::with_clock(
            accounts.clone(),
            Arc::new(Keys),
            &WebConfig::default(),
            Arc::new(move || *now.lock().unwrap()),
        );
        Desk {
            app: router(web),
            accounts,
            clock,
        }
    }

    fn advance(&self, by: Duration) {
        *self.clock.lock().unwrap() += by;
    }

    async fn send(
        &self,
        request: Request<Body>,
    ) -> (StatusCode, Vec<String>, String, Option<String>) {
        let response = self.app.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let cookies = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_string())
            .collect();
        let location = response
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_string());
        let body = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .unwrap();
        (
            status,
            cookies,
            String::from_utf8(body.to_vec()).unwrap(),
            location,
        )
    }
}

fn get(path: &str, cookie: &str) -> Request<Body> {
    Request::get(path)
        .header("cookie", cookie)
        .header("accept-language", "it-IT,it;q=0.9")
        .body(Body::empty())
        .unwrap()
}

fn post(path: &str, cookie: &str, form: &str) -> Request<Body> {
    Request::post(path)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(form.to_string()))
        .unwrap()
}

/// `name=value` of a `Set-Cookie`.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().to_string()
}

fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    html[at..at + 64].to_string()
}

#[tokio::test]
async fn sign_in_csrf_sign_out_and_idle_expiry() {
    let desk = Desk::new();
    let (status, cookies, page, _) = desk.send(get("/signin", "")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"it\">"), "{page}");
    assert!(page.contains("[it:web_sign_in_title]"));
    let form_cookie = pair(&cookies[0]);
    let csrf = csrf_in(&page);

    // Without the form's token: refused, politely.
    let (status, _, page, _) = desk
        .send(post(
            "/signin",
            &form_cookie,
            "name=ada&password=correct+horse+battery",
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("web_form_expired"));

    // Wrong password, then the right one.
    let wrong = format!("csrf={csrf}&name=ada&password=wrong+password+here");
    let (status, _, page, _) = desk.send(post("/signin", &form_cookie, &wrong)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(page.contains("web_sign_in_failed"));
    let right = format!("csrf={csrf}&name=Ada&password=correct+horse+battery");
    let (status, cookies, _, location) = desk.send(post("/signin", &form_cookie, &right)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/"));
    assert!(cookies[0].contains("HttpOnly") && cookies[0].contains("SameSite=Lax"));
    let session = pair(&cookies[0]);

    let (status, _, page, _) = desk.send(get("/", &session)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("name=ada") && page.contains("level=2"),
        "{page}"
    );
    let signed_in_csrf = csrf_in(&page);

    // Idle for less than the limit: still in; past it, out, and the session is gone.
    desk.advance(Duration::from_secs(29 * 60));
    assert_eq!(desk.send(get("/", &session)).await.0, StatusCode::OK);
    desk.advance(Duration::from_secs(30 * 60));
    let (status, _, _, location) = desk.send(get("/", &session)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/signin?notice=session-ended"));
    assert_eq!(desk.accounts.sessions(), 0);

    // Sign in again and out: sign-out wants the session's own token.
    let (_, cookies, _, _) = desk.send(post("/signin", &form_cookie, &right)).await;
    let session = pair(&cookies[0]);
    let (status, _, _, _) = desk
        .send(post(
            "/signout",
            &session,
            &format!("csrf={signed_in_csrf}"),
        ))
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "an old session's token is refused"
    );
    let page = desk.send(get("/", &session)).await.2;
    let (status, cookies, _, location) = desk
        .send(post(
            "/signout",
            &session,
            &format!("csrf={}", csrf_in(&page)),
        ))
        .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location.as_deref(), Some("/signin?notice=signed-out"));
    assert!(cookies[0].contains("Max-Age=0"));
    assert_eq!(desk.accounts.sessions(), 0);
}

#[tokio::test]
async fn a_malformed_form_gets_a_polite_page() {
    let desk = Desk::new();
    let request = Request::post("/signin")
        .header("content-type", "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let (status, _, page, _) = desk.send(request).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("web_form_expired"));
}
