//! Sessions as the browser holds them: the cookie (HttpOnly, SameSite=Lax, Path=/, Secure when
//! configured), how it is read back, and when a stored session is over.

use crate::port::Session;
use axum::http::HeaderMap;
use std::time::{Duration, SystemTime};

// Plain-HTTP names carry no `__Host-` prefix because they cannot: browsers drop a
// `__Host-` cookie that lacks `Secure`, and keep a `Secure` cookie only from a secure origin,
// so on the default `http://127.0.0.1` listener a prefixed cookie would never be stored and
// nobody could sign in. Whenever cookies are Secure (`web.secure_cookies`, or an https
// `public_url`) the prefixed names below are used.

/// The session cookie's name over plain HTTP.
pub const SESSION_COOKIE: &str = "helpdesk_session";
/// Over HTTPS: the `__Host-` prefix makes browsers refuse it unless Secure, host-only, Path=/.
pub const SECURE_SESSION_COOKIE: &str = "__Host-helpdesk_session";
/// The cookie that binds the forms shown before sign-in (sign-in, setup) to one browser.
pub const FORM_COOKIE: &str = "helpdesk_form";
/// Its name over HTTPS.
pub const SECURE_FORM_COOKIE: &str = "__Host-helpdesk_form";

/// How sessions and their cookies behave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Over after this long unused.
    pub idle: Duration,
    /// Over this long after sign-in.
    pub lifetime: Duration,
    /// Cookies are marked Secure.
    pub secure: bool,
}

/// Why a stored session no longer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Unused longer than the idle limit.
    Idle,
    /// Older than the lifetime.
    Lifetime,
}

impl Policy {
    /// Whether `session` is over at `now`, and why.
    pub fn ended(&self, session: &Session, now: SystemTime) -> Option<Ended> {
        let since = |t: SystemTime| now.duration_since(t).unwrap_or_default();
        if since(session.created_at) >= self.lifetime {
            Some(Ended::Lifetime)
        } else if since(session.seen_at) >= self.idle {
            Some(Ended::Idle)
        } else {
            None
        }
    }

    /// The session cookie's name.
    pub fn session_cookie(&self) -> &'static str {
        if self.secure {
            SECURE_SESSION_COOKIE
        } else {
            SESSION_COOKIE
        }
    }

    /// The form cookie's name.
    pub fn form_cookie(&self) -> &'static str {
        if self.secure {
            SECURE_FORM_COOKIE
        } else {
            FORM_COOKIE
        }
    }

    /// A `Set-Cookie` value that stores `value` under `name` for `max_age`.
    pub fn set(&self, name: &str, value: &str, max_age: Duration) -> String {
        format!(
            "{name}={value}; Max-Age={}; Path=/; HttpOnly; SameSite=Lax{}",
            max_age.as_secs(),
            if self.secure { "; Secure" } else { "" }
        )
    }

    /// A `Set-Cookie` value that makes the browser forget `name`.
    pub fn clear(&self, name: &str) -> String {
        self.set(name, "", Duration::ZERO)
    }
}

/// The value of the cookie `name` in a request, if sent (the first, should there be several).
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::account::{Role, Username};
    use crate::port::Account;
    use axum::http::HeaderValue;

    fn session(created: u64, seen: u64) -> Session {
        let t = |s| SystemTime::UNIX_EPOCH + Duration::from_secs(s);
        Session {
            account: Account {
                id: 1,
                name: Username::parse("ada").unwrap(),
                role: Role::Admin,
                password_hash: String::new(),
            },
            csrf_token: String::new(),
            created_at: t(created),
            seen_at: t(seen),
        }
    }

    #[test]
    fn a_session_ends_when_idle_or_too_old() {
        let p = Policy {
            idle: Duration::from_secs(60),
            lifetime: Duration::from_secs(600),
            secure: false,
        };
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1000);
        assert_eq!(p.ended(&session(900, 990), now), None);
        assert_eq!(p.ended(&session(900, 940), now), Some(Ended::Idle));
        assert_eq!(p.ended(&session(400, 999), now), Some(Ended::Lifetime));
    }

    #[test]
    fn cookies_are_http_only_lax_and_secure_when_asked() {
        let plain = Policy {
            idle: Duration::from_secs(60),
            lifetime: Duration::from_secs(600),
            secure: false,
        };
        assert_eq!(
            plain.set(plain.session_cookie(), "abc", Duration::from_secs(600)),
            "helpdesk_session=abc; Max-Age=600; Path=/; HttpOnly; SameSite=Lax"
        );
        let secure = Policy {
            secure: true,
            ..plain
        };
        assert!(secure
            .set(secure.session_cookie(), "abc", Duration::from_secs(1))
            .starts_with("__Host-helpdesk_session=abc;"));
        assert!(secure.clear("x").ends_with("; Secure"));
    }

    #[test]
    fn a_cookie_is_found_among_others() {
        let mut h = HeaderMap::new();
        h.append(
            "cookie",
            HeaderValue::from_static("a=1; helpdesk_session=xyz"),
        );
        h.append("cookie", HeaderValue::from_static("b=2"));
        assert_eq!(cookie(&h, "helpdesk_session"), Some("xyz"));
        assert_eq!(cookie(&h, "b"), Some("2"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
