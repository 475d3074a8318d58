//! Split payments, change, credit limits and settlements, in paise.

use pos_core::ledger::{self, Customer, LedgerEntry, LedgerKind};
use pos_core::money::Currency;
use pos_core::payment::{AppliedPayment, PaymentMethod, Tender, apply_tenders};
use pos_core::{LedgerEntryId, Phone};
use uuid::Uuid;

use crate::support::m;

fn t(method: PaymentMethod, amount: i64) -> Tender {
    Tender {
        method,
        amount: m(amount),
        reference: None,
    }
}

fn paid(due: i64, tenders: &[Tender]) -> Vec<AppliedPayment> {
    apply_tenders(m(due), tenders, &Currency::inr()).expect("these tenders are acceptable")
}

fn by(applied: &[AppliedPayment], method: PaymentMethod) -> &AppliedPayment {
    applied
        .iter()
        .find(|a| a.method == method)
        .expect("the method was tendered")
}

#[test]
fn a_split_card_and_cash_payment_gives_change_from_the_cash() {
    let applied = paid(
        740_00,
        &[t(PaymentMethod::Cash, 300_00), t(PaymentMethod::Card, 500_00)],
    );
    let card = by(&applied, PaymentMethod::Card);
    let cash = by(&applied, PaymentMethod::Cash);
    assert_eq!(card.amount.minor(), 500_00, "the card is charged what was asked");
    assert_eq!(card.change.minor(), 0, "a card never gives change");
    assert_eq!(cash.amount.minor(), 240_00, "cash covers the remaining 240.00");
    assert_eq!(
        cash.tendered.minor(),
        300_00,
        "the notes handed over are recorded"
    );
    assert_eq!(cash.change.minor(), 60_00, "300.00 - 240.00");
}

#[test]
fn cash_alone_gives_change_and_a_second_unneeded_cash_tender_is_refused() {
    let applied = paid(740_00, &[t(PaymentMethod::Cash, 2_000_00)]);
    assert_eq!(applied[0].change.minor(), 1_260_00, "2000.00 - 740.00");
    let err = apply_tenders(
        m(740_00),
        &[t(PaymentMethod::Cash, 1_000_00), t(PaymentMethod::Cash, 100_00)],
        &Currency::inr(),
    );
    assert!(
        err.is_err(),
        "the second cash tender pays nothing and would all be change"
    );
}

#[test]
fn a_non_cash_payment_above_the_amount_due_is_refused() {
    let err = apply_tenders(m(740_00), &[t(PaymentMethod::Upi, 800_00)], &Currency::inr())
        .expect_err("UPI cannot overpay");
    assert!(
        err.to_string().contains("cannot exceed"),
        "the message says why: {err}"
    );
    let err = apply_tenders(
        m(740_00),
        &[
            t(PaymentMethod::Card, 500_00),
            t(PaymentMethod::OnAccount, 240_01),
        ],
        &Currency::inr(),
    );
    assert!(
        err.is_err(),
        "non-cash tenders together may not exceed what is due"
    );
}

#[test]
fn a_partial_payment_leaves_the_rest_due() {
    let applied = paid(740_00, &[t(PaymentMethod::Upi, 400_00)]);
    let paid_now: i64 = applied.iter().map(|a| a.amount.minor()).sum();
    assert_eq!(740_00 - paid_now, 340_00, "340.00 stays due");
}

fn phone() -> Phone {
    Phone::parse("9876543210", "91").expect("a valid Indian mobile number")
}

fn entry(kind: LedgerKind, amount: i64) -> LedgerEntry {
    LedgerEntry {
        id: LedgerEntryId::from_uuid(Uuid::nil()),
        phone: phone(),
        kind,
        amount: m(amount),
        order_id: None,
        method: None,
        note: String::new(),
        at_ms: 0,
    }
}

#[test]
fn the_balance_is_derived_from_the_ledger_and_the_credit_limit_caps_it() {
    let inr = Currency::inr();
    let entries = [
        entry(LedgerKind::Charge, 740_00),
        entry(LedgerKind::Charge, 260_00),
        entry(LedgerKind::Settlement, 400_00),
    ];
    let balance = ledger::balance(&entries);
    assert_eq!(balance.minor(), 600_00, "740.00 + 260.00 - 400.00");
    let asha = Customer {
        phone: phone(),
        name: "Asha".into(),
        credit_limit: m(1_000_00),
    };
    assert!(
        ledger::check_credit(&asha, balance, m(400_00), &inr).is_ok(),
        "600.00 + 400.00 reaches the limit exactly"
    );
    assert!(
        ledger::check_credit(&asha, balance, m(400_01), &inr).is_err(),
        "one paisa over the limit is refused"
    );
    assert!(
        ledger::check_settlement(balance, m(600_00), &inr).is_ok(),
        "settling the whole balance is allowed"
    );
    assert!(
        ledger::check_settlement(balance, m(600_01), &inr).is_err(),
        "settling more than is owed is refused"
    );
    assert!(
        ledger::check_settlement(balance, m(0), &inr).is_err(),
        "a settlement must be positive"
    );
}
