//! Login rate limiting: failures are counted per account name and per client address; after
//! [`FREE_FAILURES`] (an address: [`FREE_ADDRESS_FAILURES`], as many people may share one
//! behind a proxy) each further try must wait, twice as long each time, up to
//! [`LONGEST_WAIT`]; a count is forgotten [`WINDOW`] after its last wait ended. An attempt is
//! counted as it begins, in the same lock as the check, so parallel tries cannot all pass the
//! check before the first failure is counted; a success takes it back. Kept in memory per
//! process (a restart forgets; several replicas each count their own), bounded in size.

use std::collections::HashMap;
use std::hash::Hash;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

/// Failures of one name allowed before any wait.
pub const FREE_FAILURES: u32 = 5;
/// Failures of one address allowed before any wait: many people may come through one proxy.
pub const FREE_ADDRESS_FAILURES: u32 = 50;
/// Failures are forgotten this long after the wait they caused ended (or after the latest).
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
    fn wait_until(&self, free: u32) -> Option<SystemTime> {
        let over = self.count.checked_sub(free)?;
        let wait = FIRST_WAIT
            .checked_mul(1u32 << over.min(16))
            .map_or(LONGEST_WAIT, |w| w.min(LONGEST_WAIT));
        Some(self.latest + wait)
    }

    /// Forgotten: a whole window has passed since the wait ended (a window measured from the
    /// latest failure would end with the longest wait, and give the free tries back at once).
    fn stale(&self, free: u32, now: SystemTime) -> bool {
        let since = self.wait_until(free).unwrap_or(self.latest);
        now.duration_since(since).is_ok_and(|d| d >= WINDOW)
    }
}

/// Failures by key, bounded.
#[derive(Debug)]
struct Ledger<K> {
    by_key: HashMap<K, Failures>,
    /// Failures allowed before any wait.
    free: u32,
}

impl<K: Hash + Eq + Clone> Ledger<K> {
    fn new(free: u32) -> Self {
        Ledger {
            by_key: HashMap::new(),
            free,
        }
    }

    fn refused_until(&self, key: &K, now: SystemTime) -> Option<SystemTime> {
        let f = self.by_key.get(key)?;
        if f.stale(self.free, now) {
            return None;
        }
        f.wait_until(self.free).filter(|until| *until > now)
    }

    fn fail(&mut self, key: K, now: SystemTime) {
        let free = self.free;
        if self.by_key.len() >= CAPACITY && !self.by_key.contains_key(&key) {
            self.by_key.retain(|_, f| !f.stale(free, now));
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
        if entry.stale(free, now) {
            entry.count = 0;
        }
        entry.count += 1;
        entry.latest = now;
    }

    fn clear(&mut self, key: &K) {
        self.by_key.remove(key);
    }

    /// Takes back one counted attempt (it succeeded).
    fn take_back(&mut self, key: &K) {
        if let Some(f) = self.by_key.get_mut(key) {
            f.count = f.count.saturating_sub(1);
        }
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
            inner: Mutex::new((
                Ledger::new(FREE_FAILURES),
                Ledger::new(FREE_ADDRESS_FAILURES),
            )),
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
    /// Begins an attempt: refused (until when) if it must wait, else counted as a failure
    /// until [`Limiter::succeeded`] takes it back.
    pub fn begin(&self, attempt: &Attempt, now: SystemTime) -> Result<(), SystemTime> {
        let mut inner = self.lock();
        let address = by_network(attempt.address);
        let by_name = inner.0.refused_until(&attempt.name, now);
        let by_address = inner.1.refused_until(&address, now);
        if let Some(until) = by_name.max(by_address) {
            return Err(until);
        }
        inner.0.fail(attempt.name.clone(), now);
        inner.1.fail(address, now);
        Ok(())
    }

    /// A success forgets the name's failures and takes back the address's count of this
    /// attempt (not the rest: one good account must not reset an address guessing others).
    pub fn succeeded(&self, attempt: &Attempt) {
        let mut inner = self.lock();
        inner.0.clear(&attempt.name);
        inner.1.take_back(&by_network(attempt.address));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, (Ledger<String>, Ledger<Option<IpAddr>>)> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The address an attempt is counted under: an IPv6 client is its /64 (one host holds a whole
/// /64 and could pick a fresh address for every try).
fn by_network(address: Option<IpAddr>) -> Option<IpAddr> {
    match address? {
        IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            Some(IpAddr::V6(std::net::Ipv6Addr::from(bits)))
        }
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4),
        v4 => Some(v4),
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

    /// Begins `n` attempts of `a` at `t` that all fail.
    fn fail_n(l: &Limiter, a: &Attempt, n: u32, t: SystemTime) {
        for _ in 0..n {
            assert_eq!(l.begin(a, t), Ok(()));
        }
    }

    #[test]
    fn five_failures_are_free_then_each_wait_doubles() {
        let l = Limiter::default();
        let a = attempt("ada", [10, 0, 0, 1]);
        for s in 0..5 {
            assert_eq!(l.begin(&a, at(s)), Ok(()));
        }
        assert_eq!(l.begin(&a, at(5)), Err(at(4 + 30)));
        assert_eq!(l.begin(&a, at(34)), Ok(()));
        assert_eq!(l.begin(&a, at(35)), Err(at(34 + 60)));
        // Trying again each time the wait ends: the waits stop growing at the longest.
        let mut t = at(94);
        for _ in 0..20 {
            assert_eq!(l.begin(&a, t), Ok(()));
            t = l.begin(&a, t).unwrap_err();
        }
        assert_eq!(l.begin(&a, t), Ok(()));
        assert_eq!(l.begin(&a, t), Err(t + LONGEST_WAIT));
    }

    #[test]
    fn parallel_attempts_are_counted_before_their_outcome() {
        let l = Limiter::default();
        let a = attempt("ada", [10, 0, 0, 1]);
        // Five begun and none finished yet: the sixth, at the same instant, already waits.
        fail_n(&l, &a, 5, at(0));
        assert!(l.begin(&a, at(0)).is_err());
    }

    #[test]
    fn the_name_and_the_address_are_limited_apart() {
        let l = Limiter::default();
        // One address trying many names: it may try more than one name may, as many people
        // can share an address behind a proxy.
        for n in 0..FREE_ADDRESS_FAILURES {
            fail_n(&l, &attempt(&format!("user{n}"), [10, 0, 0, 1]), 1, at(0));
        }
        assert!(l.begin(&attempt("other", [10, 0, 0, 1]), at(1)).is_err());
        assert_eq!(l.begin(&attempt("other", [10, 0, 0, 2]), at(1)), Ok(()));
        // Many addresses trying one name.
        for n in 0..5 {
            fail_n(&l, &attempt("ada", [10, 1, 0, n]), 1, at(0));
        }
        assert!(l.begin(&attempt("ada", [10, 9, 9, 9]), at(1)).is_err());
    }

    #[test]
    fn failures_are_forgotten_a_window_after_their_wait_ended() {
        let l = Limiter::default();
        let a = attempt("ada", [10, 0, 0, 1]);
        fail_n(&l, &a, 5, at(0));
        // Refused until 30 s, and remembered for a whole window after that.
        assert!(l.begin(&a, at(1)).is_err());
        assert_eq!(l.begin(&a, at(30)), Ok(()), "the wait is over");
        let counted = at(30);
        assert!(
            l.begin(&a, counted + Duration::from_secs(1)).is_err(),
            "the sixth failure still counts: the next wait is longer"
        );
        let later = counted + Duration::from_secs(60) + WINDOW;
        assert_eq!(l.begin(&a, later), Ok(()), "forgotten after the window");
    }

    #[test]
    fn a_success_clears_the_name_and_takes_back_its_own_count() {
        let l = Limiter::default();
        let b = attempt("bob", [10, 0, 0, 7]);
        fail_n(&l, &b, 4, at(0));
        assert_eq!(l.begin(&b, at(0)), Ok(()));
        l.succeeded(&b);
        assert_eq!(l.begin(&attempt("bob", [10, 0, 0, 8]), at(1)), Ok(()));
        // Someone who signs in again and again from one address never waits.
        let c = attempt("carla", [10, 0, 0, 9]);
        for s in 0..(3 * FREE_ADDRESS_FAILURES as u64) {
            assert_eq!(l.begin(&c, at(s)), Ok(()));
            l.succeeded(&c);
        }
    }

    #[test]
    fn an_ipv6_client_is_counted_by_its_64_network() {
        let l = Limiter::default();
        let host = |last: u16| Attempt {
            name: format!("n{last}"),
            address: Some(IpAddr::V6(std::net::Ipv6Addr::new(
                0x2001, 0xdb8, 1, 2, 0, 0, 0, last,
            ))),
        };
        for n in 0..FREE_ADDRESS_FAILURES as u16 {
            fail_n(&l, &host(n), 1, at(0));
        }
        assert!(l.begin(&host(9999), at(1)).is_err());
    }
}
