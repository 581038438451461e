//! Installation admins: the people who may change what every tenant shares (shared knowledge
//! base articles), named by platform and user id in the top-level `admins` list.

use helpdesk_chat::ids::{IdKind, Ids};
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

/// How `admins` entries are written, for errors.
const EXPECTED: &str =
    "expected platform:user id, e.g. \"slack:U0ADMIN\" or \"discord:80351110224678912\"";

impl FromStr for InstallationAdmin {
    type Err = String;

    /// The shape only (`platform:user`, a word each); [`InstallationAdmin::check`] then asks
    /// the platform whether the user id is one of its own.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some((platform, user)) = text.trim().split_once(':') else {
            return Err(format!("{text:?}: {EXPECTED}"));
        };
        let platform: Platform = platform
            .parse()
            .map_err(|_| format!("{text:?}: unknown platform {platform:?}; {EXPECTED}"))?;
        let user = user.trim();
        if user.is_empty() || user.len() > 64 || user.contains(char::is_whitespace) {
            return Err(format!("{text:?}: {user:?} is not a {platform} user id"));
        }
        Ok(InstallationAdmin {
            platform,
            user: user.to_string(),
        })
    }
}

impl InstallationAdmin {
    /// Whether the platform is registered (`ids` are its rules, `None` when it is not) and the
    /// user id is written as that platform writes user ids; `text` is the entry as written.
    pub fn check(&self, text: &str, ids: Option<&Ids>) -> Result<(), String> {
        let platform = self.platform;
        match ids {
            None => Err(format!(
                "{text:?}: unknown platform {:?}; {EXPECTED}",
                platform.as_str()
            )),
            Some(ids) if !(ids.fits)(IdKind::User, &self.user) => Err(format!(
                "{text:?}: {:?} is not a {platform} user id",
                self.user
            )),
            Some(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use helpdesk_chat::ids::MEMORY_IDS;

    #[test]
    fn admins_parse_once_and_print_as_written() {
        let slack = Platform::new("slack");
        let a: InstallationAdmin = "slack:U0ADMIN".parse().unwrap();
        assert_eq!((a.platform, a.user.as_str()), (slack, "U0ADMIN"));
        assert_eq!(a.to_string(), "slack:U0ADMIN");
        let d: InstallationAdmin = "discord:80351110224678912".parse().unwrap();
        assert!(d.is(Platform::new("discord"), "80351110224678912"));
        assert!(!d.is(slack, "80351110224678912"));
        for bad in ["", "U0ADMIN", "slack:", "sl ack:U1", "slack:u lower"] {
            assert!(bad.parse::<InstallationAdmin>().is_err(), "{bad:?}");
        }
        let m: InstallationAdmin = "memory:U-root".parse().unwrap();
        assert_eq!(m.check("memory:U-root", Some(&MEMORY_IDS)), Ok(()));
        let odd: InstallationAdmin = "memory:<@U1>".parse().unwrap();
        let e = odd.check("memory:<@U1>", Some(&MEMORY_IDS)).unwrap_err();
        assert!(e.contains("is not a memory user id"), "{e}");
        let e = a.check("slack:U0ADMIN", None).unwrap_err();
        assert!(e.contains("unknown platform \"slack\""), "{e}");
    }
}
