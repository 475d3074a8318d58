//! A request id makes a write happen once: double clicks and retries after a lost answer.

use pos_app::{ErrorCode, RecordPayment, SettleBalance};
use pos_core::order::NewOrder;
use pos_core::{OrderType, PaymentMethod};
use uuid::Uuid;

use crate::support::*;

#[test]
fn a_repeated_create_order_request_opens_one_order() {
    let app = test_app();
    let new = NewOrder {
        order_type: Some(OrderType::Takeaway),
        request_id: Some(Uuid::now_v7()),
        ..NewOrder::default()
    };
    let first = app.create_order(new.clone()).expect("first tap opens the order");
    let before = counts(&app);
    let again = app
        .create_order(new)
        .expect("the second tap is answered, not refused");
    assert_eq!(again, first, "the repeat returns the first result");
    assert_eq!(counts(&app), before, "the repeat writes nothing, outbox included");
}

#[test]
fn a_repeated_add_line_request_adds_one_line() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    let mut input = line(order.id, "MV-01", "1");
    input.request_id = Some(Uuid::now_v7());
    app.add_line(input.clone()).expect("first scan adds");
    app.add_line(input).expect("the repeated scan is answered");
    assert_eq!(
        direct_order(&app, order.id).order.lines.len(),
        1,
        "one scan event, one line"
    );
    let distinct = line(order.id, "MV-01", "1");
    app.add_line(distinct)
        .expect("a new action (no request id) adds another");
    assert_eq!(direct_order(&app, order.id).order.lines.len(), 2);
}

#[test]
fn a_payment_retried_after_a_lost_answer_is_recorded_once() {
    let app = test_app();
    let order = dine_in(&app, "T2");
    add(&app, order.id, "MN-01", "2");
    let due = app.calculate_bill(order.id).expect("bill").due;
    // A partial payment: without the key, a retry would take a second one.
    let input = RecordPayment {
        order_id: order.id,
        tenders: vec![tender(PaymentMethod::Card, due.minor() / 2)],
        request_id: Some(Uuid::now_v7()),
    };
    let first = app.record_payment(input.clone()).expect("first attempt");
    let outbox_before = outbox_rows(&app).len();
    let retry = app
        .record_payment(input)
        .expect("the retry gets the stored answer");
    assert_eq!(retry, first, "same receipt");
    assert_eq!(
        direct_order(&app, order.id).order.payments.len(),
        1,
        "one payment, not two"
    );
    assert_eq!(
        outbox_rows(&app).len(),
        outbox_before,
        "no second payment.record in the outbox"
    );
}

#[test]
fn a_request_id_reused_for_different_content_is_refused_and_changes_nothing() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha", 500_000);
    let order = takeaway_for(&app, ASHA_TYPED);
    add(&app, order.id, "MV-01", "1");
    pay_due(&app, order.id, PaymentMethod::OnAccount);
    let id = Some(Uuid::now_v7());
    app.settle_balance(SettleBalance {
        phone: ASHA_TYPED.into(),
        amount: m(50_00),
        method: PaymentMethod::Cash,
        note: None,
        request_id: id,
    })
    .expect("first settlement");
    let err = refused_unchanged(&app, ErrorCode::Conflict, "reused request id", || {
        app.settle_balance(SettleBalance {
            phone: ASHA_TYPED.into(),
            amount: m(60_00),
            method: PaymentMethod::Cash,
            note: None,
            request_id: id,
        })
    });
    assert!(
        err.message.contains("request id"),
        "the message says why: {err:?}"
    );
}
