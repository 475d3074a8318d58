//! Properties of the money path over random orders, settings and tenders.
//!
//! The bill properties compare the engine with a small reference model written here
//! (`reference`): it recomputes net, service charge, per-class tax and total from the bill
//! lines with an independent rounding function, so a grouping, extraction or rounding
//! mistake in the engine shows up as a difference.

use pos_core::bill::{self, TaxComponent, TaxSettings};
use pos_core::limits::{MAX_PAYMENT, MAX_TENDERS};
use pos_core::money::{self, Currency, Money, Quantity, Rounding};
use pos_core::order::{Discount, OrderLine};
use pos_core::payment::{PaymentMethod, Tender, apply_tenders};
use pos_core::profile::{GstHalf, PricingMode, TaxRoundingLevel, TaxSplit};
use pos_core::{Bill, BillLine};
use proptest::prelude::*;
use proptest::sample::select;

use crate::support::{Class, class, line, m, pct, reference_round, voided, with_discount};

// ---------------------------------------------------------------------------------------
// Random orders
// ---------------------------------------------------------------------------------------

/// A discount before it is made valid against the amount it discounts.
#[derive(Clone, Debug)]
enum DiscSpec {
    None,
    Percent(u32),
    /// Thousandths of the amount discounted, so it never exceeds it.
    AmountPermille(i64),
}

#[derive(Clone, Debug)]
struct LineSpec {
    price: i64,
    qty_milli: i64,
    class: usize,
    discount: DiscSpec,
    void: bool,
}

#[derive(Clone, Debug)]
struct Scenario {
    classes: Vec<Class>,
    lines: Vec<LineSpec>,
    order_discount: DiscSpec,
    settings: TaxSettings,
}

fn disc_spec() -> impl Strategy<Value = DiscSpec> {
    prop_oneof![
        2 => Just(DiscSpec::None),
        1 => (0u32..=10_000).prop_map(DiscSpec::Percent),
        1 => (0i64..=1000).prop_map(DiscSpec::AmountPermille),
    ]
}

fn rate_bps() -> impl Strategy<Value = u32> {
    prop_oneof![select(vec![0u32, 500, 1200, 1800, 2800]), 0u32..=3000]
}

fn split() -> impl Strategy<Value = TaxSplit> {
    prop_oneof![
        2 => Just(TaxSplit::CgstSgst),
        1 => Just(TaxSplit::Igst),
        1 => Just(TaxSplit::Single),
    ]
}

fn rounding() -> impl Strategy<Value = Rounding> {
    prop_oneof![Just(Rounding::HalfUp), Just(Rounding::HalfEven)]
}

fn increment() -> impl Strategy<Value = i64> {
    select(vec![0i64, 1, 50, 100, 500, 1000])
}

/// 1 to 4 tax classes. Codes are drawn from three, so two classes may share a code with
/// different rates: a rate changed while the order was open. A code keeps one split.
fn classes() -> impl Strategy<Value = Vec<Class>> {
    proptest::collection::vec((0usize..3, rate_bps(), split()), 1..=4).prop_map(|specs| {
        let mut out: Vec<Class> = Vec::new();
        for (code, bps, sp) in specs {
            let code = format!("C{code}");
            let sp = out.iter().find(|c| c.code == code).map_or(sp, |c| c.split);
            out.push(class(&code, bps, sp));
        }
        out
    })
}

fn line_spec() -> impl Strategy<Value = LineSpec> {
    (
        prop_oneof![0i64..=10_000_000, 0i64..=2_000],
        prop_oneof![(1i64..=50).prop_map(|u| u * 1000), 1i64..=50_000],
        0usize..4,
        disc_spec(),
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(price, qty_milli, class, discount, void)| LineSpec {
            price,
            qty_milli,
            class,
            discount,
            void,
        })
}

fn settings(n_classes: usize) -> impl Strategy<Value = (TaxSettings, Option<usize>)> {
    (
        prop_oneof![Just(PricingMode::Exclusive), Just(PricingMode::Inclusive)],
        prop_oneof![
            Just(TaxRoundingLevel::PerLine),
            Just(TaxRoundingLevel::PerDocument)
        ],
        rounding(),
        prop_oneof![Just(GstHalf::Cgst), Just(GstHalf::Sgst)],
        increment(),
        prop_oneof![Just(0u32), 0u32..=2000],
        proptest::option::of(0..n_classes),
    )
        .prop_map(|(pricing, level, rounding, odd, inc, sc, sc_class)| {
            (
                TaxSettings {
                    pricing,
                    level,
                    rounding,
                    odd_paisa_to: odd,
                    cash_rounding_increment: m(inc),
                    service_charge: pct(sc),
                    service_charge_tax: None,
                    ..TaxSettings::default()
                },
                sc_class,
            )
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    classes().prop_flat_map(|classes| {
        let n = classes.len();
        (
            Just(classes),
            proptest::collection::vec(line_spec(), 1..=30),
            disc_spec(),
            settings(n),
        )
            .prop_map(|(classes, mut lines, order_discount, (mut settings, sc_class))| {
                for l in &mut lines {
                    l.class %= classes.len();
                }
                settings.service_charge_tax = sc_class.map(|i| {
                    let c = &classes[i];
                    (c.code.clone(), c.rate, c.split)
                });
                Scenario {
                    classes,
                    lines,
                    order_discount,
                    settings,
                }
            })
    })
}

/// The order lines and order discount of a scenario, every discount valid.
fn build(s: &Scenario) -> (Vec<OrderLine>, Option<Discount>) {
    let rule = s.settings.rounding;
    let lines: Vec<OrderLine> = s
        .lines
        .iter()
        .enumerate()
        .map(|(i, spec)| {
            let l = line(i as u128 + 1, spec.price, spec.qty_milli, &s.classes[spec.class]);
            let gross = l.qty.times(l.unit_price, rule).minor();
            let l = match spec.discount {
                DiscSpec::None => l,
                DiscSpec::Percent(bps) => with_discount(l, Discount::Percent(pct(bps))),
                DiscSpec::AmountPermille(p) => with_discount(l, Discount::Amount(m(gross * p / 1000))),
            };
            if spec.void { voided(l) } else { l }
        })
        .collect();
    let od = match s.order_discount {
        DiscSpec::None => None,
        DiscSpec::Percent(bps) => Some(Discount::Percent(pct(bps))),
        DiscSpec::AmountPermille(p) => {
            let before = bill::calculate(&lines, None, &s.settings).expect("valid line discounts");
            let after = (before.subtotal - before.line_discounts).minor();
            Some(Discount::Amount(m(after * p / 1000)))
        }
    };
    (lines, od)
}

fn compute(s: &Scenario) -> (Vec<OrderLine>, Option<Discount>, Bill) {
    let (lines, od) = build(s);
    let bill = bill::calculate(&lines, od, &s.settings)
        .unwrap_or_else(|e| panic!("valid discounts never fail, got {e}"));
    (lines, od, bill)
}

// ---------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------

#[derive(Debug, Default)]
struct RefClass {
    code: String,
    bps: u32,
    split: TaxSplit,
    incl_base: i128,
    excl_base: i128,
    incl_tax_per_line: i128,
    excl_tax_per_line: i128,
}

impl RefClass {
    fn add(&mut self, amount: i128, inclusive: bool, rule: Rounding) {
        let r = i128::from(self.bps);
        if inclusive {
            self.incl_base += amount;
            self.incl_tax_per_line += reference_round(amount * r, 10_000 + r, rule);
        } else {
            self.excl_base += amount;
            self.excl_tax_per_line += reference_round(amount * r, 10_000, rule);
        }
    }

    fn taxes(&self, level: TaxRoundingLevel, rule: Rounding) -> (i128, i128) {
        let r = i128::from(self.bps);
        match level {
            TaxRoundingLevel::PerLine => (self.incl_tax_per_line, self.excl_tax_per_line),
            TaxRoundingLevel::PerDocument => (
                reference_round(self.incl_base * r, 10_000 + r, rule),
                reference_round(self.excl_base * r, 10_000, rule),
            ),
        }
    }
}

#[derive(Debug)]
struct Reference {
    classes: Vec<RefClass>,
    net_total: i128,
    service_charge: i128,
    tax_included: i128,
    tax_total: i128,
    total: i128,
}

fn class_of<'a>(classes: &'a mut Vec<RefClass>, code: &str, bps: u32, split: TaxSplit) -> &'a mut RefClass {
    if let Some(i) = classes.iter().position(|c| c.code == code && c.bps == bps) {
        return &mut classes[i];
    }
    classes.push(RefClass {
        code: code.to_owned(),
        bps,
        split,
        ..RefClass::default()
    });
    classes.last_mut().expect("just pushed")
}

/// Net, service charge, tax per class and total recomputed from the bill's line amounts.
fn reference(bill_lines: &[BillLine], splits: &[Class], s: &TaxSettings) -> Reference {
    let rule = s.rounding;
    let inclusive = s.pricing == PricingMode::Inclusive;
    let split_of = |code: &str| {
        splits
            .iter()
            .find(|c| c.code == code)
            .map(|c| c.split)
            .unwrap_or_default()
    };
    let mut classes = Vec::new();
    for l in bill_lines {
        class_of(
            &mut classes,
            &l.tax_class,
            l.tax_rate.bps(),
            split_of(&l.tax_class),
        )
        .add(i128::from(l.amount.minor()), inclusive, rule);
    }
    let mut net_total = 0;
    let mut tax_included = 0;
    for c in &classes {
        let (incl, _) = c.taxes(s.level, rule);
        tax_included += incl;
        net_total += c.incl_base - incl + c.excl_base;
    }
    let service_charge = reference_round(net_total * i128::from(s.service_charge.bps()), 10_000, rule);
    if let Some((code, rate, split)) = &s.service_charge_tax
        && service_charge > 0
    {
        class_of(&mut classes, code, rate.bps(), *split).add(service_charge, false, rule);
    }
    let tax_total: i128 = classes
        .iter()
        .map(|c| {
            let (i, e) = c.taxes(s.level, rule);
            i + e
        })
        .sum();
    let pre_round = net_total + service_charge + tax_total;
    let inc = i128::from(s.cash_rounding_increment.minor());
    let total = if inc <= 1 {
        pre_round
    } else {
        reference_round(pre_round, inc, rule) * inc
    };
    Reference {
        classes,
        net_total,
        service_charge,
        tax_included,
        tax_total,
        total,
    }
}

/// `|part - total * weight / sum| < 1`, in integers.
fn within_one_of_share(part: i64, total: i64, weight: i64, sum: i64) -> bool {
    let lhs = i128::from(part) * i128::from(sum) - i128::from(total) * i128::from(weight);
    lhs.abs() < i128::from(sum)
}

// ---------------------------------------------------------------------------------------
// Bill properties
// ---------------------------------------------------------------------------------------

proptest! {
    #[test]
    fn every_bill_reconciles_and_both_total_identities_hold(s in scenario()) {
        let (_, _, bill) = compute(&s);
        prop_assert!(bill.reconciles(), "the engine's own invariants must hold: {bill:#?}");
        prop_assert_eq!(
            bill.net_total + bill.service_charge + bill.tax_total + bill.round_off,
            bill.total,
            "identity 1: net + service charge + tax + round-off is the total"
        );
        prop_assert_eq!(
            bill.subtotal - bill.discount_total + bill.service_charge
                + (bill.tax_total - bill.tax_included) + bill.round_off,
            bill.total,
            "identity 2: subtotal - discounts + service charge + added tax + round-off"
        );
        prop_assert!(bill.total >= Money::ZERO, "a sale never has a negative total");
    }

    #[test]
    fn lines_discounts_and_the_order_discount_share_follow_the_rules(s in scenario()) {
        let (lines, od, bill) = compute(&s);
        let rule = s.settings.rounding;
        let live: Vec<&OrderLine> = lines.iter().filter(|l| l.is_live()).collect();
        prop_assert_eq!(bill.lines.len(), live.len(), "one bill line per live order line");
        for (b, l) in bill.lines.iter().zip(&live) {
            let gross = reference_round(
                i128::from(l.unit_price.minor()) * i128::from(l.qty.milli()), 1000, rule);
            prop_assert_eq!(i128::from(b.gross.minor()), gross, "gross is price x qty rounded once");
            let expected_disc = match l.discount {
                None => 0,
                Some(Discount::Percent(p)) =>
                    reference_round(gross * i128::from(p.bps()), 10_000, rule),
                Some(Discount::Amount(a)) => i128::from(a.minor()),
            };
            prop_assert_eq!(i128::from(b.line_discount.minor()), expected_disc,
                "the line discount is the percentage of gross, rounded, or the amount");
            prop_assert!(b.line_discount <= b.gross, "a line discount never exceeds the line");
            prop_assert!(!b.amount.is_negative(), "no line goes below zero");
        }
        let after: Vec<i64> = bill.lines.iter().map(|l| (l.gross - l.line_discount).minor()).collect();
        let after_sum: i64 = after.iter().sum();
        let odt = bill.order_discount.minor();
        match od {
            Some(Discount::Percent(p)) => prop_assert_eq!(
                i128::from(odt),
                reference_round(i128::from(after_sum) * i128::from(p.bps()), 10_000, rule),
                "a percent order discount is rounded once on the sum"
            ),
            Some(Discount::Amount(a)) => prop_assert_eq!(odt, a.minor(), "the amount is taken as is"),
            None => prop_assert_eq!(odt, 0, "no order discount"),
        }
        if after_sum > 0 {
            for (b, w) in bill.lines.iter().zip(&after) {
                prop_assert!(
                    within_one_of_share(b.order_discount.minor(), odt, *w, after_sum),
                    "each line's share of the order discount is within a paisa of proportional"
                );
            }
        }
    }

    #[test]
    fn net_service_charge_tax_and_total_match_the_reference_model(s in scenario()) {
        let (_, _, bill) = compute(&s);
        let r = reference(&bill.lines, &s.classes, &s.settings);
        prop_assert_eq!(i128::from(bill.net_total.minor()), r.net_total, "net total");
        prop_assert_eq!(i128::from(bill.service_charge.minor()), r.service_charge,
            "service charge is a percentage of the net, rounded once");
        prop_assert_eq!(i128::from(bill.tax_included.minor()), r.tax_included, "tax included");
        prop_assert_eq!(i128::from(bill.tax_total.minor()), r.tax_total, "tax total");
        prop_assert_eq!(i128::from(bill.total.minor()), r.total, "total after cash rounding");
        if s.settings.pricing == PricingMode::Exclusive {
            prop_assert_eq!(bill.tax_included, Money::ZERO, "exclusive prices contain no tax");
        }
    }

    #[test]
    fn each_class_splits_its_tax_into_components_that_sum_to_it(s in scenario()) {
        let (_, _, bill) = compute(&s);
        let r = reference(&bill.lines, &s.classes, &s.settings);
        let rule = s.settings.rounding;
        let mut expected_lines = 0;
        for c in &r.classes {
            let (incl, excl) = c.taxes(s.settings.level, rule);
            let tax = incl + excl;
            let taxable = c.incl_base - incl + c.excl_base;
            let lines: Vec<_> = bill.tax_lines.iter()
                .filter(|t| t.class == c.code && t.class_rate.bps() == c.bps)
                .collect();
            if c.bps == 0 {
                prop_assert!(lines.is_empty(), "a 0% class prints no tax lines");
                continue;
            }
            for t in &lines {
                prop_assert_eq!(i128::from(t.taxable.minor()), taxable,
                    "every component shows the class's whole taxable value");
            }
            let amount = |comp: TaxComponent| -> i128 {
                lines.iter().filter(|t| t.component == comp).map(|t| i128::from(t.amount.minor())).sum()
            };
            match c.split {
                TaxSplit::CgstSgst => {
                    expected_lines += 2;
                    prop_assert_eq!(lines.len(), 2, "a GST class has a CGST and an SGST line");
                    let (cg, sg) = (amount(TaxComponent::Cgst), amount(TaxComponent::Sgst));
                    prop_assert_eq!(cg + sg, tax, "CGST + SGST is the class tax");
                    prop_assert!((cg - sg).abs() <= 1, "the halves differ by at most a paisa");
                    let (big, small) = match s.settings.odd_paisa_to {
                        GstHalf::Cgst => (cg, sg),
                        GstHalf::Sgst => (sg, cg),
                    };
                    prop_assert!(big >= small, "the configured half takes the odd paisa");
                }
                TaxSplit::Igst => {
                    expected_lines += 1;
                    prop_assert_eq!(lines.len(), 1, "IGST is one line");
                    prop_assert_eq!(amount(TaxComponent::Igst), tax, "IGST is the class tax");
                }
                TaxSplit::Single => {
                    expected_lines += 1;
                    prop_assert_eq!(lines.len(), 1, "a single tax is one line");
                    prop_assert_eq!(amount(TaxComponent::Tax), tax, "the single tax is the class tax");
                }
            }
            if s.settings.pricing == PricingMode::Exclusive
                && s.settings.level == TaxRoundingLevel::PerDocument
            {
                let exact_x2 = 2 * taxable * i128::from(c.bps);
                prop_assert!((2 * 10_000 * tax - exact_x2).abs() <= 10_000,
                    "per-document tax is at most half a paisa from the exact tax of its class");
            }
        }
        prop_assert_eq!(bill.tax_lines.len(), expected_lines, "no stray tax lines");
    }

    #[test]
    fn cash_rounding_moves_the_total_to_a_multiple_by_at_most_half_the_increment(s in scenario()) {
        let (_, _, bill) = compute(&s);
        let inc = s.settings.cash_rounding_increment.minor();
        if inc > 1 {
            prop_assert_eq!(bill.total.minor() % inc, 0, "the total is a multiple of the increment");
            prop_assert!(2 * bill.round_off.minor().abs() <= inc, "round-off is at most half the increment");
        } else {
            prop_assert_eq!(bill.round_off, Money::ZERO, "increments of 0 and 1 do not round");
        }
    }

    #[test]
    fn a_refund_cancels_the_bill_in_every_field(s in scenario()) {
        let (_, _, bill) = compute(&s);
        let refund = bill.negated();
        prop_assert_eq!(&refund.negated(), &bill, "negating twice gives the bill back");
        prop_assert!(refund.reconciles(), "a refund adds up like a sale");
        assert_cancels(&bill, &refund);
        let json = serde_json::to_string(&bill).expect("a bill serialises");
        let stored: Bill = serde_json::from_str(&json).expect("and reads back");
        prop_assert_eq!(&stored, &bill, "the stored snapshot a refund negates is the bill itself");
    }

    #[test]
    fn inclusive_and_exclusive_prices_agree_on_the_same_net(
        classes in classes(),
        specs in proptest::collection::vec(line_spec(), 1..=30),
        rule in rounding(),
        inc in increment(),
    ) {
        let exclusive = TaxSettings {
            pricing: PricingMode::Exclusive,
            level: TaxRoundingLevel::PerLine,
            rounding: rule,
            odd_paisa_to: GstHalf::Cgst,
            cash_rounding_increment: m(inc),
            service_charge: pct(0),
            service_charge_tax: None,
            ..TaxSettings::default()
        };
        let inclusive = TaxSettings { pricing: PricingMode::Inclusive, ..exclusive.clone() };
        let lines: Vec<OrderLine> = specs.iter().enumerate().map(|(i, sp)| {
            line(i as u128 + 1, sp.price, sp.qty_milli, &classes[sp.class % classes.len()])
        }).collect();
        let excl = bill::calculate(&lines, None, &exclusive).expect("no discounts, no errors");
        let incl_lines: Vec<OrderLine> = excl.lines.iter().zip(&lines).map(|(b, l)| {
            let r = i128::from(b.tax_rate.bps());
            let tax = reference_round(i128::from(b.amount.minor()) * r, 10_000, rule) as i64;
            OrderLine { unit_price: b.amount + m(tax), qty: Quantity::ONE, ..l.clone() }
        }).collect();
        let incl = bill::calculate(&incl_lines, None, &inclusive).expect("no discounts, no errors");
        prop_assert_eq!(incl.net_total, excl.net_total,
            "extracting the tax from net + tax gives back the net");
        prop_assert_eq!(incl.tax_total, excl.tax_total, "and the same tax");
        prop_assert_eq!(&incl.tax_lines, &excl.tax_lines, "class by class and component by component");
        prop_assert_eq!(incl.total, excl.total, "so the guest pays the same");
        prop_assert_eq!(incl.tax_included, incl.tax_total, "inclusive: all the tax is in the prices");
    }
}

fn assert_cancels(bill: &Bill, refund: &Bill) {
    let zero = Money::ZERO;
    let pairs = [
        ("subtotal", bill.subtotal, refund.subtotal),
        ("line_discounts", bill.line_discounts, refund.line_discounts),
        ("order_discount", bill.order_discount, refund.order_discount),
        ("discount_total", bill.discount_total, refund.discount_total),
        ("net_total", bill.net_total, refund.net_total),
        ("service_charge", bill.service_charge, refund.service_charge),
        ("tax_total", bill.tax_total, refund.tax_total),
        ("tax_included", bill.tax_included, refund.tax_included),
        ("round_off", bill.round_off, refund.round_off),
        ("total", bill.total, refund.total),
    ];
    for (field, a, b) in pairs {
        assert_eq!(a + b, zero, "{field} of a bill and its refund must cancel");
    }
    assert_eq!(
        bill.lines.len(),
        refund.lines.len(),
        "a refund has the same lines"
    );
    for (a, b) in bill.lines.iter().zip(&refund.lines) {
        assert_eq!(a.gross + b.gross, zero, "line gross must cancel");
        assert_eq!(
            a.line_discount + b.line_discount,
            zero,
            "line discount must cancel"
        );
        assert_eq!(
            a.order_discount + b.order_discount,
            zero,
            "order discount share must cancel"
        );
        assert_eq!(a.amount + b.amount, zero, "line amount must cancel");
        assert_eq!(
            (a.unit_price, a.qty, a.tax_rate),
            (b.unit_price, b.qty, b.tax_rate),
            "what was sold and at which rate is unchanged"
        );
    }
    assert_eq!(
        bill.tax_lines.len(),
        refund.tax_lines.len(),
        "a refund has the same tax lines"
    );
    for (a, b) in bill.tax_lines.iter().zip(&refund.tax_lines) {
        assert_eq!(a.taxable + b.taxable, zero, "taxable value must cancel");
        assert_eq!(a.amount + b.amount, zero, "tax amount must cancel");
        assert_eq!(
            (&a.class, a.component, a.class_rate),
            (&b.class, b.component, b.class_rate),
            "the tax line is the same class and component"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Rounding, allocation, payments
// ---------------------------------------------------------------------------------------

fn tender() -> impl Strategy<Value = Tender> {
    (
        select(PaymentMethod::ALL.to_vec()),
        prop_oneof![
            8 => 1i64..=10_000_000,
            1 => -5i64..=0,
            1 => (MAX_PAYMENT - 2)..=(MAX_PAYMENT + 2),
        ],
    )
        .prop_map(|(method, amount)| Tender {
            method,
            amount: m(amount),
            reference: None,
        })
}

/// Whether `apply_tenders` must accept these tenders, worked out from its documented rules.
fn acceptable(due: i64, tenders: &[Tender]) -> bool {
    if tenders.is_empty() || tenders.len() > MAX_TENDERS || due <= 0 {
        return false;
    }
    if tenders
        .iter()
        .any(|t| t.amount.minor() <= 0 || t.amount.minor() > MAX_PAYMENT)
    {
        return false;
    }
    let non_cash: i64 = tenders
        .iter()
        .filter(|t| t.method != PaymentMethod::Cash)
        .map(|t| t.amount.minor())
        .sum();
    if non_cash > due {
        return false;
    }
    // Each cash tender must find something left to pay.
    let mut covered = non_cash;
    for t in tenders.iter().filter(|t| t.method == PaymentMethod::Cash) {
        if covered >= due {
            return false;
        }
        covered += t.amount.minor();
    }
    true
}

proptest! {
    #[test]
    fn div_round_agrees_with_a_sign_and_magnitude_implementation(
        num in -1_000_000_000_000_000i128..=1_000_000_000_000_000,
        den in prop_oneof![1i128..=20, 1i128..=1_000_000],
        rule in rounding(),
    ) {
        prop_assert_eq!(money::div_round(num, den, rule), reference_round(num, den, rule),
            "both roundings must agree for negative numbers too");
        let half = den * 2;
        prop_assert_eq!(money::div_round(den * 2 * 7 + den, half, rule),
            reference_round(den * 2 * 7 + den, half, rule), "an exact half");
    }

    #[test]
    fn allocate_splits_a_total_exactly_and_within_a_paisa_of_proportional(
        total in -1_000_000_000_000i64..=1_000_000_000_000,
        weights in proptest::collection::vec(prop_oneof![0i64..=1_000_000_000, 0i64..=3], 1..=20),
    ) {
        let ws: Vec<Money> = weights.iter().map(|w| m(*w)).collect();
        let parts = bill::allocate(m(total), &ws);
        prop_assert_eq!(parts.len(), ws.len(), "one part per weight");
        prop_assert_eq!(parts.iter().copied().sum::<Money>(), m(total), "the parts sum to the total");
        let sum: i64 = weights.iter().sum();
        if sum == 0 {
            prop_assert_eq!(parts[0], m(total), "with no weight the first part takes all");
        } else {
            for (p, w) in parts.iter().zip(&weights) {
                prop_assert!(within_one_of_share(p.minor(), total, *w, sum),
                    "each part is within a paisa of its exact share");
                if *w == 0 {
                    prop_assert_eq!(*p, Money::ZERO, "a zero weight gets nothing");
                }
                if total >= 0 {
                    prop_assert!(!p.is_negative(), "no part of a positive total is negative");
                }
            }
        }
    }

    #[test]
    fn tenders_are_accepted_exactly_when_the_rules_allow_and_never_overpay(
        due in prop_oneof![8 => 1i64..=20_000_000, 1 => -100i64..=0],
        tenders in prop_oneof![
            3 => proptest::collection::vec(tender(), 1..=3),
            1 => proptest::collection::vec(tender(), 0..=(MAX_TENDERS + 1)),
        ],
    ) {
        let result = apply_tenders(m(due), &tenders, &Currency::inr());
        let non_cash: i64 = tenders.iter().filter(|t| t.method != PaymentMethod::Cash).map(|t| t.amount.minor()).sum();
        if due > 0 && non_cash > due {
            prop_assert!(result.is_err(), "card, UPI and on-account never pay more than due");
        }
        prop_assert_eq!(result.is_ok(), acceptable(due, &tenders),
            "accepted exactly when the documented rules allow: {:?}", result);
        if let Ok(applied) = result {
            let paid: i64 = applied.iter().map(|a| a.amount.minor()).sum();
            let handed: i64 = tenders.iter().map(|t| t.amount.minor()).sum();
            prop_assert!(paid <= due, "applied amounts never exceed what is due");
            prop_assert_eq!(paid, handed.min(due), "everything handed over pays, up to what is due");
            prop_assert_eq!(applied.len(), tenders.len(), "one applied payment per tender");
            for a in &applied {
                prop_assert!(a.amount.is_positive(), "every applied payment pays something");
                prop_assert_eq!(a.change, a.tendered - a.amount, "change is tendered minus applied");
                prop_assert!(!a.change.is_negative(), "change is never negative");
                if a.method != PaymentMethod::Cash {
                    prop_assert_eq!(a.change, Money::ZERO, "only cash gives change");
                }
            }
        }
    }
}
