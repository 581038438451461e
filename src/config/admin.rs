//! Installation admins: the people who may change what every tenant shares (shared knowledge
//! base articles), named by platform and user id in the top-level `admins` list.

use helpdesk_chat::Platform;
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// One installation admin, written `platform:user` (`slack:U0ADMIN`, `discord:80351110224678912`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InstallationAdmin {
    /// The platform the person is on.
    pub platform: Platform,
    /// Their user id on that platform.
    pub user: String,
}

impl InstallationAdmin {
    /// Whether this is the person `user` of `platform`.
    pub fn is(&self, platform: Platform, user: &str) -> bool {
        self.platform == platform && self.user == user
    }
}

/// Whether the person `user` of `platform` is one of the admins.
pub fn is_installation_admin(admins: &[InstallationAdmin], platform: Platform, user: &str) -> bool {
    admins.iter().any(|a| a.is(platform, user))
}

impl fmt::Display for InstallationAdmin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.platform, self.user)
    }
}

impl Serialize for InstallationAdmin {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl FromStr for InstallationAdmin {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = "expected platform:user id, e.g. \"slack:U0ADMIN\" or \
            \"discord:80351110224678912\"";
        let Some((platform, user)) = text.trim().split_once(':') else {
            return Err(format!("{text:?}: {expected}"));
        };
        let platform: Platform = platform
            .parse()
            .map_err(|_| format!("{text:?}: unknown platform {platform:?}; {expected}"))?;
        let user = user.trim();
        let valid = match platform {
            // A Discord user id is a snowflake.
            Platform::Discord => {
                !user.is_empty() && user.len() <= 20 && user.bytes().all(|b| b.is_ascii_digit())
            }
            // Slack user ids are upper-case letters and digits (`U…`, `W…`).
            Platform::Slack => {
                !user.is_empty()
                    && user.len() <= 32
                    && user
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
            }
            Platform::Memory => {
                !user.is_empty() && user.len() <= 64 && !user.contains(char::is_whitespace)
            }
        };
        if !valid {
            return Err(format!("{text:?}: {user:?} is not a {platform} user id"));
        }
        Ok(InstallationAdmin {
            platform,
            user: user.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admins_parse_once_and_print_as_written() {
        let a: InstallationAdmin = "slack:U0ADMIN".parse().unwrap();
        assert_eq!((a.platform, a.user.as_str()), (Platform::Slack, "U0ADMIN"));
        assert_eq!(a.to_string(), "slack:U0ADMIN");
        let d: InstallationAdmin = "discord:80351110224678912".parse().unwrap();
        assert!(d.is(Platform::Discord, "80351110224678912"));
        assert!(!d.is(Platform::Slack, "80351110224678912"));
        for bad in [
            "",
            "U0ADMIN",
            "slack:",
            "teams:U1",
            "discord:abc",
            "slack:u lower",
        ] {
            assert!(bad.parse::<InstallationAdmin>().is_err(), "{bad:?}");
        }
    }
}
