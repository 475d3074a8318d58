//! The server's measured caches and how they stay coherent across instances.
//!
//! Same design as the till (`pos_cache::MeasuredCache`: counters, load-latency histogram,
//! weight-bounded moka, stale-fill guard). What a change clears comes from the sync rules'
//! table (`pos_protocol::rules::table`, which the tills read too) through [`rules`]; every
//! key starts with the organisation.
//!
//! # Layout
//! - [`rules`]: the server's causes and which of its caches hold each kind of view.
//! - [`change`]: [`Change`], what a committed change dirtied, sent to every instance.
//! - [`coherence`]: NOTIFY in the writing transaction and the LISTEN loop.
//!
//! # Coherence between instances
//! Several servers may run against one PostgreSQL. Every write (a REST write or an applied
//! push) appends to the organisation's change log and, in the same transaction, sends a
//! [`Change`] with `pg_notify` (delivered only on commit, in commit order). Each instance
//! keeps one listener connection ([`run_listener`]) that applies the change to its caches
//! and then records the version as *seen* for the organisation.
//!
//! The token lookup that authenticates every request also reads the organisation's newest
//! committed version (`Principal::data_version`). A cached value is served only if the
//! instance has seen that version ([`Caches::is_current`]); otherwise the request reads
//! PostgreSQL. So a read on instance B after a write committed through instance A is never
//! stale, even in the millisecond before A's notification reaches B. When the listener
//! loses its connection, notifications may have been missed: every cache is cleared and
//! nothing is served from cache until the listener is back and has read the versions
//! anew.

pub mod change;
pub mod coherence;
pub mod rules;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use pos_cache::{CacheSettings, CacheStats, MeasuredCache};
use pos_core::{OrderRecord, Profile};
use serde::Serialize;
use uuid::Uuid;

pub use change::Change;
pub use coherence::{notify, notify_all, run_listener};
pub use rules::{CacheKind, Cause};

use crate::backoffice::{Balance, BillingSummary, Location, OrderRow};

/// The NOTIFY channel.
pub const CHANNEL: &str = "pos_cache";

type OrgKey = Uuid;
type SummaryKey = (Uuid, String, Option<Uuid>);

/// Profile and locations of an organisation.
#[derive(Clone, Debug, Serialize)]
pub struct OrgProfile {
    pub profile: Option<Profile>,
    pub locations: Vec<Location>,
}

/// The server's caches, the coherence state and the instance id.
#[derive(Debug)]
pub struct Caches {
    pub instance: Uuid,
    pub profile: MeasuredCache<OrgKey, OrgProfile, Cause>,
    pub active_orders: MeasuredCache<OrgKey, Vec<OrderRow>, Cause>,
    pub order: MeasuredCache<(Uuid, Uuid), OrderRecord, Cause>,
    pub balance: MeasuredCache<(Uuid, String), Balance, Cause>,
    pub day_summary: MeasuredCache<SummaryKey, BillingSummary, Cause>,
    /// Pages of an organisation's change log by the version they follow, for pulls. A
    /// page that holds changes never goes stale (the log is append-only and its versions
    /// commit in order), so no write invalidates it; an empty page is never stored.
    pub pull_pages: MeasuredCache<(Uuid, i64), crate::sync::pull::Page, Cause>,
    /// Per organisation, the newest version whose change this instance has applied.
    /// A std `Mutex`: held only to read or bump a number, never across an `.await`.
    seen: std::sync::Mutex<HashMap<Uuid, i64>>,
    /// The listener is connected and has read the baseline versions.
    listening: AtomicBool,
}

/// Approximate size of a value: its JSON length (computed once, when it is stored).
fn json_weight<K, V: Serialize>(_: &K, v: &V) -> usize {
    serde_json::to_vec(v).map_or(1024, |b| b.len())
}

impl Caches {
    pub fn new(enabled: bool, max_bytes_each: u64) -> Caches {
        let settings = CacheSettings {
            enabled,
            max_bytes: max_bytes_each,
            // Invalidation keeps entries correct; the TTL only bounds how long an unused
            // entry holds memory.
            ttl: Duration::from_secs(600),
            alert_below: 0.5,
            alert_min_lookups: 1000,
        };
        Caches {
            instance: Uuid::now_v7(),
            profile: MeasuredCache::new("profile", settings.clone(), json_weight),
            active_orders: MeasuredCache::new("active_orders", settings.clone(), json_weight),
            order: MeasuredCache::new("order", settings.clone(), json_weight),
            balance: MeasuredCache::new("balance", settings.clone(), json_weight),
            day_summary: MeasuredCache::new("day_summary", settings.clone(), json_weight),
            // Pulls woken together share one read without looking here, so a low hit
            // ratio is normal for this cache and never raises the alert.
            pull_pages: MeasuredCache::new(
                "pull_pages",
                CacheSettings {
                    alert_below: 0.0,
                    ..settings
                },
                |_, p| p.weight(),
            ),
            seen: std::sync::Mutex::new(HashMap::new()),
            listening: AtomicBool::new(false),
        }
    }

    /// Whether a cached value may answer a request that saw `data_version` for `org`.
    pub fn is_current(&self, org: Uuid, data_version: i64) -> bool {
        if !self.listening.load(Ordering::SeqCst) {
            return false;
        }
        let seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        seen.get(&org).copied().unwrap_or(0) >= data_version
    }

    fn mark_seen(&self, org: Uuid, version: i64) {
        let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let v = seen.entry(org).or_insert(0);
        *v = (*v).max(version);
    }

    /// Clears the entries [`RULES`] lists for the change's cause.
    pub fn apply(&self, c: &Change) {
        let Some(cause) = c.cause else { return };
        for kind in c.views.iter().flat_map(|v| rules::targets(*v)) {
            match kind {
                CacheKind::Profile => self.profile.invalidate(&c.org, cause),
                CacheKind::ActiveOrders => self.active_orders.invalidate(&c.org, cause),
                CacheKind::Order => {
                    for o in &c.orders {
                        self.order.invalidate(&(c.org, *o), cause);
                    }
                }
                CacheKind::Balance => {
                    for p in &c.phones {
                        self.balance.invalidate(&(c.org, p.clone()), cause);
                    }
                }
                CacheKind::DaySummary => {
                    for d in &c.days {
                        self.day_summary.invalidate(&(c.org, d.clone(), None), cause);
                        for l in &c.locations {
                            self.day_summary.invalidate(&(c.org, d.clone(), Some(*l)), cause);
                        }
                    }
                }
            }
        }
    }

    /// After this instance committed `c`: clear locally at once (read-your-writes here);
    /// other instances clear when the notification arrives.
    pub fn committed(&self, c: &Change) {
        self.apply(c);
    }

    /// A notification from the listener (possibly our own write, already applied).
    pub fn notified(&self, c: &Change) {
        if c.instance != self.instance {
            self.apply(c);
        }
        self.mark_seen(c.org, c.version);
    }

    /// Empties every cache; `cause` is counted on each. Returns the entries dropped.
    pub fn clear_all(&self, cause: Cause) -> u64 {
        let before: u64 = self.stats().iter().map(|s| s.entries).sum();
        self.profile.invalidate_all(cause);
        self.active_orders.invalidate_all(cause);
        self.order.invalidate_all(cause);
        self.balance.invalidate_all(cause);
        self.day_summary.invalidate_all(cause);
        self.pull_pages.invalidate_all(cause);
        before
    }

    /// `POST /admin/cache-clear`: empties the caches and resets their statistics.
    pub fn reset(&self) -> u64 {
        self.profile.clear()
            + self.active_orders.clear()
            + self.order.clear()
            + self.balance.clear()
            + self.day_summary.clear()
            + self.pull_pages.clear()
    }

    pub fn stats(&self) -> Vec<CacheStats> {
        vec![
            self.profile.stats(),
            self.active_orders.stats(),
            self.order.stats(),
            self.balance.stats(),
            self.day_summary.stats(),
            self.pull_pages.stats(),
        ]
    }

    /// The listener lost its connection: serve nothing from cache until it is back.
    pub(crate) fn lost(&self) {
        self.listening.store(false, Ordering::SeqCst);
        self.clear_all(Cause::Resync);
    }

    /// The listener is connected again and `baseline` holds every organisation's newest
    /// version read *after* `LISTEN` took effect.
    pub(crate) fn resumed(&self, baseline: HashMap<Uuid, i64>) {
        self.clear_all(Cause::Resync);
        {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            for (org, v) in baseline {
                let e = seen.entry(org).or_insert(0);
                *e = (*e).max(v);
            }
        }
        self.listening.store(true, Ordering::SeqCst);
    }

    pub fn is_listening(&self) -> bool {
        self.listening.load(Ordering::SeqCst)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_served_from_cache_before_the_listener_has_caught_up() {
        let c = Caches::new(true, 1 << 20);
        let org = Uuid::now_v7();
        assert!(!c.is_current(org, 0), "not listening yet");
        c.resumed(HashMap::from([(org, 5)]));
        assert!(c.is_current(org, 5));
        assert!(!c.is_current(org, 6), "version 6 committed but not yet seen");
        c.notified(&Change {
            org,
            version: 6,
            instance: Uuid::now_v7(),
            ..Change::default()
        });
        assert!(c.is_current(org, 6));
        c.lost();
        assert!(!c.is_current(org, 6), "a lost listener may have missed changes");
    }
}
