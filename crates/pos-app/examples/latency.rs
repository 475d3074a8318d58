//! Latency percentiles of the till's hot paths, next to the budgets, and the replayed day.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo run --release -p pos-app --example latency
//! ... --example latency -- --quick        # 10x fewer iterations, default replay only
//! ... --example latency -- --no-replay    # the table only
//! ... --example latency -- --replay-only  # the replays only
//! ... --example latency -- --big          # also replay 20,000 orders a day
//! ... --example latency -- --json out.json
//! ... --example latency -- --db-dir DIR  # put the large till's file in DIR
//! ... --example latency -- --keep-db      # and copy it to $TMPDIR/pos-large.db
//! ... --example latency -- --no-refresh   # refresh_on_write off (invalidate only)
//! ... --example latency -- --replay-only --orders 2000   # one replay of that size
//! ```
//!
//! Every call is timed on its own with `Instant` into an HDR histogram (criterion reports
//! means; budgets are p99). The data is `demo::generate_large` (20,000 menu items, 1,000
//! active orders of 5 lines, 1,000 customers with 100,000 ledger rows) in a SQLite file in
//! the system temp directory (on disk, `synchronous=FULL`: checkout pays for fsync). The
//! replays run on tmpfs when there is one: they measure the caches, not the disk.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use hdrhistogram::Histogram;
use pos_app::cache::Cause;
use pos_app::demo::LargeData;
use pos_app::workload::{DaySpec, LargeTill, ReplayReport, large_till, replay};
use pos_app::{AddLine, App, AppConfig, CacheConfig, ListOrders, ManualClock, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{OrderType, PaymentMethod, Phone, Tender};
use serde::Serialize;

#[derive(Serialize)]
struct Row {
    scenario: &'static str,
    n: u64,
    p50_us: f64,
    p99_us: f64,
    p999_us: f64,
    max_us: f64,
    mean_us: f64,
    budget_p99_us: Option<f64>,
    seed_target: &'static str,
}

#[derive(Serialize)]
struct Output {
    rows: Vec<Row>,
    replays: Vec<ReplayReport>,
}

fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 60_000_000_000, 3).expect("static bounds")
}

/// Times `n` calls of `call`, each after an untimed `setup`.
fn measure(n: u64, mut setup: impl FnMut(u64), mut call: impl FnMut(u64)) -> Histogram<u64> {
    let mut h = histogram();
    // Warm-up: fault in pages, fill statement caches.
    for i in 0..(n / 20).clamp(10, 2_000) {
        setup(i);
        call(i);
    }
    for i in 0..n {
        setup(i);
        let started = Instant::now();
        call(i);
        let ns = started.elapsed().as_nanos() as u64;
        let _ = h.record(ns.max(1));
    }
    h
}

fn row(
    scenario: &'static str,
    h: &Histogram<u64>,
    budget_p99_us: Option<f64>,
    seed_target: &'static str,
) -> Row {
    let us = |ns: u64| ns as f64 / 1000.0;
    Row {
        scenario,
        n: h.len(),
        p50_us: us(h.value_at_quantile(0.5)),
        p99_us: us(h.value_at_quantile(0.99)),
        p999_us: us(h.value_at_quantile(0.999)),
        max_us: us(h.max()),
        mean_us: h.mean() / 1000.0,
        budget_p99_us,
        seed_target,
    }
}

fn print_rows(rows: &[Row]) {
    println!(
        "\n{:<34} {:>8} {:>10} {:>10} {:>10} {:>10} {:>12} {:>12}  verdict",
        "scenario", "n", "p50 us", "p99 us", "p999 us", "max us", "budget p99", "seed target"
    );
    for r in rows {
        let (budget, verdict) = match r.budget_p99_us {
            Some(b) => (format!("{b} us"), if r.p99_us <= b { "ok" } else { "OVER" }),
            None => ("-".to_owned(), ""),
        };
        println!(
            "{:<34} {:>8} {:>10.2} {:>10.2} {:>10.2} {:>10.2} {:>12} {:>12}  {}",
            r.scenario, r.n, r.p50_us, r.p99_us, r.p999_us, r.max_us, budget, r.seed_target, verdict
        );
    }
}

fn scenarios(t: &LargeTill, scale: u64) -> anyhow::Result<Vec<Row>> {
    let app = &t.app;
    let caches = app.caches();
    let hits = 100_000 / scale;
    let misses = 10_000 / scale;
    let checkouts = 2_000 / scale;
    let page1 = ListOrders {
        statuses: Vec::new(),
        page: 1,
        limit: 50,
    };
    let phones: Vec<Phone> = t
        .phones
        .iter()
        .map(|p| Phone::parse(p, "91"))
        .collect::<Result<_, _>>()?;
    let mut rows = Vec::new();

    // Make sure everything is cached before the hit runs.
    app.profile()?;
    app.profile_lite()?;
    let page = app.list_orders(&page1)?;
    anyhow::ensure!(page.total >= 1_000, "the floor has {} active orders", page.total);
    let order = t.orders[t.orders.len() / 2];
    app.order(order)?;
    app.customer_balance(&t.phones[7])?;
    app.calculate_bill(t.order_20)?;

    let h = measure(
        hits,
        |_| {},
        |_| {
            black_box(app.profile().expect("profile"));
        },
    );
    rows.push(row("profile, hit", &h, Some(2.0), "< 10 ms"));
    let h = measure(
        hits,
        |_| {},
        |_| {
            black_box(app.profile_lite().expect("profile lite"));
        },
    );
    rows.push(row("profile_lite, hit", &h, Some(2.0), "< 10 ms"));
    let h = measure(
        misses,
        |_| caches.profile.invalidate_all(Cause::Manual),
        |_| {
            black_box(app.profile().expect("profile"));
        },
    );
    rows.push(row("profile, miss", &h, Some(200.0), "< 10 ms"));

    let h = measure(
        hits,
        |_| {},
        |_| {
            black_box(app.list_orders(&page1).expect("page"));
        },
    );
    rows.push(row("orders page 50 of 1,000, hit", &h, Some(50.0), "< 50 ms"));
    let h = measure(
        misses / 10,
        |_| caches.active_orders.invalidate_all(Cause::Manual),
        |_| {
            black_box(app.list_orders(&page1).expect("page"));
        },
    );
    rows.push(row("orders page 50 of 1,000, miss", &h, Some(200.0), "< 50 ms"));

    let h = measure(
        hits,
        |_| {},
        |_| {
            black_box(app.order(order).expect("order"));
        },
    );
    rows.push(row("order by id, hit", &h, Some(2.0), "-"));
    let ids = &t.orders;
    let h = measure(
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
    rows.push(row("order by id (5 lines), miss", &h, Some(200.0), "-"));

    let typed = &t.phones[7];
    let h = measure(
        hits,
        |_| {},
        |_| {
            black_box(app.customer_balance(typed).expect("balance"));
        },
    );
    rows.push(row("customer balance, hit", &h, Some(2.0), "< 10 ms"));
    let h = measure(
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
    rows.push(row(
        "customer balance (100 rows), miss",
        &h,
        Some(200.0),
        "< 10 ms",
    ));

    let h = measure(
        hits,
        |_| {},
        |_| {
            black_box(app.calculate_bill(t.order_20).expect("bill"));
        },
    );
    rows.push(row("bill of 20 lines, hit", &h, Some(2.0), "-"));
    let h = measure(
        misses,
        |_| caches.bill.invalidate(&t.order_20, Cause::Manual),
        |_| {
            black_box(app.calculate_bill(t.order_20).expect("bill"));
        },
    );
    rows.push(row("bill of 20 lines, computed", &h, Some(200.0), "-"));

    let day = app.today()?;
    let h = measure(
        misses / 10,
        |_| caches.day_summary.invalidate(&day, Cause::Manual),
        |_| {
            black_box(app.billing_summary(Some(&day)).expect("summary"));
        },
    );
    rows.push(row("day summary, miss", &h, None, "-"));

    // Checkout, durable: with the floor cached, as on a till.
    app.list_orders(&page1)?;
    let mut pay_only = histogram();
    let h = measure(
        checkouts,
        |_| {},
        |i| {
            let started_pay;
            {
                let o = app
                    .create_order(NewOrder {
                        order_type: Some(OrderType::Takeaway),
                        request_id: Some(uuid::Uuid::now_v7()),
                        ..NewOrder::default()
                    })
                    .expect("create");
                for l in 0..5u64 {
                    app.add_line(AddLine {
                        order_id: o.id,
                        sku: t.skus[((i * 5 + l) as usize * 13) % t.skus.len()].clone(),
                        qty: "1".into(),
                        discount: None,
                        note: None,
                        request_id: Some(uuid::Uuid::now_v7()),
                    })
                    .expect("line");
                }
                started_pay = Instant::now();
                let bill = app.calculate_bill(o.id).expect("bill");
                let receipt = app
                    .record_payment(RecordPayment {
                        order_id: o.id,
                        tenders: vec![Tender {
                            method: PaymentMethod::Cash,
                            amount: pos_core::Money::from_minor(
                                (bill.due.minor() + 500_00) / 500_00 * 500_00,
                            ),
                            reference: None,
                        }],
                        request_id: Some(uuid::Uuid::now_v7()),
                    })
                    .expect("pay");
                assert!(receipt.invoice_no.is_some());
            }
            let _ = pay_only.record(started_pay.elapsed().as_nanos() as u64);
        },
    );
    rows.push(row(
        "checkout: open+5 lines+bill+cash (7 commits)",
        &h,
        Some(5_000.0),
        "< 150 ms",
    ));
    rows.push(row(
        "checkout: bill+cash payment (1 commit)",
        &pay_only,
        Some(5_000.0),
        "< 150 ms",
    ));
    Ok(rows)
}

fn scratch_dir() -> anyhow::Result<tempfile::TempDir> {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        return Ok(tempfile::tempdir_in(shm)?);
    }
    Ok(tempfile::tempdir()?)
}

fn run_replay(spec: &DaySpec, refresh_on_write: bool) -> anyhow::Result<ReplayReport> {
    let dir = scratch_dir()?;
    let config = AppConfig {
        db_path: dir.path().join("replay.db"),
        cache: CacheConfig {
            enabled: true,
            refresh_on_write,
            ..CacheConfig::default()
        },
        load_demo: false,
        warm_up: false,
    };
    let clock = Arc::new(ManualClock::new(spec.start_ms));
    let app = App::open_with_clock(config, clock.clone())?;
    let report = replay(&app, &clock, spec)?;
    print!("{}", report.summary());
    Ok(report)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |f: &str| args.iter().any(|a| a == f);
    let scale = if has("--quick") { 10 } else { 1 };
    let json = args
        .iter()
        .position(|a| a == "--json")
        .and_then(|i| args.get(i + 1).cloned());
    let mut out = Output {
        rows: Vec::new(),
        replays: Vec::new(),
    };

    let db_dir = args
        .iter()
        .position(|a| a == "--db-dir")
        .and_then(|i| args.get(i + 1).cloned());
    if !has("--replay-only") {
        let dir = match &db_dir {
            Some(d) => tempfile::tempdir_in(d)?,
            None => tempfile::tempdir()?,
        };
        let started = Instant::now();
        let path = dir.path().join("large.db");
        let cache = CacheConfig {
            enabled: true,
            refresh_on_write: !has("--no-refresh"),
            ..CacheConfig::default()
        };
        let till = large_till(&path, cache, LargeData::default(), 7).context("fill the till")?;
        if has("--keep-db") {
            let kept = std::env::temp_dir().join("pos-large.db");
            till.app.store().backup_to(&kept)?;
            println!("copied the large till to {}", kept.display());
        }
        println!(
            "large till ready in {:.1} s: {} active orders, {} customers",
            started.elapsed().as_secs_f64(),
            till.orders.len(),
            till.phones.len()
        );
        out.rows = scenarios(&till, scale)?;
        print_rows(&out.rows);
    }

    if !has("--no-replay") {
        let orders_arg = args
            .iter()
            .position(|a| a == "--orders")
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok());
        let mut specs = vec![DaySpec {
            orders: orders_arg.unwrap_or(600),
            ..DaySpec::default()
        }];
        if scale == 1 && orders_arg.is_none() {
            specs.push(DaySpec {
                tills: 4,
                ..DaySpec::default()
            });
            specs.push(DaySpec {
                orders: 2_000,
                ..DaySpec::default()
            });
            specs.push(DaySpec {
                orders: 2_000,
                tills: 4,
                ..DaySpec::default()
            });
        }
        if has("--big") {
            specs.push(DaySpec {
                orders: 20_000,
                ..DaySpec::default()
            });
        }
        println!();
        for spec in &specs {
            let started = Instant::now();
            out.replays.push(run_replay(spec, !has("--no-refresh"))?);
            if started.elapsed() > Duration::from_secs(600) {
                println!("(stopping the replays: the last one took over 10 minutes)");
                break;
            }
        }
    }
    if let Some(path) = json {
        std::fs::write(&path, serde_json::to_string_pretty(&out)?)?;
        println!("wrote {path}");
    }
    Ok(())
}
