//! Profiles, order lines and bills stored (in SQLite, PostgreSQL and the outbox) before
//! levies, per-line taxes and the newer rounding settings still read, and bill the same.
//! The JSON literals below were written by the code of that time (commit c2378eb).

use pos_core::bill::{self, TaxSettings};
use pos_core::money::{CashRounding, TaxRate};
use pos_core::order::{Discount, OrderLine, OrderTypes};
use pos_core::profile::{Profile, RoundOffTo, TaxSplit, TaxesRounded};
use pos_core::{Bill, Money};
use serde_json::{Value, json};

use crate::support::{gst5, line, m, one, pct, with_discount};

const PROFILE: &str = r#"{"name": "Saffron Table", "legal_name": "Saffron Table LLP",
    "address": "12 MG Road, Bengaluru", "phone": "080 4123 4567",
    "email": "hello@saffron.example",
    "tax_registration": {"scheme": "GSTIN", "number": "27AAPFU0939F1ZV"},
    "currency": {"code": "INR", "exponent": 2}, "country_code": "91",
    "utc_offset_minutes": 330, "day_starts_at_hour": 4,
    "tax_classes": [{"code": "GST5", "name": "GST 5%", "rate": 500, "split": "cgst_sgst"}],
    "pricing": "exclusive", "tax_rounding": "per_document", "rounding": "half_up",
    "odd_paisa_to": "cgst", "cash_rounding_increment": 100, "service_charge": 1000,
    "service_charge_taxed": true, "service_charge_tax_class": "GST5",
    "receipt_header": "Saffron Table", "receipt_footer": "Thank you", "invoice_prefix": "T1-"}"#;

const LINE: &str = r#"{"id": "00000000-0000-0000-0000-000000000001", "sku": "ITEM-1",
    "name": "Item 1", "qty": 2000, "unit_price": 24000, "tax_class": "GST5",
    "tax_rate": 500, "tax_split": "cgst_sgst", "discount": {"kind": "percent", "value": 1000},
    "note": "", "sent_to_kitchen": false, "added_at_ms": 0, "void": null}"#;

/// The bill of [`LINE`] and a second line of Rs 89.50, Rs 10.00 off the order, under
/// [`PROFILE`] (10% service charge taxed at 5%, rounded to the rupee).
const BILL: &str = r#"{"pricing": "exclusive", "lines": [
    {"line_id": "00000000-0000-0000-0000-000000000001", "sku": "ITEM-1", "name": "Item 1",
     "qty": 2000, "unit_price": 24000, "gross": 48000, "line_discount": 4800,
     "order_discount": 828, "amount": 42372, "tax_class": "GST5", "tax_rate": 500},
    {"line_id": "00000000-0000-0000-0000-000000000002", "sku": "ITEM-2", "name": "Item 2",
     "qty": 1000, "unit_price": 8950, "gross": 8950, "line_discount": 0,
     "order_discount": 172, "amount": 8778, "tax_class": "GST5", "tax_rate": 500}],
    "subtotal": 56950, "line_discounts": 4800, "order_discount": 1000, "discount_total": 5800,
    "net_total": 51150, "service_charge_rate": 1000, "service_charge": 5115,
    "tax_lines": [
    {"class": "GST5", "component": "cgst", "class_rate": 500, "taxable": 56265, "amount": 1407},
    {"class": "GST5", "component": "sgst", "class_rate": 500, "taxable": 56265, "amount": 1406}],
    "tax_total": 2813, "tax_included": 0, "round_off": 22, "total": 59100}"#;

fn profile() -> Profile {
    serde_json::from_str(PROFILE).expect("a profile stored before the new settings reads")
}

#[test]
fn a_profile_stored_before_the_new_settings_reads_with_todays_behaviour() {
    let p = profile();
    assert_eq!(p.taxes_rounded, TaxesRounded::Together, "taxes rounded together");
    assert_eq!(p.cash_rounding, CashRounding::Nearest, "to the nearest rupee");
    assert_eq!(p.round_off_to, RoundOffTo::Line, "with a round-off line");
    assert_eq!(
        p.service_charge_order_types,
        OrderTypes::ALL,
        "service charge on every order type"
    );
    assert!(p.tax_classes[0].levies.is_empty(), "no levies");
    let s = TaxSettings::from(&p);
    assert_eq!(
        s,
        TaxSettings {
            cash_rounding_increment: m(100),
            service_charge: pct(1000),
            service_charge_tax: Some(("GST5".into(), TaxRate::from_bps(500).unwrap(), TaxSplit::CgstSgst)),
            ..TaxSettings::default()
        },
        "the engine's settings are the old ones, the new at their defaults"
    );
    assert!(p.validated().is_ok(), "and it still validates");
}

#[test]
fn an_order_line_stored_before_levies_reads_and_writes_back_byte_for_byte() {
    let l: OrderLine = serde_json::from_str(LINE).expect("an old line reads");
    assert!(l.levies.is_empty(), "a line without levies");
    let written: Value = serde_json::to_value(&l).expect("it writes");
    let stored: Value = serde_json::from_str(LINE).expect("valid JSON");
    assert_eq!(
        written, stored,
        "a line without levies is written as before (outbox, sync)"
    );
}

#[test]
fn a_bill_stored_before_per_line_taxes_reads_reconciles_and_is_recomputed_the_same() {
    let stored: Bill = serde_json::from_str(BILL).expect("an old bill snapshot reads");
    assert!(
        stored.reconciles(),
        "an old snapshot without shares still reconciles"
    );
    assert!(stored.negated().reconciles(), "and so does its refund");
    assert_eq!(
        stored.round_off_in_tax,
        Money::ZERO,
        "its rounding was a round-off line"
    );
    assert!(
        stored.lines.iter().all(|l| l.taxes.is_empty()),
        "it has no per-line taxes"
    );

    let lines = [
        with_discount(line(1, 240_00, 2000, &gst5()), Discount::Percent(pct(1000))),
        one(2, 89_50, &gst5()),
    ];
    let today = bill::calculate(
        &lines,
        Some(Discount::Amount(m(10_00))),
        &TaxSettings::from(&profile()),
    )
    .expect("the same order computes");
    let mut today_json = serde_json::to_value(&today).expect("a bill writes");
    // Drop what is new; every field of the old snapshot must come out the same.
    let obj = today_json.as_object_mut().expect("a bill is an object");
    for key in [
        "service_charge_waived",
        "service_charge_taxes",
        "round_off_in_tax",
    ] {
        assert!(obj.remove(key).is_some(), "{key} is written");
    }
    for l in obj["lines"].as_array_mut().expect("lines") {
        let l = l.as_object_mut().expect("a line is an object");
        assert!(
            l.remove("taxable").is_some() && l.remove("taxes").is_some(),
            "per-line taxes are written"
        );
    }
    let old: Value = serde_json::from_str(BILL).expect("valid JSON");
    assert_eq!(
        today_json, old,
        "today's engine bills that order exactly as the stored snapshot"
    );
    assert_eq!(
        today
            .lines
            .iter()
            .map(|l| l.taxes.iter().map(|t| t.amount).sum::<Money>())
            .collect::<Vec<_>>(),
        [m(21_18), m(4_39)],
        "and adds the shares of the 28.13: exact 21.186, 4.389 and 2.5575 for the service \
         charge; the two paise left go to the remainders .9 and .75"
    );
    assert_eq!(
        today.service_charge_taxes.iter().map(|t| t.amount).sum::<Money>(),
        m(2_56),
        "the service charge's share"
    );
    assert_eq!(
        json!(today.lines[0].taxable),
        json!(42372),
        "exclusive: taxable is the amount"
    );
}
