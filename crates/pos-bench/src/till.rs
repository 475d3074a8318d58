//! `pos-bench till`: the till's hot paths in-process, each next to our goal and the seed's
//! target; the same reads three ways (our cache hit, a direct SQLite read, a Redis GET on
//! loopback); and, with `--history N`, a till with N paid orders of history.
//!
//! The data is `demo::generate_large` (20,000 menu items, 1,000 active orders of 5 lines,
//! 1,000 customers with 100,000 ledger rows) in a SQLite file on disk (`synchronous=FULL`:
//! checkout pays for `fsync`). Every call is timed on its own with `Instant` into an HDR
//! histogram after a warm-up; a miss is forced by removing the entry (untimed) first.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context;
use pos_app::cache::Cause;
use pos_app::{AddLine, AddLines, CacheConfig, ListOrders, RecordPayment, TicketLine};
use pos_core::order::NewOrder;
use pos_core::{OrderId, OrderStatus, OrderType, PaymentMethod, Phone, Tender};
use pos_store::{catalog, orders};
use pos_testkit::large::{LargeData, LargeTill, large_till, reopen_large_till};
use pos_testkit::workload::direct_balance;
use serde::Serialize;

use crate::redis_server::RedisServer;
use crate::stats::{Machine, Row, histogram, machine, measure, record};

/// What to run.
#[derive(Clone, Debug)]
pub struct TillOptions {
    /// Divides every iteration count (1 = the standard run; the smoke test uses 100).
    pub scale: u64,
    pub sizes: LargeData,
    /// Where the till's SQLite file goes (the system temp dir by default: on disk).
    pub db_dir: Option<PathBuf>,
    /// Compare with Redis (skipped, and said so, when `redis-server` is absent).
    pub redis: bool,
    pub cache: CacheConfig,
}

impl Default for TillOptions {
    fn default() -> Self {
        TillOptions {
            scale: 1,
            sizes: LargeData::default(),
            db_dir: None,
            redis: true,
            cache: CacheConfig {
                enabled: true,
                ..CacheConfig::default()
            },
        }
    }
}

/// One read done three ways.
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub read: String,
    pub cache_hit: Row,
    pub sqlite: Row,
    /// GET of the JSON the seed's design cached, decoded into the same struct.
    pub redis: Option<Row>,
    /// The bare GET (bytes only), for reference.
    pub redis_get_only: Option<Row>,
    /// Ratios of p50 and p99 to the cache hit's.
    pub sqlite_over_cache_p50: f64,
    pub sqlite_over_cache_p99: f64,
    pub redis_over_cache_p50: Option<f64>,
    pub redis_over_cache_p99: Option<f64>,
}

#[derive(Clone, Debug, Serialize)]
pub struct TillReport {
    pub machine: Machine,
    pub active_orders: usize,
    pub customers: usize,
    pub paid_history: u64,
    pub setup_s: f64,
    pub rows: Vec<Row>,
    pub comparisons: Vec<Comparison>,
    /// Why Redis was not measured, when it was not.
    pub redis_skipped: Option<String>,
    /// The cache budget and what the caches held at the end.
    pub cache_budget_bytes: u64,
    pub cache_bytes: u64,
    /// Resident memory of this process at the end and at its peak (bytes).
    pub rss_bytes: Option<u64>,
    pub peak_rss_bytes: Option<u64>,
    pub db_bytes: u64,
}

impl TillReport {
    pub fn print(&self) {
        println!("machine: {}", self.machine);
        println!(
            "till: {} active orders, {} customers, {} paid orders of history, database {:.1} MB, ready in {:.1} s",
            self.active_orders,
            self.customers,
            self.paid_history,
            self.db_bytes as f64 / 1e6,
            self.setup_s
        );
        print!("\n{}", crate::stats::table(&self.rows));
        println!(
            "\n{:<34} {:>14} {:>14} {:>14} {:>14} {:>12} {:>10}",
            "same read, three ways (p50/p99 us)",
            "cache hit",
            "SQLite",
            "Redis GET+dec",
            "GET only",
            "SQLite/hit",
            "Redis/hit"
        );
        for c in &self.comparisons {
            let pair = |r: &Row| format!("{:.2}/{:.1}", r.p50_us, r.p99_us);
            let opt = |r: &Option<Row>| r.as_ref().map_or_else(|| "skipped".to_owned(), pair);
            println!(
                "{:<34} {:>14} {:>14} {:>14} {:>14} {:>12} {:>10}",
                c.read,
                pair(&c.cache_hit),
                pair(&c.sqlite),
                opt(&c.redis),
                opt(&c.redis_get_only),
                format!("{:.0}x", c.sqlite_over_cache_p50),
                c.redis_over_cache_p50
                    .map_or_else(|| "-".to_owned(), |r| format!("{r:.0}x")),
            );
        }
        if let Some(why) = &self.redis_skipped {
            println!("Redis skipped: {why}");
        }
        println!(
            "\ncaches {:.1} MB of a {:.0} MB budget; process RSS {:.1} MB (peak {:.1} MB)",
            self.cache_bytes as f64 / 1e6,
            self.cache_budget_bytes as f64 / 1e6,
            self.rss_bytes.unwrap_or(0) as f64 / 1e6,
            self.peak_rss_bytes.unwrap_or(0) as f64 / 1e6,
        );
    }
}

/// Fills a large till in a temp dir and measures it.
pub fn run(opts: &TillOptions) -> anyhow::Result<TillReport> {
    let dir = match &opts.db_dir {
        Some(d) => tempfile::tempdir_in(d)?,
        None => tempfile::tempdir()?,
    };
    let started = Instant::now();
    let path = dir.path().join("large.db");
    let till = large_till(&path, opts.cache.clone(), opts.sizes, 7).context("fill the till")?;
    measure_till(&till, opts, started.elapsed().as_secs_f64())
}

/// Generates a till with `sizes.paid_orders` orders of history into `path` (replacing it)
/// and returns how long it took. Bulk inserts through the store, 5,000 orders a commit.
pub fn generate(path: &Path, sizes: LargeData) -> anyhow::Result<f64> {
    let started = Instant::now();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
    let bar = crate::stats::progress(1, "generating the history");
    bar.enable_steady_tick(std::time::Duration::from_millis(500));
    let till = large_till(path, CacheConfig::default(), sizes, 7).context("fill the till")?;
    bar.finish_and_clear();
    drop(till);
    Ok(started.elapsed().as_secs_f64())
}

/// Opens a till generated earlier (by [`generate`], possibly in another process) and
/// measures it; this process's RSS is then the till's own.
pub fn run_existing(path: &Path, opts: &TillOptions) -> anyhow::Result<TillReport> {
    let started = Instant::now();
    let till = reopen_large_till(path, opts.cache.clone()).context("open the till")?;
    measure_till(&till, opts, started.elapsed().as_secs_f64())
}

fn measure_till(till: &LargeTill, opts: &TillOptions, setup_s: f64) -> anyhow::Result<TillReport> {
    let machine = machine();
    let mut rows = scenarios(till, opts.scale)?;
    rows.extend(history_reads(till, opts.scale)?);
    let (comparisons, redis_skipped) = comparisons(till, opts.scale, opts.redis)?;
    let stats = till.app.cache_stats()?;
    let (active, customers, paid, db_bytes) = till.app.store().read(|c| {
        let n = |sql: &str| c.query_row(sql, [], |r| r.get::<_, i64>(0));
        Ok::<_, anyhow::Error>((
            n("SELECT COUNT(*) FROM orders WHERE status NOT IN ('paid', 'void')")?,
            n("SELECT COUNT(*) FROM customers")?,
            n("SELECT COUNT(*) FROM orders WHERE status = 'paid'")?,
            n("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size")?,
        ))
    })?;
    let pid = std::process::id();
    Ok(TillReport {
        machine,
        active_orders: active as usize,
        customers: customers as usize,
        paid_history: paid as u64,
        setup_s,
        rows,
        comparisons,
        redis_skipped,
        cache_budget_bytes: till.app.config().cache.budget_bytes,
        cache_bytes: stats.total_bytes,
        rss_bytes: crate::stats::rss_bytes(pid),
        peak_rss_bytes: crate::stats::peak_rss_bytes(pid),
        db_bytes: db_bytes as u64,
    })
}

fn scenarios(t: &LargeTill, scale: u64) -> anyhow::Result<Vec<Row>> {
    let app = &t.app;
    let caches = app.caches();
    let hits = (100_000 / scale).max(20);
    let misses = (10_000 / scale).max(20);
    let checkouts = (2_000 / scale).max(5);
    let page1 = ListOrders {
        statuses: Vec::new(),
        page: 1,
        limit: 50,
        attention: false,
    };
    let phones: Vec<Phone> = t
        .phones
        .iter()
        .map(|p| Phone::parse(p, "91"))
        .collect::<Result<_, _>>()?;
    anyhow::ensure!(!phones.is_empty(), "the till has no generated customers");
    let mut rows = Vec::new();

    app.profile()?;
    app.profile_lite()?;
    app.list_orders(&page1)?;
    let order = t.orders[t.orders.len() / 2];
    app.order(order)?;
    app.customer_balance(&t.phones[7 % t.phones.len()])?;
    app.calculate_bill(t.order_20)?;

    let h = measure(
        "profile, hit",
        hits,
        |_| {},
        |_| {
            black_box(app.profile().expect("profile"));
        },
    );
    rows.push(Row::of("profile, hit", &h, Some(2.0), "< 10 ms"));
    let h = measure(
        "profile_lite, hit",
        hits,
        |_| {},
        |_| {
            black_box(app.profile_lite().expect("profile lite"));
        },
    );
    rows.push(Row::of("profile_lite, hit", &h, Some(2.0), "< 10 ms"));
    let h = measure(
        "profile, miss",
        misses,
        |_| caches.profile.invalidate_all(Cause::Manual),
        |_| {
            black_box(app.profile().expect("profile"));
        },
    );
    rows.push(Row::of("profile, miss", &h, Some(200.0), "< 10 ms"));

    let h = measure(
        "orders page, hit",
        hits,
        |_| {},
        |_| {
            black_box(app.list_orders(&page1).expect("page"));
        },
    );
    let floor = format!("orders page 50 of {}", t.orders.len());
    rows.push(Row::of(&format!("{floor}, hit"), &h, Some(50.0), "< 50 ms"));
    let h = measure(
        "orders page, miss",
        (misses / 10).max(5),
        |_| caches.active_orders.invalidate_all(Cause::Manual),
        |_| {
            black_box(app.list_orders(&page1).expect("page"));
        },
    );
    rows.push(Row::of(
        &format!("{floor}, miss (whole floor)"),
        &h,
        Some(200.0),
        "< 50 ms",
    ));

    let h = measure(
        "order by id, hit",
        hits,
        |_| {},
        |_| {
            black_box(app.order(order).expect("order"));
        },
    );
    rows.push(Row::of("order by id, hit", &h, Some(2.0), "-"));
    let ids = &t.orders;
    let h = measure(
        "order by id, miss",
        misses,
        |i| {
            caches
                .order
                .invalidate(&ids[i as usize % ids.len()], Cause::Manual)
        },
        |i| {
            black_box(app.order(ids[i as usize % ids.len()]).expect("order"));
        },
    );
    rows.push(Row::of("order by id (5 lines), miss", &h, Some(200.0), "< 50 ms"));

    let typed = &t.phones[7 % t.phones.len()];
    let h = measure(
        "customer balance, hit",
        hits,
        |_| {},
        |_| {
            black_box(app.customer_balance(typed).expect("balance"));
        },
    );
    rows.push(Row::of("customer balance, hit", &h, Some(2.0), "< 10 ms"));
    let h = measure(
        "customer balance, miss",
        misses,
        |i| {
            caches
                .balance
                .invalidate(&phones[i as usize % phones.len()], Cause::Manual)
        },
        |i| {
            black_box(
                app.customer_balance(&t.phones[i as usize % t.phones.len()])
                    .expect("balance"),
            );
        },
    );
    rows.push(Row::of(
        "customer balance (100 rows), miss",
        &h,
        Some(200.0),
        "< 10 ms",
    ));

    let h = measure(
        "bill, hit",
        hits,
        |_| {},
        |_| {
            black_box(app.calculate_bill(t.order_20).expect("bill"));
        },
    );
    rows.push(Row::of("bill of 20 lines, hit", &h, Some(2.0), "-"));
    let h = measure(
        "bill, computed",
        misses,
        |_| caches.bill.invalidate(&t.order_20, Cause::Manual),
        |_| {
            black_box(app.calculate_bill(t.order_20).expect("bill"));
        },
    );
    rows.push(Row::of("bill of 20 lines, computed", &h, Some(200.0), "-"));

    let day = app.today()?;
    let h = measure(
        "day summary, miss",
        (misses / 10).max(5),
        |_| caches.day_summary.invalidate(&day, Cause::Manual),
        |_| {
            black_box(app.billing_summary(Some(&day)).expect("summary"));
        },
    );
    rows.push(Row::of("day summary, miss", &h, None, "-"));

    app.list_orders(&page1)?;
    rows.extend(checkouts_rows(t, checkouts)?);
    Ok(rows)
}

fn pay_cash(app: &pos_app::App, id: OrderId) -> anyhow::Result<()> {
    let bill = app.calculate_bill(id)?;
    let receipt = app.record_payment(RecordPayment {
        order_id: id,
        tenders: vec![Tender {
            method: PaymentMethod::Cash,
            amount: pos_core::Money::from_minor((bill.due.minor() + 500_00) / 500_00 * 500_00),
            reference: None,
        }],
        request_id: Some(uuid::Uuid::now_v7()),
    })?;
    anyhow::ensure!(
        receipt.invoice_no.is_some(),
        "the checkout did not pay the order off"
    );
    Ok(())
}

fn open_takeaway(app: &pos_app::App) -> anyhow::Result<OrderId> {
    Ok(app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            request_id: Some(uuid::Uuid::now_v7()),
            ..NewOrder::default()
        })?
        .id)
}

/// A takeaway from the first tap to the receipt, durable, two ways: lines one call each
/// (7 commits) and the ticket in one call (`add_lines`: 3 commits). The two alternate in
/// one loop, so both see the same disk (its sync latency moves with other processes).
fn checkouts_rows(t: &LargeTill, n: u64) -> anyhow::Result<Vec<Row>> {
    let app = &t.app;
    let sku = |i: u64, l: u64| t.skus[((i * 5 + l) as usize * 13) % t.skus.len()].clone();
    let (mut one_by_one, mut ticket, mut ticket_only, mut pay_only) =
        (histogram(), histogram(), histogram(), histogram());
    let warm_up = (n / 20).clamp(10, 2_000);
    let bar = crate::stats::progress(n + warm_up, "checkouts, 7 and 3 commits");
    for i in 0..(n + warm_up) {
        let keep = i >= warm_up;
        let started = Instant::now();
        let id = open_takeaway(app)?;
        for l in 0..5 {
            app.add_line(AddLine {
                order_id: id,
                sku: sku(i, l),
                qty: "1".into(),
                discount: None,
                note: None,
                request_id: Some(uuid::Uuid::now_v7()),
            })?;
        }
        let paying = Instant::now();
        pay_cash(app, id)?;
        if keep {
            record(&mut pay_only, paying.elapsed().as_nanos() as u64);
            record(&mut one_by_one, started.elapsed().as_nanos() as u64);
        }
        let started = Instant::now();
        let id = open_takeaway(app)?;
        let adding = Instant::now();
        app.add_lines(AddLines {
            order_id: id,
            lines: (0..5)
                .map(|l| TicketLine {
                    sku: sku(i, l),
                    qty: "1".into(),
                    discount: None,
                    note: None,
                })
                .collect(),
            request_id: Some(uuid::Uuid::now_v7()),
        })?;
        let added = adding.elapsed();
        pay_cash(app, id)?;
        if keep {
            record(&mut ticket_only, added.as_nanos() as u64);
            record(&mut ticket, started.elapsed().as_nanos() as u64);
        }
        bar.inc(1);
    }
    bar.finish_and_clear();
    Ok(vec![
        Row::of(
            "checkout: open+5 lines one by one+pay (7 commits)",
            &one_by_one,
            Some(5_000.0),
            "< 150 ms",
        ),
        Row::of(
            "checkout: open+ticket of 5+pay (3 commits)",
            &ticket,
            Some(5_000.0),
            "< 150 ms",
        ),
        Row::of(
            "checkout: the ticket of 5 lines (1 commit)",
            &ticket_only,
            Some(5_000.0),
            "< 150 ms",
        ),
        Row::of(
            "checkout: bill+cash payment (1 commit)",
            &pay_only,
            Some(5_000.0),
            "< 150 ms",
        ),
    ])
}

/// Reads of the paid history (only when the till has some): a paid order by id (a miss
/// each time: the history is far larger than the cache) and a page deep in the history.
fn history_reads(t: &LargeTill, scale: u64) -> anyhow::Result<Vec<Row>> {
    let ids: Vec<OrderId> = t.app.store().read(|c| {
        let mut stmt =
            c.prepare("SELECT id FROM orders WHERE status = 'paid' ORDER BY random() LIMIT 5000")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        let mut out = Vec::new();
        for r in rows {
            out.push(r?.parse::<uuid::Uuid>()?);
        }
        Ok::<_, anyhow::Error>(out.into_iter().map(OrderId::from_uuid).collect())
    })?;
    if ids.len() < 1_000 {
        return Ok(Vec::new());
    }
    let app = &t.app;
    let n = (10_000 / scale).max(20);
    let caches = app.caches();
    let h = measure(
        "paid order by id (history)",
        n,
        |i| {
            caches
                .order
                .invalidate(&ids[i as usize % ids.len()], Cause::Manual)
        },
        |i| {
            black_box(app.order(ids[i as usize % ids.len()]).expect("order"));
        },
    );
    let mut rows = vec![Row::of(
        &format!("paid order (1 of {} sampled), miss", ids.len()),
        &h,
        Some(200.0),
        "< 50 ms",
    )];
    let deep = ListOrders {
        statuses: vec![OrderStatus::Paid],
        page: 200,
        limit: 50,
        attention: false,
    };
    let h = measure(
        "paid orders page 200",
        (n / 10).max(5),
        |_| {},
        |_| {
            black_box(app.list_orders(&deep).expect("page"));
        },
    );
    rows.push(Row::of("paid history, page 200 of 50", &h, None, "< 50 ms"));
    Ok(rows)
}

fn ratio(a: &Row, b: &Row, q: fn(&Row) -> f64) -> f64 {
    q(a) / q(b).max(0.001)
}

fn comparison(read: &str, hit: Row, sqlite: Row, redis: Option<(Row, Row)>) -> Comparison {
    let (redis, get_only) = match redis {
        Some((r, g)) => (Some(r), Some(g)),
        None => (None, None),
    };
    Comparison {
        read: read.to_owned(),
        sqlite_over_cache_p50: ratio(&sqlite, &hit, |r| r.p50_us),
        sqlite_over_cache_p99: ratio(&sqlite, &hit, |r| r.p99_us),
        redis_over_cache_p50: redis.as_ref().map(|r| ratio(r, &hit, |r| r.p50_us)),
        redis_over_cache_p99: redis.as_ref().map(|r| ratio(r, &hit, |r| r.p99_us)),
        cache_hit: hit,
        sqlite,
        redis,
        redis_get_only: get_only,
    }
}

/// Times a GET of `key` decoded into `T`, and the bare GET.
fn redis_reads<T: serde::de::DeserializeOwned>(
    conn: &mut redis::Connection,
    key: &str,
    n: u64,
) -> (Row, Row) {
    let decoded = measure(
        &format!("redis GET {key} + decode"),
        n,
        |_| {},
        |_| {
            let bytes: Vec<u8> = redis::cmd("GET").arg(key).query(conn).expect("GET");
            black_box(serde_json::from_slice::<T>(&bytes).expect("decode"));
        },
    );
    let raw = measure(
        &format!("redis GET {key}"),
        n,
        |_| {},
        |_| {
            let bytes: Vec<u8> = redis::cmd("GET").arg(key).query(conn).expect("GET");
            black_box(bytes);
        },
    );
    (
        Row::of(&format!("redis GET {key} + decode"), &decoded, None, ""),
        Row::of(&format!("redis GET {key}"), &raw, None, ""),
    )
}

/// One read timed `n` times on its own, as a table row without a goal.
fn timed(name: &str, n: u64, call: impl FnMut(u64)) -> Row {
    Row::of(name, &measure(name, n, |_| {}, call), None, "")
}

/// The same four reads as a cache hit, a direct SQLite read (what a miss does, without
/// the cache's bookkeeping), and a Redis GET of the same answer stored as JSON (the seed's
/// design: the application process asks a cache server over the loopback).
fn comparisons(
    t: &LargeTill,
    scale: u64,
    with_redis: bool,
) -> anyhow::Result<(Vec<Comparison>, Option<String>)> {
    let app = &t.app;
    let store = app.store();
    let n = (20_000 / scale).max(20);
    let order = t.orders[t.orders.len() / 2];
    let typed = &t.phones[7 % t.phones.len()];
    let phone = Phone::parse(typed, "91")?;
    let page1 = ListOrders {
        statuses: Vec::new(),
        page: 1,
        limit: 50,
        attention: false,
    };
    let active: Vec<OrderStatus> = OrderStatus::ALL.into_iter().filter(|s| s.is_active()).collect();

    let (mut redis_conn, server, skipped) = if with_redis {
        match RedisServer::start() {
            Ok(s) => match s.connect() {
                Ok(c) => (Some(c), Some(s), None),
                Err(e) => (None, None, Some(format!("could not connect: {e}"))),
            },
            Err(why) => (None, None, Some(why.0)),
        }
    } else {
        (None, None, Some("--no-redis".to_owned()))
    };
    if let Some(c) = redis_conn.as_mut() {
        let set = |c: &mut redis::Connection, k: &str, v: Vec<u8>| -> anyhow::Result<()> {
            redis::cmd("SET").arg(k).arg(v).query::<()>(c)?;
            Ok(())
        };
        set(c, "profile", serde_json::to_vec(&*app.profile()?)?)?;
        set(c, "order", serde_json::to_vec(&*app.order(order)?)?)?;
        set(c, "balance", serde_json::to_vec(&*app.customer_balance(typed)?)?)?;
        set(c, "orders_page", serde_json::to_vec(&app.list_orders(&page1)?)?)?;
    }

    let mut out = Vec::new();
    // Profile.
    let hit = timed("profile, hit", n, |_| {
        black_box(app.profile().expect("profile"));
    });
    let sql = timed("profile, SQLite", n, |_| {
        black_box(store.read(catalog::profile).expect("profile"));
    });
    let r = redis_conn
        .as_mut()
        .map(|c| redis_reads::<pos_core::Profile>(c, "profile", n));
    out.push(comparison("profile", hit, sql, r));
    // Order by id.
    let hit = timed("order, hit", n, |_| {
        black_box(app.order(order).expect("order"));
    });
    let sql = timed("order, SQLite", n, |_| {
        black_box(store.read(|c| orders::load_order(c, order)).expect("order"));
    });
    let r = redis_conn
        .as_mut()
        .map(|c| redis_reads::<pos_core::Order>(c, "order", n));
    out.push(comparison("order by id (5 lines)", hit, sql, r));
    // Balance.
    let hit = timed("balance, hit", n, |_| {
        black_box(app.customer_balance(typed).expect("balance"));
    });
    let sql = timed("balance, SQLite", n, |_| {
        let conn = store.reader().expect("reader");
        black_box(direct_balance(&conn, &phone).expect("balance"));
    });
    let r = redis_conn
        .as_mut()
        .map(|c| redis_reads::<pos_app::CustomerBalance>(c, "balance", n));
    out.push(comparison("customer balance (100 rows)", hit, sql, r));
    // Orders page.
    let hit = Row::of(
        "page, hit",
        &measure(
            "orders page, hit",
            n,
            |_| {},
            |_| {
                black_box(app.list_orders(&page1).expect("page"));
            },
        ),
        None,
        "",
    );
    let sql = Row::of(
        "page, SQLite",
        &measure(
            "orders page, SQLite",
            (n / 20).max(5),
            |_| {},
            |_| {
                black_box(store.read(|c| orders::page(c, &active, 50, 0)).expect("page"));
            },
        ),
        None,
        "",
    );
    let r = redis_conn
        .as_mut()
        .map(|c| redis_reads::<pos_app::OrdersPage>(c, "orders_page", n));
    out.push(comparison("orders page (50 of the floor)", hit, sql, r));
    drop(redis_conn);
    drop(server);
    Ok((out, skipped))
}
