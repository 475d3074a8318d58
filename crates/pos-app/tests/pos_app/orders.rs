//! Orders from opening to paid: lines, voids, kitchen, bill, split payment, invoice.

use pos_app::Actor;
use pos_app::staff::VoidLine;
use pos_app::{ErrorCode, ListOrders};
use pos_core::bill::TaxComponent;
use pos_core::{Discount, OrderStatus, PaymentMethod, Percent};

use crate::support::*;

#[test]
fn an_order_takes_lines_voids_one_and_sends_the_rest_to_the_kitchen() {
    let app = test_app();
    let order = dine_in(&app, "T4");
    assert_eq!(order.status, OrderStatus::Open, "a new order is open");
    assert_eq!(order.number, 1, "the first order of the day is #1");
    assert_eq!(order.business_day, TODAY);

    add(&app, order.id, "ST-01", "2");
    let with_two = add(&app, order.id, "bd-04", "3");
    assert_eq!(with_two.lines.len(), 2);
    assert_eq!(
        with_two.lines[1].sku.as_str(),
        "BD-04",
        "SKUs are matched case-insensitively"
    );
    assert_eq!(
        with_two.lines[0].unit_price,
        m(280_00),
        "the line copies the menu price"
    );
    assert_eq!(with_two.lines[0].tax_class, "GST5");

    let voided = app
        .void_line(
            Actor::System,
            VoidLine::new(order.id, with_two.lines[1].id, "guest changed their mind"),
        )
        .expect("an unsent line can be voided");
    assert!(
        voided.lines[1].void.is_some(),
        "the voided line stays, struck out"
    );
    assert_eq!(voided.lines.len(), 2, "voiding never deletes a line");

    let sent = app
        .set_status(order.id, OrderStatus::SentToKitchen)
        .expect("an order with items goes to the kitchen");
    assert_eq!(sent.status, OrderStatus::SentToKitchen);
    assert!(sent.lines[0].sent_to_kitchen, "live lines are marked sent");
    assert!(
        !sent.lines[1].sent_to_kitchen,
        "a voided line is never sent to the kitchen"
    );

    let stored = direct_order(&app, order.id).order;
    assert_eq!(stored, sent, "what the call returned is what SQLite holds");
    assert_eq!(
        app.order(order.id).unwrap().order,
        stored,
        "and what the app serves"
    );
    assert_eq!(
        stored.version, 5,
        "created, two lines, a void and a status change: version 5"
    );

    let bill = app.calculate_bill(order.id).unwrap();
    assert_eq!(bill.bill.subtotal, m(560_00), "the voided line is not billed");
    assert_eq!(bill.bill.tax_total, m(28_00), "5% GST on 560.00");
    assert_eq!(bill.bill.total, m(588_00));
    assert_eq!(bill.due, m(588_00));
    assert_eq!(bill.invoice_no, None, "an unpaid bill has no invoice number");
}

#[test]
fn a_split_payment_in_card_and_cash_gives_change_and_pays_the_order_with_an_invoice() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1"); // Paneer Tikka 280.00
    add(&app, order.id, "BV-01", "1"); // Masala Chai 50.00
    app.set_status(order.id, OrderStatus::Billed)
        .expect("an order with items can be billed");

    let bill = app.calculate_bill(order.id).unwrap();
    assert_eq!(bill.bill.subtotal, m(330_00));
    assert_eq!(bill.bill.tax_total, m(16_50), "5% of 330.00");
    assert_eq!(
        bill.bill.component_total(TaxComponent::Cgst),
        m(8_25),
        "CGST is half the GST"
    );
    assert_eq!(
        bill.bill.component_total(TaxComponent::Sgst),
        m(8_25),
        "SGST is the other half"
    );
    assert_eq!(bill.bill.round_off, m(50), "346.50 is rounded up to the rupee");
    assert_eq!(bill.bill.total, m(347_00));

    let receipt = pay(
        &app,
        order.id,
        vec![
            tender(PaymentMethod::Cash, 200_00),
            tender(PaymentMethod::Card, 200_00),
        ],
    )
    .expect("card 200 + cash 200 covers 347");
    assert_eq!(receipt.change, m(53_00), "cash gives the change: 400 - 347");
    assert_eq!(receipt.due, m(0));
    assert_eq!(receipt.order.status, OrderStatus::Paid, "covered in full: paid");
    let invoice = receipt
        .invoice_no
        .clone()
        .expect("a paid order has an invoice number");
    assert_eq!(
        invoice,
        crate::support::invoice(&app, 1),
        "the profile's prefix, this till's series and the first number"
    );
    let card = receipt
        .payments
        .iter()
        .find(|p| p.method == PaymentMethod::Card)
        .unwrap();
    let cash = receipt
        .payments
        .iter()
        .find(|p| p.method == PaymentMethod::Cash)
        .unwrap();
    assert_eq!(card.amount, m(200_00), "the card is charged what was asked");
    assert_eq!(
        (cash.amount, cash.tendered, cash.change),
        (m(147_00), m(200_00), m(53_00))
    );

    let stored = app
        .store()
        .read(|c| pos_store::orders::stored_bill(c, order.id))
        .unwrap()
        .expect("paying stores the bill snapshot");
    assert_eq!(stored.0, invoice);
    assert_eq!(
        stored.1, bill.bill,
        "the snapshot is the bill the guest was shown"
    );

    let served = app.calculate_bill(order.id).unwrap();
    assert_eq!(served.invoice_no.as_deref(), Some(invoice.as_str()));
    assert_eq!(served.status, OrderStatus::Paid);
    assert_eq!((served.paid, served.due), (m(347_00), m(0)));
    assert_eq!(served.bill, stored.1, "a paid order's bill is its snapshot");
    assert_eq!(direct_order(&app, order.id).order.status, OrderStatus::Paid);

    let second = dine_in(&app, "T2");
    add(&app, second.id, "BV-02", "1");
    let r = pay_due(&app, second.id, PaymentMethod::Upi);
    assert_eq!(
        r.invoice_no.as_deref(),
        Some(crate::support::invoice(&app, 2).as_str()),
        "invoice numbers follow each other"
    );
}

#[test]
fn a_paid_bill_keeps_its_snapshot_when_the_profile_changes() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    add(&app, order.id, "BV-01", "1");
    let paid = pay_due(&app, order.id, PaymentMethod::Card);
    let before = app.calculate_bill(order.id).unwrap();

    let mut p = pos_testkit::example_profile();
    p.pricing = pos_core::profile::PricingMode::Inclusive;
    p.cash_rounding_increment = m(0);
    app.update_profile(Actor::System, p).unwrap();

    let after = app.calculate_bill(order.id).unwrap();
    assert_eq!(after.bill, before.bill, "a paid bill never recomputes");
    assert_eq!(after.invoice_no, paid.invoice_no);
}

#[test]
fn a_partial_payment_leaves_the_order_billed_with_the_rest_due() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    add(&app, order.id, "ST-01", "1");
    add(&app, order.id, "BV-01", "1");
    let r = pay(&app, order.id, vec![tender(PaymentMethod::Card, 100_00)]).unwrap();
    assert_eq!(r.order.status, OrderStatus::Billed, "part paid: billed, not paid");
    assert_eq!(r.due, m(247_00));
    assert_eq!(r.invoice_no, None, "no invoice before the bill is covered");
    assert_eq!(app.calculate_bill(order.id).unwrap().due, m(247_00));
    expect_code(app.add_line(line(order.id, "BV-02", "1")), ErrorCode::Conflict);
    let last = pay(&app, order.id, vec![tender(PaymentMethod::Cash, 500_00)]).unwrap();
    assert_eq!(last.order.status, OrderStatus::Paid);
    assert_eq!(
        last.change,
        m(253_00),
        "cash covers the 247.00 left and returns the rest"
    );
}

#[test]
fn a_paid_order_rejects_new_lines_voids_status_changes_discounts_and_payments() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    let o = add(&app, order.id, "ST-01", "1");
    pay_due(&app, order.id, PaymentMethod::Cash);
    let line_id = o.lines[0].id;

    refused_unchanged(&app, ErrorCode::Conflict, "new line on a paid order", || {
        app.add_line(line(order.id, "BV-01", "1"))
    });
    refused_unchanged(&app, ErrorCode::Conflict, "void on a paid order", || {
        app.void_line(Actor::System, VoidLine::new(order.id, line_id, "mistake"))
    });
    for to in OrderStatus::ALL {
        refused_unchanged(&app, ErrorCode::Conflict, &format!("paid -> {to}"), || {
            app.set_status(order.id, to)
        });
    }
    refused_unchanged(&app, ErrorCode::Conflict, "discount on a paid order", || {
        app.set_order_discount(order.id, Some(Discount::Amount(m(10_00))))
    });
    refused_unchanged(
        &app,
        ErrorCode::Conflict,
        "another payment on a paid order",
        || pay(&app, order.id, vec![tender(PaymentMethod::Cash, 10_00)]),
    );
    assert_eq!(
        app.order(order.id).unwrap().order.status,
        OrderStatus::Paid,
        "paid is final"
    );
}

#[test]
fn a_billed_order_can_be_reopened_before_any_payment_but_not_after() {
    let app = test_app();
    let order = dine_in(&app, "T3");
    add(&app, order.id, "ST-01", "1");
    app.set_status(order.id, OrderStatus::Billed).unwrap();
    expect_code(app.add_line(line(order.id, "BV-01", "1")), ErrorCode::Conflict);
    let reopened = app
        .set_status(order.id, OrderStatus::Open)
        .expect("a billed order with no payment can be reopened");
    assert_eq!(reopened.status, OrderStatus::Open);
    let more = add(&app, order.id, "BV-01", "2");
    assert_eq!(more.lines.len(), 2, "a reopened order takes lines again");
    assert_eq!(app.calculate_bill(order.id).unwrap().bill.subtotal, m(380_00));

    app.set_status(order.id, OrderStatus::Billed).unwrap();
    pay(&app, order.id, vec![tender(PaymentMethod::Card, 50_00)]).unwrap();
    refused_unchanged(&app, ErrorCode::Conflict, "reopen after a payment", || {
        app.set_status(order.id, OrderStatus::Open)
    });
    refused_unchanged(&app, ErrorCode::Conflict, "void after a payment", || {
        app.set_status(order.id, OrderStatus::Void)
    });
}

#[test]
fn the_state_machine_refuses_skipping_to_paid_and_billing_an_empty_order() {
    let app = test_app();
    let order = dine_in(&app, "T9");
    refused_unchanged(&app, ErrorCode::Conflict, "open -> paid", || {
        app.set_status(order.id, OrderStatus::Paid)
    });
    refused_unchanged(&app, ErrorCode::Conflict, "empty order -> kitchen", || {
        app.set_status(order.id, OrderStatus::SentToKitchen)
    });
    refused_unchanged(&app, ErrorCode::Conflict, "empty order -> billed", || {
        app.set_status(order.id, OrderStatus::Billed)
    });
    let o = add(&app, order.id, "ST-01", "1");
    app.void_line(
        Actor::System,
        VoidLine::new(order.id, o.lines[0].id, "wrong table"),
    )
    .unwrap();
    refused_unchanged(&app, ErrorCode::Conflict, "only voided lines -> billed", || {
        app.set_status(order.id, OrderStatus::Billed)
    });
    refused_unchanged(&app, ErrorCode::Conflict, "voiding a voided line", || {
        app.void_line(Actor::System, VoidLine::new(order.id, o.lines[0].id, "again"))
    });
    let void = app
        .set_status(order.id, OrderStatus::Void)
        .expect("an unpaid order can be voided");
    assert_eq!(void.status, OrderStatus::Void);
    refused_unchanged(&app, ErrorCode::Conflict, "lines on a void order", || {
        app.add_line(line(order.id, "ST-01", "1"))
    });
    refused_unchanged(&app, ErrorCode::Conflict, "void -> open", || {
        app.set_status(order.id, OrderStatus::Open)
    });
}

#[test]
fn an_order_discount_larger_than_the_order_is_refused() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    add(&app, order.id, "BV-01", "2"); // 100.00
    let err = refused_unchanged(&app, ErrorCode::Validation, "discount above the order", || {
        app.set_order_discount(order.id, Some(Discount::Amount(m(100_01))))
    });
    assert_eq!(
        err.field.as_deref(),
        Some("discount"),
        "the error names the field"
    );
    refused_unchanged(&app, ErrorCode::Validation, "negative discount", || {
        app.set_order_discount(order.id, Some(Discount::Amount(m(-1))))
    });
    assert_eq!(
        app.order(order.id).unwrap().order.discount,
        None,
        "the refused discount left no trace"
    );

    let ok = app
        .set_order_discount(order.id, Some(Discount::Amount(m(100_00))))
        .expect("a discount of the whole order is allowed");
    assert_eq!(ok.discount, Some(Discount::Amount(m(100_00))));
    assert_eq!(
        app.calculate_bill(order.id).unwrap().bill.total,
        m(0),
        "all discounted"
    );
    let pct = app
        .set_order_discount(
            order.id,
            Some(Discount::Percent(Percent::from_bps(1000).unwrap())),
        )
        .unwrap();
    assert_eq!(
        pct.discount,
        Some(Discount::Percent(Percent::from_bps(1000).unwrap()))
    );
    let bill = app.calculate_bill(order.id).unwrap();
    assert_eq!(bill.bill.discount_total, m(10_00), "10% of 100.00");
    assert_eq!(bill.bill.total, m(95_00), "90.00 + 5% GST = 94.50, rounded to 95");
    app.set_order_discount(order.id, None).unwrap();
    assert_eq!(
        app.calculate_bill(order.id).unwrap().bill.discount_total,
        m(0),
        "removed"
    );
}

#[test]
fn order_numbers_count_up_within_a_business_day_and_restart_the_next_day() {
    let app = test_app();
    assert_eq!(dine_in(&app, "T1").number, 1);
    assert_eq!(dine_in(&app, "T2").number, 2);
    // 01:00 the next night still belongs to the evening's business day (day starts 04:00).
    app.clock().set(1_795_548_600_000);
    let late = dine_in(&app, "T3");
    assert_eq!((late.number, late.business_day.as_str()), (3, TODAY));
    // 04:00 IST on the 25th is a new day.
    app.clock().set(1_795_559_340_000 + 60_000);
    let next = dine_in(&app, "T1");
    assert_eq!(next.business_day, "2026-11-25");
    assert_eq!(next.number, 1, "numbers restart each business day");
}

/// Ten orders a second apart: #2 and #5 paid, #3 voided, #8 sent to the kitchen.
fn floor_and_history(app: &TempTill) -> Vec<pos_core::OrderId> {
    let mut ids = Vec::new();
    for i in 1..=10 {
        app.clock().advance_ms(1000);
        let o = dine_in(app, &format!("T{i}"));
        add(app, o.id, "BV-01", "1");
        ids.push(o.id);
    }
    pay_due(app, ids[1], PaymentMethod::Cash);
    pay_due(app, ids[4], PaymentMethod::Card);
    app.set_status(ids[2], OrderStatus::Void).unwrap();
    app.set_status(ids[7], OrderStatus::SentToKitchen).unwrap();
    ids
}

fn ids_of(page: &pos_app::OrdersPage) -> Vec<pos_core::OrderId> {
    page.orders.iter().map(|o| o.id).collect()
}

#[test]
fn list_orders_pages_the_floor_newest_first() {
    let app = test_app();
    let ids = floor_and_history(&app);
    let active_newest_first = vec![ids[9], ids[8], ids[7], ids[6], ids[5], ids[3], ids[0]];

    let all = app.list_orders(&ListOrders::default()).unwrap();
    assert_eq!(all.total, 7, "no filter: the seven orders on the floor");
    assert_eq!(all.limit, 50, "limit 0 means 50");
    assert_eq!(all.page, 1, "page 0 means 1");
    assert_eq!(ids_of(&all), active_newest_first, "newest first");

    let page = |page, limit| {
        app.list_orders(&ListOrders {
            statuses: vec![],
            page,
            limit,
            attention: false,
        })
        .unwrap()
    };
    let p1 = page(1, 3);
    assert_eq!((p1.page, p1.limit, p1.total), (1, 3, 7));
    assert_eq!(ids_of(&p1), active_newest_first[0..3]);
    assert_eq!(ids_of(&page(2, 3)), active_newest_first[3..6]);
    assert_eq!(
        ids_of(&page(3, 3)),
        active_newest_first[6..7],
        "the last page is short"
    );
    let beyond = page(4, 3);
    assert!(beyond.orders.is_empty(), "past the end: no rows");
    assert_eq!(beyond.total, 7, "but the total is still known");

    let kitchen = app
        .list_orders(&ListOrders {
            statuses: vec![OrderStatus::SentToKitchen],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (ids_of(&kitchen), kitchen.total),
        (vec![ids[7]], 1),
        "status filter"
    );
    let summary = &kitchen.orders[0];
    assert_eq!(summary.item_count, 1);
    assert_eq!(summary.items_total, m(50_00));
    assert_eq!(summary.table.as_deref(), Some("T8"));
}

#[test]
fn list_orders_pages_paid_and_void_history_and_mixed_filters() {
    let app = test_app();
    let ids = floor_and_history(&app);

    let paid = app
        .list_orders(&ListOrders {
            statuses: vec![OrderStatus::Paid],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        (ids_of(&paid), paid.total),
        (vec![ids[4], ids[1]], 2),
        "paid history"
    );
    assert_eq!(
        paid.orders[0].paid,
        m(53_00),
        "the paid amount is listed: 50.00 + 5% GST, rounded"
    );

    let closed = app
        .list_orders(&ListOrders {
            statuses: vec![OrderStatus::Paid, OrderStatus::Void],
            page: 1,
            limit: 2,
            attention: false,
        })
        .unwrap();
    assert_eq!((ids_of(&closed), closed.total), (vec![ids[4], ids[2]], 3));
    let closed2 = app
        .list_orders(&ListOrders {
            statuses: vec![OrderStatus::Paid, OrderStatus::Void],
            page: 2,
            limit: 2,
            attention: false,
        })
        .unwrap();
    assert_eq!(ids_of(&closed2), vec![ids[1]]);

    let everything = app
        .list_orders(&ListOrders {
            statuses: OrderStatus::ALL.to_vec(),
            page: 1,
            limit: 4,
            attention: false,
        })
        .unwrap();
    assert_eq!(everything.total, 10, "all statuses: every order");
    assert_eq!(ids_of(&everything), vec![ids[9], ids[8], ids[7], ids[6]]);

    let open_or_paid = app
        .list_orders(&ListOrders {
            statuses: vec![OrderStatus::Open, OrderStatus::Paid],
            page: 1,
            limit: 200,
            attention: false,
        })
        .unwrap();
    assert_eq!(
        ids_of(&open_or_paid),
        vec![ids[9], ids[8], ids[6], ids[5], ids[4], ids[3], ids[1], ids[0]],
        "a filter across active and history is one list, newest first"
    );
    assert_eq!(open_or_paid.total, 8);

    let err = expect_code(
        app.list_orders(&ListOrders {
            statuses: vec![],
            page: 1,
            limit: 201,
            attention: false,
        }),
        ErrorCode::Validation,
    );
    assert_eq!(err.field.as_deref(), Some("limit"));
}

#[test]
fn a_dine_in_only_service_charge_is_billed_and_paid_on_dine_in_but_not_on_takeaway() {
    let app = test_app();
    let mut p = pos_testkit::example_profile();
    p.service_charge = Percent::from_bps(1000).unwrap();
    p.service_charge_order_types = pos_core::OrderTypes::only(&[pos_core::OrderType::DineIn]);
    app.update_profile(pos_app::Actor::System, p).unwrap();

    let table = dine_in(&app, "T1");
    add(&app, table.id, "ST-01", "1");
    let counter = takeaway_for(&app, "98450 12345");
    add(&app, counter.id, "ST-01", "1");

    let at_table = app.calculate_bill(table.id).unwrap();
    let to_go = app.calculate_bill(counter.id).unwrap();
    assert_eq!(
        (
            at_table.bill.service_charge,
            at_table.bill.tax_total,
            at_table.bill.total
        ),
        (m(28_00), m(15_40), m(323_00)),
        "dine-in: 280.00 + 10% service 28.00, taxed with the food at 5% (15.40), 323.40 to the rupee"
    );
    assert_eq!(
        (to_go.bill.service_charge, to_go.bill.total),
        (m(0), m(294_00)),
        "takeaway: 280.00 + 14.00 tax, no service charge"
    );
    let paid = pay_due(&app, counter.id, PaymentMethod::Cash);
    assert_eq!(paid.due, m(0), "the takeaway is paid at 294.00");
    let stored = app.calculate_bill(counter.id).unwrap();
    assert_eq!(
        (
            stored.invoice_no.is_some(),
            stored.bill.service_charge,
            stored.bill.total
        ),
        (true, m(0), m(294_00)),
        "and its stored snapshot has no service charge either"
    );
    assert_eq!(
        direct_bill(&app, table.id).bill,
        at_table.bill,
        "the till's bill is the engine's"
    );
}
