//! The caches (explicitly on here): every write is visible to the next read, clearing
//! touches no data, the numbers add up, and concurrent readers never keep a stale answer.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use parking_lot::Mutex;
use pos_app::Actor;
use pos_app::staff::VoidLine;
use pos_app::{App, CacheStats, ListOrders, SettleBalance};
use pos_core::ledger::LedgerKind;
use pos_core::profile::PricingMode;
use pos_core::{Discount, Money, OrderId, OrderStatus, PaymentMethod};

use crate::support::*;

fn stats(app: &App, name: &str) -> CacheStats {
    app.cache_stats()
        .unwrap()
        .caches
        .into_iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("there is a {name} cache"))
}

/// Reads every view once so that each is cached before the next write.
fn prime(app: &App, ids: &[OrderId], phones: &[&str]) {
    for &id in ids {
        app.order(id).unwrap();
        app.calculate_bill(id).unwrap();
    }
    app.list_orders(&ListOrders::default()).unwrap();
    for p in phones {
        app.customer_balance(p).unwrap();
    }
    app.billing_summary(None).unwrap();
    app.profile().unwrap();
    app.profile_lite().unwrap();
}

#[test]
fn after_every_kind_of_write_the_next_read_reflects_it() {
    let app = test_app_with_cache(cache_on());
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let phones = [ASHA_TYPED];
    let order = takeaway_for(&app, ASHA_TYPED);
    let ids = [order.id];
    let step = |what: &str, write: &dyn Fn()| {
        prime(&app, &ids, &phones);
        write();
        assert_views_match_sqlite(&app, &ids, &phones, what);
    };
    step("add line", &|| {
        add(&app, order.id, "ST-01", "2");
    });
    step("second line", &|| {
        add(&app, order.id, "BV-01", "2");
    });
    step("void line", &|| {
        let o = app.order(order.id).unwrap();
        app.void_line(
            Actor::System,
            VoidLine::new(order.id, o.order.lines[1].id, "spilt"),
        )
        .unwrap();
    });
    step("discount", &|| {
        app.set_order_discount(order.id, Some(Discount::Amount(m(60_00))))
            .unwrap();
    });
    step("kitchen", &|| {
        app.set_status(order.id, OrderStatus::SentToKitchen).unwrap();
    });
    step("new order", &|| {
        dine_in(&app, "T7");
    });
    step("partial payment on the tab", &|| {
        pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 100_00)]).unwrap();
    });
    step("final payment", &|| {
        pay(&app, order.id, vec![tender(PaymentMethod::Card, 425_00)]).unwrap();
    });
    assert_eq!(
        app.order(order.id).unwrap().order.status,
        OrderStatus::Paid,
        "paid and served as paid"
    );
    assert_eq!(app.customer_balance(ASHA_TYPED).unwrap().balance, m(100_00));
    step("settlement", &|| {
        app.settle_balance(SettleBalance {
            phone: "+91 98450 12345".into(),
            amount: m(40_00),
            method: PaymentMethod::Cash,
            note: None,
            request_id: None,
        })
        .unwrap();
    });
    assert_eq!(app.customer_balance(ASHA_TYPED).unwrap().balance, m(60_00));
    step("customer update", &|| {
        add_customer(&app, ASHA_TYPED, "Asha R.", 7_000_00)
    });
    let b = app.customer_balance(ASHA_TYPED).unwrap();
    assert_eq!((b.name.as_str(), b.available_credit), ("Asha R.", m(6_940_00)));
    step("profile update", &|| {
        let mut p = pos_testkit::example_profile();
        p.name = "Saffron Table II".into();
        app.update_profile(Actor::System, p).unwrap();
    });
    assert_eq!(app.profile_lite().unwrap().name, "Saffron Table II");
    step("menu import", &|| {
        app.import_menu(vec![pos_app::usecases::catalog::MenuItemInput {
            sku: "BV-01".into(),
            name: "Masala Chai".into(),
            category: "Beverages".into(),
            price: m(55_00),
            tax_class: "GST5".into(),
            active: true,
        }])
        .unwrap();
    });
    let hits = app.cache_stats().unwrap().total_hits;
    assert!(
        hits > 0,
        "priming twice in a row must have hit the cache at least once"
    );
}

#[test]
fn a_profile_change_changes_the_next_bill() {
    let app = test_app_with_cache(cache_on());
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    add(&app, order.id, "BV-01", "1");
    let exclusive = app.calculate_bill(order.id).unwrap();
    app.calculate_bill(order.id).unwrap();
    assert!(
        stats(&app, "bill").hits >= 1,
        "the second read of an unchanged bill is a hit"
    );
    assert_eq!(exclusive.bill.total, m(347_00));

    let mut p = pos_testkit::example_profile();
    p.pricing = PricingMode::Inclusive;
    app.update_profile(Actor::System, p.clone()).unwrap();
    let inclusive = app.calculate_bill(order.id).unwrap();
    assert_eq!(
        inclusive.bill.pricing,
        PricingMode::Inclusive,
        "no stale bill after a profile change"
    );
    assert_eq!(inclusive.bill.total, m(330_00), "tax is inside the prices now");
    assert_eq!(inclusive.bill.tax_included, m(15_71), "330.00 x 5/105");
    assert_eq!(*inclusive, direct_bill(&app, order.id));

    p.cash_rounding_increment = m(0);
    p.pricing = pos_core::profile::PricingMode::Exclusive;
    app.update_profile(Actor::System, p).unwrap();
    let unrounded = app.calculate_bill(order.id).unwrap();
    assert_eq!(
        unrounded.bill.round_off,
        m(0),
        "rounding switched off: no round-off line"
    );
    assert_eq!(unrounded.bill.total, m(346_50));
    assert_eq!(*unrounded, direct_bill(&app, order.id));
}

#[test]
fn clear_cache_empties_the_caches_and_resets_the_numbers_but_touches_no_data() {
    let app = test_app_with_cache(cache_on());
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let order = takeaway_for(&app, ASHA_TYPED);
    add(&app, order.id, "ST-01", "1");
    let open = dine_in(&app, "T2");
    add(&app, open.id, "BV-01", "1");
    pay_due(&app, order.id, PaymentMethod::OnAccount);
    prime(&app, &[order.id, open.id], &[ASHA_TYPED]);
    prime(&app, &[order.id, open.id], &[ASHA_TYPED]);

    let before = app.cache_stats().unwrap();
    assert!(
        before.total_hits > 0 && before.total_bytes > 0,
        "primed: {before:?}"
    );
    let entries: u64 = before.caches.iter().map(|c| c.entries).sum();
    let dump_before = dump(&app);
    let pending_before = before.outbox_pending;
    assert!(pending_before > 0, "there are unsynced sales to protect");

    let report = app.clear_cache().unwrap();
    assert_eq!(
        report.entries_cleared, entries,
        "every cached entry is reported cleared"
    );
    assert_eq!(report.outbox_pending, pending_before, "the outbox is untouched");
    let after = app.cache_stats().unwrap();
    for c in &after.caches {
        assert_eq!(
            (c.hits, c.misses, c.loads, c.entries, c.bytes),
            (0, 0, 0, 0, 0),
            "{} is empty with fresh numbers",
            c.name
        );
        assert!(
            c.invalidations.is_empty(),
            "{}: invalidation counts reset",
            c.name
        );
    }
    assert_eq!(after.outbox_pending, pending_before);
    assert_eq!(dump(&app), dump_before, "clearing the cache never touches SQLite");
    assert_views_match_sqlite(&app, &[order.id, open.id], &[ASHA_TYPED], "after clearing");
}

#[test]
fn cache_stats_count_hits_misses_and_loads() {
    let app = test_app_with_cache(cache_on());
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    app.clear_cache().unwrap();
    for _ in 0..3 {
        app.order(order.id).unwrap();
    }
    let s = stats(&app, "order");
    assert_eq!(
        (s.misses, s.hits, s.loads, s.entries),
        (1, 2, 1, 1),
        "one load, then hits"
    );
    assert!((s.hit_ratio - 2.0 / 3.0).abs() < 1e-9);
    assert!(s.load_max_us > 0.0 && s.load_p50_us <= s.load_max_us, "{s:?}");
    assert!(s.bytes > 0 && s.bytes <= s.capacity_bytes);

    for _ in 0..2 {
        app.calculate_bill(order.id).unwrap();
    }
    let b = stats(&app, "bill");
    assert_eq!((b.misses, b.hits), (1, 1));
    assert_eq!(
        stats(&app, "order").hits,
        4,
        "each bill read looks the order up too"
    );

    // A write may drop the entries it changes or reload them (write-through); either way
    // the next reads are of the new version and each lookup is counted exactly once.
    let pre = stats(&app, "order");
    let changed = add(&app, order.id, "BV-01", "1");
    let (o_before, b_before) = (stats(&app, "order"), stats(&app, "bill"));
    assert_eq!(
        app.order(order.id).unwrap().order.version,
        changed.version,
        "no stale order"
    );
    assert_eq!(
        app.calculate_bill(order.id).unwrap().order_version,
        changed.version,
        "no stale bill"
    );
    let (o_after, b_after) = (stats(&app, "order"), stats(&app, "bill"));
    let lookups = |s: &CacheStats| s.hits + s.misses;
    assert_eq!(
        lookups(&o_after) - lookups(&o_before),
        2,
        "two order lookups, counted once each"
    );
    assert_eq!(lookups(&b_after) - lookups(&b_before), 1, "one bill lookup");
    let invalidations = |s: &CacheStats| s.invalidations.values().sum::<u64>();
    assert!(
        invalidations(&o_after) > invalidations(&pre) || o_after.loads > pre.loads,
        "the write either invalidated the order or reloaded it: {o_after:?}"
    );

    let _ = app.order("0190a000-0000-7000-8000-000000000000".parse().unwrap());
    assert_eq!(
        stats(&app, "order").load_failures,
        1,
        "a missing order is a failed load"
    );
    assert_eq!(stats(&app, "order").entries, 1, "and is not cached");
    let report = app.cache_stats().unwrap();
    assert!(report.enabled);
    assert_eq!(
        report.total_hits,
        report.caches.iter().map(|c| c.hits).sum::<u64>()
    );
    assert_eq!(
        report.total_misses,
        report.caches.iter().map(|c| c.misses).sum::<u64>()
    );
}

#[test]
fn with_caching_off_every_read_is_a_miss_and_nothing_is_kept() {
    let app = test_app_with_cache(cache_off());
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    app.clear_cache().unwrap();
    for _ in 0..3 {
        app.order(order.id).unwrap();
    }
    let s = stats(&app, "order");
    assert_eq!((s.hits, s.misses, s.entries), (0, 3, 0));
    assert!(!s.enabled && !app.cache_stats().unwrap().enabled);
    assert_views_match_sqlite(&app, &[order.id], &[], "caching off");
}

#[test]
fn warm_up_fills_the_profile_the_floor_and_the_summary() {
    let app = test_app_with_cache(cache_on());
    dine_in(&app, "T1");
    dine_in(&app, "T2");
    app.clear_cache().unwrap();
    let report = app.warm_up().unwrap();
    assert_eq!(report.active_orders, 2);
    assert_eq!(report.business_day, TODAY);
    for name in ["profile", "profile_lite", "active_orders", "day_summary"] {
        assert_eq!(stats(&app, name).entries, 1, "warm-up loaded {name}");
    }
    let misses_after_warm_up = app.cache_stats().unwrap().total_misses;
    app.profile().unwrap();
    app.profile_lite().unwrap();
    app.list_orders(&ListOrders::default()).unwrap();
    app.billing_summary(None).unwrap();
    assert_eq!(
        app.cache_stats().unwrap().total_misses,
        misses_after_warm_up,
        "the first screens are served from the warm cache"
    );
}

/// A direct read of everything the threaded test checks, for one order and one phone.
fn assert_fresh(app: &App, order: OrderId, typed_phone: &str, context: &str) {
    assert_eq!(
        *app.order(order).unwrap(),
        direct_order(app, order),
        "{context}: order"
    );
    assert_eq!(
        *app.calculate_bill(order).unwrap(),
        direct_bill(app, order),
        "{context}: bill"
    );
    let page = app
        .list_orders(&ListOrders {
            limit: 200,
            ..Default::default()
        })
        .unwrap();
    let active = direct_active(app);
    assert_eq!(page.total, active.len() as u64, "{context}: active total");
    assert_eq!(page.orders, active, "{context}: active list");
    assert_eq!(
        app.customer_balance(typed_phone).unwrap().balance,
        direct_balance(app, &phone(typed_phone)),
        "{context}: balance"
    );
    assert_eq!(
        *app.billing_summary(Some(TODAY)).unwrap(),
        direct_summary(app, TODAY),
        "{context}: summary"
    );
}

/// Raises the flag when dropped, panics included.
struct StopOnDrop<'a>(&'a AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

#[test]
fn concurrent_readers_never_keep_a_stale_answer() {
    const PHONES: [&str; 4] = ["98450 12345", "99860 54321", "97411 22334", "98860 11223"];
    const WRITES: usize = 200;
    let app = test_app_with_cache(cache_on());
    for (i, p) in PHONES.iter().enumerate() {
        add_customer(&app, p, &format!("Regular {i}"), 1_000_000_00);
    }
    let first = takeaway_for(&app, PHONES[0]);
    add(&app, first.id, "BV-01", "1");
    let orders: Mutex<Vec<OrderId>> = Mutex::new(vec![first.id]);
    let done = AtomicBool::new(false);
    let reads = AtomicU64::new(0);
    let torn = Mutex::new(Vec::<String>::new());

    std::thread::scope(|s| {
        for r in 0..3usize {
            let (app, orders, done, reads, torn) = (&app, &orders, &done, &reads, &torn);
            s.spawn(move || {
                let mut n = 0usize;
                while !done.load(Ordering::Relaxed) {
                    let ids = orders.lock().clone();
                    let id = ids[(n + r) % ids.len()];
                    let o = app.order(id).unwrap();
                    // Every change in this workload bumps the version once and adds one
                    // line or one payment, so a consistent order has exactly this version.
                    let expected = 1 + o.order.lines.len() + o.order.payments.len();
                    if o.order.version as usize != expected {
                        torn.lock().push(format!(
                            "order v{} with {} lines and {} payments",
                            o.order.version,
                            o.order.lines.len(),
                            o.order.payments.len()
                        ));
                    }
                    let b = app.calculate_bill(id).unwrap();
                    assert!(b.bill.reconciles(), "a served bill always adds up");
                    app.list_orders(&ListOrders::default()).unwrap();
                    let bal = app.customer_balance(PHONES[(n + r) % PHONES.len()]).unwrap();
                    let ledger_sum: Money = bal
                        .recent
                        .iter()
                        .map(|e| match e.kind {
                            LedgerKind::Charge => e.amount,
                            LedgerKind::Settlement => -e.amount,
                        })
                        .sum();
                    if bal.recent.len() < 20 && ledger_sum != bal.balance {
                        torn.lock().push(format!(
                            "balance {} but its {} entries sum to {}",
                            bal.balance,
                            bal.recent.len(),
                            ledger_sum
                        ));
                    }
                    if n.is_multiple_of(8) {
                        app.billing_summary(None).unwrap();
                    }
                    n += 1;
                    reads.fetch_add(1, Ordering::Relaxed);
                }
            });
        }

        // Readers stop when the writer is done, also when it fails an assertion (a
        // panic here must fail the test, not leave it waiting for the readers forever).
        let _stop = StopOnDrop(&done);
        // The writer: rounds of open, add lines, pay part by card, pay the rest on the
        // tab, settle part of the tab. One line or one tender per write.
        let mut writes = 0;
        let mut round = 0usize;
        let mut current = first.id;
        while writes < WRITES {
            app.clock().advance_ms(7);
            let typed = PHONES[round % PHONES.len()];
            let step = writes % 8;
            let what;
            match step {
                0 => {
                    let o = takeaway_for(&app, typed);
                    orders.lock().push(o.id);
                    current = o.id;
                    what = "create";
                }
                1..=4 => {
                    add(&app, current, ["ST-01", "BV-01", "MN-01", "BD-04"][step - 1], "1");
                    what = "add line";
                }
                5 => {
                    pay(&app, current, vec![tender(PaymentMethod::Card, 10_00)]).unwrap();
                    what = "card";
                }
                6 => {
                    pay_due(&app, current, PaymentMethod::OnAccount);
                    what = "tab";
                }
                _ => {
                    app.settle_balance(SettleBalance {
                        phone: typed.into(),
                        amount: m(5_00),
                        method: PaymentMethod::Upi,
                        note: None,
                        request_id: None,
                    })
                    .unwrap();
                    round += 1;
                    what = "settle";
                }
            }
            writes += 1;
            assert_fresh(&app, current, typed, &format!("after write {writes} ({what})"));
        }
    });

    let ids = orders.lock().clone();
    assert_views_match_sqlite(&app, &ids, &PHONES, "after the run");
    assert!(
        reads.load(Ordering::Relaxed) > 0,
        "the readers must have raced the writer"
    );
    let report = app.cache_stats().unwrap();
    assert!(report.total_hits > 0, "the readers were served from the cache");
    let torn = torn.into_inner();
    assert!(
        torn.is_empty(),
        "readers saw {} torn values, e.g. {:?}",
        torn.len(),
        torn.first()
    );
}
