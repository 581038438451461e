//! A secret value that never prints itself.

use serde::{Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

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

/// A token, key or password. `Debug`, `Display` and serialization show only where it came from.
#[derive(Clone)]
pub struct Secret {
    value: String,
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
            value: value.into(),
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
