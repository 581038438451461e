//! A secret value that never prints itself.

use serde::{Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

/// Where a secret was read from (safe to print).
#[derive(Clone, PartialEq, Eq)]
pub enum SecretSource {
    /// An environment variable, by name.
    Env(String),
    /// A file, by path.
    File(PathBuf),
}

/// A token, key or password. `Debug`, `Display` and serialization show only where it came from.
#[derive(Clone)]
pub struct Secret {
    value: String,
    source: SecretSource,
}

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>, source: SecretSource) -> Self {
        Secret {
            value: value.into(),
            source,
        }
    }

    /// The value itself: call only where it is handed to the platform client.
    pub fn expose(&self) -> &str {
        &self.value
    }

    fn masked(&self) -> String {
        match &self.source {
            SecretSource::Env(var) => format!("*** (from ${var})"),
            SecretSource::File(path) => format!("*** (from file {})", path.display()),
        }
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
