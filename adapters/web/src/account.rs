//! What an account is made of, each parsed once at the edge: its name, its password (as typed,
//! before hashing) and its role on the desk.

use std::fmt;
use std::str::FromStr;

/// A sign-in name: 2 to 64 of `a-z 0-9 . - _`, starting with a letter or digit. Names are
/// compared in lower case, so `Ada` and `ada` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Username(String);

/// Why a name cannot be an account's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadUsername {
    /// Fewer than 2 or more than 64 characters.
    #[error("an account name has 2 to 64 characters")]
    Length,
    /// A character outside `a-z 0-9 . - _`, or not a letter or digit first.
    #[error("an account name has only letters a-z, digits, '.', '-' and '_', and starts with a letter or digit")]
    Characters,
}

impl Username {
    /// The longest name.
    pub const MAX: usize = 64;

    /// Checks and lower-cases `text` (surrounding spaces dropped).
    pub fn parse(text: &str) -> Result<Username, BadUsername> {
        let name = text.trim().to_ascii_lowercase();
        if !(2..=Self::MAX).contains(&name.chars().count()) {
            return Err(BadUsername::Length);
        }
        let first_ok = name.starts_with(|c: char| c.is_ascii_alphanumeric());
        let rest_ok = name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
        if first_ok && rest_ok {
            Ok(Username(name))
        } else {
            Err(BadUsername::Characters)
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Username {
    type Err = BadUsername;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Username::parse(s)
    }
}

/// A password as typed, before it is hashed: 10 to 1,024 characters. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// Why a password cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BadPassword {
    /// Fewer than 10 characters.
    #[error("a password has at least 10 characters")]
    TooShort,
    /// More than 1,024 characters (bounded so hashing stays cheap to refuse).
    #[error("a password has at most 1024 characters")]
    TooLong,
}

impl Password {
    /// The fewest characters.
    pub const MIN: usize = 10;
    /// The most characters.
    pub const MAX: usize = 1024;

    /// Checks a new password's length (what is typed is kept as typed, spaces included).
    pub fn new(text: &str) -> Result<Password, BadPassword> {
        match text.chars().count() {
            n if n < Self::MIN => Err(BadPassword::TooShort),
            n if n > Self::MAX => Err(BadPassword::TooLong),
            _ => Ok(Password(text.to_string())),
        }
    }

    /// A password typed at sign-in: any length is checked against the hash, but an over-long
    /// one is refused before hashing.
    pub fn attempt(text: &str) -> Option<Password> {
        (text.chars().count() <= Self::MAX).then(|| Password(text.to_string()))
    }

    /// The characters, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(…)")
    }
}

/// A support level an agent works at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Level 1.
    L1,
    /// Level 2.
    L2,
    /// Level 3.
    L3,
}

impl Tier {
    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Tier::L1 => 1,
            Tier::L2 => 2,
            Tier::L3 => 3,
        }
    }
}

/// A web account's role on the desk (the binary maps it onto the engine's roles one to one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// Files and follows their own tickets.
    Requester,
    /// Works tickets at this level and below.
    Agent(Tier),
    /// Acts on every ticket and sees reports.
    Manager,
    /// A manager who also manages the web desk.
    Admin,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_and_compared_in_lower_case() {
        assert_eq!(
            Username::parse(" Ada.Lovelace ").unwrap().as_str(),
            "ada.lovelace"
        );
        assert_eq!(Username::parse("a"), Err(BadUsername::Length));
        assert_eq!(Username::parse(&"a".repeat(65)), Err(BadUsername::Length));
        assert_eq!(Username::parse("-ada"), Err(BadUsername::Characters));
        assert_eq!(
            Username::parse("ada lovelace"),
            Err(BadUsername::Characters)
        );
        assert_eq!(Username::parse("adà"), Err(BadUsername::Characters));
    }

    #[test]
    fn passwords_are_bounded_and_never_printed() {
        assert_eq!(Password::new("short"), Err(BadPassword::TooShort));
        assert_eq!(Password::new(&"x".repeat(1025)), Err(BadPassword::TooLong));
        let p = Password::new("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "Password(…)");
        assert!(Password::attempt(&"x".repeat(1025)).is_none());
        assert!(Password::attempt("").is_some());
    }
}
