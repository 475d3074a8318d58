//! [`App`]: the store, the caches and the clock, and the path every write takes.

use std::sync::Arc;

use pos_core::day::{business_day, format_day};
use pos_core::{MutationId, Order, OrderId, Phone, Profile, ProfileLite};
use pos_protocol::Mutation;
use pos_store::orders::OrderSummary;
use pos_store::summary::DaySummary;
use pos_store::{Store, StoreOptions, WriteTx};

use crate::cache::invalidation::{CacheKind, Scope, targets};
use crate::cache::{DomainEvent, MeasuredCache};
use crate::clock::{Clock, Ids, SystemClock};
use crate::config::AppConfig;
use crate::views::{BillView, CustomerBalance};
use crate::{AppError, Result};

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

    /// Clears what the invalidation table lists for `event`.
    pub fn apply(&self, event: &DomainEvent) {
        let cause = event.cause();
        for &(kind, scope) in targets(cause) {
            let all = match scope {
                Scope::All => true,
                Scope::AllIfProfile => {
                    if !event.touches_profile() {
                        continue;
                    }
                    true
                }
                Scope::Named => false,
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
        if app.config.load_demo && pos_store::catalog::profile(&*app.store.reader()?)?.is_none() {
            crate::demo::load_demo(&app)?;
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
        let now = self.clock.now_ms();
        let mutation_id = MutationId::from_uuid(self.ids.make(now));
        let (out, event) = self.store.write(|tx| {
            let (out, mutation, event) = f(tx, now)?;
            pos_store::outbox::append(tx, mutation_id, &mutation, now)?;
            Ok::<_, AppError>((out, event))
        })?;
        self.caches.apply(&event);
        Ok(out)
    }

    /// Raises an event that happened outside [`App::write`] (a sync pull's batch).
    pub fn raise(&self, event: &DomainEvent) {
        self.caches.apply(event);
    }
}
