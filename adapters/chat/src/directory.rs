//! Asking a platform who someone is: for checks about a person other than the one behind an
//! event (an assignee), whose groups the event does not carry.

use crate::event::Platform;
use crate::platform::SendError;
use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};

/// A person's standing in a workspace or guild, as the platform says now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Membership {
    /// A member, in these groups (Slack user groups, Discord roles).
    Member(Vec<String>),
    /// Not a member (or no such person).
    Stranger,
}

/// The future a look-up returns.
pub type MembershipFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Membership, SendError>> + Send + 'a>>;

/// Who is in which groups, asked of the platform.
pub trait Directory: Send + Sync {
    /// The person's membership of the tenant (workspace or guild id), fresh enough to grant
    /// rights on.
    fn membership<'a>(&'a self, tenant: &'a str, user: &'a str) -> MembershipFuture<'a>;
}

/// A directory held in memory, for tests and the demo: people are members once added.
#[derive(Debug, Default)]
pub struct MemoryDirectory {
    people: Mutex<HashMap<(String, String), Vec<String>>>,
}

impl MemoryDirectory {
    /// An empty directory: everybody is a stranger.
    pub fn new() -> Self {
        Self::default()
    }

    /// Makes `user` a member of `tenant` in these groups.
    pub fn add(&self, tenant: &str, user: &str, groups: &[&str]) {
        let groups = groups.iter().map(|g| g.to_string()).collect();
        self.people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((tenant.to_string(), user.to_string()), groups);
    }
}

impl Directory for MemoryDirectory {
    fn membership<'a>(&'a self, tenant: &'a str, user: &'a str) -> MembershipFuture<'a> {
        let found = self
            .people
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(tenant.to_string(), user.to_string()))
            .cloned();
        Box::pin(async move { Ok(found.map_or(Membership::Stranger, Membership::Member)) })
    }
}

/// The directory of each connected platform, filled in as platforms connect (after the desk
/// that asks them was made).
#[derive(Default)]
pub struct Directories {
    by_platform: RwLock<HashMap<Platform, Arc<dyn Directory>>>,
}

impl Directories {
    /// None yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks `directory` about people on `platform`.
    pub fn add(&self, platform: Platform, directory: Arc<dyn Directory>) {
        self.by_platform
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(platform, directory);
    }

    /// The directory of `platform`, once it connected.
    pub fn get(&self, platform: Platform) -> Option<Arc<dyn Directory>> {
        self.by_platform
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&platform)
            .cloned()
    }
}
