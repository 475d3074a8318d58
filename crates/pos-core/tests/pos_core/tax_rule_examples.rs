//! Worked examples of the tax rules added for bills of other systems: several taxes on a
//! line (a cess beside GST, a city tax beside a state tax), compound and per-unit taxes,
//! per-line tax shares, cash rounding up or down or into the biggest tax, rounding a
//! line's taxes together or separately, and the service charge by order type or waived.
//! Amounts are in minor units (`740_00` is Rs 740.00 or $740.00). Each example is also
//! written out in docs/MONEY.md (sections 17 to 23).

use pos_core::bill::{self, BillContext, TaxComponent, TaxSettings};
use pos_core::money::{CashRounding, Money, Rounding, TaxRate};
use pos_core::order::{OrderLine, OrderType, OrderTypes};
use pos_core::profile::{
    Levy, LevyCharge, LevyKind, PricingMode, RoundOffTo, TaxRoundingLevel, TaxSplit, TaxesRounded,
};
use pos_core::{Bill, LineTax};

use crate::support::{Class, class, class_tax, component, gst5, india, line, m, one, pct};

fn calc(lines: &[OrderLine], s: &TaxSettings) -> Bill {
    calc_for(lines, &BillContext::default(), s)
}

fn calc_for(lines: &[OrderLine], ctx: &BillContext, s: &TaxSettings) -> Bill {
    let bill = bill::calculate_with(lines, None, ctx, s).expect("a valid order computes");
    assert!(bill.reconciles(), "every computed bill must reconcile: {bill:#?}");
    bill
}

fn percent_levy(code: &str, bps: u32, kind: LevyKind) -> Levy {
    Levy {
        code: code.into(),
        name: code.into(),
        charge: LevyCharge::Percent(TaxRate::from_bps(bps).expect("a valid rate")),
        compound: false,
        kind,
    }
}

fn cess12() -> Levy {
    percent_levy("CESS12", 1200, LevyKind::Cess)
}

fn per_unit(code: &str, minor: i64) -> Levy {
    Levy {
        code: code.into(),
        name: code.into(),
        charge: LevyCharge::PerUnit(m(minor)),
        compound: false,
        kind: LevyKind::Tax,
    }
}

fn compound(mut l: Levy) -> Levy {
    l.compound = true;
    l
}

/// A line of `class` carrying `levies`, as `OrderLine::new` copies them from the profile.
fn levied(mut l: OrderLine, levies: &[Levy]) -> OrderLine {
    l.levies = levies.to_vec();
    l
}

fn gst28() -> Class {
    class("GST28", 2800, TaxSplit::CgstSgst)
}

fn single(code: &str, bps: u32) -> Class {
    class(code, bps, TaxSplit::Single)
}

/// Amount of the levy `code`'s tax line.
fn levy_tax(bill: &Bill, code: &str) -> i64 {
    bill.tax_lines
        .iter()
        .filter(|t| t.levy.as_ref().is_some_and(|l| l.code == code))
        .map(|t| t.amount.minor())
        .sum()
}

/// A line's shares, as (component, amount) pairs in tax-line order.
fn shares(bill: &Bill, taxes: &[LineTax]) -> Vec<(TaxComponent, i64)> {
    taxes
        .iter()
        .map(|t| (bill.tax_lines[t.tax_line as usize].component, t.amount.minor()))
        .collect()
}

fn with(f: impl FnOnce(&mut TaxSettings)) -> TaxSettings {
    let mut s = india();
    f(&mut s);
    s
}

// ---------------------------------------------------------------------------------------
// Several taxes on a line
// ---------------------------------------------------------------------------------------

#[test]
fn an_aerated_drink_pays_gst_28_percent_and_a_12_percent_cess_beside_food_at_5_percent() {
    let lines = [
        one(1, 240_00, &gst5()),                             // Paneer Tikka
        levied(line(2, 33_33, 3000, &gst28()), &[cess12()]), // 3 colas
    ];
    let bill = calc(&lines, &with(|s| s.cash_rounding_increment = m(100)));
    assert_eq!(class_tax(&bill, "GST5"), 12_00, "5% of 240.00");
    assert_eq!(
        component(&bill, "GST28", TaxComponent::Cgst) + component(&bill, "GST28", TaxComponent::Sgst),
        28_00,
        "28% of 99.99 is 27.9972; with the cess's 11.9988 the sum 39.996 rounds to 40.00 and \
         each tax takes its floor plus one paisa by largest remainder"
    );
    assert_eq!(
        component(&bill, "GST28", TaxComponent::Cgst),
        14_00,
        "the GST halves"
    );
    assert_eq!(levy_tax(&bill, "CESS12"), 12_00, "12% of 99.99, as a cess");
    assert_eq!(
        bill.component_total(TaxComponent::Cess),
        m(12_00),
        "reported as cess"
    );
    assert_eq!(
        bill.other_tax(),
        m(12_00),
        "stored in other_tax beside CGST and SGST"
    );
    assert_eq!(
        bill.tax_lines.len(),
        5,
        "CGST and SGST of each GST class, and the cess"
    );
    assert_eq!(bill.tax_total, m(52_00), "12.00 + 28.00 + 12.00");
    assert_eq!(
        (bill.round_off.minor(), bill.total.minor()),
        (1, 392_00),
        "339.99 + 52.00 = 391.99 rounds to 392.00"
    );
    let cess_line = bill.tax_lines.iter().find(|t| t.component == TaxComponent::Cess);
    assert_eq!(
        cess_line.map(|t| (t.taxable, t.class.as_str())),
        Some((m(99_99), "GST28")),
        "the cess is charged on the drinks' taxable value, under their class"
    );
}

#[test]
fn an_inclusive_price_holds_the_net_the_gst_and_the_cess() {
    let s = with(|s| s.pricing = PricingMode::Inclusive);
    let bill = calc(&[levied(one(1, 40_00, &gst28()), &[cess12()])], &s);
    assert_eq!(
        class_tax(&bill, "GST28"),
        8_00 + 3_43,
        "40.00 / 1.40 = 28.5714 net; GST 8.0000 and cess 3.4286, 11.4286 rounded once to 11.43"
    );
    assert_eq!(
        levy_tax(&bill, "CESS12"),
        3_43,
        "the cess has the larger remainder"
    );
    assert_eq!(bill.net_total, m(28_57), "40.00 - 11.43");
    assert_eq!(bill.tax_included, m(11_43), "all of it inside the price");
    assert_eq!(bill.total, m(40_00), "the guest pays the printed price");
    assert_eq!(
        bill.lines[0].taxable,
        m(28_57),
        "the line's taxable value is its net"
    );
}

#[test]
fn a_state_and_a_city_tax_round_per_document_or_per_line() {
    let state_city = single("STATE6", 600);
    let city = percent_levy("CITY2", 200, LevyKind::Tax);
    let lines: Vec<OrderLine> = (1..=3)
        .map(|n| levied(one(n, 3_33, &state_city), std::slice::from_ref(&city)))
        .collect();
    let per_doc = calc(&lines, &india());
    assert_eq!(
        (
            class_tax(&per_doc, "STATE6") - levy_tax(&per_doc, "CITY2"),
            levy_tax(&per_doc, "CITY2")
        ),
        (60, 20),
        "9.99: state 0.5994 and city 0.1998 sum to 0.7992, rounded once to 0.80"
    );
    assert_eq!(per_doc.total, m(10_79), "9.99 + 0.80");
    let per_line = calc(&lines, &with(|s| s.level = TaxRoundingLevel::PerLine));
    assert_eq!(
        levy_tax(&per_line, "CITY2"),
        21,
        "per line: 3.33 has state 0.1998 and city 0.0666, 0.2664 -> 0.27 split 0.20 + 0.07, \
         three times"
    );
    assert_eq!(per_line.total, m(10_80), "9.99 + 0.60 + 0.21");
    assert_eq!(
        shares(&per_line, &per_line.lines[0].taxes),
        [(TaxComponent::Tax, 20), (TaxComponent::Tax, 7)],
        "per line, a line's share is its own rounded tax"
    );
}

#[test]
fn two_ten_percent_taxes_on_five_paise_round_together_or_separately() {
    let two_tens = single("STATE10", 1000);
    let lines = [levied(
        one(1, 5, &two_tens),
        &[percent_levy("CITY10", 1000, LevyKind::Tax)],
    )];
    let together = calc(&lines, &india());
    assert_eq!(together.tax_total, m(1), "0.005 + 0.005 is 0.01, rounded once");
    assert_eq!(
        (
            class_tax(&together, "STATE10") - levy_tax(&together, "CITY10"),
            levy_tax(&together, "CITY10")
        ),
        (1, 0),
        "equal remainders: the first tax takes the paisa"
    );
    let separately = calc(&lines, &with(|s| s.taxes_rounded = TaxesRounded::Separately));
    assert_eq!(separately.tax_total, m(2), "0.005 rounds up to 0.01 twice");
    let half_even = with(|s| {
        s.taxes_rounded = TaxesRounded::Separately;
        s.rounding = Rounding::HalfEven;
    });
    assert_eq!(
        calc(&lines, &half_even).tax_total,
        m(0),
        "half-even: 0.005 goes to 0.00 twice"
    );
}

// ---------------------------------------------------------------------------------------
// Compound and per-unit taxes
// ---------------------------------------------------------------------------------------

#[test]
fn a_compound_tax_is_charged_on_the_price_plus_the_tax_before_it() {
    let federal = single("GST", 500);
    let provincial = compound(percent_levy("QST", 950, LevyKind::Tax));
    let hundred = [levied(
        one(1, 100_00, &federal),
        std::slice::from_ref(&provincial),
    )];
    let bill = calc(&hundred, &india());
    assert_eq!(levy_tax(&bill, "QST"), 9_98, "9.5% of 105.00 = 9.975 -> 9.98");
    assert_eq!(
        class_tax(&bill, "GST"),
        5_00 + 9_98,
        "5% of 100.00 plus the provincial tax"
    );
    let qst = bill
        .tax_lines
        .iter()
        .find(|t| t.levy.is_some())
        .map(|t| t.taxable);
    assert_eq!(
        qst,
        Some(m(105_00)),
        "the compound tax's taxable value includes the tax before it"
    );

    let ten = [levied(one(1, 10_10, &federal), &[provincial])];
    let together = calc(&ten, &india());
    assert_eq!(
        (
            class_tax(&together, "GST") - levy_tax(&together, "QST"),
            levy_tax(&together, "QST")
        ),
        (50, 1_01),
        "together: GST 0.505 and QST 9.5% of 10.605 = 1.007475 sum to 1.512475 -> 1.51; \
         the larger remainder (QST's) takes the paisa"
    );
    let separately = calc(&ten, &with(|s| s.taxes_rounded = TaxesRounded::Separately));
    assert_eq!(
        (
            class_tax(&separately, "GST") - levy_tax(&separately, "QST"),
            levy_tax(&separately, "QST")
        ),
        (51, 1_01),
        "separately: GST 0.505 -> 0.51, then QST on 10.61 = 1.00795 -> 1.01"
    );
    let qst = separately
        .tax_lines
        .iter()
        .find(|t| t.levy.is_some())
        .map(|t| t.taxable);
    assert_eq!(qst, Some(m(10_61)), "charged on the price plus the printed GST");

    let three = [levied(
        one(1, 3_06, &federal),
        &[compound(percent_levy("QST", 950, LevyKind::Tax))],
    )];
    let on_printed = calc(&three, &with(|s| s.taxes_rounded = TaxesRounded::Separately));
    assert_eq!(
        levy_tax(&on_printed, "QST"),
        30,
        "separately: GST 0.153 -> 0.15, QST 9.5% of the printed 3.21 = 0.30495 -> 0.30"
    );
    assert_eq!(
        levy_tax(&calc(&three, &india()), "QST"),
        31,
        "together: QST 9.5% of the exact 3.213 = 0.3052, the larger remainder of the 0.46"
    );
}

#[test]
fn a_fixed_tax_per_unit_is_charged_on_the_quantity_not_the_price() {
    let water = single("STATE6", 600);
    let bottle = per_unit("BOTTLE", 5);
    let bill = calc(
        &[levied(line(1, 1_00, 6000, &water), std::slice::from_ref(&bottle))],
        &india(),
    );
    assert_eq!(levy_tax(&bill, "BOTTLE"), 30, "six bottles at 0.05");
    assert_eq!(bill.tax_total, m(36 + 30), "6% of 6.00, and the bottle tax");
    assert_eq!(bill.total, m(6_66), "6.00 + 0.36 + 0.30");
    let half = calc(&[levied(line(1, 1_00, 500, &water), &[bottle])], &india());
    assert_eq!(
        levy_tax(&half, "BOTTLE"),
        3,
        "half a unit pays half: 0.025 -> 0.03"
    );
}

#[test]
fn vat_on_the_price_plus_a_per_unit_eco_tax_and_its_inclusive_round_trip() {
    let eco_class = single("ECO", 0);
    let levies = [
        per_unit("ECO", 50),
        compound(percent_levy("VAT21", 2100, LevyKind::Tax)),
    ];
    let bill = calc(&[levied(one(1, 10_00, &eco_class), &levies)], &india());
    assert_eq!(levy_tax(&bill, "ECO"), 50, "0.50 per unit");
    assert_eq!(levy_tax(&bill, "VAT21"), 2_21, "21% of 10.50 = 2.205 -> 2.21");
    assert_eq!(bill.tax_lines.len(), 2, "the class's own 0% tax prints no line");
    assert_eq!(bill.total, m(12_71), "10.00 + 0.50 + 2.21");

    let incl = with(|s| s.pricing = PricingMode::Inclusive);
    let back = calc(&[levied(one(1, 12_71, &eco_class), &levies)], &incl);
    assert_eq!(
        (back.net_total, back.tax_total),
        (m(10_00), m(2_71)),
        "12.71 including both: net (12.71 - 0.605) / 1.21 = 10.0041, taxes 0.50 and 2.2059, \
         2.7059 -> 2.71"
    );
    let too_cheap = bill::calculate(&[levied(one(1, 40, &eco_class), &levies)], None, &incl);
    assert!(
        too_cheap.is_err(),
        "a price of 0.40 cannot include a fixed tax of 0.50: refused, not a negative net"
    );
}

// ---------------------------------------------------------------------------------------
// Per-line shares
// ---------------------------------------------------------------------------------------

fn dinner() -> Vec<OrderLine> {
    vec![
        line(1, 240_00, 2000, &gst5()),
        line(2, 45_00, 3000, &gst5()),
        one(3, 89_50, &gst5()),
    ]
}

#[test]
fn each_line_gets_its_share_of_a_per_document_tax_and_of_both_halves() {
    let bill = calc(&dinner(), &india());
    let line_gst: Vec<i64> = bill
        .lines
        .iter()
        .map(|l| l.taxes.iter().map(|t| t.amount.minor()).sum())
        .collect();
    assert_eq!(
        line_gst,
        [24_00, 6_75, 4_48],
        "35.23 over exact shares 24.00, 6.75 and 4.475: the paisa left goes to the largest \
         remainder"
    );
    assert_eq!(
        shares(&bill, &bill.lines[1].taxes),
        [(TaxComponent::Cgst, 3_38), (TaxComponent::Sgst, 3_37)],
        "an odd share gives its odd paisa to CGST while CGST's total needs it"
    );
    assert_eq!(
        shares(&bill, &bill.lines[2].taxes),
        [(TaxComponent::Cgst, 2_24), (TaxComponent::Sgst, 2_24)],
        "an even share halves exactly"
    );
    assert_eq!(
        bill.lines.iter().map(|l| l.taxable).sum::<Money>(),
        bill.net_total,
        "the lines' taxable values sum to the net"
    );
}

#[test]
fn a_taxed_service_charge_gets_its_own_share() {
    let s = with(|s| {
        s.service_charge = pct(1000);
        s.service_charge_tax = Some(("GST5".into(), TaxRate::from_bps(500).unwrap(), TaxSplit::CgstSgst));
    });
    let bill = calc(&dinner(), &s);
    assert_eq!(bill.service_charge, m(70_45), "10% of 704.50");
    assert_eq!(bill.tax_total, m(38_75), "5% of 774.95 = 38.7475");
    let sc: i64 = bill.service_charge_taxes.iter().map(|t| t.amount.minor()).sum();
    assert_eq!(sc, 3_52, "the service charge's exact share 3.5225");
    let line3: i64 = bill.lines[2].taxes.iter().map(|t| t.amount.minor()).sum();
    assert_eq!(
        line3, 4_48,
        "4.475 has the larger remainder and takes the paisa left"
    );
}

// ---------------------------------------------------------------------------------------
// Cash rounding
// ---------------------------------------------------------------------------------------

#[test]
fn cash_rounding_goes_up_or_down_when_the_profile_says() {
    let up = calc(
        &dinner(),
        &with(|s| {
            s.cash_rounding_increment = m(100);
            s.cash_rounding = CashRounding::Up;
        }),
    );
    assert_eq!((up.total, up.round_off), (m(740_00), m(27)), "739.73 up");
    let down = calc(
        &dinner(),
        &with(|s| {
            s.cash_rounding_increment = m(100);
            s.cash_rounding = CashRounding::Down;
        }),
    );
    assert_eq!((down.total, down.round_off), (m(739_00), m(-73)), "739.73 down");
}

#[test]
fn the_rounding_can_be_absorbed_by_the_biggest_tax_instead_of_a_round_off_line() {
    let absorbed = with(|s| {
        s.cash_rounding_increment = m(100);
        s.round_off_to = RoundOffTo::BiggestTax;
    });
    let bill = calc(&dinner(), &absorbed);
    assert_eq!(bill.total, m(740_00), "739.73 rounds to 740.00 as before");
    assert_eq!(bill.round_off, m(0), "no round-off line");
    assert_eq!(bill.round_off_in_tax, m(27), "the 0.27 is in the tax");
    assert_eq!(bill.tax_total, m(35_50), "35.23 + 0.27");
    assert_eq!(
        (
            component(&bill, "GST5", TaxComponent::Cgst),
            component(&bill, "GST5", TaxComponent::Sgst)
        ),
        (17_75, 17_75),
        "the class's tax absorbs it before the split, so the halves stay even"
    );
    let line_gst: Vec<i64> = bill
        .lines
        .iter()
        .map(|l| l.taxes.iter().map(|t| t.amount.minor()).sum())
        .collect();
    assert_eq!(
        line_gst,
        [24_18, 6_80, 4_52],
        "the 0.27 is spread over the lines in proportion to their shares"
    );

    let exempt = class("EXEMPT", 0, TaxSplit::Single);
    let untaxed = calc(&[one(1, 100_47, &exempt)], &absorbed);
    assert_eq!(
        (untaxed.round_off, untaxed.round_off_in_tax),
        (m(-47), m(0)),
        "a bill without tax keeps its round-off line"
    );
}

// ---------------------------------------------------------------------------------------
// Service charge by order type, waived
// ---------------------------------------------------------------------------------------

#[test]
fn a_dine_in_service_charge_is_not_charged_on_takeaway_nor_when_waived() {
    let s = with(|s| {
        s.service_charge = pct(1000);
        s.service_charge_order_types = OrderTypes::only(&[OrderType::DineIn]);
    });
    let food = [one(1, 1_000_00, &gst5())];
    let ctx = |t, waived| BillContext {
        order_type: Some(t),
        service_charge_waived: waived,
    };
    let dine_in = calc_for(&food, &ctx(OrderType::DineIn, false), &s);
    assert_eq!(
        (dine_in.service_charge, dine_in.total),
        (m(100_00), m(1_150_00)),
        "dine-in pays 10%"
    );
    let takeaway = calc_for(&food, &ctx(OrderType::Takeaway, false), &s);
    assert_eq!(
        (
            takeaway.service_charge,
            takeaway.service_charge_rate.bps(),
            takeaway.total
        ),
        (m(0), 0, m(1_050_00)),
        "takeaway pays none, and the bill shows no rate"
    );
    assert!(!takeaway.service_charge_waived, "nothing was waived on takeaway");
    let waived = calc_for(&food, &ctx(OrderType::DineIn, true), &s);
    assert_eq!(
        (waived.service_charge, waived.total),
        (m(0), m(1_050_00)),
        "a manager waived it"
    );
    assert!(waived.service_charge_waived, "and the bill says so");
    let unknown = calc(&food, &s);
    assert_eq!(
        unknown.service_charge,
        m(0),
        "a quote of unknown type pays no limited charge"
    );
    let everyone = calc(&food, &with(|s| s.service_charge = pct(1000)));
    assert_eq!(
        everyone.service_charge,
        m(100_00),
        "a charge on every type applies to a quote"
    );
}
