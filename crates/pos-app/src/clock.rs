//! Time and identifiers. The domain takes time as an argument; this is where it comes from.
//! Tests use [`ManualClock`] so business days and timestamps are exact.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use uuid::{ContextV7, Timestamp, Uuid};

/// A source of the current time in Unix milliseconds.
pub trait Clock: Send + Sync + std::fmt::Debug {
    fn now_ms(&self) -> i64;
}

/// The machine's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0)
    }
}

/// A clock that moves only when told to.
#[derive(Debug, Default)]
pub struct ManualClock(AtomicI64);

impl ManualClock {
    pub fn new(at_ms: i64) -> Self {
        ManualClock(AtomicI64::new(at_ms))
    }

    pub fn set(&self, at_ms: i64) {
        self.0.store(at_ms, Ordering::SeqCst);
    }

    pub fn advance_ms(&self, ms: i64) {
        self.0.fetch_add(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> i64 {
        self.0.load(Ordering::SeqCst)
    }
}

/// Makes UUIDv7s from the app's clock: time-ordered, and monotonic within one till even
/// when many are made in the same millisecond.
#[derive(Debug)]
pub struct Ids {
    context: Mutex<ContextV7>,
}

impl Default for Ids {
    fn default() -> Self {
        Ids {
            context: Mutex::new(ContextV7::new()),
        }
    }
}

impl Ids {
    pub fn make(&self, at_ms: i64) -> Uuid {
        let ctx = self.context.lock();
        let ms = at_ms.max(0) as u64;
        Uuid::new_v7(Timestamp::from_unix(
            &*ctx,
            ms / 1000,
            ((ms % 1000) * 1_000_000) as u32,
        ))
    }
}
