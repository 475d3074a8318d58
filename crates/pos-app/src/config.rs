//! Configuration of the till's engine.

use std::path::PathBuf;
use std::time::Duration;

use crate::cache::CacheSettings;

/// Cache configuration. Every figure can be set from the environment (see
/// [`CacheConfig::from_env`]) so a restaurant's till can be tuned without a rebuild.
#[derive(Clone, Debug)]
pub struct CacheConfig {
    /// Caching off gives the same answers, only slower (the test suite runs both ways).
    pub enabled: bool,
    /// Memory budget of all caches together, in bytes.
    pub budget_bytes: u64,
    pub profile_ttl: Duration,
    pub active_orders_ttl: Duration,
    pub order_ttl: Duration,
    pub bill_ttl: Duration,
    pub balance_ttl: Duration,
    pub summary_ttl: Duration,
    /// Hit ratio under which a cache is flagged (0.8 = 80%).
    pub alert_below: f64,
    pub alert_min_lookups: u64,
    /// After a local write, reload the changed order, its bill and its row of the floor
    /// from SQLite instead of only dropping them (see `Scope::Refresh`). Off: drop only.
    pub refresh_on_write: bool,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            enabled: true,
            budget_bytes: 64 * 1024 * 1024,
            profile_ttl: Duration::from_secs(3600),
            active_orders_ttl: Duration::from_secs(600),
            order_ttl: Duration::from_secs(1800),
            bill_ttl: Duration::from_secs(1800),
            balance_ttl: Duration::from_secs(1800),
            summary_ttl: Duration::from_secs(600),
            alert_below: 0.8,
            alert_min_lookups: 200,
            refresh_on_write: true,
        }
    }
}

/// Share of the budget per cache, in percent. Orders and bills are the many entries.
pub(crate) const BUDGET_SHARES: [(&str, u64); 7] = [
    ("profile", 1),
    ("profile_lite", 1),
    ("active_orders", 12),
    ("order", 40),
    ("bill", 25),
    ("balance", 16),
    ("day_summary", 5),
];

impl CacheConfig {
    /// Reads `POS_CACHE` (`on`/`off`), `POS_CACHE_BUDGET_MB`, `POS_CACHE_TTL_SECS` (all
    /// caches), `POS_CACHE_ALERT_RATIO` and `POS_CACHE_REFRESH` (`on`/`off`) over the defaults. Unparseable values are
    /// ignored with a warning rather than stopping a till from starting.
    pub fn from_env() -> Self {
        let mut c = CacheConfig::default();
        if let Ok(v) = std::env::var("POS_CACHE") {
            match v.as_str() {
                "off" | "0" | "false" => c.enabled = false,
                "on" | "1" | "true" => c.enabled = true,
                other => tracing::warn!(value = other, "POS_CACHE must be on or off; ignored"),
            }
        }
        if let Ok(v) = std::env::var("POS_CACHE_REFRESH") {
            match v.as_str() {
                "off" | "0" | "false" => c.refresh_on_write = false,
                "on" | "1" | "true" => c.refresh_on_write = true,
                other => tracing::warn!(value = other, "POS_CACHE_REFRESH must be on or off; ignored"),
            }
        }
        if let Some(mb) = env_number::<u64>("POS_CACHE_BUDGET_MB") {
            c.budget_bytes = mb * 1024 * 1024;
        }
        if let Some(secs) = env_number::<u64>("POS_CACHE_TTL_SECS") {
            let d = Duration::from_secs(secs.max(1));
            c.profile_ttl = d;
            c.active_orders_ttl = d;
            c.order_ttl = d;
            c.bill_ttl = d;
            c.balance_ttl = d;
            c.summary_ttl = d;
        }
        if let Some(r) = env_number::<f64>("POS_CACHE_ALERT_RATIO") {
            c.alert_below = r.clamp(0.0, 1.0);
        }
        c
    }

    pub(crate) fn settings(&self, name: &str, ttl: Duration) -> CacheSettings {
        let share = BUDGET_SHARES
            .iter()
            .find(|(n, _)| *n == name)
            .map_or(1, |(_, s)| *s);
        CacheSettings {
            enabled: self.enabled,
            max_bytes: (self.budget_bytes * share / 100).max(64 * 1024),
            ttl,
            alert_below: self.alert_below,
            alert_min_lookups: self.alert_min_lookups,
        }
    }
}

fn env_number<T: std::str::FromStr>(name: &str) -> Option<T> {
    let v = std::env::var(name).ok()?;
    match v.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            tracing::warn!(variable = name, value = %v, "not a number; ignored");
            None
        }
    }
}

/// Everything [`crate::App::open`] needs.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// The SQLite file.
    pub db_path: PathBuf,
    pub cache: CacheConfig,
    /// Load the demo restaurant when the database has no profile yet.
    pub load_demo: bool,
    /// Fill the caches the first screens need (profile, active orders, today's summary)
    /// when the till opens.
    pub warm_up: bool,
}

impl AppConfig {
    pub fn new(db_path: impl Into<PathBuf>) -> Self {
        AppConfig {
            db_path: db_path.into(),
            cache: CacheConfig::from_env(),
            load_demo: false,
            warm_up: true,
        }
    }
}
