//! [`App`]: the store, the caches and the clock, and the path every write takes.

use std::sync::Arc;

use pos_core::day::{business_day, format_day};
use pos_core::{MutationId, OrderId, OrderRecord, Phone, Profile, ProfileLite};
use pos_protocol::Mutation;
use pos_protocol::rules::{self, Effect, Envelope, Mode, State};
use pos_store::orders::OrderSummary;
use pos_store::summary::DaySummary;
use pos_store::{Store, StoreOptions, WriteTx, outbox, records, requests};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::cache::MeasuredCache;
use crate::cache::Refreshed;
use crate::cache::invalidation::{CacheKind, Invalidation, Scope, targets};
use crate::clock::{Clock, Ids, SystemClock};
use crate::config::AppConfig;
use crate::views::{BillView, CustomerBalance};
use crate::{AppError, Result};

/// How long a request id is remembered for idempotency.
const REQUEST_RETENTION_MS: i64 = 7 * 24 * 3600 * 1000;

/// The caches, one per kind of view.
#[derive(Debug)]
pub struct Caches {
    pub profile: MeasuredCache<(), Profile>,
    pub profile_lite: MeasuredCache<(), ProfileLite>,
    pub active_orders: MeasuredCache<(), Vec<OrderSummary>>,
    pub order: MeasuredCache<OrderId, OrderRecord>,
    pub bill: MeasuredCache<OrderId, BillView>,
    pub balance: MeasuredCache<Phone, CustomerBalance>,
    pub day_summary: MeasuredCache<String, DaySummary>,
}

impl Caches {
    fn new(config: &crate::CacheConfig) -> Self {
        Caches {
            profile: MeasuredCache::new("profile", config.settings("profile", config.profile_ttl)),
            profile_lite: MeasuredCache::new(
                "profile_lite",
                config.settings("profile_lite", config.profile_ttl),
            ),
            active_orders: MeasuredCache::new(
                "active_orders",
                config.settings("active_orders", config.active_orders_ttl),
            ),
            order: MeasuredCache::new("order", config.settings("order", config.order_ttl)),
            bill: MeasuredCache::new("bill", config.settings("bill", config.bill_ttl)),
            balance: MeasuredCache::new("balance", config.settings("balance", config.balance_ttl)),
            day_summary: MeasuredCache::new(
                "day_summary",
                config.settings("day_summary", config.summary_ttl),
            ),
        }
    }

    /// Clears what `inv` dirtied (its `Refresh` rows as `Named`: reloading needs the store,
    /// [`App::invalidate`] does that).
    pub fn apply(&self, inv: &Invalidation) {
        for &view in &inv.views {
            for &(kind, scope) in targets(view, inv.origin) {
                self.invalidate(kind, scope, inv);
            }
        }
    }

    /// Applies one target as an invalidation.
    fn invalidate(&self, kind: CacheKind, scope: Scope, inv: &Invalidation) {
        let cause = inv.cause;
        let all = scope == Scope::All;
        let keys = &inv.keys;
        match kind {
            CacheKind::Profile => self.profile.invalidate_all(cause),
            CacheKind::ProfileLite => self.profile_lite.invalidate_all(cause),
            CacheKind::ActiveOrders => self.active_orders.invalidate_all(cause),
            CacheKind::Order if all => self.order.invalidate_all(cause),
            CacheKind::Order => keys.orders.iter().for_each(|k| self.order.invalidate(k, cause)),
            CacheKind::Bill if all => self.bill.invalidate_all(cause),
            CacheKind::Bill => keys.orders.iter().for_each(|k| self.bill.invalidate(k, cause)),
            CacheKind::Balance if all => self.balance.invalidate_all(cause),
            CacheKind::Balance => keys.phones.iter().for_each(|k| self.balance.invalidate(k, cause)),
            CacheKind::DaySummary if all => self.day_summary.invalidate_all(cause),
            CacheKind::DaySummary => keys
                .days
                .iter()
                .for_each(|k| self.day_summary.invalidate(k, cause)),
        }
    }
}

/// The till's engine. Cheap to share behind an `Arc`; every method takes `&self`.
#[derive(Debug)]
pub struct App {
    pub(crate) store: Store,
    pub(crate) caches: Caches,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) ids: Ids,
    pub(crate) config: AppConfig,
}

impl App {
    /// Opens the till on the system clock.
    pub fn open(config: AppConfig) -> Result<App> {
        Self::open_with_clock(config, Arc::new(SystemClock))
    }

    /// Opens the till: the database (migrated), the caches, and the demo restaurant if
    /// configured and the database has no profile yet.
    #[tracing::instrument(skip_all, err)]
    pub fn open_with_clock(config: AppConfig, clock: Arc<dyn Clock>) -> Result<App> {
        let ids = Ids::default();
        let now = clock.now_ms();
        let device = pos_core::DeviceId::from_uuid(ids.make(now));
        let store = Store::open(&config.db_path, StoreOptions::default(), device, now)?;
        let app = App {
            store,
            caches: Caches::new(&config.cache),
            clock,
            ids,
            config,
        };
        app.store.write(|tx| {
            let pruned = requests::prune(tx, now - REQUEST_RETENTION_MS)?;
            tracing::debug!(pruned, "old request records pruned");
            Ok::<_, AppError>(())
        })?;
        if app.config.load_demo && pos_store::catalog::profile(&*app.store.reader()?)?.is_none() {
            crate::demo::load_demo(&app)?;
        }
        if app.config.warm_up && pos_store::catalog::profile(&*app.store.reader()?)?.is_some() {
            let report = app.warm_up()?;
            tracing::info!(
                active_orders = report.active_orders,
                elapsed_ms = report.elapsed_ms,
                "caches warmed up"
            );
        }
        Ok(app)
    }

    /// The raw store, under the `testkit` feature only: fixtures and direct reads in tests
    /// and the benches' data builders. Everything the till does goes through the use cases,
    /// so every write takes the sync rules and the one invalidation path.
    #[cfg(any(test, feature = "testkit"))]
    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn caches(&self) -> &Caches {
        &self.caches
    }

    pub fn config(&self) -> &AppConfig {
        &self.config
    }

    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    pub(crate) fn new_uuid(&self) -> uuid::Uuid {
        self.ids.make(self.clock.now_ms())
    }

    /// The business day of `at_ms` under the profile's time zone and day start.
    pub(crate) fn day_of(&self, profile: &Profile, at_ms: i64) -> String {
        format_day(business_day(
            at_ms,
            profile.utc_offset_minutes,
            profile.day_starts_at_hour,
        ))
    }

    /// The profile, or a clear error when the till has none yet.
    pub(crate) fn require_profile(&self) -> Result<Arc<Profile>> {
        self.profile()
    }

    /// Runs one write: `f` decides what to change (reading the committed state through the
    /// [`Writer`]'s transaction, never the cache) and applies each mutation with
    /// [`Writer::apply`], which runs the sync rules, writes the rows and appends the outbox
    /// row in the same transaction. After the commit, what the writes dirtied reaches the
    /// caches. A refusal rolls everything back, outbox included.
    pub(crate) fn write<T>(&self, f: impl FnOnce(&mut Writer<'_, '_>) -> Result<T>) -> Result<T> {
        let now = self.clock.now_ms();
        let (out, dirtied) = self.store.write(|tx| {
            let mut w = Writer::new(self, tx, now);
            let out = f(&mut w)?;
            Ok::<_, AppError>((out, w.dirtied))
        })?;
        for inv in &dirtied {
            self.invalidate(inv);
        }
        Ok(out)
    }

    /// [`App::write`] made idempotent by a client request id (one per user action: a tap
    /// on "Pay", a scan). The first call writes and records its input and result in the
    /// same transaction; the same id again returns that result and writes nothing; the
    /// same id with a different input is refused. `None` is a plain write.
    pub(crate) fn write_once<T: Serialize + DeserializeOwned>(
        &self,
        request_id: Option<Uuid>,
        use_case: &'static str,
        input: &impl Serialize,
        f: impl FnOnce(&mut Writer<'_, '_>) -> Result<T>,
    ) -> Result<T> {
        let Some(request_id) = request_id else {
            return self.write(f);
        };
        let key = request_id.to_string();
        let input = serde_json::to_string(input).map_err(|e| AppError::internal(e.to_string()))?;
        self.write(|w| {
            if let Some(seen) = requests::find(w.tx(), &key)? {
                if seen.use_case != use_case || seen.input != input {
                    return Err(AppError::from(pos_core::DomainError::conflict(
                        "this request id was already used for a different request",
                    )));
                }
                tracing::info!(use_case, "repeated request answered from its first result");
                return serde_json::from_str(&seen.result).map_err(|e| AppError::internal(e.to_string()));
            }
            let out = f(w)?;
            let result = serde_json::to_string(&out).map_err(|e| AppError::internal(e.to_string()))?;
            let recorded = requests::Recorded {
                use_case: use_case.to_owned(),
                input: input.clone(),
                result,
            };
            requests::record(w.tx(), &key, &recorded, w.now())?;
            Ok(out)
        })
    }

    /// Applies what a committed write or an applied pull dirtied to the caches: the
    /// targets of its views, with `Refresh` rows reloaded from SQLite (unless
    /// `refresh_on_write` is off). Runs after the writer lock is released; each reload
    /// reads SQLite after the commit under its cache's fill lock, so the last reload of an
    /// entry follows the last commit to it.
    pub(crate) fn invalidate(&self, inv: &Invalidation) {
        if !self.config.cache.refresh_on_write {
            return self.caches.apply(inv);
        }
        let cause = inv.cause;
        let mut reloaded: Vec<Arc<OrderRecord>> = Vec::new();
        for &view in &inv.views {
            for &(kind, scope) in targets(view, inv.origin) {
                if scope != Scope::Refresh {
                    self.caches.invalidate(kind, scope, inv);
                    continue;
                }
                match kind {
                    CacheKind::ActiveOrders => self.refresh_floor(inv),
                    CacheKind::Order => {
                        for &id in &inv.keys.orders {
                            let fresh = self.caches.order.refresh(&id, cause, |_| {
                                Ok::<_, AppError>(match self.load_record(id)? {
                                    Some(o) => Refreshed::Replace(o),
                                    None => Refreshed::Remove,
                                })
                            });
                            reloaded.extend(fresh);
                        }
                    }
                    CacheKind::Bill => {
                        // From the order just reloaded. Should a later write's refresh have
                        // run in between, this bill is for an older version than the cached
                        // order, and `calculate_bill` treats it as a miss: never served stale.
                        for &id in &inv.keys.orders {
                            let known = reloaded.iter().find(|o| o.order.id == id).cloned();
                            self.caches.bill.refresh(&id, cause, |_| {
                                let record = match known {
                                    Some(o) => o,
                                    None => match self.load_record(id)? {
                                        Some(o) => Arc::new(o),
                                        None => return Ok::<_, AppError>(Refreshed::Remove),
                                    },
                                };
                                Ok(Refreshed::Replace(self.compute_bill(&record)?))
                            });
                        }
                    }
                    _ => self.caches.invalidate(kind, Scope::Named, inv),
                }
            }
        }
    }

    pub(crate) fn load_record(&self, id: OrderId) -> Result<Option<OrderRecord>> {
        self.store
            .read(|c| Ok::<_, AppError>(pos_store::orders::load_record(c, id)?))
    }

    /// Patches the cached floor with the current rows of the invalidation's orders.
    fn refresh_floor(&self, inv: &Invalidation) {
        let mut ids = inv.keys.orders.clone();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return;
        }
        self.caches.active_orders.refresh(&(), inv.cause, |current| {
            let Some(current) = current else {
                return Ok::<_, AppError>(Refreshed::Keep);
            };
            let rows = self.store.read(|c| {
                ids.iter()
                    .map(|&id| Ok::<_, AppError>(pos_store::orders::summary(c, id)?))
                    .collect::<Result<Vec<_>>>()
            })?;
            Ok(Refreshed::Replace(patch_floor(current, &ids, rows)))
        });
    }
}

/// One write in progress: its transaction, its time, and what it has dirtied so far.
pub(crate) struct Writer<'a, 't> {
    app: &'a App,
    tx: &'a WriteTx<'t>,
    now: i64,
    dirtied: Vec<Invalidation>,
}

impl std::fmt::Debug for Writer<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Writer")
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

impl<'a, 't> Writer<'a, 't> {
    fn new(app: &'a App, tx: &'a WriteTx<'t>, now: i64) -> Self {
        Writer {
            app,
            tx,
            now,
            dirtied: Vec::new(),
        }
    }

    /// The write's transaction: read the committed state here, never the cache.
    pub fn tx(&self) -> &'a WriteTx<'t> {
        self.tx
    }

    /// The write's time (every row and outbox entry of one write carries the same).
    pub fn now(&self) -> i64 {
        self.now
    }

    /// Decides `m` with the sync rules as this till's own change, writes its rows and
    /// appends it to the outbox, all in this transaction; returns the state after it. A
    /// refusal is the caller's error (the whole write rolls back). A mutation that changes
    /// nothing here (the same discount again) writes nothing and queues nothing.
    pub fn apply(&mut self, m: Mutation) -> Result<State> {
        let id = MutationId::from_uuid(self.app.ids.make(self.now));
        let (state, effect) = records::apply(self.tx, Envelope { id, mutation: &m }, Mode::Decide, self.now)?;
        let changes = match &effect {
            Effect::Rejected(r) => {
                return Err(AppError::from(pos_core::DomainError::conflict(r.message.clone())));
            }
            Effect::Duplicate => return Ok(state),
            Effect::Changed(c) | Effect::Conflict { changes: c, .. } => c,
        };
        outbox::append(self.tx, id, &m, self.now)?;
        self.dirtied
            .push(Invalidation::local(&m, rules::keys(&state, changes)));
        Ok(state)
    }
}

/// The record of `id` in `state` (the write's rules loaded it, or refused the write).
pub(crate) fn record_in(state: State, id: OrderId) -> Result<OrderRecord> {
    let mut state = state;
    state
        .orders
        .remove(&id)
        .ok_or_else(|| AppError::not_found(format!("order {id} does not exist")))
}

/// `current` (newest first, as `orders::active_summaries` sorts: created_at_ms, then id,
/// descending) with the rows of `ids` (sorted) replaced by `rows`, leaving out those no
/// longer active.
fn patch_floor(
    current: &[OrderSummary],
    ids: &[OrderId],
    rows: Vec<Option<OrderSummary>>,
) -> Vec<OrderSummary> {
    let mut floor: Vec<OrderSummary> = Vec::with_capacity(current.len() + rows.len());
    floor.extend(
        current
            .iter()
            .filter(|o| ids.binary_search(&o.id).is_err())
            .cloned(),
    );
    for row in rows.into_iter().flatten().filter(|r| r.status.is_active()) {
        let at = floor.partition_point(|o| (o.created_at_ms, o.id) > (row.created_at_ms, row.id));
        floor.insert(at, row);
    }
    floor
}
