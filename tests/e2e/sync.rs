//! Two real tills, a real server on PostgreSQL, real sync drivers.

use std::time::{Duration, Instant};

use pos_app::{AddLine, App, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{OrderType, PaymentMethod, Tender};
use pos_sync::{DriverConfig, SyncDriver};
use pos_testkit::till::sell;
use pos_testkit::{TempTill, TestServer, example_menu, spawn_server, temp_till};

fn driver(t: &TempTill, url: &str, token: String) -> SyncDriver {
    let mut cfg = DriverConfig::new(url, token);
    cfg.engine.backoff_base_ms = 50;
    cfg.engine.backoff_max_ms = 500;
    SyncDriver::spawn(t.app.clone(), cfg)
}

/// `(orders, payments, sum of payments)` on a till.
fn till_totals(app: &App) -> (i64, i64, i64) {
    app.store()
        .read(|c| {
            c.query_row(
                "SELECT (SELECT COUNT(*) FROM orders), (SELECT COUNT(*) FROM payments),
                        (SELECT COALESCE(SUM(amount), 0) FROM payments)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map_err(pos_store::StoreError::from)
        })
        .expect("totals")
}

async fn server_totals(s: &TestServer) -> (i64, i64, i64) {
    (
        s.scalar("SELECT COUNT(*) FROM orders").await,
        s.scalar("SELECT COUNT(*) FROM payments").await,
        s.scalar("SELECT COALESCE(SUM(amount_minor), 0)::BIGINT FROM payments")
            .await,
    )
}

/// Waits (at most `limit`) until both tills and the server hold `want`.
async fn converge(s: &TestServer, a: &TempTill, b: &TempTill, want: (i64, i64, i64), limit: Duration) {
    let t0 = Instant::now();
    loop {
        let (ta, tb, ts) = (till_totals(&a.app), till_totals(&b.app), server_totals(s).await);
        if ta == want && tb == want && ts == want {
            return;
        }
        assert!(
            t0.elapsed() < limit,
            "no convergence within {limit:?}: want {want:?}, till A {ta:?}, till B {tb:?}, server {ts:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tills_each_see_the_others_sales_within_seconds() {
    let mut server = spawn_server().await;
    let org = server.org;
    let (a, b) = (temp_till(), temp_till());
    let da = driver(&a, &server.base, server.enroll(org, "Till A").await);
    let db_ = driver(&b, &server.base, server.enroll(org, "Till B").await);

    let mut money = 0;
    for q in 1..=3 {
        money += sell(&a.app, q).1.minor();
    }
    for q in 1..=2 {
        money += sell(&b.app, q).1.minor();
    }
    converge(&server, &a, &b, (5, 5, money), Duration::from_secs(15)).await;

    // A later sale on B reaches A through the long-poll, within about a second.
    let t0 = Instant::now();
    money += sell(&b.app, 4).1.minor();
    converge(&server, &a, &b, (6, 6, money), Duration::from_secs(5)).await;
    assert!(
        t0.elapsed() < Duration::from_secs(3),
        "live pull took {:?}",
        t0.elapsed()
    );
    assert_eq!(
        a.app.active_orders().map(|v| v.len()).unwrap_or_default(),
        0,
        "all paid orders left the floor on A too (caches invalidated on pull)"
    );
    let status = da.status();
    assert_eq!(status.outbox_depth, 0, "everything pushed: {status:?}");
    assert!(status.last_error.is_none(), "no error left: {status:?}");
    da.stop().await;
    db_.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tills_keep_selling_through_a_server_outage_and_converge_without_duplicates() {
    let mut server = spawn_server().await;
    let org = server.org;
    let (a, b) = (temp_till(), temp_till());
    let da = driver(&a, &server.base, server.enroll(org, "Till A").await);
    let db_ = driver(&b, &server.base, server.enroll(org, "Till B").await);

    let mut money = sell(&a.app, 1).1.minor() + sell(&b.app, 2).1.minor();
    converge(&server, &a, &b, (2, 2, money), Duration::from_secs(15)).await;

    server.stop().await;
    for q in 1..=4 {
        money += sell(&a.app, q).1.minor();
        money += sell(&b.app, q).1.minor();
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        da.status().outbox_depth > 0,
        "while the server is down, sales wait in the outbox: {:?}",
        da.status()
    );
    assert_eq!(
        till_totals(&a.app).0,
        6,
        "till A keeps selling offline (2 synced + 4 new)"
    );

    server.restart().await;
    converge(&server, &a, &b, (10, 10, money), Duration::from_secs(20)).await;
    let day_a = a.app.billing_summary(None).expect("A's day summary");
    let day_b = b.app.billing_summary(None).expect("B's day summary");
    assert_eq!(day_a, day_b, "both tills report the same day");
    assert_eq!(
        day_a.total.minor(),
        money,
        "the day's sales are the sum of what was sold"
    );
    assert_eq!(day_a.bills, 10);
    // The back office reports the same day as each till: the same `pos_core::summary` code
    // over the rows both tills pushed.
    let manager = server.api_token(org, "manager").await;
    let body: serde_json::Value = server
        .http
        .get(format!(
            "{}/billing/summary?day={}",
            server.base, day_a.business_day
        ))
        .bearer_auth(&manager)
        .send()
        .await
        .expect("the summary answers")
        .json()
        .await
        .expect("a JSON body");
    let report: pos_server::backoffice::billing::BillingSummary =
        serde_json::from_value(body).expect("a summary");
    assert_eq!(
        report.day, *day_a,
        "the server's report of both tills is each till's"
    );
    assert_eq!(
        server.scalar("SELECT COUNT(*) FROM processed_mutations").await,
        server
            .scalar("SELECT COUNT(DISTINCT mutation_id) FROM processed_mutations")
            .await,
        "no mutation applied twice"
    );
    da.stop().await;
    db_.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_till_restarted_with_a_full_outbox_pushes_it_once_after_restart() {
    let mut server = spawn_server().await;
    let org = server.org;
    let token_a = server.enroll(org, "Till A").await;
    let (a, b) = (temp_till(), temp_till());
    let db_ = driver(&b, &server.base, server.enroll(org, "Till B").await);

    // Till A sells with no sync running at all (no network), then restarts.
    let mut money = 0;
    for q in 1..=3 {
        money += sell(&a.app, q).1.minor();
    }
    let a = a.reopen();
    assert_eq!(till_totals(&a.app).0, 3, "the restart kept every sale");

    let da = driver(&a, &server.base, token_a);
    converge(&server, &a, &b, (3, 3, money), Duration::from_secs(15)).await;
    assert_eq!(
        server.scalar("SELECT COUNT(*) FROM processed_mutations").await,
        server
            .scalar("SELECT COUNT(DISTINCT mutation_id) FROM processed_mutations")
            .await,
        "no mutation applied twice"
    );
    da.stop().await;
    db_.stop().await;
    server.stop().await;
}

/// `(status, live lines, payments)` of one order on a till.
fn order_state(app: &App, id: pos_core::OrderId) -> Option<(String, i64, i64)> {
    app.store()
        .read(|c| {
            c.query_row(
                "SELECT status, (SELECT COUNT(*) FROM order_lines WHERE order_id = ?1 AND void_reason IS NULL),
                        (SELECT COUNT(*) FROM payments WHERE order_id = ?1)
                 FROM orders WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .map(Some)
            .or_else(|e| match e {
                rusqlite::Error::QueryReturnedNoRows => Ok(None),
                e => Err(e),
            })
            .map_err(pos_store::StoreError::from)
        })
        .expect("order state")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tills_editing_one_order_offline_converge_with_paid_winning() {
    let mut server = spawn_server().await;
    let org = server.org;
    let (a, b) = (temp_till(), temp_till());
    let da = driver(&a, &server.base, server.enroll(org, "Till A").await);
    let db_ = driver(&b, &server.base, server.enroll(org, "Till B").await);

    let order = a
        .app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            ..NewOrder::default()
        })
        .expect("an order");
    let sku = example_menu()[0].sku.clone();
    let line = |qty: &str| AddLine {
        order_id: order.id,
        sku: sku.clone(),
        qty: qty.into(),
        discount: None,
        note: None,
        request_id: None,
    };
    a.app.add_line(line("1")).expect("a line");
    let t0 = Instant::now();
    while order_state(&b.app, order.id).map(|s| s.1) != Some(1) {
        assert!(t0.elapsed() < Duration::from_secs(10), "B never saw A's order");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Offline: A takes the money, B adds a line to the same order.
    server.stop().await;
    let due = a.app.calculate_bill(order.id).expect("bill").due;
    a.app
        .record_payment(RecordPayment {
            order_id: order.id,
            tenders: vec![Tender {
                method: PaymentMethod::Cash,
                amount: due,
                reference: None,
            }],
            request_id: None,
        })
        .expect("A is paid");
    b.app.add_line(line("2")).expect("B adds a line while open on B");
    server.restart().await;

    let t0 = Instant::now();
    loop {
        let (sa, sb) = (order_state(&a.app, order.id), order_state(&b.app, order.id));
        if sa == sb && sa.as_ref().is_some_and(|s| s.0 == "paid") {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "no convergence: A {sa:?}, B {sb:?}, B status {:?}",
            db_.status()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let server_lines = server
        .scalar(&format!(
            "SELECT COUNT(*) FROM order_lines WHERE id IS NOT NULL AND order_id = '{}' AND NOT voided",
            order.id
        ))
        .await;
    assert_eq!(
        Some(server_lines),
        order_state(&a.app, order.id).map(|s| s.1),
        "the server holds the same lines as both tills"
    );
    da.stop().await;
    db_.stop().await;
    server.stop().await;
}

fn fast(cfg: &mut DriverConfig) {
    cfg.engine.backoff_base_ms = 50;
    cfg.engine.backoff_max_ms = 500;
}

async fn wait_for(what: &str, limit: Duration, mut ok: impl FnMut() -> bool) {
    let t0 = Instant::now();
    while !ok() {
        assert!(t0.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Till B is enrolled through `pos_sync::Link` (as the desktop does), edits an order that
/// till A paid while the server was down, and pushes after A: the server rejects B's edit;
/// B stores the rejection with the ack, keeps it across a restart of its link, shows it
/// until the cashier acknowledges it, and adopts the server's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_offline_edit_is_stored_on_the_till_and_shown_until_acknowledged() {
    let mut server = spawn_server().await;
    let org = server.org;
    let (a, b) = (temp_till(), temp_till());
    let da = driver(&a, &server.base, server.enroll(org, "Till A").await);

    let link = pos_sync::Link::with_tuning(b.app.clone(), fast);
    assert_eq!(
        link.status().await.expect("status").state,
        pos_sync::Connectivity::NotConfigured,
        "a new till is offline-only"
    );
    let bad = link
        .enroll(&server.base, "not-a-code")
        .await
        .expect_err("an unknown code is refused");
    assert_eq!(
        bad.field.as_deref(),
        Some("code"),
        "shown next to the code field: {bad:?}"
    );
    let nowhere = link
        .enroll("http://127.0.0.1:9", "whatever")
        .await
        .expect_err("nothing listens there");
    assert_eq!(nowhere.field.as_deref(), Some("server_url"), "{nowhere:?}");
    let code = server.enrollment_code(org).await;
    let view = link
        .enroll(&format!("{}/", server.base), &code)
        .await
        .expect("B enrolls");
    assert_eq!(view.server_url.as_deref(), Some(server.base.as_str()));
    let stored = b
        .app
        .store()
        .read(pos_store::sync_config::load)
        .expect("read")
        .expect("the enrollment is stored in the till's SQLite");
    assert_eq!(stored.device_token.len(), 64, "the token from the server");
    assert!(
        !serde_json::to_string(&view)
            .expect("json")
            .contains(&stored.device_token),
        "the view the UI gets never carries the token"
    );

    let order = a
        .app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            ..NewOrder::default()
        })
        .expect("an order");
    let sku = example_menu()[0].sku.clone();
    let line = |qty: &str| AddLine {
        order_id: order.id,
        sku: sku.clone(),
        qty: qty.into(),
        discount: None,
        note: None,
        request_id: None,
    };
    a.app.add_line(line("1")).expect("a line");
    wait_for("B to see A's order", Duration::from_secs(10), || {
        order_state(&b.app, order.id).map(|s| s.1) == Some(1)
    })
    .await;

    server.stop().await;
    let due = a.app.calculate_bill(order.id).expect("bill").due;
    a.app
        .record_payment(RecordPayment {
            order_id: order.id,
            tenders: vec![Tender {
                method: PaymentMethod::Cash,
                amount: due,
                reference: None,
            }],
            request_id: None,
        })
        .expect("A is paid");
    b.app.add_line(line("2")).expect("B adds a line while offline");
    // B's till closes before the network returns; A pushes its payment first.
    link.stop().await;
    server.restart().await;
    wait_for("A to push its payment", Duration::from_secs(20), || {
        a.app
            .store()
            .read(pos_store::outbox::pending_count)
            .expect("depth")
            == 0
    })
    .await;

    // B starts again: the link finds its enrollment in SQLite.
    let link = pos_sync::Link::with_tuning(b.app.clone(), fast);
    assert!(
        link.start().await.expect("start"),
        "the stored enrollment is used"
    );
    wait_for("B's rejection", Duration::from_secs(20), || {
        !b.app.sync_rejections().expect("rejections").is_empty()
    })
    .await;
    let rejections = b.app.sync_rejections().expect("rejections");
    assert_eq!(rejections.len(), 1, "one edit was refused: {rejections:?}");
    let r = &rejections[0];
    assert_eq!(r.intent, "order.add_line");
    assert_eq!(r.order_id, Some(order.id));
    assert_eq!(
        r.order_number,
        Some(i64::from(order.number)),
        "B knows the order's number"
    );
    assert!(
        r.reason.contains("paid"),
        "the cashier is told why: {:?}",
        r.reason
    );
    assert_eq!(
        order_state(&b.app, order.id).map(|s| (s.0, s.1)),
        Some(("paid".to_owned(), 1)),
        "B adopted the server's order in the same transaction"
    );
    let status = link.status().await.expect("status");
    assert_eq!(status.rejections, 1, "the badge counts it: {status:?}");
    assert_eq!(
        status.outbox_depth, 0,
        "the rejected edit does not block the queue"
    );

    b.app.acknowledge_rejection(r.mutation_id).expect("acknowledged");
    assert!(
        b.app.sync_rejections().expect("rejections").is_empty(),
        "dismissed"
    );
    assert_eq!(link.status().await.expect("status").rejections, 0);
    let kept = b
        .app
        .store()
        .read(|c| pos_store::rejections::recent(c, 10))
        .expect("history");
    assert_eq!(kept.len(), 1, "kept as a record after acknowledgement");

    let off = link.disconnect().await.expect("disconnect");
    assert_eq!(off.state, pos_sync::Connectivity::NotConfigured);
    assert!(
        b.app
            .store()
            .read(pos_store::sync_config::load)
            .expect("read")
            .is_none(),
        "the token is forgotten"
    );
    da.stop().await;
    server.stop().await;
}
