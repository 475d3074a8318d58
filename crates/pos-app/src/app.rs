//! [`App`]: the store, the caches and the clock, and the path every write takes.

use std::sync::Arc;

use pos_core::day::{business_day, format_day};
use pos_core::{MutationId, Order, OrderId, Phone, Profile, ProfileLite};
use pos_protocol::Mutation;
use pos_store::orders::OrderSummary;
use pos_store::summary::DaySummary;
use pos_store::{Store, StoreOptions, WriteTx, requests};
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::cache::invalidation::{CacheKind, Scope, targets};
use crate::cache::{DomainEvent, MeasuredCache, Refreshed};
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
    pub order: MeasuredCache<OrderId, Order>,
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

    /// Clears what the invalidation table lists for `event`. `Refresh` rows are applied
    /// as `Named` here (reloading needs the store: [`App::raise`] does that).
    pub fn apply(&self, event: &DomainEvent) {
        for &(kind, scope) in targets(event.cause()) {
            self.invalidate(kind, scope, event);
        }
    }

    /// Applies one row of the invalidation table as an invalidation.
    fn invalidate(&self, kind: CacheKind, scope: Scope, event: &DomainEvent) {
        let cause = event.cause();
        let all = match scope {
            Scope::All => true,
            Scope::AllIfProfile => {
                if !event.touches_profile() {
                    return;
                }
                true
            }
            Scope::Named | Scope::Refresh => false,
        };
        match kind {
            CacheKind::Profile => self.profile.invalidate_all(cause),
            CacheKind::ProfileLite => self.profile_lite.invalidate_all(cause),
            CacheKind::ActiveOrders => self.active_orders.invalidate_all(cause),
            CacheKind::Order if all => self.order.invalidate_all(cause),
            CacheKind::Order => event
                .orders()
                .iter()
                .for_each(|k| self.order.invalidate(k, cause)),
            CacheKind::Bill if all => self.bill.invalidate_all(cause),
            CacheKind::Bill => event.orders().iter().for_each(|k| self.bill.invalidate(k, cause)),
            CacheKind::Balance if all => self.balance.invalidate_all(cause),
            CacheKind::Balance => event
                .phones()
                .iter()
                .for_each(|k| self.balance.invalidate(k, cause)),
            CacheKind::DaySummary if all => self.day_summary.invalidate_all(cause),
            CacheKind::DaySummary => event
                .days()
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

    /// Runs one write: `f` writes its rows and returns the mutation for the outbox and the
    /// event to raise. Both land in the same transaction; the event is applied to the
    /// caches only after the commit.
    pub(crate) fn write<T>(
        &self,
        f: impl FnOnce(&WriteTx<'_>, i64) -> Result<(T, Mutation, DomainEvent)>,
    ) -> Result<T> {
        self.write_many(|tx, now| f(tx, now).map(|(out, m, e)| (out, vec![m], Some(e))))
    }

    /// [`App::write`] for data no cache holds (staff): the event is optional.
    pub(crate) fn write_uncached<T>(
        &self,
        f: impl FnOnce(&WriteTx<'_>, i64) -> Result<(T, Mutation, Option<DomainEvent>)>,
    ) -> Result<T> {
        self.write_many(|tx, now| f(tx, now).map(|(out, m, e)| (out, vec![m], e)))
    }

    /// The one write path: the rows and one outbox row per mutation (in order) commit
    /// together, then the event (if any) reaches the caches.
    pub(crate) fn write_many<T>(
        &self,
        f: impl FnOnce(&WriteTx<'_>, i64) -> Result<(T, Vec<Mutation>, Option<DomainEvent>)>,
    ) -> Result<T> {
        let now = self.clock.now_ms();
        let (out, event) = self.store.write(|tx| {
            let (out, mutations, event) = f(tx, now)?;
            self.append_outbox(tx, &mutations, now)?;
            Ok::<_, AppError>((out, event))
        })?;
        if let Some(event) = &event {
            self.apply_event(event);
        }
        Ok(out)
    }

    fn append_outbox(&self, tx: &WriteTx<'_>, mutations: &[Mutation], now: i64) -> Result<()> {
        for m in mutations {
            let mutation_id = MutationId::from_uuid(self.ids.make(now));
            pos_store::outbox::append(tx, mutation_id, m, now)?;
        }
        Ok(())
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
        f: impl FnOnce(&WriteTx<'_>, i64) -> Result<(T, Mutation, DomainEvent)>,
    ) -> Result<T> {
        self.write_once_many(request_id, use_case, input, |tx, now| {
            f(tx, now).map(|(out, m, e)| (out, vec![m], Some(e)))
        })
    }

    /// [`App::write_once`] with an optional event (see [`App::write_uncached`]).
    pub(crate) fn write_once_uncached<T: Serialize + DeserializeOwned>(
        &self,
        request_id: Option<Uuid>,
        use_case: &'static str,
        input: &impl Serialize,
        f: impl FnOnce(&WriteTx<'_>, i64) -> Result<(T, Mutation, Option<DomainEvent>)>,
    ) -> Result<T> {
        self.write_once_many(request_id, use_case, input, |tx, now| {
            f(tx, now).map(|(out, m, e)| (out, vec![m], e))
        })
    }

    /// [`App::write_once`] for a write that appends several outbox rows (one per effect,
    /// in order: a ticket of lines is one commit, each line its own `order.add_line`).
    /// Still one transaction: the rows, every outbox row and the request record commit
    /// together or not at all.
    pub(crate) fn write_once_many<T: Serialize + DeserializeOwned>(
        &self,
        request_id: Option<Uuid>,
        use_case: &'static str,
        input: &impl Serialize,
        f: impl FnOnce(&WriteTx<'_>, i64) -> Result<(T, Vec<Mutation>, Option<DomainEvent>)>,
    ) -> Result<T> {
        let Some(request_id) = request_id else {
            return self.write_many(f);
        };
        let now = self.clock.now_ms();
        let key = request_id.to_string();
        let input = serde_json::to_string(input).map_err(|e| AppError::internal(e.to_string()))?;
        let outcome = self.store.write(|tx| {
            if let Some(seen) = requests::find(tx, &key)? {
                if seen.use_case != use_case || seen.input != input {
                    return Err(AppError::from(pos_core::DomainError::conflict(
                        "this request id was already used for a different request",
                    )));
                }
                tracing::info!(use_case, "repeated request answered from its first result");
                let out: T =
                    serde_json::from_str(&seen.result).map_err(|e| AppError::internal(e.to_string()))?;
                return Ok((out, None));
            }
            let (out, mutations, event) = f(tx, now)?;
            self.append_outbox(tx, &mutations, now)?;
            let result = serde_json::to_string(&out).map_err(|e| AppError::internal(e.to_string()))?;
            let recorded = requests::Recorded {
                use_case: use_case.to_owned(),
                input: input.clone(),
                result,
            };
            requests::record(tx, &key, &recorded, now)?;
            Ok::<_, AppError>((out, event))
        })?;
        if let (_, Some(event)) = &outcome {
            self.apply_event(event);
        }
        Ok(outcome.0)
    }

    /// Raises an event that happened outside [`App::write`] (a sync pull's batch).
    pub fn raise(&self, event: &DomainEvent) {
        self.apply_event(event);
    }

    /// Applies `event` to the caches after its commit: the invalidation table, with its
    /// `Refresh` rows reloaded from SQLite (unless `refresh_on_write` is off). Runs after
    /// the writer lock is released; each reload reads SQLite after the commit under its
    /// cache's fill lock, so the last reload of an entry follows the last commit to it.
    fn apply_event(&self, event: &DomainEvent) {
        if !self.config.cache.refresh_on_write {
            return self.caches.apply(event);
        }
        let cause = event.cause();
        let mut reloaded: Vec<Arc<Order>> = Vec::new();
        for &(kind, scope) in targets(cause) {
            if scope != Scope::Refresh {
                self.caches.invalidate(kind, scope, event);
                continue;
            }
            match kind {
                CacheKind::ActiveOrders => self.refresh_floor(event),
                CacheKind::Order => {
                    for &id in event.orders() {
                        let fresh = self.caches.order.refresh(&id, cause, |_| {
                            Ok::<_, AppError>(match self.load_order(id)? {
                                Some(o) => Refreshed::Replace(o),
                                None => Refreshed::Remove,
                            })
                        });
                        reloaded.extend(fresh);
                    }
                }
                CacheKind::Bill => {
                    // From the order just reloaded. Should a later write's refresh have run
                    // in between, this bill is for an older version than the cached order,
                    // and `calculate_bill` treats it as a miss: never served stale.
                    for &id in event.orders() {
                        let known = reloaded.iter().find(|o| o.id == id).cloned();
                        self.caches.bill.refresh(&id, cause, |_| {
                            let order = match known {
                                Some(o) => o,
                                None => match self.load_order(id)? {
                                    Some(o) => Arc::new(o),
                                    None => return Ok::<_, AppError>(Refreshed::Remove),
                                },
                            };
                            Ok(Refreshed::Replace(self.compute_bill(&order)?))
                        });
                    }
                }
                _ => self.caches.invalidate(kind, Scope::Named, event),
            }
        }
    }

    fn load_order(&self, id: OrderId) -> Result<Option<Order>> {
        self.store
            .read(|c| Ok::<_, AppError>(pos_store::orders::load_order(c, id)?))
    }

    /// Patches the cached floor with the current rows of the event's orders.
    fn refresh_floor(&self, event: &DomainEvent) {
        let mut ids = event.orders().to_vec();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return;
        }
        self.caches.active_orders.refresh(&(), event.cause(), |current| {
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
