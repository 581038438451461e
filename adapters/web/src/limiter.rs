//! Login rate limiting: failures are counted per account name and per client address; after
//! [`FREE_FAILURES`] within [`WINDOW`] each further try must wait, twice as long each time, up
//! to [`LONGEST_WAIT`]. Kept in memory per process (a restart forgets; several replicas each
//! count their own), bounded in size.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Failures allowed before any wait.
pub const FREE_FAILURES: u32 = 5;
/// Failures older than this (since the latest) are forgotten.
pub const WINDOW: Duration = Duration::from_secs(15 * 60);
/// The first wait after the free failures.
pub const FIRST_WAIT: Duration = Duration::from_secs(30);
/// The longest wait.
pub const LONGEST_WAIT: Duration = Duration::from_secs(15 * 60);
/// Names or addresses remembered at most; past it the stalest are dropped.
const CAPACITY: usize = 10_000;

/// Failures of one name or address.
#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    latest: SystemTime,
}

impl Failures {
    /// When the next try may be made, if it must wait.
    fn wait_until(&self) -> Option<SystemTime> {
        let over = self.count.checked_sub(FREE_FAILURES)?;
        let wait = FIRST_WAIT
            .checked_mul(1u32 << over.min(16))
            .map_or(LONGEST_WAIT, |w| w.min(LONGEST_WAIT));
        Some(self.latest + wait)
    }

    fn stale(&self, now: SystemTime) -> bool {
        now.duration_since(self.latest).is_ok_and(|d| d >= WINDOW)
    }
}

/// Failures by key, bounded.
#[derive(Debug)]
struct Ledger<K> {
    by_key: HashMap<K, Failures>,
}

impl<K: Hash + Eq + Clone> Ledger<K> {
    fn new() -> Self {
        Ledger {
            by_key: HashMap::new(),
        }
    }

    fn refused_until(&self, key: &K, now: SystemTime) -> Option<SystemTime> {
        let f = self.by_key.get(key)?;
        if f.stale(now) {
            return None;
        }
        f.wait_until().filter(|until| *until > now)
    }

    fn fail(&mut self, key: K, now: SystemTime) {
        if self.by_key.len() >= CAPACITY && !self.by_key.contains_key(&key) {
            self.by_key.retain(|_, f| !f.stale(now));
            if self.by_key.len() >= CAPACITY {
                let stalest = self
                    .by_key
                    .iter()
                    .min_by_key(|(_, f)| f.latest)
                    .map(|(k, _)| k.clone());
                if let Some(k) = stalest {
                    self.by_key.remove(&k);
                }
            }
        }
        let entry = self.by_key.entry(key).or_insert(Failures {
            count: 0,
            latest: now,
        });
        if entry.stale(now) {
            entry.count = 0;
        }
        entry.count += 1;
        entry.latest = now;
    }

    fn clear(&mut self, key: &K) {
        self.by_key.remove(key);
    }
}

/// The sign-in limiter.
#[derive(Debug)]
pub struct Limiter {
    inner: Mutex<(Ledger<String>, Ledger<Option<IpAddr>>)>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter {
            inner: Mutex::new((Ledger::new(), Ledger::new())),
        }
    }
}

/// Who is trying: the name typed (lower case) and the client's address, when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The name as typed, lower-cased (also names with no account: they are counted too).
    pub name: String,
    /// The client's address.
    pub address: Option<IpAddr>,
}

impl Limiter {
    /// Until when this attempt is refused without checking the password, if it is.
    pub fn refused_until(&self, attempt: &Attempt, now: SystemTime) -> Option<SystemTime> {
        let inner = self.lock();
        let by_name = inner.0.refused_until(&attempt.name, now);
        let by_address = inner.1.refused_until(&attempt.address, now);
        by_name.max(by_address)
    }

    /// Counts a failed attempt against its name and its address.
    pub fn failed(&self, attempt: &Attempt, now: SystemTime) {
        let mut inner = self.lock();
        inner.0.fail(attempt.name.clone(), now);
        inner.1.fail(attempt.address, now);
    }

    /// A success forgets the name's failures (not the address's: one good account must not
    /// reset the count of an address guessing others).
    pub fn succeeded(&self, attempt: &Attempt) {
        self.lock().0.clear(&attempt.name);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Ledger<String>, Ledger<Option<IpAddr>>)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000 + secs)
    }

    fn attempt(name: &str, ip: [u8; 4]) -> Attempt {
        Attempt {
            name: name.into(),
            address: Some(IpAddr::from(ip)),
        }
    }

    #[test]
    fn five_failures_are_free_then_each_wait_doubles() {
        let l = Limiter::default();
        let a = attempt("ada", [10, 0, 0, 1]);
        for s in 0..5 {
            assert_eq!(l.refused_until(&a, at(s)), None);
            l.failed(&a, at(s));
        }
        assert_eq!(l.refused_until(&a, at(5)), Some(at(4 + 30)));
        assert_eq!(l.refused_until(&a, at(34)), None);
        l.failed(&a, at(34));
        assert_eq!(l.refused_until(&a, at(35)), Some(at(34 + 60)));
        // Waits stop growing at the longest.
        for _ in 0..20 {
            l.failed(&a, at(100));
        }
        assert_eq!(l.refused_until(&a, at(101)), Some(at(100) + LONGEST_WAIT));
    }

    #[test]
    fn the_name_and_the_address_are_limited_apart() {
        let l = Limiter::default();
        for n in 0..5 {
            // One address trying many names.
            l.failed(&attempt(&format!("user{n}"), [10, 0, 0, 1]), at(0));
        }
        assert!(l
            .refused_until(&attempt("other", [10, 0, 0, 1]), at(1))
            .is_some());
        assert!(l
            .refused_until(&attempt("other", [10, 0, 0, 2]), at(1))
            .is_none());
        for n in 0..5 {
            // Many addresses trying one name.
            l.failed(&attempt("ada", [10, 1, 0, n]), at(0));
        }
        assert!(l
            .refused_until(&attempt("ada", [10, 9, 9, 9]), at(1))
            .is_some());
    }

    #[test]
    fn failures_are_forgotten_after_the_window_and_a_success_clears_the_name() {
        let l = Limiter::default();
        let a = attempt("ada", [10, 0, 0, 1]);
        for _ in 0..5 {
            l.failed(&a, at(0));
        }
        assert!(l.refused_until(&a, at(1)).is_some());
        assert_eq!(l.refused_until(&a, at(0) + WINDOW), None);
        let b = attempt("bob", [10, 0, 0, 7]);
        for _ in 0..5 {
            l.failed(&b, at(0));
        }
        l.succeeded(&b);
        let elsewhere = attempt("bob", [10, 0, 0, 8]);
        assert_eq!(l.refused_until(&elsewhere, at(1)), None);
        assert!(
            l.refused_until(&b, at(1)).is_some(),
            "the address still waits"
        );
    }
}
