//! Worked examples with figures computed by hand. Amounts are in paise: `740_00` is
//! Rs 740.00. Each example is also written out in docs/MONEY.md.

use pos_core::bill::{self, TaxComponent, TaxSettings};
use pos_core::money::{self, Money, Quantity, Rounding, TaxRate};
use pos_core::order::Discount;
use pos_core::profile::{GstHalf, PricingMode, Profile, TaxRoundingLevel, TaxSplit, example_profile};
use pos_core::{Bill, limits};

use crate::support::{
    class, class_tax, component, gst5, gst18, india, line, m, one, pct, voided, with_discount,
};

fn calc(lines: &[pos_core::OrderLine], od: Option<Discount>, s: &TaxSettings) -> Bill {
    let bill = bill::calculate(lines, od, s).expect("a valid order computes");
    assert!(bill.reconciles(), "every computed bill must reconcile: {bill:#?}");
    bill
}

fn with_increment(increment: i64) -> TaxSettings {
    TaxSettings {
        cash_rounding_increment: m(increment),
        ..india()
    }
}

fn dinner() -> Vec<pos_core::OrderLine> {
    vec![
        line(1, 240_00, 2000, &gst5()), // Paneer Tikka, 2 x Rs 240.00
        line(2, 45_00, 3000, &gst5()),  // Butter Naan, 3 x Rs 45.00
        one(3, 89_50, &gst5()),         // Sweet Lassi, 1 x Rs 89.50
    ]
}

#[test]
fn an_exclusive_5_percent_bill_adds_tax_once_per_document_and_rounds_to_the_rupee() {
    let bill = calc(&dinner(), None, &with_increment(100));
    assert_eq!(bill.subtotal.minor(), 704_50, "480.00 + 135.00 + 89.50");
    assert_eq!(bill.net_total.minor(), 704_50, "no discount: net is the subtotal");
    assert_eq!(
        bill.tax_total.minor(),
        35_23,
        "5% of 704.50 is 35.225, half-up to 35.23"
    );
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Cgst),
        17_62,
        "CGST takes the odd paisa"
    );
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Sgst),
        17_61,
        "SGST gets the rest"
    );
    assert!(
        bill.tax_lines.iter().all(|t| t.taxable.minor() == 704_50),
        "both halves are charged on the whole taxable value"
    );
    assert_eq!(bill.tax_included.minor(), 0, "exclusive prices contain no tax");
    assert_eq!(bill.round_off.minor(), 27, "739.73 rounds up to 740.00");
    assert_eq!(bill.total.minor(), 740_00, "the guest pays a whole rupee amount");
}

#[test]
fn per_line_tax_rounding_can_differ_from_per_document_by_a_paisa() {
    let chai = |n| one(n, 10_10, &gst5());
    let lines = vec![chai(1), chai(2), chai(3)];
    let per_doc = calc(&lines, None, &india());
    let per_line = calc(
        &lines,
        None,
        &TaxSettings {
            level: TaxRoundingLevel::PerLine,
            ..india()
        },
    );
    assert_eq!(
        per_doc.tax_total.minor(),
        1_52,
        "5% of 30.30 is 1.515, half-up 1.52"
    );
    assert_eq!(
        per_line.tax_total.minor(),
        1_53,
        "5% of 10.10 is 0.505 -> 0.51, three times"
    );
    assert_eq!(per_doc.total.minor(), 31_82, "30.30 + 1.52");
    assert_eq!(per_line.total.minor(), 31_83, "30.30 + 1.53");
}

#[test]
fn half_up_and_half_even_differ_only_on_an_exact_half() {
    let half_even = TaxSettings {
        rounding: Rounding::HalfEven,
        ..india()
    };
    let tenten = [one(1, 10_10, &gst5())];
    assert_eq!(
        calc(&tenten, None, &india()).tax_total.minor(),
        51,
        "0.505 half-up -> 0.51"
    );
    assert_eq!(
        calc(&tenten, None, &half_even).tax_total.minor(),
        50,
        "0.505 half-even -> 0.50"
    );
    let tenthirty = [one(1, 10_30, &gst5())];
    assert_eq!(
        calc(&tenthirty, None, &india()).tax_total.minor(),
        52,
        "0.515 half-up -> 0.52"
    );
    assert_eq!(
        calc(&tenthirty, None, &half_even).tax_total.minor(),
        52,
        "0.515 half-even -> 0.52, the even neighbour"
    );
    let not_a_half = [one(1, 10_11, &gst5())];
    assert_eq!(
        calc(&not_a_half, None, &half_even).tax_total.minor(),
        51,
        "0.5055 is above the half, so both rules give 0.51"
    );
}

#[test]
fn the_single_division_rounds_halves_away_from_zero_or_to_even() {
    assert_eq!(money::div_round(5, 2, Rounding::HalfUp), 3, "2.5 -> 3");
    assert_eq!(
        money::div_round(-5, 2, Rounding::HalfUp),
        -3,
        "-2.5 -> -3, away from zero"
    );
    assert_eq!(money::div_round(5, 2, Rounding::HalfEven), 2, "2.5 -> 2");
    assert_eq!(money::div_round(7, 2, Rounding::HalfEven), 4, "3.5 -> 4");
    assert_eq!(money::div_round(-5, 2, Rounding::HalfEven), -2, "-2.5 -> -2");
}

#[test]
fn fractional_quantities_round_the_line_gross_to_a_paisa() {
    let per_kg = [line(1, 1_199_00, 250, &gst5())];
    assert_eq!(
        calc(&per_kg, None, &india()).subtotal.minor(),
        299_75,
        "0.250 kg x 1199.00"
    );
    let half = [line(1, 12_33, 500, &gst5())];
    assert_eq!(
        calc(&half, None, &india()).subtotal.minor(),
        6_17,
        "6.165 half-up -> 6.17"
    );
    let he = TaxSettings {
        rounding: Rounding::HalfEven,
        ..india()
    };
    assert_eq!(
        calc(&half, None, &he).subtotal.minor(),
        6_16,
        "6.165 half-even -> 6.16"
    );
    assert_eq!(
        Quantity::parse("0.25").map(Quantity::milli),
        Ok(250),
        "typed 0.25 is 250 thousandths"
    );
}

#[test]
fn an_odd_tax_gives_cgst_the_extra_paisa_unless_the_profile_says_sgst() {
    let lines = [one(1, 10_10, &gst5())];
    let cgst_default = calc(&lines, None, &india());
    assert_eq!(
        component(&cgst_default, "GST5", TaxComponent::Cgst),
        26,
        "0.51: CGST 0.26"
    );
    assert_eq!(
        component(&cgst_default, "GST5", TaxComponent::Sgst),
        25,
        "0.51: SGST 0.25"
    );
    let sgst = calc(
        &lines,
        None,
        &TaxSettings {
            odd_paisa_to: GstHalf::Sgst,
            ..india()
        },
    );
    assert_eq!(
        component(&sgst, "GST5", TaxComponent::Cgst),
        25,
        "configured: CGST 0.25"
    );
    assert_eq!(
        component(&sgst, "GST5", TaxComponent::Sgst),
        26,
        "configured: SGST 0.26"
    );
    let even = calc(&[one(1, 10_00, &gst5())], None, &india());
    assert_eq!(
        component(&even, "GST5", TaxComponent::Cgst),
        25,
        "an even tax halves exactly"
    );
    assert_eq!(
        component(&even, "GST5", TaxComponent::Sgst),
        25,
        "an even tax halves exactly"
    );
}

#[test]
fn inclusive_prices_have_their_tax_extracted_not_added() {
    let s = TaxSettings {
        pricing: PricingMode::Inclusive,
        ..india()
    };
    let lines = [one(1, 250_00, &gst5()), one(2, 118_00, &gst18())];
    let bill = calc(&lines, None, &s);
    assert_eq!(
        class_tax(&bill, "GST5"),
        11_90,
        "250.00 x 500 / 10500 = 11.9047 -> 11.90"
    );
    assert_eq!(
        class_tax(&bill, "GST18"),
        18_00,
        "118.00 x 1800 / 11800 = 18.00 exactly"
    );
    assert_eq!(bill.net_total.minor(), 338_10, "238.10 + 100.00");
    assert_eq!(bill.tax_total.minor(), 29_90, "11.90 + 18.00");
    assert_eq!(
        bill.tax_included.minor(),
        29_90,
        "all of it is already in the prices"
    );
    assert_eq!(bill.subtotal.minor(), 368_00, "the menu prices");
    assert_eq!(bill.total.minor(), 368_00, "the guest pays the menu prices");
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Cgst),
        5_95,
        "11.90 halves evenly"
    );
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Sgst),
        5_95,
        "11.90 halves evenly"
    );
    assert_eq!(
        component(&bill, "GST18", TaxComponent::Cgst),
        9_00,
        "18.00 halves evenly"
    );
    assert_eq!(
        component(&bill, "GST18", TaxComponent::Sgst),
        9_00,
        "18.00 halves evenly"
    );
    let gst5_taxable = bill
        .tax_lines
        .iter()
        .find(|t| t.class == "GST5")
        .map(|t| t.taxable);
    assert_eq!(
        gst5_taxable,
        Some(m(238_10)),
        "taxable value is the price less its tax"
    );
}

#[test]
fn inclusive_vat_shows_the_contained_tax_as_a_single_line() {
    let vat20 = class("VAT20", 2000, TaxSplit::Single);
    let s = TaxSettings {
        pricing: PricingMode::Inclusive,
        ..india()
    };
    let bill = calc(&[one(1, 12_50, &vat20)], None, &s);
    assert_eq!(
        bill.tax_total.minor(),
        2_08,
        "12.50 x 2000 / 12000 = 2.0833 -> 2.08"
    );
    assert_eq!(bill.net_total.minor(), 10_42, "12.50 - 2.08");
    assert_eq!(bill.tax_lines.len(), 1, "a single tax has one line");
    assert_eq!(
        bill.tax_lines[0].component,
        TaxComponent::Tax,
        "named after its class"
    );
}

#[test]
fn percent_and_amount_line_discounts_come_off_before_tax() {
    let lines = [
        with_discount(one(1, 333_33, &gst5()), Discount::Percent(pct(1000))),
        with_discount(one(2, 240_00, &gst5()), Discount::Amount(m(50_00))),
    ];
    let bill = calc(&lines, None, &india());
    assert_eq!(
        bill.lines[0].line_discount.minor(),
        33_33,
        "10% of 333.33 is 33.333 -> 33.33"
    );
    assert_eq!(bill.lines[0].amount.minor(), 300_00, "333.33 - 33.33");
    assert_eq!(bill.lines[1].line_discount.minor(), 50_00, "a fixed Rs 50 off");
    assert_eq!(bill.lines[1].amount.minor(), 190_00, "240.00 - 50.00");
    assert_eq!(
        bill.subtotal.minor(),
        573_33,
        "discounts do not change the subtotal"
    );
    assert_eq!(bill.line_discounts.minor(), 83_33, "33.33 + 50.00");
    assert_eq!(bill.net_total.minor(), 490_00, "300.00 + 190.00");
    assert_eq!(bill.tax_total.minor(), 24_50, "5% of the discounted 490.00");
    assert_eq!(bill.total.minor(), 514_50, "490.00 + 24.50");

    let eighth = [with_discount(one(1, 1_00, &gst5()), Discount::Percent(pct(1250)))];
    assert_eq!(
        calc(&eighth, None, &india()).line_discounts.minor(),
        13,
        "12.5% of 1.00 half-up"
    );
    let he = TaxSettings {
        rounding: Rounding::HalfEven,
        ..india()
    };
    assert_eq!(
        calc(&eighth, None, &he).line_discounts.minor(),
        12,
        "12.5% of 1.00 half-even"
    );
}

#[test]
fn a_discount_larger_than_what_it_discounts_is_refused() {
    let too_much = [with_discount(
        one(1, 100_00, &gst5()),
        Discount::Amount(m(100_01)),
    )];
    assert!(
        bill::calculate(&too_much, None, &india()).is_err(),
        "a line discount above the line amount would make a negative line"
    );
    let lines = [one(1, 100_00, &gst5())];
    assert!(
        bill::calculate(&lines, Some(Discount::Amount(m(100_01))), &india()).is_err(),
        "an order discount above the order amount would make a negative bill"
    );
    let all = calc(&lines, Some(Discount::Amount(m(100_00))), &india());
    assert_eq!(
        all.total.minor(),
        0,
        "a 100% discount is allowed and leaves nothing due"
    );
}

#[test]
fn an_order_discount_is_spread_over_lines_by_largest_remainder() {
    let lines = [
        one(1, 100_00, &gst5()),
        one(2, 200_00, &gst5()),
        one(3, 33_33, &gst5()),
    ];
    let bill = calc(&lines, Some(Discount::Amount(m(10_00))), &india());
    let parts: Vec<i64> = bill.lines.iter().map(|l| l.order_discount.minor()).collect();
    assert_eq!(
        parts,
        [3_00, 6_00, 1_00],
        "exact shares 3.00003, 6.00006, 0.9999: floors 3.00, 6.00, 0.99 and the last paisa \
         goes to the largest remainder, the third line"
    );
    assert_eq!(bill.net_total.minor(), 323_33, "333.33 - 10.00");
    assert_eq!(bill.tax_total.minor(), 16_17, "5% of 323.33 is 16.1665 -> 16.17");
    assert_eq!(bill.total.minor(), 339_50, "323.33 + 16.17");

    let pct_bill = calc(&lines, Some(Discount::Percent(pct(1000))), &india());
    assert_eq!(
        pct_bill.order_discount.minor(),
        33_33,
        "10% of 333.33, rounded once on the sum"
    );
    let parts: Vec<i64> = pct_bill.lines.iter().map(|l| l.order_discount.minor()).collect();
    assert_eq!(parts, [10_00, 20_00, 3_33], "33.33 spread as 10.00, 20.00, 3.33");
}

#[test]
fn order_discount_ties_go_to_the_earlier_line() {
    let lines = [
        one(1, 100_00, &gst5()),
        one(2, 100_00, &gst5()),
        one(3, 100_00, &gst5()),
    ];
    let bill = calc(&lines, Some(Discount::Amount(m(10_00))), &india());
    let parts: Vec<i64> = bill.lines.iter().map(|l| l.order_discount.minor()).collect();
    assert_eq!(
        parts,
        [3_34, 3_33, 3_33],
        "three equal remainders: the first line takes the paisa"
    );
    assert_eq!(
        bill::allocate(m(2), &[m(100), m(100), m(100)]),
        [m(1), m(1), m(0)],
        "two paise over three equal weights"
    );
    assert_eq!(
        bill::allocate(m(5), &[m(0), m(0)]),
        [m(5), m(0)],
        "with no weight at all the first part takes everything"
    );
}

#[test]
fn service_charge_is_a_percentage_of_the_net_and_may_be_taxed() {
    let lines = [one(1, 1_000_00, &gst5())];
    let untaxed = TaxSettings {
        service_charge: pct(1000),
        ..india()
    };
    let bill = calc(&lines, None, &untaxed);
    assert_eq!(bill.service_charge.minor(), 100_00, "10% of 1000.00");
    assert_eq!(bill.tax_total.minor(), 50_00, "untaxed: 5% of the goods only");
    assert_eq!(bill.total.minor(), 1_150_00, "1000.00 + 100.00 + 50.00");

    let taxed = TaxSettings {
        service_charge_tax: Some(("GST5".into(), TaxRate::from_bps(500).unwrap(), TaxSplit::CgstSgst)),
        ..untaxed.clone()
    };
    let bill = calc(&lines, None, &taxed);
    assert_eq!(bill.tax_total.minor(), 55_00, "taxed in GST5: 5% of 1100.00");
    assert!(
        bill.tax_lines.iter().all(|t| t.taxable.minor() == 1_100_00),
        "the service charge joins the taxable value of its class"
    );
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Cgst),
        27_50,
        "55.00 halves evenly"
    );
    assert_eq!(bill.total.minor(), 1_155_00, "1000.00 + 100.00 + 55.00");

    let bill = calc(&lines, Some(Discount::Percent(pct(1000))), &taxed);
    assert_eq!(bill.service_charge.minor(), 90_00, "10% of the discounted 900.00");
    assert_eq!(bill.tax_total.minor(), 49_50, "5% of 990.00");
    assert_eq!(bill.total.minor(), 1_039_50, "900.00 + 90.00 + 49.50");
}

#[test]
fn with_inclusive_prices_the_service_charge_is_on_the_net_and_its_tax_is_added() {
    let s = TaxSettings {
        pricing: PricingMode::Inclusive,
        service_charge: pct(1000),
        service_charge_tax: Some(("GST5".into(), TaxRate::from_bps(500).unwrap(), TaxSplit::CgstSgst)),
        ..india()
    };
    let bill = calc(&[one(1, 105_00, &gst5())], None, &s);
    assert_eq!(bill.net_total.minor(), 100_00, "105.00 contains 5.00 of tax");
    assert_eq!(
        bill.service_charge.minor(),
        10_00,
        "10% of the net 100.00, not of 105.00"
    );
    assert_eq!(
        bill.tax_total.minor(),
        5_50,
        "5.00 inside the price + 0.50 on the service charge"
    );
    assert_eq!(
        bill.tax_included.minor(),
        5_00,
        "only the goods' tax is inside a price"
    );
    assert_eq!(bill.total.minor(), 115_50, "105.00 + 10.00 + 0.50");
    assert_eq!(
        (bill.net_total + bill.service_charge + bill.tax_total + bill.round_off).minor(),
        115_50,
        "identity 1: net + service charge + tax + round-off"
    );
    assert_eq!(
        (bill.subtotal - bill.discount_total + bill.service_charge + bill.tax_total - bill.tax_included
            + bill.round_off)
            .minor(),
        115_50,
        "identity 2: subtotal - discounts + service charge + added tax + round-off"
    );
}

#[test]
fn cash_rounding_to_a_rupee_shows_a_negative_or_positive_round_off() {
    let bill = calc(&[one(1, 100_47, &gst5())], None, &with_increment(100));
    assert_eq!(bill.tax_total.minor(), 5_02, "5% of 100.47 is 5.0235 -> 5.02");
    assert_eq!(bill.round_off.minor(), -49, "105.49 rounds down to 105.00");
    assert_eq!(bill.total.minor(), 105_00, "105.49 - 0.49");

    let bill = calc(&[one(1, 100_48, &gst5())], None, &with_increment(100));
    assert_eq!(
        bill.round_off.minor(),
        50,
        "105.50 is a half: half-up goes to 106.00"
    );
    assert_eq!(bill.total.minor(), 106_00, "105.50 + 0.50");

    let lines = [one(1, 99_52, &gst5())];
    let up = calc(&lines, None, &with_increment(100));
    assert_eq!(up.tax_total.minor(), 4_98, "5% of 99.52 is 4.976 -> 4.98");
    assert_eq!(
        (up.total.minor(), up.round_off.minor()),
        (105_00, 50),
        "104.50 half-up"
    );
    let even = calc(
        &lines,
        None,
        &TaxSettings {
            rounding: Rounding::HalfEven,
            ..with_increment(100)
        },
    );
    assert_eq!(
        (even.total.minor(), even.round_off.minor()),
        (104_00, -50),
        "104.50 half-even"
    );
    let none = calc(&lines, None, &with_increment(0));
    assert_eq!(
        (none.total.minor(), none.round_off.minor()),
        (104_50, 0),
        "increment 0: as is"
    );
}

#[test]
fn voided_lines_are_ignored_by_the_bill() {
    let mut lines = dinner();
    lines.insert(1, voided(one(9, 500_00, &gst5())));
    let bill = calc(&lines, None, &with_increment(100));
    assert_eq!(bill.lines.len(), 3, "the voided line is not on the bill");
    assert_eq!(
        bill,
        calc(&dinner(), None, &with_increment(100)),
        "voiding leaves the same bill"
    );
}

#[test]
fn igst_and_single_tax_classes_have_one_tax_line() {
    let igst18 = class("IGST18", 1800, TaxSplit::Igst);
    let bill = calc(&[one(1, 1_000_00, &igst18)], None, &india());
    assert_eq!(bill.tax_lines.len(), 1, "IGST is not split");
    assert_eq!(
        bill.component_total(TaxComponent::Igst).minor(),
        180_00,
        "18% of 1000.00"
    );
    assert_eq!(bill.total.minor(), 1_180_00, "1000.00 + 180.00");

    let vat20 = class("VAT20", 2000, TaxSplit::Single);
    let bill = calc(&[one(1, 12_50, &vat20)], None, &india());
    assert_eq!(
        bill.component_total(TaxComponent::Tax).minor(),
        2_50,
        "20% of 12.50"
    );
    assert_eq!(bill.tax_lines[0].class, "VAT20", "printed under the class name");
}

#[test]
fn mixed_tax_classes_are_taxed_and_split_separately() {
    let lines = [one(1, 500_00, &gst5()), one(2, 20_50, &gst18())];
    let bill = calc(&lines, None, &with_increment(100));
    assert_eq!(class_tax(&bill, "GST5"), 25_00, "5% of 500.00");
    assert_eq!(class_tax(&bill, "GST18"), 3_69, "18% of 20.50");
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Cgst),
        12_50,
        "25.00 halves evenly"
    );
    assert_eq!(
        component(&bill, "GST5", TaxComponent::Sgst),
        12_50,
        "25.00 halves evenly"
    );
    assert_eq!(
        component(&bill, "GST18", TaxComponent::Cgst),
        1_85,
        "odd 3.69: CGST 1.85"
    );
    assert_eq!(
        component(&bill, "GST18", TaxComponent::Sgst),
        1_84,
        "odd 3.69: SGST 1.84"
    );
    let order: Vec<&str> = bill.tax_lines.iter().map(|t| t.class.as_str()).collect();
    assert_eq!(
        order,
        ["GST5", "GST5", "GST18", "GST18"],
        "classes in order of first appearance"
    );
    assert_eq!(bill.round_off.minor(), -19, "549.19 rounds down to 549.00");
    assert_eq!(bill.total.minor(), 549_00, "520.50 + 28.69 - 0.19");
}

#[test]
fn a_zero_rated_class_prints_no_tax_lines() {
    let exempt = class("EXEMPT", 0, TaxSplit::Single);
    let bill = calc(&[one(1, 40_00, &exempt), one(2, 100_00, &gst5())], None, &india());
    assert!(
        bill.tax_lines.iter().all(|t| t.class == "GST5"),
        "no line for a 0% class"
    );
    assert_eq!(
        bill.net_total.minor(),
        140_00,
        "the exempt item still counts in the net"
    );
    assert_eq!(bill.total.minor(), 145_00, "140.00 + 5.00");
}

#[test]
fn a_refund_is_the_stored_bill_negated() {
    let bill = calc(&dinner(), None, &with_increment(100));
    let refund = bill.negated();
    assert_eq!(refund.total.minor(), -740_00, "the whole amount paid comes back");
    assert_eq!(refund.round_off.minor(), -27, "the round-off is reversed too");
    assert_eq!(
        refund.component_total(TaxComponent::Cgst).minor(),
        -17_62,
        "the CGST charged is reversed to the paisa"
    );
    assert!(refund.reconciles(), "a refund adds up like any bill");
    assert_eq!(refund.negated(), bill, "negating twice is the original");
}

#[test]
fn settings_come_from_the_profile_and_untaxed_or_zero_service_charge_has_no_class() {
    // The example restaurant with a taxed 10% service charge.
    let mut p = Profile {
        service_charge: pct(1000),
        service_charge_taxed: true,
        service_charge_tax_class: "GST5".into(),
        ..example_profile()
    };
    let s = TaxSettings::from(&p);
    assert_eq!(
        s.service_charge_tax,
        Some(("GST5".into(), TaxRate::from_bps(500).unwrap(), TaxSplit::CgstSgst)),
        "a taxed service charge takes its class's rate and split"
    );
    assert_eq!(s.cash_rounding_increment, m(100), "the increment is copied");
    p.service_charge_taxed = false;
    assert_eq!(
        TaxSettings::from(&p).service_charge_tax,
        None,
        "untaxed: no class"
    );
    p.service_charge_taxed = true;
    p.service_charge = pct(0);
    assert_eq!(
        TaxSettings::from(&p).service_charge_tax,
        None,
        "no charge: nothing to tax"
    );
    assert!(p.clone().validated().is_ok(), "the sample profile is valid");
    p.cash_rounding_increment = m(100_001);
    assert!(p.validated().is_err(), "increments above 1000.00 are refused");
}

#[test]
fn inputs_beyond_the_limits_are_refused() {
    assert!(
        Money::parse_price("price", limits::MAX_UNIT_PRICE).is_ok(),
        "the limit itself is allowed"
    );
    assert!(
        Money::parse_price("price", limits::MAX_UNIT_PRICE + 1).is_err(),
        "above the limit"
    );
    assert!(
        Money::parse_price("price", -1).is_err(),
        "prices are never negative"
    );
    assert!(
        Quantity::from_milli(limits::MAX_QUANTITY_MILLI).is_ok(),
        "10,000 units is allowed"
    );
    assert!(
        Quantity::from_milli(limits::MAX_QUANTITY_MILLI + 1).is_err(),
        "above 10,000 units"
    );
    assert!(Quantity::from_milli(0).is_err(), "a line needs a quantity");
    assert!(TaxRate::from_bps(10_001).is_err(), "rates above 100% are refused");
}
