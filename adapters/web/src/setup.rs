//! The first-start setup link: while no admin exists, `helpdesk run` makes one random token,
//! keeps only its hash, and logs `…/setup/TOKEN`. The page it opens creates the first admin;
//! once used (or once any admin exists, or at restart) the link is dead.

use crate::token::{self, NoRandomness, Token};
use std::sync::Mutex;

/// The live setup token's hash, if there is one.
#[derive(Debug, Default)]
pub struct SetupLink {
    digest: Mutex<Option<String>>,
}

impl SetupLink {
    /// No link (an admin exists).
    pub fn none() -> SetupLink {
        SetupLink::default()
    }

    /// A new link: the token to print once, and what checks it.
    pub fn generate() -> Result<(Token, SetupLink), NoRandomness> {
        let t = Token::generate()?;
        let link = SetupLink {
            digest: Mutex::new(Some(t.digest())),
        };
        Ok((t, link))
    }

    /// Makes a new token live on this link, in place of any other: the token to print once.
    pub fn arm(&self) -> Result<Token, NoRandomness> {
        let t = Token::generate()?;
        *self.lock() = Some(t.digest());
        Ok(t)
    }

    /// Whether `presented` is the live token.
    pub fn matches(&self, presented: &str) -> bool {
        let Some(t) = Token::parse(presented) else {
            return false;
        };
        self.lock()
            .as_deref()
            .is_some_and(|d| token::same(d, &t.digest()))
    }

    /// Uses the token up: `true` only for the first caller with the live token.
    pub fn take(&self, presented: &str) -> bool {
        let Some(t) = Token::parse(presented) else {
            return false;
        };
        let mut digest = self.lock();
        if digest
            .as_deref()
            .is_some_and(|d| token::same(d, &t.digest()))
        {
            *digest = None;
            true
        } else {
            false
        }
    }

    /// Puts a taken token back (the admin could not be made: the store failed).
    pub fn restore(&self, presented: &str) {
        if let Some(t) = Token::parse(presented) {
            *self.lock() = Some(t.digest());
        }
    }

    /// Kills the link (an admin exists).
    pub fn kill(&self) {
        *self.lock() = None;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.digest.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_works_once() {
        let (t, link) = SetupLink::generate().unwrap();
        assert!(link.matches(t.expose()));
        assert!(!link.matches(&"0".repeat(64)));
        assert!(link.take(t.expose()));
        assert!(!link.take(t.expose()));
        assert!(!link.matches(t.expose()));
        assert!(!SetupLink::none().matches(t.expose()));
    }
}
