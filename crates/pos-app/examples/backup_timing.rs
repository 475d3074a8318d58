//! How long a backup of a large till takes, and whether selling waits for it.
//!
//! `cargo run --release -p pos-app --example backup_timing` fills a till (20,000 menu
//! items, 1,000 open orders, 100,000 ledger rows), times `backup_now`, then times 300 line
//! additions with and without a thread taking backups in a loop beside them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use pos_app::{AddLine, App, BackupPolicy, ListOrders};
use pos_testkit::large::{LargeData, generate_large};

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn add_lines(app: &App, n: usize) -> anyhow::Result<Vec<f64>> {
    let orders = app.list_orders(&ListOrders {
        statuses: vec![],
        page: 1,
        limit: 50,
        attention: false,
    })?;
    let sku = app.list_menu(false)?[0].sku.to_string();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let order_id = orders.orders[i % orders.orders.len()].id;
        let t = Instant::now();
        app.add_line(AddLine {
            order_id,
            sku: sku.clone(),
            qty: "1".into(),
            discount: None,
            note: None,
            request_id: None,
        })?;
        out.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let till = pos_testkit::demo_till();
    let app = till.app.clone();
    let t = Instant::now();
    generate_large(&app, LargeData::default(), 7)?;
    println!("large till filled in {:.1} s", t.elapsed().as_secs_f64());
    let policy = BackupPolicy {
        dir: till.dir.path().join("backups"),
        keep_days: 14,
    };
    let mut times = Vec::new();
    for _ in 0..3 {
        let r = app.backup_now(&policy)?;
        times.push(r.elapsed_ms);
        println!(
            "backup {} ({:.1} MiB) in {:.1} ms",
            r.backup.file_name,
            r.backup.bytes as f64 / 1048576.0,
            r.elapsed_ms
        );
    }
    let mut quiet = add_lines(&app, 300)?;
    let busy = Arc::new(AtomicBool::new(true));
    let backups = {
        let (app, policy, busy) = (app.clone(), policy.clone(), busy.clone());
        std::thread::spawn(move || {
            let mut n = 0;
            while busy.load(Ordering::Relaxed) {
                app.backup_now(&policy).expect("backup");
                n += 1;
            }
            n
        })
    };
    let mut during = add_lines(&app, 300)?;
    busy.store(false, Ordering::Relaxed);
    let n = backups.join().expect("the backup thread");
    println!(
        "add_line without backups: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&mut quiet, 0.5),
        percentile(&mut quiet, 0.99)
    );
    println!(
        "add_line during {n} back-to-back backups: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&mut during, 0.5),
        percentile(&mut during, 0.99)
    );
    Ok(())
}
