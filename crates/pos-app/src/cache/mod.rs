//! The till's measured caches.
//!
//! The generic part (counters, load-latency histogram, weight-bounded moka, the stale-fill
//! guard) lives in the `pos-cache` crate, shared with the server; this module keeps what
//! belongs to the till: the [`Weigh`] sizes of its values, its [`Cause`]s and the one
//! declarative [`invalidation`] table. [`MeasuredCache<K, V>`] is `pos_cache`'s cache with
//! the till's causes and weights; it derefs to it for every operation.
//!
//! # Layout
//! - [`MeasuredCache`]: one cache with its counters (see `pos_cache` for the guard).
//! - [`CacheStats`]: a snapshot of the counters, as shown in the settings panel.
//! - [`invalidation`]: from what a write dirtied (the sync rules' table) to the till's caches.
//! - [`Weigh`]: the approximate size in bytes of a cached value, for the memory budget.

pub mod invalidation;

use std::hash::Hash;

pub use invalidation::{Cause, Invalidation, Origin};
pub use pos_cache::{CacheSettings, CacheStats, InvalidationCause, Refreshed};

/// Approximate heap + inline size of a value in bytes, for the cache's weight budget.
pub trait Weigh {
    fn weigh(&self) -> usize;
}

/// A [`pos_cache::MeasuredCache`] counting the till's [`Cause`]s, weighed by [`Weigh`].
pub struct MeasuredCache<K, V>(pos_cache::MeasuredCache<K, V, Cause>);

impl<K, V> std::fmt::Debug for MeasuredCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl<K, V> MeasuredCache<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + Weigh + 'static,
    V: Send + Sync + Weigh + 'static,
{
    pub fn new(name: &'static str, settings: CacheSettings) -> Self {
        MeasuredCache(pos_cache::MeasuredCache::new(name, settings, |k, v| {
            k.weigh() + v.weigh()
        }))
    }
}

impl<K, V> std::ops::Deref for MeasuredCache<K, V> {
    type Target = pos_cache::MeasuredCache<K, V, Cause>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl InvalidationCause for Cause {
    fn all() -> &'static [Self] {
        &Cause::ALL
    }
    fn index(self) -> usize {
        self as usize
    }
    fn name(self) -> &'static str {
        self.as_str()
    }
}

impl Weigh for () {
    fn weigh(&self) -> usize {
        0
    }
}

impl Weigh for String {
    fn weigh(&self) -> usize {
        std::mem::size_of::<String>() + self.capacity()
    }
}

impl<T: Weigh> Weigh for Vec<T> {
    fn weigh(&self) -> usize {
        std::mem::size_of::<Vec<T>>() + self.iter().map(Weigh::weigh).sum::<usize>()
    }
}

impl<T: Weigh> Weigh for Option<T> {
    fn weigh(&self) -> usize {
        self.as_ref().map_or(std::mem::size_of::<Self>(), Weigh::weigh)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    impl Weigh for u64 {
        fn weigh(&self) -> usize {
            8
        }
    }

    #[test]
    fn the_till_cache_counts_invalidations_under_the_till_cause_names() {
        let c: MeasuredCache<u64, u64> = MeasuredCache::new(
            "t",
            CacheSettings {
                enabled: true,
                max_bytes: 1 << 20,
                ttl: Duration::from_secs(60),
                alert_below: 0.8,
                alert_min_lookups: 10,
            },
        );
        c.get_or_load(&1, || Ok::<_, ()>(1)).unwrap();
        c.invalidate(&1, Cause::PaymentRecorded);
        let s = c.stats();
        assert_eq!(s.invalidations.get("payment_recorded"), Some(&1));
        assert_eq!(s.entries, 0, "the invalidated entry is gone");
    }
}
