//! Every write appends exactly one outbox row, with its intent, in sequence; a refused
//! write appends none.

use pos_app::Actor;
use pos_app::staff::VoidLine;
use pos_app::{CustomerInput, ErrorCode, SettleBalance};
use pos_core::{Discount, OrderStatus, PaymentMethod};
use pos_protocol::Mutation;

use crate::support::*;

/// Runs `write` and checks it appended exactly one row, with `intent` and the next seq.
#[track_caller]
fn appends_one<T>(app: &TempTill, intent: &str, write: impl FnOnce() -> pos_app::Result<T>) -> (T, Mutation) {
    let before = outbox_rows(app);
    let last = before.last().map_or(0, |r| r.0);
    let out = write().unwrap_or_else(|e| panic!("{intent}: the write must succeed: {e:?}"));
    let after = outbox_rows(app);
    assert_eq!(
        after.len(),
        before.len() + 1,
        "{intent}: exactly one outbox row per write"
    );
    assert_eq!(
        after[..before.len()],
        before[..],
        "{intent}: earlier rows are untouched"
    );
    let (seq, got) = after.last().unwrap();
    assert_eq!(*seq, last + 1, "{intent}: the sequence goes up by one");
    assert_eq!(got, intent, "{intent}: the row carries the use case's intent");
    let entry = pending_outbox(app).pop().expect("the new row is pending");
    assert_eq!(entry.seq, *seq);
    assert_eq!(entry.created_at_ms, app.now_ms(), "stamped with the till's clock");
    let mutation = entry
        .mutation()
        .expect("the payload decodes back into its mutation");
    assert_eq!(mutation.intent(), intent);
    (out, mutation)
}

#[test]
fn every_write_use_case_appends_one_outbox_row_with_its_intent() {
    let app = bare_app();
    appends_one(&app, "profile.update", || {
        app.update_profile(Actor::System, pos_testkit::example_profile())
    });
    appends_one(&app, "menu.upsert", || {
        app.import_menu(pos_testkit::example_menu())
    });
    let (_, m_customer) = appends_one(&app, "customer.upsert", || {
        app.upsert_customer(CustomerInput {
            phone: ASHA_TYPED.into(),
            name: "Asha Rao".into(),
            credit_limit: m(5_000_00),
        })
    });
    let Mutation::CustomerUpsert { customer } = m_customer else {
        panic!("customer.upsert carries the customer")
    };
    assert_eq!(
        customer.phone.e164(),
        ASHA_E164,
        "the wire carries the normalised phone"
    );

    let (order, m_create) = appends_one(&app, "order.create", || takeaway_for_result(&app));
    assert!(matches!(m_create, Mutation::OrderCreate { order: ref o } if o.id == order.id));
    let (with_line, m_line) = appends_one(&app, "order.add_line", || {
        app.add_line(line(order.id, "ST-01", "2"))
    });
    let Mutation::OrderAddLine {
        order_id,
        line: wire_line,
    } = m_line
    else {
        panic!("order.add_line carries the line")
    };
    assert_eq!(
        (order_id, *wire_line),
        (order.id, with_line.lines[0].clone()),
        "the full line travels"
    );
    let (with_two, _) = appends_one(&app, "order.add_line", || {
        app.add_line(line(order.id, "BV-01", "1"))
    });
    appends_one(&app, "order.void_line", || {
        app.void_line(
            Actor::System,
            VoidLine::new(order.id, with_two.lines[1].id, "not wanted"),
        )
    });
    appends_one(&app, "order.set_discount", || {
        app.set_order_discount(order.id, Some(Discount::Amount(m(10_00))))
    });
    appends_one(&app, "order.set_status", || {
        app.set_status(order.id, OrderStatus::Billed)
    });
    let (receipt, m_pay) = appends_one(&app, "payment.record", || {
        pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 200_00)])
    });
    let Mutation::PaymentRecord {
        payments,
        bill,
        ledger,
        ..
    } = m_pay
    else {
        panic!("payment.record carries the payments")
    };
    assert_eq!(payments, receipt.payments);
    assert!(bill.is_none(), "a partial payment carries no bill snapshot");
    assert_eq!(ledger.len(), 1, "the tab charge travels with the payment");
    let (paid, m_paid) = appends_one(&app, "payment.record", || {
        pay(&app, order.id, vec![tender(PaymentMethod::Cash, 500_00)])
    });
    let Mutation::PaymentRecord { bill, invoice_no, .. } = m_paid else {
        panic!("payment.record")
    };
    assert!(
        bill.is_some(),
        "the payment that pays the order carries the bill snapshot"
    );
    assert_eq!(invoice_no, paid.invoice_no);
    appends_one(&app, "ledger.settle", || {
        app.settle_balance(SettleBalance {
            phone: ASHA_TYPED.into(),
            amount: m(50_00),
            method: PaymentMethod::Cash,
            note: None,
            request_id: None,
        })
    });

    let rows = outbox_rows(&app);
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=rows.len() as i64).collect::<Vec<_>>(),
        "sequence numbers are 1, 2, 3, ... with no gap"
    );
    assert_eq!(
        app.cache_stats().unwrap().outbox_pending,
        rows.len() as i64,
        "all of them wait for sync"
    );
}

fn takeaway_for_result(app: &TempTill) -> pos_app::Result<pos_core::Order> {
    app.create_order(pos_core::order::NewOrder {
        order_type: Some(pos_core::OrderType::Takeaway),
        customer_phone: Some("+91 98450 12345".into()),
        ..Default::default()
    })
}

#[test]
fn refused_writes_append_nothing_to_the_outbox() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    let before = outbox_rows(&app);
    let _ = expect_code(app.add_line(line(order.id, "ZZ-1", "1")), ErrorCode::Validation);
    let _ = expect_code(app.set_status(order.id, OrderStatus::Paid), ErrorCode::Conflict);
    let _ = expect_code(
        pay(&app, order.id, vec![tender(PaymentMethod::Card, 1_000_00)]),
        ErrorCode::Validation,
    );
    let _ = expect_code(
        pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 10_00)]),
        ErrorCode::Validation,
    );
    let _ = expect_code(app.customer_balance("12"), ErrorCode::Validation);
    assert_eq!(outbox_rows(&app), before, "no refused write reaches the outbox");
    let (_, _) = appends_one(&app, "order.add_line", || {
        app.add_line(line(order.id, "BV-01", "1"))
    });
    assert_eq!(
        outbox_rows(&app).last().unwrap().0,
        before.last().unwrap().0 + 1,
        "the refusals burned no sequence numbers"
    );
}

#[test]
fn reads_append_nothing_to_the_outbox() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    let before = outbox_rows(&app);
    app.order(order.id).unwrap();
    app.calculate_bill(order.id).unwrap();
    app.list_orders(&Default::default()).unwrap();
    app.billing_summary(None).unwrap();
    app.profile().unwrap();
    app.list_menu(false).unwrap();
    app.warm_up().unwrap();
    app.cache_stats().unwrap();
    app.clear_cache().unwrap();
    assert_eq!(
        outbox_rows(&app),
        before,
        "reads and cache administration are not sales"
    );
}
