//! The day's X/Z report adds up to the bills that were made.

use pos_app::Actor;
use pos_app::staff::VoidLine;
use pos_app::{BillView, ErrorCode, MethodTotal, SettleBalance};
use pos_core::bill::TaxComponent;
use pos_core::{Discount, Money, OrderStatus, PaymentMethod, Percent};

use crate::support::*;

fn method(s: &pos_app::DaySummary, method: PaymentMethod) -> Option<&MethodTotal> {
    s.payments.iter().find(|t| t.method == method)
}

#[test]
fn the_day_summary_equals_the_sum_of_the_days_bills() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let mut bills: Vec<BillView> = Vec::new();

    // A: 330.00 + 16.50 GST = 346.50 -> 347.00; card 200 + cash 200 (change 53).
    let a = dine_in(&app, "T1");
    add(&app, a.id, "ST-01", "1");
    add(&app, a.id, "BV-01", "1");
    pay(
        &app,
        a.id,
        vec![
            tender(PaymentMethod::Card, 200_00),
            tender(PaymentMethod::Cash, 200_00),
        ],
    )
    .unwrap();
    bills.push((*app.calculate_bill(a.id).unwrap()).clone());

    // B: 2 x 340 + 2 x 60 = 800.00, a voided garlic naan (80.00), 10% off: 720 + 36 = 756.
    let b = dine_in(&app, "T2");
    add(&app, b.id, "MN-01", "2");
    add(&app, b.id, "BD-04", "2");
    let with_naan = add(&app, b.id, "BD-05", "1");
    app.void_line(Actor::System, VoidLine::new(b.id, with_naan.lines[2].id, "burnt"))
        .unwrap();
    app.set_order_discount(b.id, Some(Discount::Percent(Percent::from_bps(1000).unwrap())))
        .unwrap();
    pay_due(&app, b.id, PaymentMethod::Upi);
    bills.push((*app.calculate_bill(b.id).unwrap()).clone());

    // C: 3 x water at 18% GST: 120.00 + 21.60 = 141.60 -> 142.00, on Asha's tab.
    let c = takeaway_for(&app, ASHA_TYPED);
    add(&app, c.id, "PK-WATER", "3");
    pay_due(&app, c.id, PaymentMethod::OnAccount);
    bills.push((*app.calculate_bill(c.id).unwrap()).clone());

    // Asha pays 100.00 of her tab in cash.
    app.settle_balance(SettleBalance {
        phone: ASHA_TYPED.into(),
        amount: m(100_00),
        method: PaymentMethod::Cash,
        note: None,
        request_id: None,
    })
    .unwrap();

    // D: a voided order with a dosa on it (120.00); E: an open order.
    let d = dine_in(&app, "T3");
    add(&app, d.id, "SI-01", "1");
    app.set_status(d.id, OrderStatus::Void).unwrap();
    let e = dine_in(&app, "T4");
    add(&app, e.id, "SI-02", "1");

    let s = app.billing_summary(None).unwrap();
    let sum = |f: fn(&BillView) -> Money| bills.iter().map(f).sum::<Money>();
    assert_eq!(s.business_day, TODAY);
    assert_eq!(s.bills, 3, "three paid bills");
    assert_eq!(s.orders_open, 1, "E is still open");
    assert_eq!(s.orders_void, 1, "D was voided");
    assert_eq!(
        s.gross,
        sum(|b| b.bill.subtotal),
        "gross is the sum of the subtotals"
    );
    assert_eq!(s.discounts, sum(|b| b.bill.discount_total));
    assert_eq!(s.cgst, component(&bills, TaxComponent::Cgst));
    assert_eq!(s.sgst, component(&bills, TaxComponent::Sgst));
    assert_eq!(s.igst, m(0), "no interstate supply");
    assert_eq!(s.tax_total, sum(|b| b.bill.tax_total));
    assert_eq!(s.round_off, sum(|b| b.bill.round_off));
    assert_eq!(s.total, sum(|b| b.bill.total));
    // The same figures worked out by hand, so the test fails if both sides are wrong.
    assert_eq!(s.gross, m(1_250_00));
    assert_eq!(s.discounts, m(80_00));
    assert_eq!(
        (s.cgst, s.sgst),
        (m(37_05), m(37_05)),
        "8.25 + 18.00 + 10.80 each"
    );
    assert_eq!(s.tax_total, m(74_10));
    assert_eq!(s.round_off, m(90), "0.50 + 0.00 + 0.40");
    assert_eq!(s.total, m(1_245_00), "347 + 756 + 142");
    assert_eq!(s.service_charge, m(0));

    let total_paid: Money = s.payments.iter().map(|t| t.amount).sum();
    assert_eq!(
        total_paid, s.total,
        "every bill was paid in full; change is not income"
    );
    assert_eq!(
        method(&s, PaymentMethod::Card).map(|t| (t.count, t.amount)),
        Some((1, m(200_00)))
    );
    assert_eq!(
        method(&s, PaymentMethod::Cash).map(|t| (t.count, t.amount)),
        Some((1, m(147_00))),
        "cash counts what was kept, not what was tendered"
    );
    assert_eq!(
        method(&s, PaymentMethod::Upi).map(|t| (t.count, t.amount)),
        Some((1, m(756_00)))
    );
    assert_eq!(
        method(&s, PaymentMethod::OnAccount).map(|t| (t.count, t.amount)),
        Some((1, m(142_00)))
    );
    assert_eq!(
        s.settlements,
        vec![MethodTotal {
            method: PaymentMethod::Cash,
            count: 1,
            amount: m(100_00)
        }],
        "settlements are reported apart from sales"
    );
    assert_eq!(s.voided_lines, 1, "the burnt naan");
    assert_eq!(
        s.voided_amount,
        m(200_00),
        "80.00 naan + 120.00 on the voided order"
    );
    assert_eq!(*s, direct_summary(&app, TODAY), "the served summary is SQLite's");
    assert_eq!(
        *app.billing_summary(Some(TODAY)).unwrap(),
        *s,
        "asking for the day by name gives the same report"
    );
}

#[test]
fn late_night_sales_count_in_the_evenings_business_day() {
    let app = test_app();
    app.clock().set(1_795_548_600_000); // 2026-11-25 01:00 IST
    assert_eq!(app.today().unwrap(), TODAY, "before 04:00 it is still the 24th");
    let o = dine_in(&app, "T1");
    add(&app, o.id, "BV-01", "1");
    pay_due(&app, o.id, PaymentMethod::Cash);
    assert_eq!(app.billing_summary(Some(TODAY)).unwrap().bills, 1);
    assert_eq!(app.billing_summary(Some("2026-11-25")).unwrap().bills, 0);
}

#[test]
fn another_days_summary_is_empty_and_a_bad_day_is_refused() {
    let app = test_app();
    let o = dine_in(&app, "T1");
    add(&app, o.id, "BV-01", "1");
    pay_due(&app, o.id, PaymentMethod::Cash);
    let other = app.billing_summary(Some("2026-11-23")).unwrap();
    assert_eq!((other.bills, other.total), (0, m(0)), "yesterday had no sales");
    assert!(other.payments.is_empty());
    let err = expect_code(app.billing_summary(Some("24/11/2026")), ErrorCode::Validation);
    assert_eq!(err.field.as_deref(), Some("day"));
}
