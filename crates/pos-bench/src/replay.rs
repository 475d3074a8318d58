//! `pos-bench replay`: the seeded restaurant day (`pos_testkit::workload::replay`) at several
//! sizes: hit ratio per cache, stale answers (must be 0), latency percentiles, cache
//! memory, and how the cost grows with the orders of the day and the tills reading.

use std::time::{Duration, Instant};

use pos_app::CacheConfig;
use pos_testkit::workload::{DaySpec, ReplayReport, replay_fresh};
use serde::Serialize;

use crate::stats::{Machine, machine};

/// One size of day.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Size {
    pub orders: usize,
    pub tills: usize,
}

/// The standard set: 600, 2,000 and 20,000 orders a day with 1, 4 and 16 tills' reads
/// (the biggest day with one till only: it takes minutes).
pub fn standard_sizes() -> Vec<Size> {
    let mut v = Vec::new();
    for orders in [600, 2_000] {
        for tills in [1, 4, 16] {
            v.push(Size { orders, tills });
        }
    }
    v.push(Size {
        orders: 20_000,
        tills: 1,
    });
    v
}

#[derive(Clone, Debug, Serialize)]
pub struct ReplayRun {
    pub size: Size,
    pub report: ReplayReport,
    /// Wall time per order of the day (app calls only), to show how cost grows.
    pub app_us_per_order: f64,
    pub app_us_per_read: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ReplaySet {
    pub machine: Machine,
    pub runs: Vec<ReplayRun>,
    /// Sizes left out because the run hit its time bound.
    pub skipped: Vec<Size>,
}

/// Replays one day on a fresh till.
pub fn run_one(size: Size, seed: u64, refresh_on_write: bool) -> anyhow::Result<ReplayReport> {
    let spec = DaySpec {
        orders: size.orders,
        tills: size.tills,
        seed,
        ..DaySpec::default()
    };
    let cache = CacheConfig {
        enabled: true,
        refresh_on_write,
        ..CacheConfig::default()
    };
    Ok(replay_fresh(&spec, cache)?)
}

/// Replays each size in turn; stops starting new ones once `budget` has passed.
pub fn run(sizes: &[Size], seed: u64, refresh_on_write: bool, budget: Duration) -> anyhow::Result<ReplaySet> {
    let machine = machine();
    let started = Instant::now();
    let bar = crate::stats::progress(sizes.len() as u64, "replayed days");
    bar.enable_steady_tick(Duration::from_millis(500));
    let mut runs = Vec::new();
    let mut skipped = Vec::new();
    for &size in sizes {
        if started.elapsed() > budget {
            skipped.push(size);
            continue;
        }
        bar.set_message(format!("{} orders, {} tills", size.orders, size.tills));
        let report = run_one(size, seed, refresh_on_write)?;
        bar.inc(1);
        runs.push(ReplayRun {
            size,
            app_us_per_order: report.app_ms * 1000.0 / size.orders.max(1) as f64,
            app_us_per_read: report.app_ms * 1000.0 / (report.reads + report.writes).max(1) as f64,
            report,
        });
    }
    bar.finish_and_clear();
    Ok(ReplaySet {
        machine,
        runs,
        skipped,
    })
}

fn latency(r: &ReplayReport, kind: &str) -> String {
    r.read_latency
        .iter()
        .chain(&r.write_latency)
        .find(|l| l.kind == kind)
        .map_or_else(|| "-".to_owned(), |l| format!("{:.1}/{:.0}", l.p50_us, l.p99_us))
}

impl ReplaySet {
    pub fn print(&self) {
        println!("machine: {}", self.machine);
        println!(
            "\n{:>7} {:>5} {:>8} {:>7} {:>6} {:>8} {:>8} {:>7} {:>9} {:>10} {:>10} {:>11} {:>11} {:>9} {:>9}",
            "orders",
            "tills",
            "reads",
            "writes",
            "stale",
            "hit",
            "views",
            "misses",
            "cache MB",
            "floor p50/99",
            "bill",
            "balance",
            "add_line",
            "us/order",
            "wall s"
        );
        for run in &self.runs {
            let r = &run.report;
            println!(
                "{:>7} {:>5} {:>8} {:>7} {:>6} {:>8.4} {:>8.4} {:>7} {:>9.1} {:>10} {:>10} {:>11} {:>11} {:>9.0} {:>9.1}",
                run.size.orders,
                run.size.tills,
                r.reads,
                r.writes,
                r.stale,
                r.hit_ratio,
                r.hit_ratio_views,
                r.misses,
                r.cache_bytes as f64 / 1e6,
                latency(r, "orders_page_1"),
                latency(r, "bill"),
                latency(r, "balance"),
                latency(r, "add_line"),
                run.app_us_per_order,
                r.elapsed_ms / 1000.0,
            );
        }
        for run in &self.runs {
            println!(
                "\n{} orders, {} tills, per cache:",
                run.size.orders, run.size.tills
            );
            for c in &run.report.caches {
                println!(
                    "  {:<14} hits {:>8} misses {:>6} ratio {:.4} refreshes {:>6} invalidations {:>6} entries {:>5} {:>9} bytes",
                    c.name, c.hits, c.misses, c.hit_ratio, c.refreshes, c.invalidations, c.entries, c.bytes
                );
            }
            for e in &run.report.stale_examples {
                println!("  STALE {e}");
            }
        }
        for s in &self.skipped {
            println!(
                "skipped {} orders x {} tills: time bound reached",
                s.orders, s.tills
            );
        }
    }
}
