//! In-process rate limits (per IP, per account) for login, nonce and password-reset requests,
//! and exponential back-off after failed logins.
//!
//! State lives in one process: with several server replicas each enforces its own limits,
//! which still bounds an attacker to (replicas × limit). Keys are whatever the server chooses,
//! e.g. `"login:ip:203.0.113.7"` or `"login:acct:alice@example.com"`.
//!
//! Time is passed in as `Instant`s, so tests can move the clock without sleeping.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

/// A map is swept for expired entries when it grows past this many keys (and again each time
/// it doubles after a sweep), so memory follows the number of *active* keys, not of all keys
/// ever seen, while a sweep's cost is amortised over many calls.
const MIN_SWEEP_THRESHOLD: usize = 1024;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock cannot leave the maps inconsistent in a way that matters
    // for rate limiting, so a poisoned lock is used as is rather than taking the server down.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A refused request: the next attempt will pass after this long.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("too many requests; retry after {} s", .0.as_secs().max(1))]
pub struct RetryAfter(pub Duration);

struct Swept<V> {
    map: HashMap<String, V>,
    sweep_at: usize,
}

impl<V> Swept<V> {
    fn new() -> Self {
        Self {
            map: HashMap::new(),
            sweep_at: MIN_SWEEP_THRESHOLD,
        }
    }

    /// Drops entries for which `live` is false once the map reached the threshold.
    fn maybe_sweep(&mut self, live: impl FnMut(&V) -> bool) {
        if self.map.len() >= self.sweep_at {
            let mut live = live;
            self.map.retain(|_, v| live(v));
            self.sweep_at = (self.map.len() * 2).max(MIN_SWEEP_THRESHOLD);
        }
    }
}

/// Allows at most `limit` requests per key in any sliding window of length `window`.
///
/// Sliding log: each key keeps the instants of its accepted requests in the last `window`
/// (at most `limit` of them), which is exact (no burst at window edges as with fixed windows)
/// and cheap for the small limits used here (e.g. 10 logins per 15 minutes). Refused requests
/// are not recorded, so [`RetryAfter`] is exact: it is when the oldest accepted request leaves
/// the window.
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    state: Mutex<Swept<VecDeque<Instant>>>,
}

impl std::fmt::Debug for RateLimiter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimiter")
            .field("limit", &self.limit)
            .field("window", &self.window)
            .field("tracked_keys", &self.tracked_keys())
            .finish_non_exhaustive()
    }
}

impl RateLimiter {
    /// `limit` requests per `window` and key. A `limit` of 0 refuses everything.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            state: Mutex::new(Swept::new()),
        }
    }

    /// Counts a request for `key` at `now`, or refuses it when `limit` requests were already
    /// accepted in the `window` before `now`.
    pub fn check(&self, key: &str, now: Instant) -> Result<(), RetryAfter> {
        if self.limit == 0 {
            return Err(RetryAfter(self.window));
        }
        let window = self.window;
        let mut state = lock(&self.state);
        state.maybe_sweep(|hits| {
            hits.back()
                .is_some_and(|&t| now.saturating_duration_since(t) < window)
        });

        let hits = match state.map.get_mut(key) {
            Some(hits) => hits,
            None => state.map.entry(key.to_owned()).or_default(),
        };
        while hits
            .front()
            .is_some_and(|&t| now.saturating_duration_since(t) >= window)
        {
            hits.pop_front();
        }
        if hits.len() >= self.limit as usize {
            let oldest = hits.front().copied().unwrap_or(now);
            let free_at = oldest.checked_add(window);
            return Err(RetryAfter(
                free_at.map_or(window, |t| t.saturating_duration_since(now)),
            ));
        }
        hits.push_back(now);
        Ok(())
    }

    /// Number of keys currently held (for tests and metrics).
    pub fn tracked_keys(&self) -> usize {
        lock(&self.state).map.len()
    }
}

/// Failures that cost nothing: typos happen.
pub const FREE_FAILURES: u32 = 4;
/// How long failures are remembered: a key's count starts again when its last failure (or the
/// end of its block, whichever is later) is older than this.
pub const FAILURE_WINDOW: Duration = Duration::from_mins(15);
/// Block after the first failure beyond [`FREE_FAILURES`]; doubles with each further failure.
pub const FIRST_BLOCK: Duration = Duration::from_mins(1);
/// Longest block: 30 minutes keeps online guessing to ~50 attempts a day per key while a
/// legitimate user who forgot their password is never locked out for longer than that.
pub const MAX_BLOCK: Duration = Duration::from_mins(30);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Option<Instant>,
}

impl Failures {
    /// When this record stops mattering: [`FAILURE_WINDOW`] after the last failure or the end
    /// of the block.
    fn forget_at(&self) -> Instant {
        self.blocked_until.map_or(self.last, |b| b.max(self.last)) + FAILURE_WINDOW
    }
}

/// Exponential back-off after failed logins, per account and per IP.
///
/// The first [`FREE_FAILURES`] failures are free; the 5th blocks the key for [`FIRST_BLOCK`]
/// (1 min), the 6th for 2 min, then 4, 8, 16 and [`MAX_BLOCK`] (30 min) for every further
/// one. A success clears the key. Unlike a hard lock-out, an attacker cannot lock a victim out
/// for good, yet guessing slows to one try per 30 minutes.
pub struct FailureBackoff {
    state: Mutex<Swept<Failures>>,
}

impl Default for FailureBackoff {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for FailureBackoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FailureBackoff")
            .field("tracked_keys", &self.tracked_keys())
            .finish_non_exhaustive()
    }
}

/// Block length after the `count`-th consecutive failure (`count` > [`FREE_FAILURES`]).
fn block_for(count: u32) -> Duration {
    let doublings = count.saturating_sub(FREE_FAILURES + 1).min(16);
    (FIRST_BLOCK * 2u32.pow(doublings)).min(MAX_BLOCK)
}

impl FailureBackoff {
    pub fn new() -> Self {
        Self {
            state: Mutex::new(Swept::new()),
        }
    }

    /// How long `key` stays blocked, or `None` when it may try now. Check before verifying a
    /// password so a blocked key does not even cost an argon2 run.
    pub fn blocked(&self, key: &str, now: Instant) -> Option<Duration> {
        let state = lock(&self.state);
        let until = state.map.get(key)?.blocked_until?;
        (until > now).then(|| until - now)
    }

    /// Records a failed login for `key` at `now`.
    pub fn record_failure(&self, key: &str, now: Instant) {
        let mut state = lock(&self.state);
        state.maybe_sweep(|f| now < f.forget_at());
        let entry = match state.map.get_mut(key) {
            Some(f) => f,
            None => state.map.entry(key.to_owned()).or_insert(Failures {
                count: 0,
                last: now,
                blocked_until: None,
            }),
        };
        if now >= entry.forget_at() {
            entry.count = 0;
            entry.blocked_until = None;
        }
        entry.count = entry.count.saturating_add(1);
        entry.last = now;
        if entry.count > FREE_FAILURES {
            entry.blocked_until = Some(now + block_for(entry.count));
        }
    }

    /// Clears `key` after a successful login.
    pub fn record_success(&self, key: &str) {
        lock(&self.state).map.remove(key);
    }

    /// Number of keys currently held (for tests and metrics).
    pub fn tracked_keys(&self) -> usize {
        lock(&self.state).map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);
    const MIN: Duration = Duration::from_mins(1);

    #[test]
    fn allows_limit_then_refuses_with_exact_retry() {
        let rl = RateLimiter::new(3, 10 * S);
        let t0 = Instant::now();
        assert_eq!(rl.check("a", t0), Ok(()));
        assert_eq!(rl.check("a", t0 + S), Ok(()));
        assert_eq!(rl.check("a", t0 + 2 * S), Ok(()));
        assert_eq!(rl.check("a", t0 + 3 * S), Err(RetryAfter(7 * S)));
        // Other keys are independent.
        assert_eq!(rl.check("b", t0 + 3 * S), Ok(()));
        // Refused hits are not counted: the first hit leaves the window at t0 + 10 s.
        assert_eq!(rl.check("a", t0 + 9 * S), Err(RetryAfter(S)));
        assert_eq!(rl.check("a", t0 + 10 * S), Ok(()));
        assert_eq!(rl.check("a", t0 + 10 * S), Err(RetryAfter(S)));
        assert_eq!(rl.check("a", t0 + 12 * S), Ok(()));
    }

    #[test]
    fn sliding_window_has_no_edge_burst() {
        let rl = RateLimiter::new(2, 10 * S);
        let t0 = Instant::now();
        assert!(rl.check("k", t0 + 9 * S).is_ok());
        assert!(rl.check("k", t0 + 9 * S).is_ok());
        // A fixed window starting at t0 + 10 s would allow two more here.
        assert!(rl.check("k", t0 + 11 * S).is_err());
        assert!(rl.check("k", t0 + 19 * S).is_ok());
    }

    #[test]
    fn zero_limit_refuses() {
        let rl = RateLimiter::new(0, 10 * S);
        assert_eq!(rl.check("a", Instant::now()), Err(RetryAfter(10 * S)));
        assert_eq!(rl.tracked_keys(), 0);
    }

    #[test]
    fn memory_stays_bounded() {
        let rl = RateLimiter::new(5, S);
        let t0 = Instant::now();
        let mut max_len = 0;
        for i in 0..100_000u64 {
            // One new key per millisecond: about 1,000 are live at any moment.
            let now = t0 + Duration::from_millis(i);
            rl.check(&format!("ip:{i}"), now).expect("a new key passes");
            max_len = max_len.max(rl.tracked_keys());
        }
        assert!(max_len <= 4 * MIN_SWEEP_THRESHOLD, "map grew to {max_len}");
    }

    #[test]
    fn rate_limiter_is_shareable_across_threads() {
        let rl = std::sync::Arc::new(RateLimiter::new(100, 10 * S));
        let t0 = Instant::now();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let rl = rl.clone();
                std::thread::spawn(move || (0..50).filter(|_| rl.check("k", t0).is_ok()).count())
            })
            .collect();
        let passed: usize = handles.into_iter().map(|h| h.join().expect("thread")).sum();
        assert_eq!(passed, 100);
    }

    #[test]
    fn huge_window_does_not_overflow() {
        let rl = RateLimiter::new(1, Duration::MAX);
        let t0 = Instant::now();
        assert!(rl.check("a", t0).is_ok());
        assert_eq!(rl.check("a", t0), Err(RetryAfter(Duration::MAX)));
    }

    #[test]
    fn types_are_shareable() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<RateLimiter>();
        assert_send_sync::<FailureBackoff>();
        assert_send_sync::<crate::password::PasswordHasher>();
    }

    #[test]
    fn backoff_schedule() {
        let b = FailureBackoff::new();
        let t0 = Instant::now();
        let mut now = t0;
        for _ in 0..4 {
            assert_eq!(b.blocked("acct", now), None);
            b.record_failure("acct", now);
        }
        assert_eq!(b.blocked("acct", now), None, "four failures are free");
        let expected = [1, 2, 4, 8, 16, 30, 30, 30];
        for minutes in expected {
            b.record_failure("acct", now);
            assert_eq!(b.blocked("acct", now), Some(minutes * MIN));
            assert_eq!(b.blocked("acct", now + (minutes * 60 - 1) * S), Some(S));
            now += minutes * MIN;
            assert_eq!(b.blocked("acct", now), None);
        }
    }

    #[test]
    fn block_lengths() {
        assert_eq!(block_for(5), MIN);
        assert_eq!(block_for(6), 2 * MIN);
        assert_eq!(block_for(9), 16 * MIN);
        assert_eq!(block_for(10), 30 * MIN);
        assert_eq!(block_for(u32::MAX), 30 * MIN);
    }

    #[test]
    fn success_clears() {
        let b = FailureBackoff::new();
        let t0 = Instant::now();
        for _ in 0..5 {
            b.record_failure("acct", t0);
        }
        assert!(b.blocked("acct", t0).is_some());
        b.record_success("acct");
        assert_eq!(b.blocked("acct", t0), None);
        for _ in 0..4 {
            b.record_failure("acct", t0);
        }
        assert_eq!(b.blocked("acct", t0), None);
    }

    #[test]
    fn failures_are_forgotten_after_the_window() {
        let b = FailureBackoff::new();
        let t0 = Instant::now();
        for _ in 0..4 {
            b.record_failure("acct", t0);
        }
        // 15 minutes after the last failure the count starts again.
        let later = t0 + FAILURE_WINDOW;
        b.record_failure("acct", later);
        assert_eq!(b.blocked("acct", later), None);
        // But within the window a fifth failure blocks.
        b.record_failure("x", t0);
        for i in 1..5 {
            b.record_failure("x", t0 + i * MIN);
        }
        assert_eq!(b.blocked("x", t0 + 4 * MIN), Some(MIN));
    }

    #[test]
    fn window_counts_from_the_end_of_a_block() {
        let b = FailureBackoff::new();
        let t0 = Instant::now();
        for _ in 0..10 {
            b.record_failure("acct", t0);
        }
        assert_eq!(b.blocked("acct", t0), Some(30 * MIN));
        // 20 minutes after the block ended is within 15 + 30 minutes of the last failure's
        // block, so the next failure blocks again for 30 minutes instead of being free.
        let t1 = t0 + 30 * MIN + 10 * MIN;
        b.record_failure("acct", t1);
        assert_eq!(b.blocked("acct", t1), Some(30 * MIN));
    }

    #[test]
    fn backoff_memory_stays_bounded() {
        let b = FailureBackoff::new();
        let t0 = Instant::now();
        let mut max_len = 0;
        for i in 0..100_000u64 {
            // A new key every 100 ms: 9,000 fall within the 15-minute window.
            b.record_failure(&format!("ip:{i}"), t0 + Duration::from_millis(100 * i));
            max_len = max_len.max(b.tracked_keys());
        }
        assert!(max_len <= 4 * 9_000, "map grew to {max_len}");
    }
}
