//! Till benchmarks on `pos_testkit::large::generate_large` data (20,000 menu items, 1,000 active orders
//! of 5 lines, 1,000 customers with 100,000 ledger rows) in a SQLite file on disk.
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-bench cargo bench -p pos-app --bench till
//! ```
//!
//! Criterion reports means and medians; the p50/p99/p999 of each path next to its budget
//! come from `cargo run --release -p pos-bench -- till`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use pos_app::cache::Cause;
use pos_app::{AddLine, CacheConfig, ListOrders, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{Money, OrderType, PaymentMethod, Phone, Tender};
use pos_testkit::large::{LargeData, LargeTill, large_till};

fn large() -> (tempfile::TempDir, LargeTill) {
    let dir = tempfile::tempdir().expect("temp dir");
    let cache = CacheConfig {
        enabled: true,
        ..CacheConfig::default()
    };
    let till =
        large_till(&dir.path().join("bench.db"), cache, LargeData::default(), 7).expect("fill the till");
    (dir, till)
}

fn page1() -> ListOrders {
    ListOrders {
        statuses: Vec::new(),
        page: 1,
        limit: 50,
        attention: false,
    }
}

fn benches(c: &mut Criterion) {
    let (_dir, t) = large();
    let app = &t.app;
    let caches = app.caches();

    let mut g = c.benchmark_group("profile");
    g.bench_function("hit", |b| b.iter(|| black_box(app.profile().expect("profile"))));
    g.bench_function("lite_hit", |b| {
        b.iter(|| black_box(app.profile_lite().expect("profile lite")))
    });
    g.bench_function("miss", |b| {
        b.iter_batched(
            || caches.profile.invalidate_all(Cause::Manual),
            |()| black_box(app.profile().expect("profile")),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let q = page1();
    let mut g = c.benchmark_group("active_orders_page_50_of_1000");
    g.bench_function("hit", |b| {
        b.iter(|| black_box(app.list_orders(&q).expect("page")))
    });
    g.bench_function("miss", |b| {
        b.iter_batched(
            || caches.active_orders.invalidate_all(Cause::Manual),
            |()| black_box(app.list_orders(&q).expect("page")),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let order = t.orders[t.orders.len() / 2];
    let mut g = c.benchmark_group("order_by_id");
    app.order(order).expect("order");
    g.bench_function("hit", |b| b.iter(|| black_box(app.order(order).expect("order"))));
    g.bench_function("miss", |b| {
        let mut i = 0usize;
        b.iter_batched(
            || {
                i = (i + 1) % t.orders.len();
                caches.order.invalidate(&t.orders[i], Cause::Manual);
                t.orders[i]
            },
            |id| black_box(app.order(id).expect("order")),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let phones: Vec<Phone> = t
        .phones
        .iter()
        .map(|p| Phone::parse(p, "91").expect("generated phones parse"))
        .collect();
    let mut g = c.benchmark_group("customer_balance_100k_ledger");
    app.customer_balance(&t.phones[7]).expect("balance");
    g.bench_function("hit", |b| {
        b.iter(|| black_box(app.customer_balance(&t.phones[7]).expect("balance")))
    });
    g.bench_function("miss", |b| {
        let mut i = 0usize;
        b.iter_batched(
            || {
                i = (i + 1) % phones.len();
                caches.balance.invalidate(&phones[i], Cause::Manual);
                i
            },
            |i| black_box(app.customer_balance(&t.phones[i]).expect("balance")),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let mut g = c.benchmark_group("bill_20_lines");
    app.calculate_bill(t.order_20).expect("bill");
    g.bench_function("hit", |b| {
        b.iter(|| black_box(app.calculate_bill(t.order_20).expect("bill")))
    });
    g.bench_function("computed", |b| {
        b.iter_batched(
            || caches.bill.invalidate(&t.order_20, Cause::Manual),
            |()| black_box(app.calculate_bill(t.order_20).expect("bill")),
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // A takeaway from the first tap to the receipt: open, 5 lines, bill, cash with change.
    // Seven commits, each durable (WAL, synchronous=FULL), with the floor cached.
    app.list_orders(&page1()).expect("page");
    let mut g = c.benchmark_group("checkout");
    g.sample_size(20);
    g.measurement_time(Duration::from_secs(3));
    let mut n = 0usize;
    g.bench_function("open_5_lines_bill_cash", |b| {
        b.iter(|| {
            let o = app
                .create_order(NewOrder {
                    order_type: Some(OrderType::Takeaway),
                    request_id: Some(uuid::Uuid::now_v7()),
                    ..NewOrder::default()
                })
                .expect("create");
            for _ in 0..5 {
                n += 1;
                app.add_line(AddLine {
                    order_id: o.id,
                    sku: t.skus[(n * 13) % t.skus.len()].clone(),
                    qty: "1".into(),
                    discount: None,
                    note: None,
                    request_id: Some(uuid::Uuid::now_v7()),
                })
                .expect("line");
            }
            let bill = app.calculate_bill(o.id).expect("bill");
            let tendered = (bill.due.minor() + 500_00) / 500_00 * 500_00;
            black_box(
                app.record_payment(RecordPayment {
                    order_id: o.id,
                    tenders: vec![Tender {
                        method: PaymentMethod::Cash,
                        amount: Money::from_minor(tendered),
                        reference: None,
                    }],
                    request_id: Some(uuid::Uuid::now_v7()),
                })
                .expect("pay"),
            )
        })
    });
    g.finish();
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500))
}

criterion_group! {
    name = till_benches;
    config = config();
    targets = benches
}
criterion_main!(till_benches);
