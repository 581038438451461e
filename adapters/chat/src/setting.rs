//! What an adapter needs to read its own section of the configuration (`[slack]`,
//! `[discord]`): secrets that say where they came from, durations written as text, and errors
//! that name the exact key. The engine's loader reads the file and the environment and hands
//! each adapter its section; the adapter deserializes and validates it.

use serde::{Serialize, Serializer};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// An adapter's section of the configuration, as the loader must know it before the adapter
/// reads it: which keys hold secrets (never written in the file), and how its platform writes
/// the ids that `[[tenants]]` and `admins` name.
#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// The table's name (`slack`): the keys are `slack.…`, the variables `HELPDESK_SLACK_…`.
    /// It is also the platform's name ([`Section::platform`]).
    pub name: &'static str,
    /// How the platform writes channel, user and group ids.
    pub ids: crate::ids::Ids,
    /// The keys whose values are secrets, read from `HELPDESK_<NAME>_<KEY>` or `<key>_file`.
    pub secrets: &'static [&'static str],
    /// Further variables that hold secrets of this section (e.g. one token per workspace), so
    /// the loader does not read them as settings.
    pub secret_variable: fn(&str) -> bool,
}

impl Section {
    /// The platform this section configures.
    pub fn platform(&self) -> crate::Platform {
        crate::Platform::new(self.name)
    }

    /// The variable a secret key is read from: `slack.bot_token` → `HELPDESK_SLACK_BOT_TOKEN`.
    pub fn variable(&self, key: &str) -> String {
        format!("HELPDESK_{}_{}", self.name, key).to_ascii_uppercase()
    }
}

/// How one chat platform is set up, as `config check` tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlatformState {
    /// No credentials: the platform is off.
    Off,
    /// On, hearing events the listed ways (e.g. "Socket Mode", "HTTP Events API").
    On(Vec<&'static str>),
    /// A token is set, but nothing brings events in: the desk can post but hears nothing.
    Deaf,
}

impl fmt::Display for PlatformState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlatformState::Off => f.write_str("not enabled"),
            PlatformState::On(ways) => write!(f, "enabled ({})", ways.join(" and ")),
            PlatformState::Deaf => f.write_str("enabled, but hears nothing"),
        }
    }
}

/// What an adapter says about its checked section: whether it is on, and what looks wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformCheck {
    /// The section's name (`slack`), which is also the platform's name in `[[tenants]]`.
    pub name: &'static str,
    /// Off, on (and how), or deaf.
    pub state: PlatformState,
    /// The variable that turns the platform on (`HELPDESK_SLACK_BOT_TOKEN`), for the hint
    /// given when no platform is on.
    pub enabled_by: &'static str,
    /// What the operator most likely did not mean, one sentence each.
    pub warnings: Vec<String>,
}

/// A setting that cannot be used: the dotted key (`slack.ack_deadline`) and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration key `{key}`: {reason}")]
pub struct Invalid {
    /// Dotted key, or the environment variable that holds the value.
    pub key: String,
    /// The value given and what is allowed.
    pub reason: String,
}

impl Invalid {
    /// `value` is not allowed at `key`; `allowed` says what is.
    pub fn value(key: &str, value: &str, allowed: &str) -> Self {
        Invalid {
            key: key.to_string(),
            reason: format!("{value} is not allowed; expected {allowed}"),
        }
    }
}

/// Where an adapter's section finds its secrets: the environment, or the files it names.
pub trait Secrets {
    /// The secret at `key` (`slack.bot_token`): its variable when set, else the file that
    /// `file` (the `<key>_file` setting) names, else none. Empty secrets are refused.
    fn secret(&self, key: &str, file: Option<&Path>) -> Result<Option<Secret>, Invalid>;

    /// Every set variable `accept` takes, by name, with its secret. Empty ones are refused.
    fn variables(&self, accept: &dyn Fn(&str) -> bool) -> Result<Vec<(String, Secret)>, Invalid>;
}

/// A duration setting such as `"1s"` or `"500ms"`, `default` when it is not given.
pub fn duration(key: &str, value: Option<&str>, default: &str) -> Result<Duration, Invalid> {
    let text = value.unwrap_or(default);
    parse_duration(text).map_err(|_| {
        Invalid::value(
            key,
            &format!("{text:?}"),
            "a duration such as \"500ms\", \"2s\" or \"5m\"",
        )
    })
}

/// How long a platform may wait for the desk before it is acknowledged: more than 0 and at
/// most 2.5 s, as both Slack and Discord want an answer within 3 s.
pub fn ack_deadline(key: &str, platform: &str, value: Option<&str>) -> Result<Duration, Invalid> {
    let d = duration(key, value, "2s")?;
    if d.is_zero() || d > Duration::from_millis(2500) {
        return Err(Invalid::value(
            key,
            &format_duration(d),
            &format!("more than 0 and at most 2.5s ({platform} wants an answer within 3 s)"),
        ));
    }
    Ok(d)
}

/// An API base URL: `default` when not given, else an http:// or https:// URL.
pub fn api_url(key: &str, value: Option<String>, default: &str) -> Result<String, Invalid> {
    match value {
        None => Ok(default.to_string()),
        Some(v) if v.starts_with("http://") || v.starts_with("https://") => Ok(v),
        Some(v) => Err(Invalid::value(
            key,
            &format!("{v:?}"),
            "an http:// or https:// URL",
        )),
    }
}

/// Parses `90s`, `20m`, `2h`, `3d`, `1h30m`, `500ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let bad =
        || format!("{text:?} is not a duration; expected e.g. 500ms, 90s, 20m, 2h, 3d or 1h30m");
    if text.is_empty() {
        return Err(bad());
    }
    let mut total_ms: u64 = 0;
    let mut digits = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit_ms = match c {
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                1
            }
            's' => 1000,
            'm' => 60_000,
            'h' => 3_600_000,
            'd' => 86_400_000,
            'w' => 7 * 86_400_000,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        total_ms = n
            .checked_mul(unit_ms)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(bad)?;
        digits.clear();
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(Duration::from_millis(total_ms))
}

/// Writes a duration the way [`parse_duration`] reads it.
pub fn format_duration(d: Duration) -> String {
    if d.subsec_millis() != 0 {
        return format!("{}ms", d.as_millis());
    }
    let s = d.as_secs();
    match s {
        0 => "0s".into(),
        s if s % 86400 == 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `#[serde(with = "…::duration_text")]`: a duration as the text [`parse_duration`] reads.
pub mod duration_text {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;

    /// Writes `"90s"`.
    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_duration(*d))
    }

    /// Reads `"90s"`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_duration(&text).map_err(serde::de::Error::custom)
    }
}

/// Where a secret was read from (safe to print).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable, by name.
    Env(String),
    /// A file, by path.
    File(PathBuf),
}

impl fmt::Display for SecretSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretSource::Env(var) => write!(f, "${var}"),
            SecretSource::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// A configured token, key or password. `Debug`, `Display` and serialization show only where
/// it came from.
#[derive(Clone)]
pub struct Secret {
    value: crate::Secret,
    source: SecretSource,
}

/// A secret that holds nothing: an empty key would make every signature check pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{from} is empty")]
pub struct EmptySecret {
    /// Where the empty value came from.
    pub from: SecretSource,
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>, source: SecretSource) -> Self {
        Secret {
            value: crate::Secret::new(value),
            source,
        }
    }

    /// A secret as read from its source: surrounding whitespace (a file's last newline) is
    /// dropped, and nothing left is refused.
    pub fn read(text: &str, source: SecretSource) -> Result<Self, EmptySecret> {
        // A byte-order mark or a zero-width space (an editor's, a copy's) is no secret either.
        let invisible = |c: char| c.is_whitespace() || matches!(c, '\u{feff}' | '\u{200b}');
        match text.trim_matches(invisible) {
            "" => Err(EmptySecret { from: source }),
            value => Ok(Secret::new(value, source)),
        }
    }

    /// Where it came from.
    pub fn source(&self) -> &SecretSource {
        &self.source
    }

    /// The value itself: call only where it is handed to the platform client.
    pub fn expose(&self) -> &str {
        self.value.expose()
    }

    /// The value alone, as the platform clients take it.
    pub fn value(&self) -> &crate::Secret {
        &self.value
    }

    fn masked(&self) -> String {
        format!("*** (from {})", self.source)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_shows_its_value() {
        let s = Secret::read(" xoxb-1\n", SecretSource::Env("HELPDESK_X".into())).unwrap();
        assert_eq!(s.expose(), "xoxb-1");
        assert_eq!(
            format!("{s} {s:?}"),
            "*** (from $HELPDESK_X) *** (from $HELPDESK_X)"
        );
        assert!(Secret::read("\u{feff}\n", SecretSource::Env("E".into())).is_err());
    }

    #[test]
    fn the_ack_deadline_is_checked_once_for_every_platform() {
        assert_eq!(
            ack_deadline("x.ack_deadline", "X", None),
            Ok(Duration::from_secs(2))
        );
        let e = ack_deadline("x.ack_deadline", "X", Some("5s")).unwrap_err();
        assert_eq!(e.key, "x.ack_deadline");
        assert!(e.reason.contains("X wants an answer"), "{e}");
        assert!(ack_deadline("x.ack_deadline", "X", Some("0s")).is_err());
    }
}
