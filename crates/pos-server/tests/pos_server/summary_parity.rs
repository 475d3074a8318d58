//! The server's day summary equals the till's, field by field: a real till (SQLite, its
//! own clock) sells through a business day and past its end, pushes, and both reports of
//! each day are compared.

use std::sync::Arc;

use pos_app::Actor;
use pos_app::staff::VoidLine;
use pos_app::{AddLine, App, CustomerInput, ManualClock, RecordPayment, SettleBalance};
use pos_core::order::NewOrder;
use pos_core::{Discount, Money, OrderId, OrderStatus, OrderType, PaymentMethod, Percent, Tender};
use pos_protocol::sync::PullResponse;
use pos_server::backoffice::billing::BillingSummary;
use pos_testkit::till::outbox_push;
use pos_testkit::{Contents, NOON_IST_MS, TillOptions, example_menu, spawn_server};

// NOON_IST_MS: 2026-11-24 12:00 in India (+05:30); the example profile's business day
// starts at 04:00.
const HOUR: i64 = 3_600_000;
const PHONE: &str = "98765 43210";

fn sku(i: usize) -> String {
    example_menu()[i].sku.as_str().to_string()
}

fn open(app: &App, phone: Option<&str>, items: &[usize]) -> OrderId {
    let order = app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            customer_phone: phone.map(String::from),
            ..Default::default()
        })
        .expect("an order opens");
    for &i in items {
        app.add_line(AddLine {
            order_id: order.id,
            sku: sku(i),
            qty: "2".into(),
            discount: None,
            note: None,
            request_id: None,
        })
        .expect("a line");
    }
    order.id
}

fn pay(app: &App, id: OrderId, tenders: &[(PaymentMethod, Option<i64>)]) {
    let due = app.calculate_bill(id).expect("a bill").due;
    let tenders = tenders
        .iter()
        .map(|(method, amount)| Tender {
            method: *method,
            amount: amount.map_or(due, Money::from_minor),
            reference: None,
        })
        .collect();
    app.record_payment(RecordPayment {
        order_id: id,
        tenders,
        request_id: None,
    })
    .expect("the payment is taken");
}

#[tokio::test]
async fn the_servers_day_summary_equals_the_tills_field_by_field() {
    let mut server = spawn_server().await;
    let device = server.enroll(server.org, "Till 1").await;
    // One clock for both tills of the organisation.
    let clock = Arc::new(ManualClock::new(NOON_IST_MS));
    let app = TillOptions {
        clock: Some(clock.clone()),
        ..TillOptions::default()
    }
    .open();
    app.upsert_customer(CustomerInput {
        phone: PHONE.into(),
        name: "Asha".into(),
        credit_limit: Money::from_minor(5_000_00),
    })
    .expect("a customer with a tab");
    let day = app.today().expect("a day");

    // Cash, with change.
    let a = open(&app, None, &[0, 1]);
    pay(&app, a, &[(PaymentMethod::Cash, Some(10_000_00))]);
    clock.advance_ms(60_000);
    // A voided line, a 10% order discount, card.
    let b = open(&app, None, &[0, 2, 3]);
    let line = app.order(b).expect("the order").order.lines[1].id;
    app.void_line(Actor::System, VoidLine::new(b, line, "customer changed mind"))
        .expect("a void");
    app.set_order_discount(b, Some(Discount::Percent(Percent::from_bps(1000).expect("10%"))))
        .expect("a discount");
    pay(&app, b, &[(PaymentMethod::Card, None)]);
    clock.advance_ms(60_000);
    // Part on the customer's tab, the rest in cash.
    let c = open(&app, Some(PHONE), &[4]);
    pay(
        &app,
        c,
        &[
            (PaymentMethod::OnAccount, Some(100_00)),
            (PaymentMethod::Cash, None),
        ],
    );
    // A voided order and an order left open.
    let d = open(&app, None, &[1, 2]);
    app.set_status(d, OrderStatus::Void).expect("the order is voided");
    let _open = open(&app, None, &[5]);
    // Opened at 23:30 and paid at 01:00: after midnight, still the same business day.
    clock.set(NOON_IST_MS + 11 * HOUR + HOUR / 2);
    let e = open(&app, None, &[6]);
    clock.set(NOON_IST_MS + 13 * HOUR);
    pay(&app, e, &[(PaymentMethod::Upi, None)]);
    // Opened at 03:30, half paid then; the rest at 04:30, which is the next business day.
    clock.set(NOON_IST_MS + 15 * HOUR + HOUR / 2);
    let f = open(&app, None, &[0, 7]);
    pay(&app, f, &[(PaymentMethod::Cash, Some(100_00))]);
    clock.set(NOON_IST_MS + 16 * HOUR + HOUR / 2);
    pay(&app, f, &[(PaymentMethod::Card, None)]);
    // The tab is settled in part the next day.
    app.settle_balance(SettleBalance {
        phone: PHONE.into(),
        amount: Money::from_minor(60_00),
        method: PaymentMethod::Upi,
        note: None,
        request_id: None,
    })
    .expect("a settlement");
    let next = app.today().expect("the next day");
    assert_ne!(day, next, "04:30 is the next business day");

    let resp = server.push(&device, &outbox_push(&app)).await;
    assert_eq!(resp.status(), 200, "the outbox is accepted");
    let manager = server.api_token(server.org, "manager").await;
    let base = server.base.clone();
    for d in [&day, &next] {
        let till = app.billing_summary(Some(d)).expect("the till's summary");
        let (s, body) = server
            .get_json(&base, &format!("/billing/summary?day={d}"), &manager)
            .await;
        assert_eq!(s, 200, "{body}");
        let ours: BillingSummary = serde_json::from_value(body).expect("a summary");
        assert_eq!(ours.day, *till, "the server's report of {d} is the till's");
        // Asked again (from the cache when caching is on): still the same.
        let (_, again) = server
            .get_json(&base, &format!("/billing/summary?day={d}"), &manager)
            .await;
        assert_eq!(
            serde_json::from_value::<BillingSummary>(again)
                .expect("a summary")
                .day,
            *till
        );
    }

    // Another till of the organisation pulls these sales and reports the same days.
    let other = TillOptions {
        contents: Contents::Bare,
        clock: Some(clock.clone()),
        ..TillOptions::default()
    }
    .open();
    let other_token = server.enroll(server.org, "Till 2").await;
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let page: PullResponse = server
            .pull(&other_token, cursor.as_deref(), 0)
            .await
            .json()
            .await
            .expect("a pull page");
        other
            .apply_pull(cursor.as_deref(), &page)
            .expect("the pulled batch applies");
        cursor = Some(page.cursor.clone());
        if !page.has_more {
            break;
        }
    }
    for d in [&day, &next] {
        assert_eq!(
            other.billing_summary(Some(d)).expect("the second till's summary"),
            app.billing_summary(Some(d)).expect("the first till's summary"),
            "a till that pulled the sales reports {d} like the till that made them"
        );
    }

    // The comparison covers what it claims to.
    let first = app.billing_summary(Some(&day)).expect("summary");
    assert_eq!(first.bills, 4, "a, b, c and e were settled on the first day");
    assert_eq!(
        (first.orders_void, first.orders_open, first.voided_lines),
        (1, 1, 1)
    );
    assert!(first.discounts.is_positive(), "b's discount counts");
    assert!(
        first
            .payments
            .iter()
            .any(|p| p.method == PaymentMethod::OnAccount),
        "the on-account part is a payment method: {:?}",
        first.payments
    );
    let second = app.billing_summary(Some(&next)).expect("summary");
    assert_eq!(second.bills, 1, "f's bill counts on the day of its last payment");
    assert_eq!(
        second.settlements.len(),
        1,
        "the settlement counts on the day it was received"
    );
    assert!(
        first.payments.iter().any(|p| p.method == PaymentMethod::Cash)
            && second.payments.iter().any(|p| p.method == PaymentMethod::Card),
        "f's two payments count on their own days"
    );
    server.stop().await;
}
