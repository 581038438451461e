//! Accounts and sessions in memory: for the adapter's own tests and for tools, as the port's
//! in-memory platform is for chat.

use crate::account::{Role, Username};
use crate::port::{Account, Accounts, Added, Session, StoreFuture};
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::SystemTime;

/// Every account and session in one lock.
#[derive(Default)]
pub struct MemoryAccounts {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    accounts: BTreeMap<Username, Account>,
    sessions: BTreeMap<String, (i64, String, SystemTime, SystemTime)>,
    next_id: i64,
}

impl MemoryAccounts {
    /// Adds an account with an already made hash; `false` if the name is taken.
    pub fn insert(&self, name: &Username, role: Role, password_hash: &str) -> bool {
        let mut inner = self.lock();
        if inner.accounts.contains_key(name) {
            return false;
        }
        inner.next_id += 1;
        let id = inner.next_id;
        inner.accounts.insert(
            name.clone(),
            Account {
                id,
                name: name.clone(),
                role,
                password_hash: password_hash.to_string(),
            },
        );
        true
    }

    /// How many sessions are stored.
    pub fn sessions(&self) -> usize {
        self.lock().sessions.len()
    }

    /// Whether a session is stored under this id hash.
    pub fn has_session(&self, id_hash: &str) -> bool {
        self.lock().sessions.contains_key(id_hash)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A test that panicked while holding it leaves plain data: still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Accounts for MemoryAccounts {
    fn account<'a>(&'a self, name: &'a Username) -> StoreFuture<'a, Option<Account>> {
        let found = self.lock().accounts.get(name).cloned();
        Box::pin(async move { Ok(found) })
    }

    fn admin_exists(&self) -> StoreFuture<'_, bool> {
        let any = self.lock().accounts.values().any(|a| a.role == Role::Admin);
        Box::pin(async move { Ok(any) })
    }

    fn add_first_admin<'a>(
        &'a self,
        name: &'a Username,
        password_hash: &'a str,
        _now: SystemTime,
    ) -> StoreFuture<'a, Added> {
        let admin = self.lock().accounts.values().any(|a| a.role == Role::Admin);
        let added = if admin {
            Added::AdminExists
        } else if self.insert(name, Role::Admin, password_hash) {
            Added::Added
        } else {
            Added::NameTaken
        };
        Box::pin(async move { Ok(added) })
    }

    fn add_session<'a>(
        &'a self,
        id_hash: &'a str,
        account: i64,
        csrf_token: &'a str,
        now: SystemTime,
    ) -> StoreFuture<'a, ()> {
        self.lock().sessions.insert(
            id_hash.to_string(),
            (account, csrf_token.to_string(), now, now),
        );
        Box::pin(async move { Ok(()) })
    }

    fn session<'a>(&'a self, id_hash: &'a str) -> StoreFuture<'a, Option<Session>> {
        let inner = self.lock();
        let found = inner
            .sessions
            .get(id_hash)
            .and_then(|(id, csrf, created, seen)| {
                let account = inner.accounts.values().find(|a| a.id == *id)?.clone();
                Some(Session {
                    account,
                    csrf_token: csrf.clone(),
                    created_at: *created,
                    seen_at: *seen,
                })
            });
        Box::pin(async move { Ok(found) })
    }

    fn touch_session<'a>(&'a self, id_hash: &'a str, now: SystemTime) -> StoreFuture<'a, ()> {
        if let Some(s) = self.lock().sessions.get_mut(id_hash) {
            s.3 = now;
        }
        Box::pin(async move { Ok(()) })
    }

    fn remove_session<'a>(&'a self, id_hash: &'a str) -> StoreFuture<'a, ()> {
        self.lock().sessions.remove(id_hash);
        Box::pin(async move { Ok(()) })
    }

    fn prune_sessions(
        &self,
        seen_before: SystemTime,
        created_before: SystemTime,
    ) -> StoreFuture<'_, u64> {
        let mut inner = self.lock();
        let before = inner.sessions.len();
        inner
            .sessions
            .retain(|_, (_, _, created, seen)| *seen >= seen_before && *created >= created_before);
        let pruned = (before - inner.sessions.len()) as u64;
        Box::pin(async move { Ok(pruned) })
    }
}
