//! Customers: phone lookup in any formatting, tabs, credit limits, settlements.

use pos_app::Actor;
use pos_app::{ErrorCode, SettleBalance};
use pos_core::ledger::LedgerKind;
use pos_core::{OrderStatus, PaymentMethod};

use crate::support::*;

fn settle(
    app: &pos_app::App,
    phone: &str,
    minor: i64,
) -> pos_app::Result<std::sync::Arc<pos_app::CustomerBalance>> {
    app.settle_balance(SettleBalance {
        phone: phone.into(),
        amount: m(minor),
        method: PaymentMethod::Upi,
        note: Some("part payment".into()),
        request_id: None,
    })
}

/// A takeaway for Asha with 4 x Masala Chai: 200.00 + 10.00 GST = 210.00.
fn asha_order(app: &TempTill) -> pos_core::Order {
    let order = takeaway_for(app, "+91 98450 12345");
    add(app, order.id, "BV-01", "4");
    order
}

#[test]
fn a_customer_is_found_by_phone_however_it_is_typed() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    for typed in [
        "98450 12345",
        "+91-98450-12345",
        "098450 12345",
        "9845012345",
        "+91 (98450) 12345",
        "0091 98450 12345",
        "919845012345",
    ] {
        let b = app
            .customer_balance(typed)
            .unwrap_or_else(|e| panic!("{typed:?} must find Asha: {e:?}"));
        assert_eq!(b.phone.e164(), ASHA_E164, "{typed:?} is the same number");
        assert_eq!(b.name, "Asha Rao");
        assert_eq!(b.balance, m(0), "a new customer owes nothing");
        assert_eq!(b.available_credit, m(5_000_00), "the whole limit is available");
    }
    let err = expect_code(app.customer_balance("98450 99999"), ErrorCode::NotFound);
    assert!(err.message.contains("no customer"), "{err:?}");
}

#[test]
fn updating_a_customer_typed_differently_updates_the_same_customer() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    add_customer(&app, "+91-98450-12345", "Asha R. Rao", 6_000_00);
    assert_eq!(counts(&app).rows["customers"], 1, "one number, one customer");
    let b = app.customer_balance("098450 12345").unwrap();
    assert_eq!((b.name.as_str(), b.credit_limit), ("Asha R. Rao", m(6_000_00)));
}

#[test]
fn an_on_account_sale_increases_the_balance() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let order = asha_order(&app);
    assert_eq!(
        order.customer_phone,
        Some(phone(ASHA_TYPED)),
        "the order's phone is normalised"
    );
    let receipt = pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 210_00)])
        .expect("an on-account sale within the limit is taken");
    assert_eq!(receipt.order.status, OrderStatus::Paid);
    assert!(receipt.invoice_no.is_some());
    assert_eq!(receipt.payments[0].customer_phone, Some(phone(ASHA_TYPED)));

    let b = app.customer_balance("+91-98450-12345").unwrap();
    assert_eq!(b.balance, m(210_00), "the tab grows by the bill");
    assert_eq!(b.available_credit, m(4_790_00));
    assert_eq!(b.recent.len(), 1);
    let charge = &b.recent[0];
    assert_eq!(charge.kind, LedgerKind::Charge);
    assert_eq!(charge.amount, m(210_00));
    assert_eq!(charge.order_id, Some(order.id), "the charge names its order");
    assert_eq!(direct_balance(&app, &phone(ASHA_TYPED)), m(210_00));
}

#[test]
fn a_split_with_cash_and_the_tab_charges_only_the_tab_part() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let order = asha_order(&app);
    let r = pay(
        &app,
        order.id,
        vec![
            tender(PaymentMethod::OnAccount, 110_00),
            tender(PaymentMethod::Cash, 200_00),
        ],
    )
    .unwrap();
    assert_eq!(r.order.status, OrderStatus::Paid);
    assert_eq!(r.change, m(100_00), "cash covers 100.00 of 200.00 tendered");
    assert_eq!(app.customer_balance(ASHA_TYPED).unwrap().balance, m(110_00));
}

#[test]
fn a_sale_over_the_credit_limit_is_refused() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 300_00);
    let first = asha_order(&app);
    pay(&app, first.id, vec![tender(PaymentMethod::OnAccount, 210_00)]).unwrap();
    let second = asha_order(&app);
    let err = refused_unchanged(
        &app,
        ErrorCode::Conflict,
        "210.00 more on a 300.00 tab owing 210.00",
        || pay(&app, second.id, vec![tender(PaymentMethod::OnAccount, 210_00)]),
    );
    assert!(
        err.message.contains("credit limit"),
        "the cashier is told why: {err:?}"
    );
    assert_eq!(
        app.customer_balance(ASHA_TYPED).unwrap().balance,
        m(210_00),
        "unchanged"
    );
    // Exactly up to the limit is fine.
    let r = pay(&app, second.id, vec![tender(PaymentMethod::OnAccount, 90_00)]).unwrap();
    assert_eq!(r.due, m(120_00));
    assert_eq!(app.customer_balance(ASHA_TYPED).unwrap().available_credit, m(0));
}

#[test]
fn on_account_needs_a_known_customer_on_the_order() {
    let app = test_app();
    let anonymous = dine_in(&app, "T1");
    add(&app, anonymous.id, "BV-01", "1");
    let err = refused_unchanged(&app, ErrorCode::Validation, "tab without a phone", || {
        pay(&app, anonymous.id, vec![tender(PaymentMethod::OnAccount, 10_00)])
    });
    assert_eq!(err.field.as_deref(), Some("customer_phone"));

    let stranger = takeaway_for(&app, "97411 22334");
    add(&app, stranger.id, "BV-01", "1");
    let err = refused_unchanged(&app, ErrorCode::Validation, "tab for an unknown number", || {
        pay(&app, stranger.id, vec![tender(PaymentMethod::OnAccount, 10_00)])
    });
    assert_eq!(err.field.as_deref(), Some("customer_phone"));
}

#[test]
fn settling_reduces_the_balance() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let order = asha_order(&app);
    pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 210_00)]).unwrap();
    let after = settle(&app, "098450-12345", 200_00).expect("settling less than owed works");
    assert_eq!(after.balance, m(10_00), "210.00 - 200.00");
    assert_eq!(after.recent[0].kind, LedgerKind::Settlement, "newest first");
    assert_eq!(after.recent[0].method, Some(PaymentMethod::Upi));
    assert_eq!(app.customer_balance(ASHA_TYPED).unwrap().balance, m(10_00));
    let zero = settle(&app, ASHA_TYPED, 10_00).expect("settling exactly the balance works");
    assert_eq!(zero.balance, m(0));
}

#[test]
fn settling_more_than_the_balance_is_refused() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let order = asha_order(&app);
    pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 210_00)]).unwrap();
    let err = refused_unchanged(&app, ErrorCode::Validation, "settle 210.01 of 210.00", || {
        settle(&app, ASHA_TYPED, 210_01)
    });
    assert_eq!(err.field.as_deref(), Some("amount"));
    refused_unchanged(&app, ErrorCode::Validation, "settle zero", || {
        settle(&app, ASHA_TYPED, 0)
    });
    refused_unchanged(&app, ErrorCode::Validation, "settle on account", || {
        app.settle_balance(SettleBalance {
            phone: ASHA_TYPED.into(),
            amount: m(10_00),
            method: PaymentMethod::OnAccount,
            note: None,
            request_id: None,
        })
    });
    refused_unchanged(&app, ErrorCode::NotFound, "settle for a stranger", || {
        settle(&app, "97411 22334", 10_00)
    });
    assert_eq!(app.customer_balance(ASHA_TYPED).unwrap().balance, m(210_00));
}

#[test]
fn settling_a_tab_works_for_a_country_outside_the_phone_length_table() {
    // Germany (49) has no fixed national length in the phone table; numbers are kept as
    // typed after the trunk 0. The settlement must report the balance it just changed.
    let app = test_app();
    let mut p = pos_testkit::example_profile();
    p.country_code = "49".into();
    p.phone = "030 1234567".into();
    app.update_profile(Actor::System, p).unwrap();
    add_customer(&app, "0151 23456789", "Jonas", 1_000_00);
    let order = takeaway_for(&app, "0151 23456789");
    add(&app, order.id, "BV-01", "1");
    pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 53_00)]).unwrap();
    let seq_before = counts(&app).outbox_max_seq;
    let after = settle(&app, "0151 23456789", 20_00)
        .expect("a settlement that was recorded must not be reported as a failure");
    assert_eq!(after.phone.e164(), "4915123456789");
    assert_eq!(after.balance, m(33_00));
    assert_eq!(counts(&app).outbox_max_seq, seq_before + 1, "recorded once");
}

#[test]
fn the_ledger_shows_the_newest_twenty_entries_but_sums_them_all() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 100_000_00);
    for _ in 0..11 {
        app.clock().advance_ms(1000);
        let order = asha_order(&app);
        pay(&app, order.id, vec![tender(PaymentMethod::OnAccount, 210_00)]).unwrap();
        app.clock().advance_ms(1000);
        settle(&app, ASHA_TYPED, 10_00).unwrap();
    }
    let b = app.customer_balance(ASHA_TYPED).unwrap();
    assert_eq!(b.recent.len(), 20, "the list is bounded");
    assert_eq!(b.balance, m(11 * 200_00), "the balance counts all 22 entries");
    assert!(
        b.recent.windows(2).all(|w| w[0].at_ms >= w[1].at_ms),
        "newest first"
    );
}
