//! The server's measured caches and how they stay coherent across instances.
//!
//! Same design as the till (`pos_cache::MeasuredCache`: counters, load-latency histogram,
//! weight-bounded moka, stale-fill guard), with the server's own declarative [`RULES`]
//! from a change [`Cause`] to the caches it clears. Every key starts with the organisation.
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

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_postgres::Transaction;
use pos_cache::{CacheSettings, CacheStats, InvalidationCause, MeasuredCache};
use pos_core::{Order, Profile};
use pos_protocol::Mutation;
use serde::{Deserialize, Serialize};
use tokio_postgres::{AsyncMessage, NoTls};
use uuid::Uuid;

use crate::backoffice::{Balance, BillingSummary, Location, OrderRow};
use crate::error::Internal;

/// The NOTIFY channel.
pub const CHANNEL: &str = "pos_cache";

/// Why entries were invalidated; counted per cache.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    OrderChanged = 0,
    PaymentRecorded = 1,
    ProfileUpdated = 2,
    CustomerChanged = 3,
    MenuChanged = 4,
    /// The listener reconnected: notifications may have been missed.
    Resync = 5,
    /// `POST /admin/cache-clear`.
    Manual = 6,
}

impl InvalidationCause for Cause {
    fn all() -> &'static [Self] {
        &[
            Cause::OrderChanged,
            Cause::PaymentRecorded,
            Cause::ProfileUpdated,
            Cause::CustomerChanged,
            Cause::MenuChanged,
            Cause::Resync,
            Cause::Manual,
        ]
    }
    fn index(self) -> usize {
        self as usize
    }
    fn name(self) -> &'static str {
        match self {
            Cause::OrderChanged => "order_changed",
            Cause::PaymentRecorded => "payment_recorded",
            Cause::ProfileUpdated => "profile_updated",
            Cause::CustomerChanged => "customer_changed",
            Cause::MenuChanged => "menu_changed",
            Cause::Resync => "resync",
            Cause::Manual => "manual",
        }
    }
}

/// The caches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CacheKind {
    /// Profile and locations of an organisation (settings, profile, lite).
    Profile,
    /// Every active order of an organisation, as list rows.
    ActiveOrders,
    Order,
    Balance,
    DaySummary,
}

use CacheKind::*;

/// The invalidation table: every cause clears the entries its [`Change`] names in these
/// caches (the organisation's entry for per-organisation caches).
///
/// - Day summaries are keyed by day and location; a change names its orders' days and
///   locations, and the whole-organisation summary of those days.
/// - A payment can charge a customer's tab: it names the phones whose balance moved.
/// - Payments and tab settlements count on the day they were taken: a change names those
///   days too (a settlement has no location, so only the whole-organisation summary).
/// - Menu changes clear nothing: no cached view reads the menu (order lines copy prices).
pub const RULES: &[(Cause, &[CacheKind])] = &[
    (Cause::OrderChanged, &[ActiveOrders, Order, DaySummary]),
    (
        Cause::PaymentRecorded,
        &[ActiveOrders, Order, DaySummary, Balance],
    ),
    (Cause::ProfileUpdated, &[Profile]),
    (Cause::CustomerChanged, &[Balance, DaySummary]),
    (Cause::MenuChanged, &[]),
];

/// The rows of [`RULES`] for `cause`.
pub fn targets(cause: Cause) -> &'static [CacheKind] {
    RULES
        .iter()
        .find(|(c, _)| *c == cause)
        .map(|(_, t)| *t)
        .unwrap_or(&[])
}

/// One committed change, as sent over NOTIFY and applied by every instance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub org: Uuid,
    /// The change-log version the write appended.
    pub version: i64,
    pub cause: Option<Cause>,
    #[serde(default)]
    pub orders: Vec<Uuid>,
    /// Normalised (E.164) phones whose balance moved. Never logged.
    #[serde(default)]
    pub phones: Vec<String>,
    /// Business days touched, for the day summaries.
    #[serde(default)]
    pub days: Vec<String>,
    #[serde(default)]
    pub locations: Vec<Uuid>,
    /// The instance that made the write (it has already applied the change locally).
    pub instance: Uuid,
}

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
    pub order: MeasuredCache<(Uuid, Uuid), Order, Cause>,
    pub balance: MeasuredCache<(Uuid, String), Balance, Cause>,
    pub day_summary: MeasuredCache<SummaryKey, BillingSummary, Cause>,
    /// Pages of an organisation's change log by the version they follow, for pulls. A
    /// page that holds changes never goes stale (the log is append-only and its versions
    /// commit in order), so no write invalidates it; an empty page is never stored.
    pub pull_pages: MeasuredCache<(Uuid, i64), crate::routes::pull::Page, Cause>,
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
        for kind in targets(cause) {
            match kind {
                Profile => self.profile.invalidate(&c.org, cause),
                ActiveOrders => self.active_orders.invalidate(&c.org, cause),
                Order => {
                    for o in &c.orders {
                        self.order.invalidate(&(c.org, *o), cause);
                    }
                }
                Balance => {
                    for p in &c.phones {
                        self.balance.invalidate(&(c.org, p.clone()), cause);
                    }
                }
                DaySummary => {
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
    fn lost(&self) {
        self.listening.store(false, Ordering::SeqCst);
        self.clear_all(Cause::Resync);
    }

    /// The listener is connected again and `baseline` holds every organisation's newest
    /// version read *after* `LISTEN` took effect.
    fn resumed(&self, baseline: HashMap<Uuid, i64>) {
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

/// The order a mutation touches, if any.
pub fn order_of(m: &Mutation) -> Option<Uuid> {
    match m {
        Mutation::OrderCreate { order } => Some(*order.id.as_uuid()),
        Mutation::OrderAddLine { order_id, .. }
        | Mutation::OrderVoidLine { order_id, .. }
        | Mutation::OrderSetDiscount { order_id, .. }
        | Mutation::OrderSetStatus { order_id, .. }
        | Mutation::PaymentRecord { order_id, .. } => Some(*order_id.as_uuid()),
        Mutation::CustomerUpsert { .. }
        | Mutation::LedgerSettle { .. }
        | Mutation::ProfileUpdate { .. }
        | Mutation::MenuUpsert { .. }
        | Mutation::StaffUpsert { .. } => None,
    }
}

/// When the money of a payment or a tab settlement was taken (the day summary counts it on
/// that business day, which may be after the day the order was opened).
fn taken_at(m: &Mutation) -> Vec<i64> {
    match m {
        Mutation::PaymentRecord { payments, .. } => payments.iter().map(|p| p.at_ms).collect(),
        Mutation::LedgerSettle { entry } => vec![entry.at_ms],
        _ => Vec::new(),
    }
}

/// Whether [`change_for`] needs the profile for `m` (to place its payments on a day).
pub fn needs_profile(m: &Mutation) -> bool {
    !taken_at(m).is_empty()
}

/// An order's business day and location, as stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderFacts {
    pub day: Option<String>,
    pub location: Option<Uuid>,
}

/// What a mutation changed, for the caches: `order` holds the stored day and location of
/// [`order_of`]`(m)`, and `profile` is the organisation's profile when [`needs_profile`].
pub fn change_for(
    instance: Uuid,
    org: Uuid,
    version: i64,
    m: &Mutation,
    order: Option<OrderFacts>,
    profile: Option<&pos_core::Profile>,
) -> Change {
    let mut c = Change {
        org,
        version,
        instance,
        ..Change::default()
    };
    c.phones = match m {
        Mutation::PaymentRecord { ledger, .. } => ledger.iter().map(|e| e.phone.e164().to_string()).collect(),
        Mutation::CustomerUpsert { customer } => vec![customer.phone.e164().to_string()],
        Mutation::LedgerSettle { entry } => vec![entry.phone.e164().to_string()],
        _ => Vec::new(),
    };
    c.cause = Some(match m {
        // No server cache holds staff: nothing to clear (the version is still marked seen).
        Mutation::StaffUpsert { .. } => {
            return Change {
                phones: Vec::new(),
                ..c
            };
        }
        Mutation::PaymentRecord { .. } => Cause::PaymentRecorded,
        Mutation::CustomerUpsert { .. } | Mutation::LedgerSettle { .. } => Cause::CustomerChanged,
        Mutation::ProfileUpdate { .. } => Cause::ProfileUpdated,
        Mutation::MenuUpsert { .. } => Cause::MenuChanged,
        _ => Cause::OrderChanged,
    });
    if let Some(id) = order_of(m) {
        c.orders = vec![id];
        if let Some(f) = order {
            c.days = f.day.into_iter().collect();
            c.locations = f.location.into_iter().collect();
        }
    }
    if let Some(p) = profile {
        for at in taken_at(m) {
            let d = pos_core::summary::day_of(at, p.utc_offset_minutes, p.day_starts_at_hour);
            if !c.days.contains(&d) {
                c.days.push(d);
            }
        }
    }
    c
}

/// [`change_for`], with the order's day and location and the profile read in `tx`.
pub async fn change_of(
    tx: &Transaction<'_>,
    instance: Uuid,
    org: Uuid,
    version: i64,
    m: &Mutation,
) -> Result<Change, Internal> {
    let order = match order_of(m) {
        Some(id) => crate::db::cached::query_opt(
            tx,
            "SELECT data->>'business_day', location_id FROM orders WHERE org_id = $1 AND id = $2",
            &[&org, &id],
        )
        .await?
        .map(|row| OrderFacts {
            day: row.get(0),
            location: row.get(1),
        }),
        None => None,
    };
    let profile = if needs_profile(m) {
        load_profile(tx, org).await?
    } else {
        None
    };
    Ok(change_for(instance, org, version, m, order, profile.as_ref()))
}

/// The organisation's profile as stored, if it has one.
pub async fn load_profile(tx: &Transaction<'_>, org: Uuid) -> Result<Option<pos_core::Profile>, Internal> {
    let row = crate::db::cached::query_opt(tx, "SELECT data FROM profile WHERE org_id = $1", &[&org]).await?;
    Ok(match row {
        Some(r) => Some(serde_json::from_value(r.get(0))?),
        None => None,
    })
}

/// Sends `c` to every instance when `tx` commits.
pub async fn notify(tx: &Transaction<'_>, c: &Change) -> Result<(), Internal> {
    let payload = serde_json::to_string(c)?;
    crate::db::cached::execute(tx, "SELECT pg_notify($1, $2)", &[&CHANNEL, &payload]).await?;
    Ok(())
}

/// [`notify`] for each of `changes`, in order, in one statement.
pub async fn notify_all(tx: &Transaction<'_>, changes: &[Change]) -> Result<(), Internal> {
    let payloads = changes
        .iter()
        .map(serde_json::to_string)
        .collect::<Result<Vec<_>, _>>()?;
    crate::db::cached::execute(
        tx,
        "SELECT pg_notify($1, c) FROM unnest($2::text[]) WITH ORDINALITY AS t(c, n) ORDER BY n",
        &[&CHANNEL, &payloads],
    )
    .await?;
    Ok(())
}

/// The hook every write calls inside its transaction, after appending `version` to the
/// change log: works out what changed and queues the notification. Returns the change to
/// hand to [`Caches::committed`] once the transaction has committed.
pub async fn record(
    tx: &Transaction<'_>,
    caches: &Caches,
    org: Uuid,
    version: i64,
    m: &Mutation,
) -> Result<Change, Internal> {
    let c = change_of(tx, caches.instance, org, version, m).await?;
    notify(tx, &c).await?;
    Ok(c)
}

/// Keeps one `LISTEN` connection open until `stopping` flips, applying every change to
/// `caches` (and waking this instance's pull long-polls). Reconnects with a short backoff;
/// each (re)connection clears the caches first (see the module docs).
pub async fn run_listener(
    database_url: String,
    db: crate::db::Db,
    caches: Arc<Caches>,
    feed: Arc<crate::changes::ChangeFeed>,
    mut stopping: tokio::sync::watch::Receiver<bool>,
) {
    let mut backoff = Duration::from_millis(50);
    loop {
        if *stopping.borrow() {
            return;
        }
        match listen_once(&database_url, &db, &caches, &feed, &mut stopping).await {
            Ok(()) => return,
            Err(e) => {
                caches.lost();
                tracing::warn!(error = %e, "cache listener lost its connection; caches cleared");
            }
        }
        tokio::select! {
            _ = tokio::time::sleep(backoff) => {}
            _ = stopping.changed() => return,
        }
        backoff = (backoff * 2).min(Duration::from_secs(2));
    }
}

async fn listen_once(
    database_url: &str,
    db: &crate::db::Db,
    caches: &Caches,
    feed: &crate::changes::ChangeFeed,
    stopping: &mut tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let mut config: tokio_postgres::Config = database_url.parse()?;
    config.application_name("pos-cache-listener");
    let (client, mut connection) = config.connect(NoTls).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let pump = tokio::spawn(async move {
        loop {
            match std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(AsyncMessage::Notification(n))) => {
                    if tx.send(Some(n.payload().to_string())).is_err() {
                        return;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => {
                    let _ = tx.send(None);
                    return;
                }
            }
        }
    });
    let result = async {
        client.batch_execute(&format!("LISTEN {CHANNEL}")).await?;
        let baseline = db
            .get()
            .await?
            .query("SELECT org_id, MAX(version) FROM change_log GROUP BY org_id", &[])
            .await?
            .into_iter()
            .map(|r| (r.get::<_, Uuid>(0), r.get::<_, i64>(1)))
            .collect();
        caches.resumed(baseline);
        tracing::info!("cache listener connected");
        loop {
            tokio::select! {
                msg = rx.recv() => match msg {
                    Some(Some(payload)) => match serde_json::from_str::<Change>(&payload) {
                        Ok(c) => {
                            caches.notified(&c);
                            feed.published(c.org, c.version);
                        }
                        Err(e) => tracing::warn!(error = %e, "unreadable cache notification ignored"),
                    },
                    _ => anyhow::bail!("listener connection closed"),
                },
                _ = stopping.changed() => return Ok(()),
            }
        }
    }
    .await;
    pump.abort();
    drop(client);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_but_resync_and_manual_has_exactly_one_row() {
        for cause in Cause::all() {
            let rows = RULES.iter().filter(|(c, _)| c == cause).count();
            let want = usize::from(!matches!(cause, Cause::Resync | Cause::Manual));
            assert_eq!(rows, want, "{cause:?} must appear {want} time(s) in RULES");
        }
    }

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
