//! Measured caches, shared by the till (pos-app) and the server (pos-server).
//!
//! moka gives bounded, concurrent caches but no statistics, so [`MeasuredCache`] wraps one
//! and counts hits, misses, loads and their latency, evictions by cause and invalidations
//! by cause. It also closes the classic read-through race: a load that read the database
//! before a commit must never store its (now stale) value after that commit's invalidation.
//!
//! The guard: each cache has a generation number. A load notes the generation before it
//! reads the database; invalidation bumps the generation and removes keys while holding the
//! cache's fill lock exclusively; a load stores its value only under the fill lock (shared)
//! and only if the generation has not moved. So either the load stored before the
//! invalidation (which then removes it) or it sees the new generation and drops its value.
//! Hits never take the lock.
//!
//! What clears what is not decided here: each user keeps its own declarative table from
//! its domain events to cache entries (the till's `pos_app::cache::invalidation::RULES`,
//! the server's `pos_server::cache::RULES`) and names its causes with an
//! [`InvalidationCause`] enum.
//!
//! # Layout
//! - [`MeasuredCache`]: one cache with its counters, generic over the key, the value and
//!   the cause enum; the weight of an entry comes from a function given at construction.
//! - [`CacheStats`]: a snapshot of the counters (settings panel, `/admin/cache-stats`).
//! - [`CacheSettings`]: on/off, byte budget, TTL, hit-ratio alert.
//! - [`InvalidationCause`]: what a cause enum provides so invalidations are counted per cause.

use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use moka::notification::RemovalCause;
use moka::sync::Cache;
use parking_lot::{Mutex, RwLock};
use serde::{Deserialize, Serialize};

/// moka logs every read and, once 64 are pending, makes the next read apply them inline:
/// ~2 us on the benchmark machine, paid by one hit in 64 (1.6% of hits, so it *is* the
/// p99 of a hit, against a budget of 2 us). Applying them every 16 hits costs the same on
/// average and keeps each batch, hence a hit's p99, under ~1 us.
const HOUSEKEEPING_EVERY_HITS: u64 = 16;

/// What a fill carries from the miss to the store (see `MeasuredCache::miss`).
struct Miss {
    count: u64,
    generation: u64,
    started: Instant,
}

/// What [`MeasuredCache::refresh`] does with an entry.
#[derive(Debug)]
pub enum Refreshed<V> {
    /// Leave it as it is (or absent).
    Keep,
    /// Store this value.
    Replace(V),
    /// Drop it.
    Remove,
}

/// Why entries were invalidated: an enum with a dense index, counted per cache.
pub trait InvalidationCause: Copy + Send + Sync + 'static {
    /// Every cause, in index order (`ALL[c.index()] == c`).
    fn all() -> &'static [Self];
    fn index(self) -> usize;
    /// The name shown in statistics (`order_changed`, `manual`, ...).
    fn name(self) -> &'static str;
}

/// Approximate size in bytes of a key and its value, for the cache's weight budget.
pub type Weigher<K, V> = fn(&K, &V) -> usize;

/// Settings of one cache.
#[derive(Clone, Debug)]
pub struct CacheSettings {
    pub enabled: bool,
    pub max_bytes: u64,
    pub ttl: Duration,
    /// Hit ratio under which the cache is flagged and a warning logged.
    pub alert_below: f64,
    /// Lookups needed before the ratio is judged.
    pub alert_min_lookups: u64,
}

#[derive(Debug)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    loads: AtomicU64,
    load_failures: AtomicU64,
    stale_fills_dropped: AtomicU64,
    refreshes: AtomicU64,
    evicted_size: AtomicU64,
    evicted_expired: AtomicU64,
    invalidations: Box<[AtomicU64]>,
    latency_ns: Mutex<Histogram<u64>>,
    low_ratio: AtomicBool,
}

fn new_histogram() -> Histogram<u64> {
    // 1 ns .. 60 s with 2 significant digits: ~10 KB, plenty for load latencies.
    Histogram::new_with_bounds(1, 60_000_000_000, 2).expect("static histogram bounds are valid")
}

impl Counters {
    fn new(causes: usize) -> Self {
        Counters {
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            loads: AtomicU64::new(0),
            load_failures: AtomicU64::new(0),
            stale_fills_dropped: AtomicU64::new(0),
            refreshes: AtomicU64::new(0),
            evicted_size: AtomicU64::new(0),
            evicted_expired: AtomicU64::new(0),
            invalidations: (0..causes).map(|_| AtomicU64::new(0)).collect(),
            latency_ns: Mutex::new(new_histogram()),
            low_ratio: AtomicBool::new(false),
        }
    }

    fn reset(&self) {
        for c in [
            &self.hits,
            &self.misses,
            &self.loads,
            &self.load_failures,
            &self.stale_fills_dropped,
            &self.refreshes,
            &self.evicted_size,
            &self.evicted_expired,
        ] {
            c.store(0, Ordering::Relaxed);
        }
        for c in self.invalidations.iter() {
            c.store(0, Ordering::Relaxed);
        }
        self.latency_ns.lock().reset();
        self.low_ratio.store(false, Ordering::Relaxed);
    }
}

/// A moka cache with its own statistics and a stale-fill guard.
pub struct MeasuredCache<K, V, C> {
    name: &'static str,
    settings: CacheSettings,
    inner: Option<Cache<K, Arc<V>>>,
    generation: AtomicU64,
    fill_lock: RwLock<()>,
    counters: Arc<Counters>,
    cause: std::marker::PhantomData<fn(C)>,
}

impl<K, V, C> std::fmt::Debug for MeasuredCache<K, V, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MeasuredCache")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

/// Counters of one cache at one moment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CacheStats {
    pub name: String,
    pub enabled: bool,
    pub hits: u64,
    pub misses: u64,
    /// hits / (hits + misses); 0 when there were no lookups.
    pub hit_ratio: f64,
    pub loads: u64,
    pub load_failures: u64,
    /// Loads whose value was not stored because a write invalidated the cache meanwhile.
    pub stale_fills_dropped: u64,
    /// Entries reloaded right after a write (write-through) instead of dropped.
    #[serde(default)]
    pub refreshes: u64,
    pub load_p50_us: f64,
    pub load_p99_us: f64,
    pub load_max_us: f64,
    pub evictions_size: u64,
    pub evictions_expired: u64,
    /// Invalidation requests per cause (`order_changed`, `manual`, ...).
    pub invalidations: BTreeMap<String, u64>,
    pub entries: u64,
    pub bytes: u64,
    pub capacity_bytes: u64,
    pub ttl_secs: u64,
    /// The hit ratio is under the alert threshold (after enough lookups).
    pub below_threshold: bool,
}

impl<K, V, C> MeasuredCache<K, V, C>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Send + Sync + 'static,
    C: InvalidationCause,
{
    /// A cache named `name` (in statistics and logs) whose entries weigh `weigh(k, v)`
    /// bytes plus a fixed 64 for moka's own bookkeeping.
    pub fn new(name: &'static str, settings: CacheSettings, weigh: Weigher<K, V>) -> Self {
        let counters = Arc::new(Counters::new(C::all().len()));
        let inner = settings.enabled.then(|| {
            let c = counters.clone();
            Cache::builder()
                .name(name)
                .max_capacity(settings.max_bytes)
                .weigher(move |k: &K, v: &Arc<V>| u32::try_from(weigh(k, v) + 64).unwrap_or(u32::MAX))
                .time_to_live(settings.ttl)
                .eviction_listener(move |_k, _v, cause| match cause {
                    RemovalCause::Size => {
                        c.evicted_size.fetch_add(1, Ordering::Relaxed);
                    }
                    RemovalCause::Expired => {
                        c.evicted_expired.fetch_add(1, Ordering::Relaxed);
                    }
                    RemovalCause::Explicit | RemovalCause::Replaced => {}
                })
                .build()
        });
        MeasuredCache {
            name,
            settings,
            inner,
            generation: AtomicU64::new(0),
            fill_lock: RwLock::new(()),
            counters,
            cause: std::marker::PhantomData,
        }
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The cached value, or `load()`'s, stored unless an invalidation happened meanwhile.
    pub fn get_or_load<E>(&self, key: &K, load: impl FnOnce() -> Result<V, E>) -> Result<Arc<V>, E> {
        self.get_or_load_if(key, |_| true, load)
    }

    /// Like [`get_or_load`](Self::get_or_load), but a cached value for which `fresh`
    /// returns false counts as a miss and is replaced.
    pub fn get_or_load_if<E>(
        &self,
        key: &K,
        fresh: impl Fn(&V) -> bool,
        load: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(v) = self.hit(key, fresh) {
            return Ok(v);
        }
        let miss = self.miss();
        self.filled(key, miss, load())
    }

    /// [`get_or_load_if`](Self::get_or_load_if) for an asynchronous loader (the server
    /// reads PostgreSQL). The fill lock is taken only after the load has finished, never
    /// across an `.await`, so the guard is the same as for synchronous loads.
    pub async fn get_or_load_async<E, F>(&self, key: &K, fresh: bool, load: F) -> Result<Arc<V>, E>
    where
        F: std::future::Future<Output = Result<V, E>>,
    {
        if fresh && let Some(v) = self.hit(key, |_| true) {
            return Ok(v);
        }
        let miss = self.miss();
        self.filled(key, miss, load.await)
    }

    /// [`get_or_load_async`](Self::get_or_load_async) where a cached value counts only
    /// if `fresh` accepts it, and a loaded value is stored only if `keep` accepts it (the
    /// server's pull pages: an empty page says where the log ends now, which does not stay
    /// true).
    pub async fn get_or_load_async_where<E, F>(
        &self,
        key: &K,
        fresh: impl Fn(&V) -> bool,
        load: F,
        keep: impl Fn(&V) -> bool,
    ) -> Result<Arc<V>, E>
    where
        F: std::future::Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.hit(key, fresh) {
            return Ok(v);
        }
        let miss = self.miss();
        self.filled_if(key, miss, load.await, keep)
    }

    /// A cached value `fresh` accepts, counted as a hit (with housekeeping every so often).
    fn hit(&self, key: &K, fresh: impl Fn(&V) -> bool) -> Option<Arc<V>> {
        let cache = self.inner.as_ref()?;
        let v = cache.get(key).filter(|v| fresh(v))?;
        let hits = self.counters.hits.fetch_add(1, Ordering::Relaxed) + 1;
        if hits.is_multiple_of(HOUSEKEEPING_EVERY_HITS) {
            cache.run_pending_tasks();
        }
        Some(v)
    }

    /// Counts a miss and notes what the fill needs: the miss count, the generation before
    /// the load (the stale-fill guard) and when the load started.
    fn miss(&self) -> Miss {
        Miss {
            count: self.counters.misses.fetch_add(1, Ordering::Relaxed) + 1,
            generation: self.generation.load(Ordering::SeqCst),
            started: Instant::now(),
        }
    }

    /// Records a finished load and stores its value unless an invalidation happened
    /// since [`miss`](Self::miss).
    fn filled<E>(&self, key: &K, miss: Miss, loaded: Result<V, E>) -> Result<Arc<V>, E> {
        self.filled_if(key, miss, loaded, |_| true)
    }

    fn filled_if<E>(
        &self,
        key: &K,
        miss: Miss,
        loaded: Result<V, E>,
        keep: impl Fn(&V) -> bool,
    ) -> Result<Arc<V>, E> {
        let elapsed = miss.started.elapsed().as_nanos().max(1) as u64;
        let value = match loaded {
            Ok(v) => Arc::new(v),
            Err(e) => {
                self.counters.load_failures.fetch_add(1, Ordering::Relaxed);
                return Err(e);
            }
        };
        self.counters.loads.fetch_add(1, Ordering::Relaxed);
        let _ = self.counters.latency_ns.lock().record(elapsed);
        if keep(&value) {
            self.store_if_unchanged(key, &value, miss.generation);
        }
        if miss.count.is_multiple_of(1024) {
            self.check_ratio();
        }
        Ok(value)
    }

    fn store_if_unchanged(&self, key: &K, value: &Arc<V>, generation: u64) {
        if let Some(cache) = &self.inner {
            let _fill = self.fill_lock.read();
            if self.generation.load(Ordering::SeqCst) == generation {
                cache.insert(key.clone(), value.clone());
            } else {
                self.counters.stale_fills_dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// Removes `key` after a write (see the module docs for the ordering).
    pub fn invalidate(&self, key: &K, cause: C) {
        let _exclusive = self.fill_lock.write();
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(cache) = &self.inner {
            cache.invalidate(key);
        }
        self.counters.invalidations[cause.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Replaces the entry of `key` after a write instead of dropping it (write-through):
    /// `reload` gets the cached value, if any, and says what the entry becomes, reading
    /// SQLite after the commit. It runs under the fill lock held exclusively with the
    /// generation bumped first, exactly like [`invalidate`](Self::invalidate), so a load
    /// that read SQLite before the commit still cannot store its value afterwards, and
    /// refreshes of one cache never interleave. Hits keep getting the previous value until
    /// the new one is in place: the same window as between a commit and its invalidation.
    /// If `reload` fails the entry is dropped (the next read loads it) and the failure is
    /// logged: the write has committed and must not fail for a cache. Returns the stored
    /// value. With the cache disabled nothing is loaded.
    pub fn refresh<E: std::fmt::Display>(
        &self,
        key: &K,
        cause: C,
        reload: impl FnOnce(Option<&V>) -> Result<Refreshed<V>, E>,
    ) -> Option<Arc<V>> {
        let _exclusive = self.fill_lock.write();
        self.generation.fetch_add(1, Ordering::SeqCst);
        self.counters.invalidations[cause.index()].fetch_add(1, Ordering::Relaxed);
        let cache = self.inner.as_ref()?;
        let current = cache.get(key);
        match reload(current.as_deref()) {
            Ok(Refreshed::Keep) => current,
            Ok(Refreshed::Replace(v)) => {
                let v = Arc::new(v);
                cache.insert(key.clone(), v.clone());
                self.counters.refreshes.fetch_add(1, Ordering::Relaxed);
                // moka holds the replaced value until its housekeeping, which otherwise
                // runs on some later hit: freeing a floor of 1,000 rows there made floor
                // hits after writes take ~100 us (p99) instead of ~10. Run it here, on the
                // writer's time, and drop our handle on the old value last.
                cache.run_pending_tasks();
                drop(current);
                Some(v)
            }
            Ok(Refreshed::Remove) => {
                cache.invalidate(key);
                None
            }
            Err(e) => {
                cache.invalidate(key);
                self.counters.load_failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(cache = self.name, error = %e, "reloading after a write failed; entry dropped");
                None
            }
        }
    }

    /// Removes every entry after a write that affects them all.
    pub fn invalidate_all(&self, cause: C) {
        let _exclusive = self.fill_lock.write();
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Some(cache) = &self.inner {
            cache.invalidate_all();
        }
        self.counters.invalidations[cause.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// Empties the cache and resets its statistics (the manager's "Clear cache").
    pub fn clear(&self) -> u64 {
        let _exclusive = self.fill_lock.write();
        self.generation.fetch_add(1, Ordering::SeqCst);
        let mut cleared = 0;
        if let Some(cache) = &self.inner {
            cache.run_pending_tasks();
            cleared = cache.entry_count();
            cache.invalidate_all();
            cache.run_pending_tasks();
        }
        self.counters.reset();
        cleared
    }

    fn ratio(&self) -> (u64, u64, f64) {
        let hits = self.counters.hits.load(Ordering::Relaxed);
        let misses = self.counters.misses.load(Ordering::Relaxed);
        let lookups = hits + misses;
        let ratio = if lookups == 0 {
            0.0
        } else {
            hits as f64 / lookups as f64
        };
        (hits, misses, ratio)
    }

    /// Flags (and logs once per crossing) a hit ratio under the threshold.
    fn check_ratio(&self) -> bool {
        let (hits, misses, ratio) = self.ratio();
        let low = self.settings.enabled
            && hits + misses >= self.settings.alert_min_lookups
            && ratio < self.settings.alert_below;
        let was_low = self.counters.low_ratio.swap(low, Ordering::Relaxed);
        if low && !was_low {
            tracing::warn!(
                cache = self.name,
                hit_ratio = ratio,
                threshold = self.settings.alert_below,
                lookups = hits + misses,
                "cache hit ratio is under the alert threshold"
            );
        }
        low
    }

    pub fn stats(&self) -> CacheStats {
        let below_threshold = self.check_ratio();
        let (hits, misses, hit_ratio) = self.ratio();
        let (entries, bytes) = match &self.inner {
            Some(c) => {
                c.run_pending_tasks();
                (c.entry_count(), c.weighted_size())
            }
            None => (0, 0),
        };
        let h = self.counters.latency_ns.lock();
        let us = |ns: u64| ns as f64 / 1000.0;
        let (p50, p99, max) = if h.is_empty() {
            (0.0, 0.0, 0.0)
        } else {
            (
                us(h.value_at_quantile(0.5)),
                us(h.value_at_quantile(0.99)),
                us(h.max()),
            )
        };
        CacheStats {
            name: self.name.to_owned(),
            enabled: self.settings.enabled,
            hits,
            misses,
            hit_ratio,
            loads: self.counters.loads.load(Ordering::Relaxed),
            load_failures: self.counters.load_failures.load(Ordering::Relaxed),
            stale_fills_dropped: self.counters.stale_fills_dropped.load(Ordering::Relaxed),
            refreshes: self.counters.refreshes.load(Ordering::Relaxed),
            load_p50_us: p50,
            load_p99_us: p99,
            load_max_us: max,
            evictions_size: self.counters.evicted_size.load(Ordering::Relaxed),
            evictions_expired: self.counters.evicted_expired.load(Ordering::Relaxed),
            invalidations: C::all()
                .iter()
                .map(|c| {
                    (
                        c.name().to_owned(),
                        self.counters.invalidations[c.index()].load(Ordering::Relaxed),
                    )
                })
                .filter(|(_, n)| *n > 0)
                .collect(),
            entries,
            bytes,
            capacity_bytes: self.settings.max_bytes,
            ttl_secs: self.settings.ttl.as_secs(),
            below_threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Barrier;

    #[derive(Clone, Copy, Debug)]
    enum TestCause {
        Changed,
    }

    impl InvalidationCause for TestCause {
        fn all() -> &'static [Self] {
            &[TestCause::Changed]
        }
        fn index(self) -> usize {
            self as usize
        }
        fn name(self) -> &'static str {
            "changed"
        }
    }

    type C = MeasuredCache<u64, u64, TestCause>;

    fn cache(enabled: bool) -> C {
        MeasuredCache::new("t", settings(enabled), |_, _| 16)
    }

    fn settings(enabled: bool) -> CacheSettings {
        CacheSettings {
            enabled,
            max_bytes: 1 << 20,
            ttl: Duration::from_secs(60),
            alert_below: 0.8,
            alert_min_lookups: 10,
        }
    }

    #[test]
    fn hits_and_misses_are_counted() {
        let c = cache(true);
        for _ in 0..3 {
            c.get_or_load(&1, || Ok::<_, ()>(10)).unwrap();
        }
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.loads), (2, 1, 1));
        assert_eq!(s.entries, 1);
    }

    #[test]
    fn a_disabled_cache_always_loads() {
        let c = cache(false);
        let mut loads = 0;
        for _ in 0..3 {
            c.get_or_load(&1, || {
                loads += 1;
                Ok::<_, ()>(10)
            })
            .unwrap();
        }
        assert_eq!(loads, 3, "with caching off every read goes to the loader");
    }

    #[test]
    fn a_fill_that_started_before_an_invalidation_is_not_stored() {
        // The loader reads "SQLite" (value 1), then a writer commits 2 and invalidates
        // while the loader is still running. The stale 1 must not be cached.
        let c: Arc<C> = Arc::new(cache(true));
        let db = Arc::new(AtomicU64::new(1));
        let read_done = Arc::new(Barrier::new(2));
        let write_done = Arc::new(Barrier::new(2));
        let reader = {
            let (c, db, read_done, write_done) =
                (c.clone(), db.clone(), read_done.clone(), write_done.clone());
            std::thread::spawn(move || {
                c.get_or_load(&7, || {
                    let v = db.load(Ordering::SeqCst);
                    read_done.wait();
                    write_done.wait();
                    Ok::<_, ()>(v)
                })
                .unwrap()
            })
        };
        read_done.wait();
        db.store(2, Ordering::SeqCst);
        c.invalidate(&7, TestCause::Changed);
        write_done.wait();
        assert_eq!(
            *reader.join().unwrap(),
            1,
            "the overlapping read may return what it read"
        );
        let after = c
            .get_or_load(&7, || Ok::<_, ()>(db.load(Ordering::SeqCst)))
            .unwrap();
        assert_eq!(*after, 2, "but the cache must not have kept the stale value");
        assert_eq!(c.stats().stale_fills_dropped, 1);
    }

    #[test]
    fn clear_empties_and_resets_the_numbers() {
        let c = cache(true);
        c.get_or_load(&1, || Ok::<_, ()>(1)).unwrap();
        c.get_or_load(&1, || Ok::<_, ()>(1)).unwrap();
        assert_eq!(c.clear(), 1);
        let s = c.stats();
        assert_eq!((s.hits, s.misses, s.entries), (0, 0, 0));
    }

    #[test]
    fn a_low_hit_ratio_is_flagged() {
        let c = cache(true);
        for k in 0..20 {
            c.get_or_load(&k, || Ok::<_, ()>(k)).unwrap();
        }
        assert!(c.stats().below_threshold, "20 misses and no hits is under 80%");
        for _ in 0..200 {
            c.get_or_load(&1, || Ok::<_, ()>(1)).unwrap();
        }
        assert!(!c.stats().below_threshold);
    }

    #[tokio::test]
    async fn an_async_fill_that_started_before_an_invalidation_is_not_stored() {
        let c = cache(true);
        let (read_done_tx, read_done) = tokio::sync::oneshot::channel::<()>();
        let (write_done, write_done_rx) = tokio::sync::oneshot::channel::<()>();
        let load = c.get_or_load_async(&7, true, async {
            let v = 1; // what the database held when the load read it
            let _ = read_done_tx.send(());
            let _ = write_done_rx.await;
            Ok::<_, ()>(v)
        });
        let write = async {
            let _ = read_done.await;
            c.invalidate(&7, TestCause::Changed); // a commit of 2 and its invalidation
            let _ = write_done.send(());
        };
        let (loaded, ()) = tokio::join!(load, write);
        assert_eq!(
            *loaded.unwrap(),
            1,
            "the overlapping read may return what it read"
        );
        let after = c
            .get_or_load_async(&7, true, async { Ok::<_, ()>(2) })
            .await
            .unwrap();
        assert_eq!(*after, 2, "but the cache must not have kept the stale value");
        assert_eq!(c.stats().stale_fills_dropped, 1);
    }

    #[tokio::test]
    async fn an_async_read_that_is_not_fresh_skips_the_cached_value() {
        let c = cache(true);
        c.get_or_load_async(&1, true, async { Ok::<_, ()>(1) })
            .await
            .unwrap();
        let v = c
            .get_or_load_async(&1, false, async { Ok::<_, ()>(2) })
            .await
            .unwrap();
        assert_eq!(
            *v, 2,
            "a caller that may not trust the cache gets the loader's value"
        );
        let s = c.stats();
        assert_eq!((s.hits, s.misses), (0, 2));
    }
}
