//! Cache statistics, clearing and warm-up.

use std::time::Instant;

use pos_store::outbox;

use crate::views::{CacheReport, ClearReport, WarmUpReport};
use crate::{App, Result};

impl App {
    /// Every cache's statistics, for the settings panel.
    #[tracing::instrument(skip_all, err)]
    pub fn cache_stats(&self) -> Result<CacheReport> {
        let c = &self.caches;
        let caches = vec![
            c.profile.stats(),
            c.profile_lite.stats(),
            c.active_orders.stats(),
            c.order.stats(),
            c.bill.stats(),
            c.balance.stats(),
            c.day_summary.stats(),
        ];
        Ok(CacheReport {
            enabled: self.config.cache.enabled,
            budget_bytes: self.config.cache.budget_bytes,
            alert_below: self.config.cache.alert_below,
            total_hits: caches.iter().map(|s| s.hits).sum(),
            total_misses: caches.iter().map(|s| s.misses).sum(),
            total_bytes: caches.iter().map(|s| s.bytes).sum(),
            caches,
            outbox_pending: self.store.read(outbox::pending_count)?,
        })
    }

    /// Empties every cache and resets its statistics. Touches neither SQLite nor the
    /// outbox: unsynced sales stay exactly where they are.
    #[tracing::instrument(skip_all, err)]
    pub fn clear_cache(&self) -> Result<ClearReport> {
        let c = &self.caches;
        let entries_cleared = c.profile.clear()
            + c.profile_lite.clear()
            + c.active_orders.clear()
            + c.order.clear()
            + c.bill.clear()
            + c.balance.clear()
            + c.day_summary.clear();
        let outbox_pending = self.store.read(outbox::pending_count)?;
        tracing::info!(entries_cleared, outbox_pending, "caches cleared by request");
        Ok(ClearReport {
            entries_cleared,
            outbox_pending,
        })
    }

    /// Loads what the first screens need: profile, active orders, today's summary.
    #[tracing::instrument(skip_all, err)]
    pub fn warm_up(&self) -> Result<WarmUpReport> {
        let started = Instant::now();
        self.profile()?;
        self.profile_lite()?;
        let active = self.active_orders()?.len();
        let day = self.today()?;
        self.billing_summary(Some(&day))?;
        Ok(WarmUpReport {
            active_orders: active,
            business_day: day,
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }
}
