//! Whether the bot can do its work: the database takes a write and is not damaged. `/readyz`
//! asks this; the probes are rate-limited and their answer cached in between, so a flood of
//! readiness requests costs the database nothing.

use crate::store::{is_corruption, Store, Thoroughness};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// At most one write probe this often; requests in between get the cached answer.
pub const PROBE_EVERY: Duration = Duration::from_secs(5);
/// At most one page check (`PRAGMA quick_check`, which reads the whole file) this often.
pub const INTEGRITY_EVERY: Duration = Duration::from_secs(300);
/// A probe that takes longer than this counts as a failure (a lock held elsewhere, a stuck disk).
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(3);

/// Why the bot is not ready, in words an operator can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotReady(pub String);

/// The readiness check with its cache.
#[derive(Clone)]
pub struct Readiness {
    store: Store,
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    probed: Option<(Instant, Result<(), NotReady>)>,
    checked: Option<(Instant, Result<(), NotReady>)>,
    /// A page check runs in the background.
    checking: bool,
}

impl Readiness {
    /// A check of this store; the first request probes.
    pub fn new(store: Store) -> Readiness {
        Readiness {
            store,
            state: Arc::default(),
        }
    }

    /// Ready, or why not: the cached answer if the last probe is recent, else a new probe.
    /// The first page check runs before the first answer; later ones run in the background,
    /// so a large file never makes a readiness request slow.
    pub async fn check(&self) -> Result<(), NotReady> {
        // One probe at a time; concurrent requests wait for it and share its answer.
        let mut state = self.state.lock().await;
        let now = Instant::now();
        match &state.checked {
            None => {
                let result = self.pages().await;
                state.checked = Some((now, result));
            }
            Some((at, _)) if now.duration_since(*at) >= INTEGRITY_EVERY && !state.checking => {
                state.checking = true;
                let this = self.clone();
                tokio::spawn(async move {
                    let result = this.pages().await;
                    let mut state = this.state.lock().await;
                    state.checked = Some((Instant::now(), result));
                    state.checking = false;
                });
            }
            Some(_) => {}
        }
        let due = state
            .probed
            .as_ref()
            .is_none_or(|(at, _)| now.duration_since(*at) >= PROBE_EVERY);
        if due {
            let result = self.write().await;
            state.probed = Some((now, result));
        }
        let failed = |last: &Option<(Instant, Result<(), NotReady>)>| match last {
            Some((_, Err(e))) => Some(e.clone()),
            _ => None,
        };
        // A damaged file is the more important news; it stays until the next page check.
        match failed(&state.checked).or_else(|| failed(&state.probed)) {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    async fn write(&self) -> Result<(), NotReady> {
        match tokio::time::timeout(PROBE_TIMEOUT, self.store.probe_write()).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) if is_corruption(&e) => {
                tracing::error!(error = %e, "not ready: the database file is damaged");
                Err(NotReady(CORRUPT.into()))
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "not ready: the database cannot take a write");
                let text = e.to_string();
                let why = if text.contains("readonly") || text.contains("read-only") {
                    "the database is read-only: check the file's and folder's permissions and \
                     the disk"
                } else {
                    "the database cannot take a write"
                };
                Err(NotReady(why.into()))
            }
            Err(_) => {
                tracing::warn!(timeout = ?PROBE_TIMEOUT, "not ready: the write probe timed out");
                Err(NotReady(format!(
                    "the database did not take a write within {PROBE_TIMEOUT:?}"
                )))
            }
        }
    }

    async fn pages(&self) -> Result<(), NotReady> {
        match self.store.integrity_problems(Thoroughness::Quick, 5).await {
            Ok(problems) if problems.is_empty() => Ok(()),
            Ok(problems) => {
                tracing::error!(?problems, "not ready: the database file is damaged");
                Err(NotReady(CORRUPT.into()))
            }
            Err(e) if is_corruption(&e) => {
                tracing::error!(error = %e, "not ready: the database file is damaged");
                Err(NotReady(CORRUPT.into()))
            }
            Err(e) => {
                tracing::warn!(error = %e, "not ready: the database does not answer");
                Err(NotReady("the database does not answer".into()))
            }
        }
    }
}

const CORRUPT: &str = "the database file is damaged: run `helpdesk check-db` and restore the \
                       latest backup";
