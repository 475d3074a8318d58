//! A seeded, replayable restaurant day: what the tills of one restaurant read and write
//! over a day with a lunch and a dinner peak, on a [`ManualClock`], with every answer that
//! can come from a cache checked against a direct SQLite read or a recomputation that
//! bypasses the caches.
//!
//! The day ([`DaySpec`]): orders arrive with a lunch (12:00-15:00) and a dinner
//! (19:00-22:30) peak. Dine-in orders get 2-8 lines one by one (some with a line discount,
//! some with a line voided), go to the kitchen, are served, sometimes get a second round,
//! the bill is previewed a few times, sometimes discounted, printed (billed), paid (cash
//! with change, card, UPI, split in one call or in two, on account for known customers) and
//! a receipt is printed. Takeaways are quicker and often carry a phone number, which the
//! till looks up. A few orders are voided. Meanwhile every till polls the floor every
//! `poll_every_ms` (active orders page 1 of 50, sometimes page 2, and the lite profile),
//! sometimes opens an order from the list, looks up customer balances, shows the day
//! summary every five minutes, and now and then a customer settles their tab.
//!
//! [`replay`] drives an [`App`] through that day and returns a [`ReplayReport`]: the
//! cache hit ratio per cache and overall, the number of stale answers (must be zero),
//! read and write counts and latencies. The same seed gives the same day.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};
use std::time::Instant;

use hdrhistogram::Histogram;
use pos_core::bill::{self, TaxSettings};
use pos_core::order::NewOrder;
use pos_core::{Discount, LineId, Money, OrderId, OrderStatus, OrderType, PaymentMethod, Percent, Tender};
use pos_store::{ReadConn, catalog, customers, orders, summary};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use pos_app::cache::CacheStats;
use pos_app::clock::{Clock, ManualClock};
use pos_app::staff::VoidLine;
use pos_app::usecases::customers::RECENT_LEDGER;
use pos_app::views::{
    AddLine, BillView, CustomerBalance, CustomerInput, ListOrders, OrdersPage, RecordPayment, SettleBalance,
};
use pos_app::{Actor, App, AppError, ErrorCode, Result};

/// 2026-11-24 11:00 IST (05:30 UTC), in Unix milliseconds.
pub const DEFAULT_START_MS: i64 = 1_795_498_200_000;

const MINUTE: i64 = 60_000;
const SECOND: i64 = 1_000;

/// Regular customers with a tab, created before the day starts.
pub const KNOWN_CUSTOMERS: usize = 40;

/// Phone of the `i`-th regular customer, as typed.
pub fn known_phone(i: usize) -> String {
    format!("98765 {:05}", 40_000 + i)
}

/// The shape of the day.
#[derive(Clone, Debug, Serialize)]
pub struct DaySpec {
    pub seed: u64,
    /// Orders taken over the day.
    pub orders: usize,
    /// Tills polling the floor: multiplies the reads (polls, balance lookups, summaries),
    /// not the orders.
    pub tills: usize,
    /// Hours during which orders arrive; the replay runs on until the last order is closed.
    pub hours: u32,
    /// How often each till refreshes the floor (simulated milliseconds).
    pub poll_every_ms: i64,
    /// Unix ms at which the day starts; [`DEFAULT_START_MS`] is 11:00 in India.
    pub start_ms: i64,
}

impl Default for DaySpec {
    fn default() -> Self {
        DaySpec {
            seed: 42,
            orders: 600,
            tills: 1,
            hours: 12,
            poll_every_ms: 2_000,
            start_ms: DEFAULT_START_MS,
        }
    }
}

/// One cache's figures over the replay (deltas of [`App::cache_stats`]).
#[derive(Clone, Debug, Serialize)]
pub struct CacheLine {
    pub name: String,
    pub hits: u64,
    pub misses: u64,
    pub hit_ratio: f64,
    pub loads: u64,
    pub stale_fills_dropped: u64,
    pub invalidations: u64,
    /// Entries reloaded after a write (write-through) rather than dropped.
    pub refreshes: u64,
    pub entries: u64,
    pub bytes: u64,
    pub load_p50_us: f64,
    pub load_p99_us: f64,
}

/// Latency of one kind of call, as the till sees it (microseconds).
#[derive(Clone, Debug, Serialize)]
pub struct LatencyLine {
    pub kind: String,
    pub count: u64,
    pub p50_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub max_us: f64,
}

/// What a replayed day did.
#[derive(Clone, Debug, Serialize)]
pub struct ReplayReport {
    pub spec: DaySpec,
    /// Simulated time covered, from the first event to the last (hours).
    pub simulated_hours: f64,
    /// Read calls (each one an answer checked against SQLite).
    pub reads: u64,
    /// Of which answered "not found" (unknown customers): also checked.
    pub reads_not_found: u64,
    /// Write calls that committed.
    pub writes: u64,
    /// Answers compared with a direct read or recomputation.
    pub checks: u64,
    /// Answers that differed from SQLite: must be zero.
    pub stale: u64,
    /// The first few differences, for the test message.
    pub stale_examples: Vec<String>,
    /// Sum of hits and misses of every cache over the replay.
    pub lookups: u64,
    pub hits: u64,
    pub misses: u64,
    /// hits / lookups over all caches.
    pub hit_ratio: f64,
    /// The same without the profile caches (which every poll and every write looks up
    /// and which never change during a day): the ratio of the computed views alone.
    pub hit_ratio_views: f64,
    pub caches: Vec<CacheLine>,
    /// Bytes held by all caches at the end.
    pub cache_bytes: u64,
    pub read_latency: Vec<LatencyLine>,
    pub write_latency: Vec<LatencyLine>,
    pub orders_created: u64,
    pub orders_paid: u64,
    pub orders_void: u64,
    /// Most active orders seen by a poll.
    pub max_active_orders: u64,
    /// Sales of the day from the summary (minor units).
    pub sales_total: Money,
    /// Wall time of the whole replay, and the part spent inside the app's calls (the rest
    /// is the direct reads that check the answers, and the simulation).
    pub elapsed_ms: f64,
    pub app_ms: f64,
}

impl ReplayReport {
    /// A few lines for a terminal.
    pub fn summary(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "replay seed={} orders={} tills={}: {:.1} simulated h, {} reads, {} writes, {} checks, stale={}, \
             hit ratio {:.4} ({} / {} lookups; views only {:.4}), cache {} KiB, wall {:.0} ms (app {:.0} ms)",
            self.spec.seed,
            self.spec.orders,
            self.spec.tills,
            self.simulated_hours,
            self.reads,
            self.writes,
            self.checks,
            self.stale,
            self.hit_ratio,
            self.hits,
            self.lookups,
            self.hit_ratio_views,
            self.cache_bytes / 1024,
            self.elapsed_ms,
            self.app_ms,
        );
        for c in &self.caches {
            let _ = writeln!(
                s,
                "  {:<14} hits {:>8} misses {:>6} ratio {:.4} invalidations {:>6} refreshes {:>6} \
                 entries {:>5} bytes {:>8}",
                c.name, c.hits, c.misses, c.hit_ratio, c.invalidations, c.refreshes, c.entries, c.bytes
            );
        }
        for l in self.read_latency.iter().chain(&self.write_latency) {
            let _ = writeln!(
                s,
                "  {:<22} n={:>7} p50 {:>9.2} us  p99 {:>9.2} us  p999 {:>9.2} us  max {:>9.2} us",
                l.kind, l.count, l.p50_us, l.p99_us, l.p999_us, l.max_us
            );
        }
        for e in &self.stale_examples {
            let _ = writeln!(s, "  STALE {e}");
        }
        s
    }
}

/// Replays one day on a new, empty till with `cache` (in a scratch directory, on tmpfs
/// when there is one: the replay checks the caches, not the disk, and thousands of
/// `synchronous=FULL` commits on a slow virtual disk would dominate it), its manual clock
/// at the day's start.
pub fn replay_fresh(spec: &DaySpec, cache: pos_app::CacheConfig) -> Result<ReplayReport> {
    let clock = std::sync::Arc::new(ManualClock::new(spec.start_ms));
    let till = crate::TillOptions {
        contents: crate::Contents::Bare,
        cache: Some(cache),
        clock: Some(clock.clone()),
    }
    .open_in(crate::till::scratch_dir());
    replay(&till, &clock, spec)
}

/// Replays one day on `app`, whose clock must be `clock`. Loads the demo restaurant if
/// the till has no profile yet and adds the regular customers. Fails on any unexpected
/// error from the app; stale answers are counted, not failed, so the caller sees them all.
pub fn replay(app: &App, clock: &ManualClock, spec: &DaySpec) -> Result<ReplayReport> {
    clock.set(spec.start_ms - 30 * MINUTE);
    if app.now_ms() != clock.now_ms() {
        return Err(AppError::internal(
            "replay: the app does not run on the given clock",
        ));
    }
    let has_profile = pos_store::catalog::profile(&*app.store().reader()?)?.is_some();
    if !has_profile {
        pos_app::demo::load_demo(app)?;
    }
    for i in 0..KNOWN_CUSTOMERS {
        app.upsert_customer(CustomerInput {
            phone: known_phone(i),
            name: format!("Regular {i}"),
            credit_limit: Money::from_minor(20_000_00),
        })?;
    }
    let skus: Vec<String> = app
        .list_menu(false)?
        .into_iter()
        .map(|m| m.sku.as_str().to_owned())
        .collect();
    if skus.is_empty() {
        return Err(AppError::internal("replay: the menu is empty"));
    }
    let before = app.cache_stats()?.caches;
    let started = Instant::now();
    let mut sim = Sim::new(app, clock, spec, skus)?;
    sim.run()?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    sim.finish(&before, elapsed_ms)
}

// ---------------------------------------------------------------------------------------
// The simulation.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Arrive(usize),
    Step(usize),
    Poll(usize),
    Balance(usize),
    Summary(usize),
    Settle,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    AddLines,
    VoidLine,
    VoidOrder,
    Kitchen,
    Served,
    SecondRound,
    Preview,
    Discount,
    Billed,
    Pay,
    PayRest,
    Receipt,
    Done,
}

#[derive(Debug)]
struct Ticket {
    id: OrderId,
    dine_in: bool,
    phone: Option<String>,
    known: Option<usize>,
    lines_left: u32,
    lines: Vec<LineId>,
    stage: Stage,
    second_round: bool,
    previews_left: u32,
    discount: bool,
    void_order: bool,
}

#[derive(Debug)]
struct Latencies(BTreeMap<&'static str, Histogram<u64>>);

impl Latencies {
    fn record(&mut self, kind: &'static str, ns: u64) {
        let h = self.0.entry(kind).or_insert_with(|| {
            Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("static histogram bounds are valid")
        });
        let _ = h.record(ns.max(1));
    }

    fn lines(&self) -> Vec<LatencyLine> {
        let us = |ns: u64| ns as f64 / 1000.0;
        self.0
            .iter()
            .map(|(k, h)| LatencyLine {
                kind: (*k).to_owned(),
                count: h.len(),
                p50_us: us(h.value_at_quantile(0.5)),
                p99_us: us(h.value_at_quantile(0.99)),
                p999_us: us(h.value_at_quantile(0.999)),
                max_us: us(h.max()),
            })
            .collect()
    }
}

/// Direct reads that bypass the caches, and the tally of differences.
struct Checker<'a> {
    conn: ReadConn<'a>,
    country_code: String,
    active: Vec<OrderStatus>,
    checks: u64,
    stale: u64,
    examples: Vec<String>,
    /// Direct answers of the polled reads, reused only while SQLite's `data_version`
    /// says nothing was committed since they were read (most polls fall between writes).
    pages: BTreeMap<u64, (i64, Vec<pos_store::orders::OrderSummary>, u64)>,
    profile: Option<(i64, Option<pos_core::Profile>)>,
}

impl Checker<'_> {
    fn verdict<T: PartialEq + std::fmt::Debug>(&mut self, what: &str, at_ms: i64, cached: &T, direct: &T) {
        self.checks += 1;
        if cached != direct {
            self.stale += 1;
            if self.examples.len() < 10 {
                let mut c = format!("{cached:?}");
                let mut d = format!("{direct:?}");
                c.truncate(600);
                d.truncate(600);
                self.examples
                    .push(format!("{what} at {at_ms}: cached {c} != direct {d}"));
            }
        }
    }

    /// Changes whenever another connection commits (SQLite's `PRAGMA data_version`).
    fn data_version(&self) -> Result<i64> {
        self.conn
            .query_row("PRAGMA data_version", [], |r| r.get(0))
            .map_err(|e| AppError::internal(format!("replay: data_version: {e}")))
    }

    fn page(&mut self, at: i64, page: &OrdersPage) -> Result<()> {
        let offset = u64::from(page.page - 1) * u64::from(page.limit);
        let version = self.data_version()?;
        let direct = match self.pages.remove(&offset) {
            Some(known) if known.0 == version => known,
            _ => {
                let (rows, total) = orders::page(&self.conn, &self.active, page.limit, offset)?;
                (version, rows, total)
            }
        };
        self.verdict(
            "orders page",
            at,
            &(&page.orders, page.total),
            &(&direct.1, direct.2),
        );
        self.pages.insert(offset, direct);
        Ok(())
    }

    fn direct_profile(&mut self) -> Result<Option<pos_core::Profile>> {
        let version = self.data_version()?;
        if let Some((v, p)) = &self.profile
            && *v == version
        {
            return Ok(p.clone());
        }
        let p = catalog::profile(&self.conn)?.map(|(p, _)| p);
        self.profile = Some((version, p.clone()));
        Ok(p)
    }

    fn profile_lite(&mut self, at: i64, lite: &pos_core::ProfileLite) -> Result<()> {
        let direct = self.direct_profile()?.map(|p| p.lite());
        self.verdict("profile_lite", at, &Some(lite.clone()), &direct);
        Ok(())
    }

    fn profile(&mut self, at: i64, profile: &pos_core::Profile) -> Result<()> {
        let direct = self.direct_profile()?;
        self.verdict("profile", at, &Some(profile.clone()), &direct);
        Ok(())
    }

    fn order(&mut self, at: i64, order: &pos_core::Order) -> Result<()> {
        let direct = orders::load_order(&self.conn, order.id)?;
        self.verdict("order", at, &Some(order.clone()), &direct);
        Ok(())
    }

    fn bill(&mut self, at: i64, view: &BillView) -> Result<()> {
        let Some(record) = orders::load_record(&self.conn, view.order_id)? else {
            self.verdict("bill (order missing)", at, &Some(view.clone()), &None);
            return Ok(());
        };
        let stored = match (&record.bill, record.order.status) {
            (Some(b), OrderStatus::Paid) => Some(b.clone()),
            _ => None,
        };
        let direct = match stored {
            Some(paid) => BillView::of(&record, paid.bill, Some(paid.invoice_no)),
            None => {
                let (profile, _) = catalog::profile(&self.conn)?
                    .ok_or_else(|| AppError::internal("replay: the profile vanished"))?;
                let order = &record.order;
                let bill = bill::calculate_order(order, false, &TaxSettings::from(&profile))?;
                BillView::of(&record, bill, None)
            }
        };
        self.verdict("bill", at, view, &direct);
        Ok(())
    }

    fn direct_balance(&self, phone: &pos_core::Phone) -> Result<Option<CustomerBalance>> {
        direct_balance(&self.conn, phone)
    }

    fn balance(&mut self, at: i64, typed: &str, answer: Option<&CustomerBalance>) -> Result<()> {
        let phone = pos_core::Phone::parse(typed, &self.country_code)?;
        let direct = self.direct_balance(&phone)?;
        self.verdict("balance", at, &answer.cloned(), &direct);
        Ok(())
    }

    fn summary(&mut self, at: i64, s: &summary::DaySummary) -> Result<()> {
        let direct = summary::day_summary(&self.conn, &s.business_day)?;
        self.verdict("day summary", at, s, &direct);
        Ok(())
    }
}

struct Sim<'a> {
    app: &'a App,
    clock: &'a ManualClock,
    spec: DaySpec,
    rng: StdRng,
    skus: Vec<String>,
    queue: BinaryHeap<Reverse<(i64, u64, Ev)>>,
    seq: u64,
    end_ms: i64,
    first_ms: i64,
    last_ms: i64,
    tickets: Vec<Ticket>,
    open_tickets: usize,
    check: Checker<'a>,
    reads_lat: Latencies,
    writes_lat: Latencies,
    reads: u64,
    reads_not_found: u64,
    writes: u64,
    app_ns: u64,
    orders_created: u64,
    orders_paid: u64,
    orders_void: u64,
    max_active: u64,
}

/// Orders per hour relative to the quiet hours, by local time of day.
fn intensity(local_minute: i64) -> f64 {
    match local_minute {
        720..900 => 4.0,   // lunch 12:00-15:00
        1140..1350 => 5.0, // dinner 19:00-22:30
        900..1140 => 0.7,  // afternoon
        600..1410 => 1.0,  // late morning, late evening
        _ => 0.2,
    }
}

impl<'a> Sim<'a> {
    fn new(app: &'a App, clock: &'a ManualClock, spec: &DaySpec, skus: Vec<String>) -> Result<Self> {
        let mut rng = StdRng::seed_from_u64(spec.seed);
        let (profile, _) = catalog::profile(&*app.store().reader()?)?
            .ok_or_else(|| AppError::internal("replay: the till has no profile"))?;
        let offset = i64::from(profile.utc_offset_minutes);
        let span = i64::from(spec.hours.max(1)) * 60 * MINUTE;
        let start = spec.start_ms;
        let mut arrivals: Vec<i64> = Vec::with_capacity(spec.orders);
        while arrivals.len() < spec.orders {
            let t = start + rng.random_range(0..span);
            let local = (t / MINUTE + offset).rem_euclid(1440);
            if rng.random::<f64>() * 5.0 < intensity(local) {
                arrivals.push(t);
            }
        }
        arrivals.sort_unstable();
        let conn = app.store().reader()?;
        let active = OrderStatus::ALL.into_iter().filter(|s| s.is_active()).collect();
        let mut sim = Sim {
            app,
            clock,
            spec: spec.clone(),
            rng,
            skus,
            queue: BinaryHeap::new(),
            seq: 0,
            end_ms: start + span,
            first_ms: start,
            last_ms: start,
            tickets: Vec::with_capacity(spec.orders),
            open_tickets: spec.orders,
            check: Checker {
                conn,
                country_code: profile.country_code.clone(),
                active,
                checks: 0,
                stale: 0,
                examples: Vec::new(),
                pages: BTreeMap::new(),
                profile: None,
            },
            reads_lat: Latencies(BTreeMap::new()),
            writes_lat: Latencies(BTreeMap::new()),
            reads: 0,
            reads_not_found: 0,
            writes: 0,
            app_ns: 0,
            orders_created: 0,
            orders_paid: 0,
            orders_void: 0,
            max_active: 0,
        };
        for (i, t) in arrivals.into_iter().enumerate() {
            sim.push(t, Ev::Arrive(i));
        }
        let tills = spec.tills.max(1);
        let poll = spec.poll_every_ms.max(100);
        for k in 0..tills {
            let stagger = poll * k as i64 / tills as i64;
            sim.push(start + stagger, Ev::Poll(k));
            sim.push(start + stagger + 2 * MINUTE, Ev::Summary(k));
            let first = sim.rng.random_range(MINUTE..8 * MINUTE);
            sim.push(start + first, Ev::Balance(k));
        }
        let first = sim.rng.random_range(20 * MINUTE..60 * MINUTE);
        sim.push(start + first, Ev::Settle);
        Ok(sim)
    }

    fn push(&mut self, at: i64, ev: Ev) {
        self.seq += 1;
        self.queue.push(Reverse((at, self.seq, ev)));
    }

    /// Periodic events keep coming until the day is over and every order is closed.
    fn day_goes_on(&self, now: i64) -> bool {
        now < self.end_ms || self.open_tickets > 0
    }

    fn run(&mut self) -> Result<()> {
        while let Some(Reverse((at, _, ev))) = self.queue.pop() {
            self.clock.set(at);
            self.last_ms = at;
            match ev {
                Ev::Arrive(i) => self.arrive(i)?,
                Ev::Step(i) => self.step(i)?,
                Ev::Poll(k) => {
                    self.poll()?;
                    if self.day_goes_on(at) {
                        self.push(at + self.spec.poll_every_ms.max(100), Ev::Poll(k));
                    }
                }
                Ev::Balance(k) => {
                    let i = self.rng.random_range(0..KNOWN_CUSTOMERS);
                    self.balance(&known_phone(i))?;
                    if self.day_goes_on(at) {
                        let next = self.rng.random_range(3 * MINUTE..9 * MINUTE);
                        self.push(at + next, Ev::Balance(k));
                    }
                }
                Ev::Summary(k) => {
                    self.summary()?;
                    if self.day_goes_on(at) {
                        self.push(at + 5 * MINUTE, Ev::Summary(k));
                    }
                }
                Ev::Settle => {
                    self.settle()?;
                    if self.day_goes_on(at) {
                        let next = self.rng.random_range(30 * MINUTE..90 * MINUTE);
                        self.push(at + next, Ev::Settle);
                    }
                }
            }
        }
        Ok(())
    }

    // -- timed calls ---------------------------------------------------------------------

    fn read<T>(&mut self, kind: &'static str, f: impl FnOnce(&App) -> Result<T>) -> Result<T> {
        let started = Instant::now();
        let out = f(self.app);
        let ns = started.elapsed().as_nanos() as u64;
        self.app_ns += ns;
        self.reads += 1;
        self.reads_lat.record(kind, ns);
        out
    }

    /// A write, with a request id as the till's UI makes one per user action (the use
    /// cases that take one use it; the others ignore it).
    fn write<T>(
        &mut self,
        kind: &'static str,
        f: impl FnOnce(&App, Option<uuid::Uuid>) -> Result<T>,
    ) -> Result<T> {
        let request_id = uuid::Builder::from_random_bytes(self.rng.random()).into_uuid();
        let started = Instant::now();
        let out = f(self.app, Some(request_id))?;
        let ns = started.elapsed().as_nanos() as u64;
        self.app_ns += ns;
        self.writes += 1;
        self.writes_lat.record(kind, ns);
        Ok(out)
    }

    fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    // -- reads, each checked -------------------------------------------------------------

    fn list(&mut self, page: u32) -> Result<OrdersPage> {
        let kind = if page == 1 {
            "orders_page_1"
        } else {
            "orders_page_n"
        };
        let q = ListOrders {
            statuses: Vec::new(),
            page,
            limit: 50,
            attention: false,
        };
        let p = self.read(kind, |a| a.list_orders(&q))?;
        self.check.page(self.now(), &p)?;
        Ok(p)
    }

    fn view_order(&mut self, id: OrderId) -> Result<()> {
        let o = self.read("order", |a| a.order(id))?;
        self.check.order(self.now(), &o.order)
    }

    fn bill(&mut self, id: OrderId) -> Result<std::sync::Arc<BillView>> {
        let b = self.read("bill", |a| a.calculate_bill(id))?;
        self.check.bill(self.now(), &b)?;
        Ok(b)
    }

    fn balance(&mut self, typed: &str) -> Result<Option<std::sync::Arc<CustomerBalance>>> {
        let r = self.read("balance", |a| a.customer_balance(typed));
        let answer = match r {
            Ok(b) => Some(b),
            Err(e) if e.code == ErrorCode::NotFound => {
                self.reads_not_found += 1;
                None
            }
            Err(e) => return Err(e),
        };
        self.check.balance(self.now(), typed, answer.as_deref())?;
        Ok(answer)
    }

    fn summary(&mut self) -> Result<()> {
        let s = self.read("day_summary", |a| a.billing_summary(None))?;
        self.check.summary(self.now(), &s)
    }

    fn poll(&mut self) -> Result<()> {
        let p = self.list(1)?;
        self.max_active = self.max_active.max(p.total);
        let lite = self.read("profile_lite", App::profile_lite)?;
        self.check.profile_lite(self.now(), &lite)?;
        if p.total > 50 && self.rng.random_bool(0.15) {
            self.list(2)?;
        }
        // A waiter taps a table on the floor plan.
        if !p.orders.is_empty() && self.rng.random_bool(0.03) {
            let id = p.orders[self.rng.random_range(0..p.orders.len())].id;
            self.view_order(id)?;
            self.bill(id)?;
        }
        Ok(())
    }

    fn settle(&mut self) -> Result<()> {
        let i = self.rng.random_range(0..KNOWN_CUSTOMERS);
        let phone = known_phone(i);
        let Some(b) = self.balance(&phone)? else {
            return Ok(());
        };
        if !b.balance.is_positive() {
            return Ok(());
        }
        let amount = if self.rng.random_bool(0.5) {
            b.balance
        } else {
            Money::from_minor((b.balance.minor() / 2).max(1))
        };
        let method = if self.rng.random_bool(0.5) {
            PaymentMethod::Upi
        } else {
            PaymentMethod::Cash
        };
        let after = self.write("settle_balance", |a, request_id| {
            a.settle_balance(SettleBalance {
                phone: phone.clone(),
                amount,
                method,
                note: Some("paid towards the tab".into()),
                request_id,
            })
        })?;
        self.check.balance(self.now(), &phone, Some(&after))
    }

    // -- the life of an order ------------------------------------------------------------

    fn after(&mut self, i: usize, stage: Stage, delay_ms: std::ops::Range<i64>) {
        self.tickets[i].stage = stage;
        let d = self.rng.random_range(delay_ms);
        let at = self.now() + d;
        self.push(at, Ev::Step(i));
    }

    fn arrive(&mut self, i: usize) -> Result<()> {
        debug_assert_eq!(i, self.tickets.len());
        let dine_in = self.rng.random_bool(0.6);
        let with_phone = self.rng.random_bool(if dine_in { 0.15 } else { 0.6 });
        let (phone, known) = if with_phone {
            if self.rng.random_bool(0.5) {
                let k = self.rng.random_range(0..KNOWN_CUSTOMERS);
                (Some(known_phone(k)), Some(k))
            } else {
                let n: u64 = self.rng.random_range(700_000_000..999_999_999);
                (Some(format!("{n}0")), None)
            }
        } else {
            (None, None)
        };
        let table = dine_in.then(|| format!("T{}", self.rng.random_range(1..=30)));
        let order = self.write("create_order", |a, request_id| {
            a.create_order(NewOrder {
                order_type: Some(if dine_in {
                    OrderType::DineIn
                } else {
                    OrderType::Takeaway
                }),
                table,
                customer_phone: phone.clone(),
                notes: None,
                request_id,
            })
        })?;
        self.orders_created += 1;
        let lines_left = self.rng.random_range(2..=8);
        let ticket = Ticket {
            id: order.id,
            dine_in,
            phone: phone.clone(),
            known,
            lines_left,
            lines: Vec::new(),
            stage: Stage::AddLines,
            second_round: dine_in && self.rng.random_bool(0.25),
            previews_left: self.rng.random_range(1..=3),
            discount: self.rng.random_bool(0.1),
            void_order: self.rng.random_bool(0.015),
        };
        self.tickets.push(ticket);
        // The order screen opens; a phone on the order shows the customer's tab.
        self.view_order(order.id)?;
        if let Some(p) = phone {
            self.balance(&p)?;
        }
        let gap = if dine_in {
            5 * SECOND..20 * SECOND
        } else {
            3 * SECOND..10 * SECOND
        };
        self.after(i, Stage::AddLines, gap);
        Ok(())
    }

    fn step(&mut self, i: usize) -> Result<()> {
        let id = self.tickets[i].id;
        let dine_in = self.tickets[i].dine_in;
        match self.tickets[i].stage {
            Stage::AddLines => {
                let sku = self.skus[self.rng.random_range(0..self.skus.len())].clone();
                let qty = match self.rng.random_range(0..100) {
                    0..75 => "1",
                    75..95 => "2",
                    _ => "3",
                };
                let discount = self
                    .rng
                    .random_bool(0.03)
                    .then(|| Discount::Percent(Percent::from_bps(1000).unwrap_or_default()));
                let o = self.write("add_line", |a, request_id| {
                    a.add_line(AddLine {
                        order_id: id,
                        sku,
                        qty: qty.into(),
                        discount,
                        note: None,
                        request_id,
                    })
                })?;
                if let Some(l) = o.lines.last() {
                    self.tickets[i].lines.push(l.id);
                }
                self.tickets[i].lines_left -= 1;
                if self.tickets[i].lines_left > 0 {
                    let gap = if dine_in {
                        4 * SECOND..15 * SECOND
                    } else {
                        3 * SECOND..8 * SECOND
                    };
                    self.after(i, Stage::AddLines, gap);
                } else if self.tickets[i].lines.len() > 1 && self.rng.random_bool(0.08) {
                    self.after(i, Stage::VoidLine, 5 * SECOND..30 * SECOND);
                } else if self.tickets[i].void_order {
                    self.after(i, Stage::VoidOrder, 30 * SECOND..3 * MINUTE);
                } else {
                    self.after(i, Stage::Kitchen, 20 * SECOND..90 * SECOND);
                }
            }
            Stage::VoidLine => {
                let k = self.rng.random_range(0..self.tickets[i].lines.len());
                let line = self.tickets[i].lines.remove(k);
                // The replayed day is automation: it voids without a session.
                self.write("void_line", |a, _| {
                    a.void_line(Actor::System, VoidLine::new(id, line, "guest changed their mind"))
                })?;
                if self.tickets[i].void_order {
                    self.after(i, Stage::VoidOrder, 30 * SECOND..3 * MINUTE);
                } else {
                    self.after(i, Stage::Kitchen, 10 * SECOND..60 * SECOND);
                }
            }
            Stage::VoidOrder => {
                self.write("set_status", |a, _| a.set_status(id, OrderStatus::Void))?;
                self.orders_void += 1;
                self.close(i);
            }
            Stage::Kitchen => {
                self.write("set_status", |a, _| a.set_status(id, OrderStatus::SentToKitchen))?;
                if dine_in {
                    self.after(i, Stage::Served, 10 * MINUTE..25 * MINUTE);
                } else {
                    self.after(i, Stage::Preview, 30 * SECOND..90 * SECOND);
                }
            }
            Stage::Served => {
                self.write("set_status", |a, _| a.set_status(id, OrderStatus::Served))?;
                if self.tickets[i].second_round {
                    self.after(i, Stage::SecondRound, 5 * MINUTE..15 * MINUTE);
                } else {
                    self.after(i, Stage::Preview, 20 * MINUTE..45 * MINUTE);
                }
            }
            Stage::SecondRound => {
                self.tickets[i].second_round = false;
                self.tickets[i].lines_left = self.rng.random_range(1..=3);
                self.view_order(id)?;
                self.after(i, Stage::AddLines, 5 * SECOND..20 * SECOND);
            }
            Stage::Preview => {
                self.bill(id)?;
                self.tickets[i].previews_left = self.tickets[i].previews_left.saturating_sub(1);
                if self.tickets[i].previews_left > 0 {
                    self.after(i, Stage::Preview, MINUTE..4 * MINUTE);
                } else if self.tickets[i].discount {
                    self.after(i, Stage::Discount, 30 * SECOND..60 * SECOND);
                } else if dine_in {
                    self.after(i, Stage::Billed, 30 * SECOND..90 * SECOND);
                } else {
                    self.after(i, Stage::Pay, 10 * SECOND..40 * SECOND);
                }
            }
            Stage::Discount => {
                let d = Discount::Percent(Percent::from_bps(1000).unwrap_or_default());
                self.write("set_order_discount", |a, _| a.set_order_discount(id, Some(d)))?;
                self.tickets[i].discount = false;
                self.tickets[i].previews_left = 1;
                self.after(i, Stage::Preview, 10 * SECOND..30 * SECOND);
            }
            Stage::Billed => {
                self.write("set_status", |a, _| a.set_status(id, OrderStatus::Billed))?;
                // The payment screen shows the printed bill.
                self.bill(id)?;
                self.after(i, Stage::Pay, MINUTE..4 * MINUTE);
            }
            Stage::Pay => self.pay(i, id)?,
            Stage::PayRest => {
                let b = self.bill(id)?;
                let tender = self.cash_tender(b.due);
                self.record(id, vec![tender])?;
                self.after(i, Stage::Receipt, 2 * SECOND..5 * SECOND);
            }
            Stage::Receipt => {
                let b = self.bill(id)?;
                let profile = self.read("profile", App::profile)?;
                self.check.profile(self.now(), &profile)?;
                self.view_order(id)?;
                if b.status == OrderStatus::Paid {
                    self.orders_paid += 1;
                }
                self.close(i);
            }
            Stage::Done => {}
        }
        Ok(())
    }

    fn close(&mut self, i: usize) {
        self.tickets[i].stage = Stage::Done;
        self.open_tickets -= 1;
    }

    fn cash_tender(&mut self, due: Money) -> Tender {
        let m = due.minor();
        let amount = match self.rng.random_range(0..10) {
            0..3 => m,
            3..8 => (m + 100_00 - 1) / 100_00 * 100_00,
            _ => (m + 500_00 - 1) / 500_00 * 500_00,
        };
        Tender {
            method: PaymentMethod::Cash,
            amount: Money::from_minor(amount.max(m)),
            reference: None,
        }
    }

    fn record(&mut self, id: OrderId, tenders: Vec<Tender>) -> Result<()> {
        self.write("record_payment", |a, request_id| {
            a.record_payment(RecordPayment {
                order_id: id,
                tenders,
                request_id,
            })
        })?;
        Ok(())
    }

    fn pay(&mut self, i: usize, id: OrderId) -> Result<()> {
        let due = self.bill(id)?.due;
        if !due.is_positive() {
            self.after(i, Stage::Receipt, 2 * SECOND..5 * SECOND);
            return Ok(());
        }
        let upi_ref =
            |rng: &mut StdRng| Some(format!("UPI{}", rng.random_range(100_000_000u64..999_999_999)));
        // Regulars sometimes put it on their tab, if it fits.
        if let (Some(phone), Some(_)) = (self.tickets[i].phone.clone(), self.tickets[i].known)
            && self.rng.random_bool(0.3)
            && let Some(b) = self.balance(&phone)?
            && b.available_credit >= due
        {
            self.record(
                id,
                vec![Tender {
                    method: PaymentMethod::OnAccount,
                    amount: due,
                    reference: None,
                }],
            )?;
            self.after(i, Stage::Receipt, 2 * SECOND..5 * SECOND);
            return Ok(());
        }
        let r = self.rng.random_range(0..100);
        let half = Money::from_minor((due.minor() / 2 / 100_00 * 100_00).max(due.minor() / 2));
        let tenders = match r {
            0..50 => vec![self.cash_tender(due)],
            50..72 => vec![Tender {
                method: PaymentMethod::Card,
                amount: due,
                reference: Some(format!("XX{:04}", self.rng.random_range(0..10_000))),
            }],
            72..90 => vec![Tender {
                method: PaymentMethod::Upi,
                amount: due,
                reference: upi_ref(&mut self.rng),
            }],
            90..97 if half.is_positive() && half < due => {
                // One call: part by card, the rest in cash with change.
                let cash = self.cash_tender(due - half);
                vec![
                    Tender {
                        method: PaymentMethod::Card,
                        amount: half,
                        reference: None,
                    },
                    cash,
                ]
            }
            _ if half.is_positive() && half < due => {
                // Two calls: a friend pays part by UPI, then the rest in cash.
                let reference = upi_ref(&mut self.rng);
                self.record(
                    id,
                    vec![Tender {
                        method: PaymentMethod::Upi,
                        amount: half,
                        reference,
                    }],
                )?;
                self.after(i, Stage::PayRest, 20 * SECOND..60 * SECOND);
                return Ok(());
            }
            _ => vec![self.cash_tender(due)],
        };
        self.record(id, tenders)?;
        self.after(i, Stage::Receipt, 2 * SECOND..5 * SECOND);
        Ok(())
    }

    // -- the report ----------------------------------------------------------------------

    fn finish(self, before: &[CacheStats], elapsed_ms: f64) -> Result<ReplayReport> {
        let after = self.app.cache_stats()?;
        let mut caches = Vec::new();
        for s in &after.caches {
            let b = before.iter().find(|b| b.name == s.name);
            let d = |f: fn(&CacheStats) -> u64| f(s) - b.map_or(0, f);
            let hits = d(|c| c.hits);
            let misses = d(|c| c.misses);
            let inv = |c: &CacheStats| c.invalidations.values().sum::<u64>();
            caches.push(CacheLine {
                name: s.name.clone(),
                hits,
                misses,
                hit_ratio: ratio(hits, misses),
                loads: d(|c| c.loads),
                stale_fills_dropped: d(|c| c.stale_fills_dropped),
                invalidations: inv(s) - b.map_or(0, inv),
                refreshes: d(|c| c.refreshes),
                entries: s.entries,
                bytes: s.bytes,
                load_p50_us: s.load_p50_us,
                load_p99_us: s.load_p99_us,
            });
        }
        let hits = caches.iter().map(|c| c.hits).sum();
        let misses = caches.iter().map(|c| c.misses).sum();
        let views = caches.iter().filter(|c| !c.name.starts_with("profile"));
        let (view_hits, view_misses) = views.fold((0, 0), |(h, m), c| (h + c.hits, m + c.misses));
        let day = self.app.today()?;
        let sales_total = summary::day_summary(&self.check.conn, &day)?.total;
        Ok(ReplayReport {
            spec: self.spec.clone(),
            simulated_hours: (self.last_ms - self.first_ms) as f64 / 3_600_000.0,
            reads: self.reads,
            reads_not_found: self.reads_not_found,
            writes: self.writes,
            checks: self.check.checks,
            stale: self.check.stale,
            stale_examples: self.check.examples.clone(),
            lookups: hits + misses,
            hits,
            misses,
            hit_ratio: ratio(hits, misses),
            hit_ratio_views: ratio(view_hits, view_misses),
            caches,
            cache_bytes: after.total_bytes,
            read_latency: self.reads_lat.lines(),
            write_latency: self.writes_lat.lines(),
            orders_created: self.orders_created,
            orders_paid: self.orders_paid,
            orders_void: self.orders_void,
            max_active_orders: self.max_active,
            sales_total,
            elapsed_ms,
            app_ms: self.app_ns as f64 / 1e6,
        })
    }
}

fn ratio(hits: u64, misses: u64) -> f64 {
    if hits + misses == 0 {
        0.0
    } else {
        hits as f64 / (hits + misses) as f64
    }
}

/// A customer's balance read straight from SQLite, bypassing the caches: what a balance
/// miss computes. The replay's checker and the benchmarks' "direct SQLite" column use it.
pub fn direct_balance(conn: &ReadConn<'_>, phone: &pos_core::Phone) -> Result<Option<CustomerBalance>> {
    let Some(customer) = customers::customer(conn, phone)? else {
        return Ok(None);
    };
    let balance = customers::balance(conn, phone)?;
    Ok(Some(CustomerBalance {
        phone: phone.clone(),
        name: customer.name,
        credit_limit: customer.credit_limit,
        available_credit: (customer.credit_limit - balance).max(Money::ZERO),
        balance,
        recent: customers::recent_entries(conn, phone, RECENT_LEDGER)?,
    }))
}
