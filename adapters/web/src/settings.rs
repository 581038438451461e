//! The `[web]` section of the configuration: whether the web desk is served, how its cookies
//! are marked, how long a session lasts, and the address people reach it at.

use helpdesk_chat::setting::{self, duration_text, Invalid, Section};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// `[web]` as the loader must know it: no secrets (accounts live in the database).
pub const SECTION: Section = Section {
    name: crate::PLATFORM.as_str(),
    ids: crate::ids::IDS,
    secrets: &[],
    secret_variable: |_| false,
};

/// `[web]` as written in the file and the `HELPDESK_WEB_*` variables, before it is checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebSection {
    enabled: Option<bool>,
    secure_cookies: Option<bool>,
    session_idle: Option<String>,
    session_lifetime: Option<String>,
    public_url: Option<String>,
}

/// `[web]`, checked.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct WebConfig {
    /// Whether the web desk's pages are served on `http.listen`; unset, see
    /// [`WebConfig::serves`].
    pub enabled: Option<bool>,
    /// Cookies marked `Secure` (sent over HTTPS only): on when `public_url` is https.
    pub secure_cookies: bool,
    /// A session unused this long is over.
    #[serde(with = "duration_text")]
    pub session_idle: Duration,
    /// A session is over this long after sign-in, however busy.
    #[serde(with = "duration_text")]
    pub session_lifetime: Duration,
    /// The address people open (`https://desk.example.com`), for links the bot prints; none:
    /// `http://` and `http.listen`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
}

impl WebConfig {
    /// Whether the pages are served on `listen`: as configured, else only on a loopback
    /// address. A deployment that opens its listener to the world for Slack's or Discord's
    /// webhooks must not find a sign-in page and a setup link there after an upgrade.
    pub fn serves(&self, listen: std::net::SocketAddr) -> bool {
        self.enabled.unwrap_or(listen.ip().is_loopback())
    }
}

impl Default for WebConfig {
    fn default() -> Self {
        WebSection::default()
            .check()
            .expect("the defaults are valid")
    }
}

impl WebSection {
    /// Checks every value, naming the key of the first that cannot be used.
    pub fn check(self) -> Result<WebConfig, Invalid> {
        let public_url = match self.public_url {
            None => None,
            Some(url) => Some(
                setting::api_url("web.public_url", Some(url), "")?
                    .trim_end_matches('/')
                    .to_string(),
            ),
        };
        let https = public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let session_idle =
            setting::duration("web.session_idle", self.session_idle.as_deref(), "30m")?;
        let session_lifetime = setting::duration(
            "web.session_lifetime",
            self.session_lifetime.as_deref(),
            "12h",
        )?;
        if session_idle.is_zero() {
            return Err(Invalid::value("web.session_idle", "0s", "more than 0"));
        }
        if session_lifetime < session_idle {
            return Err(Invalid::value(
                "web.session_lifetime",
                &setting::format_duration(session_lifetime),
                "at least web.session_idle",
            ));
        }
        Ok(WebConfig {
            enabled: self.enabled,
            secure_cookies: self.secure_cookies.unwrap_or(https),
            session_idle,
            session_lifetime,
            public_url,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section(toml_text: &str) -> WebSection {
        // The loader hands the section over as a TOML table; serde's JSON-like value is the
        // simplest stand-in here.
        let pairs: Vec<(&str, &str)> = toml_text
            .lines()
            .filter_map(|l| l.split_once(" = "))
            .collect();
        let mut s = WebSection::default();
        for (k, v) in pairs {
            let v = v.trim_matches('"').to_string();
            match k {
                "enabled" => s.enabled = Some(v == "true"),
                "secure_cookies" => s.secure_cookies = Some(v == "true"),
                "session_idle" => s.session_idle = Some(v),
                "session_lifetime" => s.session_lifetime = Some(v),
                "public_url" => s.public_url = Some(v),
                _ => unreachable!(),
            }
        }
        s
    }

    #[test]
    fn the_defaults_serve_plain_http_with_half_an_hour_idle() {
        let c = WebConfig::default();
        assert!(c.enabled.is_none() && !c.secure_cookies);
        assert_eq!(c.session_idle, Duration::from_secs(1800));
        assert_eq!(c.session_lifetime, Duration::from_secs(12 * 3600));
    }

    #[test]
    fn by_default_the_pages_are_served_on_a_loopback_listener_only() {
        let loopback: std::net::SocketAddr = "127.0.0.1:8080".parse().unwrap();
        let open: std::net::SocketAddr = "0.0.0.0:8080".parse().unwrap();
        let c = WebConfig::default();
        assert!(c.serves(loopback) && !c.serves(open));
        let on = section("enabled = \"true\"").check().unwrap();
        assert!(on.serves(open));
        let off = section("enabled = \"false\"").check().unwrap();
        assert!(!off.serves(loopback));
    }

    #[test]
    fn an_https_address_marks_cookies_secure_unless_told_otherwise() {
        let c = section("public_url = \"https://desk.example.com/\"")
            .check()
            .unwrap();
        assert!(c.secure_cookies);
        assert_eq!(c.public_url.as_deref(), Some("https://desk.example.com"));
        let c = section("public_url = \"https://d.example\"\nsecure_cookies = \"false\"")
            .check()
            .unwrap();
        assert!(!c.secure_cookies);
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = section("public_url = \"desk.example.com\"")
            .check()
            .unwrap_err();
        assert_eq!(e.key, "web.public_url");
        let e = section("session_idle = \"soon\"").check().unwrap_err();
        assert_eq!(e.key, "web.session_idle");
        let e = section("session_idle = \"2h\"\nsession_lifetime = \"1h\"")
            .check()
            .unwrap_err();
        assert_eq!(e.key, "web.session_lifetime");
    }
}
