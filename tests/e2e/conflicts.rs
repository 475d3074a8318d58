//! What the sync rules cannot merge reaches people, on two real tills and a real server:
//! the two divergences issue 10 reported, reproduced end to end.
//!
//! - Two tills take payment for one order while offline: both payments are kept, the bill
//!   the server recorded first is the order's on every copy, the other is kept superseded
//!   (its number never reused), and the excess shows on both tills and in the back office.
//! - A discount that reached the server while the order was open, on a till whose copy is
//!   already paid: applied there too (not dropped), and the paid bill's mismatch is flagged
//!   on every copy.

use std::time::{Duration, Instant};

use pos_app::{AddLine, App, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{
    Discount, Money, OrderId, OrderRecord, OrderStatus, OrderType, PaymentMethod, Percent, Tender,
};
use pos_sync::{DriverConfig, SyncDriver};
use pos_testkit::{TempTill, TestServer, example_menu, spawn_server, temp_till};

fn driver(t: &TempTill, url: &str, token: &str) -> SyncDriver {
    let mut cfg = DriverConfig::new(url, token);
    cfg.engine.backoff_base_ms = 50;
    cfg.engine.backoff_max_ms = 500;
    SyncDriver::spawn(t.app.clone(), cfg)
}

/// An order on `app` with one line of the menu's first item.
fn open_with_a_line(app: &App) -> OrderId {
    let order = app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            ..NewOrder::default()
        })
        .expect("an order");
    app.add_line(AddLine {
        order_id: order.id,
        sku: example_menu()[0].sku.clone(),
        qty: "2".into(),
        discount: None,
        note: None,
        request_id: None,
    })
    .expect("a line");
    order.id
}

/// Pays what `app` thinks is due, in cash; returns the invoice number it printed.
fn pay_in_full(app: &App, id: OrderId) -> String {
    let due = app.calculate_bill(id).expect("a bill").due;
    app.record_payment(RecordPayment {
        order_id: id,
        tenders: vec![Tender {
            method: PaymentMethod::Cash,
            amount: due,
            reference: None,
        }],
        request_id: None,
    })
    .expect("paid")
    .invoice_no
    .expect("paid in full: an invoice number")
}

async fn wait_for(what: &str, limit: Duration, mut ok: impl AsyncFnMut() -> bool) {
    let t0 = Instant::now();
    while !ok().await {
        assert!(t0.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The server's record of an order, through the back office.
async fn server_record(server: &TestServer, manager: &str, id: OrderId) -> Option<OrderRecord> {
    let (status, body) = server
        .get_json(&server.base, &format!("/orders/{id}"), manager)
        .await;
    (status == 200).then(|| serde_json::from_value(body).expect("GET /orders/{id} is an order record"))
}

/// The replicated fields of two records (not `version` and `updated_at_ms`: local).
fn replicated(r: &OrderRecord) -> impl PartialEq + std::fmt::Debug + '_ {
    (
        r.order.status,
        &r.order.lines,
        r.order.discount,
        &r.order.payments,
        &r.bill,
        &r.superseded,
        r.bill_mismatch,
        r.excess(),
    )
}

fn record(t: &TempTill, id: OrderId) -> OrderRecord {
    (*t.app.order(id).expect("the till has the order")).clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tills_paying_one_order_offline_keep_both_payments_and_show_the_excess_everywhere() {
    let mut server = spawn_server().await;
    let org = server.org;
    let manager = server.api_token(org, "manager").await;
    let (a, b) = (temp_till(), temp_till());
    let (ta, tb) = (
        server.enroll(org, "Till A").await,
        server.enroll(org, "Till B").await,
    );
    let (da, db_) = (driver(&a, &server.base, &ta), driver(&b, &server.base, &tb));
    let id = open_with_a_line(&a.app);
    wait_for(
        "B has A's order with its line",
        Duration::from_secs(15),
        async || b.app.order(id).is_ok_and(|r| r.order.lines.len() == 1),
    )
    .await;

    // The internet goes: both cashiers take the whole bill from the guest.
    server.stop().await;
    let invoice_a = pay_in_full(&a.app, id);
    let invoice_b = pay_in_full(&b.app, id);
    assert_ne!(invoice_a, invoice_b, "each till prints its own number");
    let total = record(&a, id).bill.expect("A's bill").bill.total;
    server.restart().await;

    // Both copies and the server's end equal, field by field.
    wait_for(
        "both tills equal the server",
        Duration::from_secs(30),
        async || {
            let Some(s) = server_record(&server, &manager, id).await else {
                return false;
            };
            let (ra, rb) = (record(&a, id), record(&b, id));
            s.order.payments.len() == 2
                && replicated(&ra) == replicated(&s)
                && replicated(&rb) == replicated(&s)
        },
    )
    .await;
    let s = server_record(&server, &manager, id).await.expect("the order");
    assert_eq!(s.order.status, OrderStatus::Paid);
    assert_eq!(
        s.order.payments.len(),
        2,
        "both payments are real money: both kept"
    );
    let kept = s.invoice_no().expect("the order's bill").to_owned();
    assert!(
        kept == invoice_a || kept == invoice_b,
        "the order's bill is one the tills printed: {kept}"
    );
    let lost = if kept == invoice_a { &invoice_b } else { &invoice_a };
    assert_eq!(
        s.superseded
            .iter()
            .map(|b| b.invoice_no.as_str())
            .collect::<Vec<_>>(),
        vec![lost.as_str()],
        "the other till's bill is kept as superseded"
    );
    assert_eq!(s.excess(), total, "the whole second payment is due back");

    // Shown to the people who must act: both tills' bill views, the back office's list.
    for (name, t) in [("A", &a), ("B", &b)] {
        let view = t.app.calculate_bill(id).expect("the bill view");
        assert_eq!(view.excess, total, "till {name} shows the money to give back");
        assert_eq!(
            view.invoice_no.as_deref(),
            Some(kept.as_str()),
            "till {name} shows the server's invoice"
        );
        assert_eq!(
            view.superseded,
            vec![lost.clone()],
            "till {name} lists the superseded number"
        );
    }
    let (status, page) = server
        .get_json(&server.base, "/orders?attention=true", &manager)
        .await;
    assert_eq!(status, 200);
    let rows = page["orders"].as_array().expect("orders");
    assert_eq!(
        rows.len(),
        1,
        "the back office lists the order that needs a person: {page}"
    );
    assert_eq!(rows[0]["id"], id.to_string());
    assert_eq!(rows[0]["excess"], total.minor(), "with its amount");
    // A later sale on A must not reuse either number.
    let next = open_with_a_line(&a.app);
    let n = pay_in_full(&a.app, next);
    assert!(
        n != invoice_a && n != invoice_b,
        "invoice numbers are never reused: {n}"
    );
    da.stop().await;
    db_.stop().await;
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discount_that_reached_the_server_first_is_on_the_copy_a_till_had_already_paid() {
    let mut server = spawn_server().await;
    let org = server.org;
    let manager = server.api_token(org, "manager").await;
    let (a, b) = (temp_till(), temp_till());
    let (ta, tb) = (
        server.enroll(org, "Till A").await,
        server.enroll(org, "Till B").await,
    );
    let (da, db_) = (driver(&a, &server.base, &ta), driver(&b, &server.base, &tb));
    let id = open_with_a_line(&a.app);
    wait_for(
        "B has A's order with its line",
        Duration::from_secs(15),
        async || b.app.order(id).is_ok_and(|r| r.order.lines.len() == 1),
    )
    .await;

    // Till A loses its network; B gives 10% off, which reaches the server at once.
    da.stop().await;
    let ten = Discount::Percent(Percent::from_bps(1000).expect("10%"));
    b.app.set_order_discount(id, Some(ten)).expect("B's discount");
    wait_for(
        "the server has B's discount",
        Duration::from_secs(15),
        async || {
            server_record(&server, &manager, id)
                .await
                .is_some_and(|s| s.order.discount.is_some())
        },
    )
    .await;
    // A, offline, takes the full amount it knows of.
    pay_in_full(&a.app, id);
    let paid = record(&a, id).bill.expect("A's bill").bill.total;
    let da = driver(&a, &server.base, &ta);

    wait_for(
        "both tills equal the server",
        Duration::from_secs(30),
        async || {
            let Some(s) = server_record(&server, &manager, id).await else {
                return false;
            };
            let (ra, rb) = (record(&a, id), record(&b, id));
            s.order.status == OrderStatus::Paid
                && replicated(&ra) == replicated(&s)
                && replicated(&rb) == replicated(&s)
        },
    )
    .await;
    let s = server_record(&server, &manager, id).await.expect("the order");
    assert_eq!(
        s.order.discount,
        Some(ten),
        "the discount is on every copy, not dropped"
    );
    assert_eq!(
        s.bill.as_ref().map(|b| b.bill.total),
        Some(paid),
        "the bill is what the guest paid"
    );
    assert!(
        s.bill_mismatch,
        "the paid bill no longer matches the order: flagged"
    );
    let view = a.app.calculate_bill(id).expect("A's bill view");
    assert!(view.bill_mismatch, "and shown on the till that took the money");
    assert_eq!(view.excess, Money::ZERO, "nothing was paid twice");
    da.stop().await;
    db_.stop().await;
    server.stop().await;
}
