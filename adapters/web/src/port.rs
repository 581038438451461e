//! What the web desk keeps, and the trait through which it keeps it: the binary implements
//! [`Accounts`] over the engine's store, so this crate never depends on the engine.

use crate::account::{Role, Username};
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

/// A local account, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Its row id.
    pub id: i64,
    /// Its sign-in name.
    pub name: Username,
    /// Its role on the desk.
    pub role: Role,
    /// The Argon2id PHC string of its password.
    pub password_hash: String,
}

/// A signed-in browser, as stored (under the hash of its id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Who is signed in.
    pub account: Account,
    /// The token its forms carry.
    pub csrf_token: String,
    /// When it signed in (for the absolute expiry).
    pub created_at: SystemTime,
    /// Its last request (for the idle expiry).
    pub seen_at: SystemTime,
}

/// What became of a new account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Added {
    /// Made.
    Added,
    /// The name is taken.
    NameTaken,
    /// A first admin was asked for, and an admin exists already.
    AdminExists,
}

/// The store failed; the person is told the desk is unavailable and the cause is logged.
#[derive(Debug, Clone, thiserror::Error)]
#[error("the web desk's store failed: {0}")]
pub struct StoreFailure(pub String);

/// An answer of the store.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreFailure>> + Send + 'a>>;

/// Where accounts and sessions are kept. Session ids and setup tokens reach it only as hashes.
pub trait Accounts: Send + Sync {
    /// The account of that name, if any.
    fn account<'a>(&'a self, name: &'a Username) -> StoreFuture<'a, Option<Account>>;

    /// Whether any account is an admin.
    fn admin_exists(&self) -> StoreFuture<'_, bool>;

    /// Makes the first admin, only while no admin exists.
    fn add_first_admin<'a>(
        &'a self,
        name: &'a Username,
        password_hash: &'a str,
        now: SystemTime,
    ) -> StoreFuture<'a, Added>;

    /// Records a new session.
    fn add_session<'a>(
        &'a self,
        id_hash: &'a str,
        account: i64,
        csrf_token: &'a str,
        now: SystemTime,
    ) -> StoreFuture<'a, ()>;

    /// The session stored under `id_hash`, if any.
    fn session<'a>(&'a self, id_hash: &'a str) -> StoreFuture<'a, Option<Session>>;

    /// Notes the session's latest request.
    fn touch_session<'a>(&'a self, id_hash: &'a str, now: SystemTime) -> StoreFuture<'a, ()>;

    /// Ends the session.
    fn remove_session<'a>(&'a self, id_hash: &'a str) -> StoreFuture<'a, ()>;

    /// Ends the sessions idle since before `seen_before` or begun before `created_before`.
    fn prune_sessions(
        &self,
        seen_before: SystemTime,
        created_before: SystemTime,
    ) -> StoreFuture<'_, u64>;
}
