//! Properties of bills with the newer tax rules: levies (percentages, compound, fixed per
//! unit, taxes and cesses), taxes rounded together or separately, cash rounding up, down or
//! to nearest, into a round-off line or the biggest tax, and the service charge by order
//! type or waived. On random bills: the reconciliation identities, components summing to
//! their tax, per-line shares summing to every tax line, and a reference model of each
//! tax for exclusive prices.

use pos_core::bill::{self, BillContext, TaxComponent, TaxSettings};
use pos_core::limits::{MAX_LINES_PER_ORDER, MAX_QUANTITY_MILLI, MAX_UNIT_PRICE};
use pos_core::money::{CashRounding, Money, Quantity, Rounding, TaxRate};
use pos_core::order::{Discount, OrderLine, OrderType, OrderTypes};
use pos_core::profile::{
    GstHalf, Levy, LevyCharge, LevyKind, PricingMode, RoundOffTo, TaxRoundingLevel, TaxSplit, TaxesRounded,
};
use pos_core::{Bill, DomainError, LineTax};
use proptest::prelude::*;
use proptest::sample::select;

use crate::support::{class, line, m, pct, reference_round, voided, with_discount};

// ---------------------------------------------------------------------------------------
// Random bills
// ---------------------------------------------------------------------------------------

#[derive(Clone, Debug)]
struct ClassSpec {
    code: String,
    bps: u32,
    split: TaxSplit,
    levies: Vec<Levy>,
}

#[derive(Clone, Debug)]
struct LineSpec {
    price: i64,
    qty_milli: i64,
    class: usize,
    discount_bps: Option<u32>,
    void: bool,
}

#[derive(Clone, Debug)]
struct Scenario {
    classes: Vec<ClassSpec>,
    lines: Vec<LineSpec>,
    order_discount_bps: Option<u32>,
    settings: TaxSettings,
    ctx: BillContext,
}

fn levy(allow_per_unit: bool) -> impl Strategy<Value = Levy> {
    let per_unit_weight = if allow_per_unit { 1 } else { 0 };
    (
        prop_oneof![
            3 => prop_oneof![select(vec![0u32, 100, 200, 950, 1200]), 0u32..=3000]
                .prop_map(|b| LevyCharge::Percent(TaxRate::from_bps(b).unwrap())),
            per_unit_weight => prop_oneof![Just(0i64), 1i64..=500, 0i64..=100_000]
                .prop_map(|f| LevyCharge::PerUnit(m(f))),
        ],
        proptest::bool::weighted(0.3),
        prop_oneof![Just(LevyKind::Tax), Just(LevyKind::Cess)],
    )
        .prop_map(|(charge, compound, kind)| Levy {
            code: String::new(),
            name: "Levy".into(),
            compound: compound && matches!(charge, LevyCharge::Percent(_)),
            charge,
            kind,
        })
}

/// 1 to 4 classes with 0 to 3 levies each. Two classes may share a code with another rate
/// (changed while the order was open); a code keeps one split.
fn classes(allow_per_unit: bool) -> impl Strategy<Value = Vec<ClassSpec>> {
    proptest::collection::vec(
        (
            0usize..3,
            prop_oneof![select(vec![0u32, 500, 1800, 2800]), 0u32..=3000],
            prop_oneof![
                2 => Just(TaxSplit::CgstSgst),
                1 => Just(TaxSplit::Igst),
                1 => Just(TaxSplit::Single),
            ],
            proptest::collection::vec(levy(allow_per_unit), 0..=3),
        ),
        1..=4,
    )
    .prop_map(|specs| {
        let mut out: Vec<ClassSpec> = Vec::new();
        for (code, bps, sp, mut levies) in specs {
            let code = format!("C{code}");
            let split = out.iter().find(|c| c.code == code).map_or(sp, |c| c.split);
            for (i, l) in levies.iter_mut().enumerate() {
                l.code = format!("L{i}");
            }
            out.push(ClassSpec {
                code,
                bps,
                split,
                levies,
            });
        }
        out
    })
}

fn line_spec() -> impl Strategy<Value = LineSpec> {
    (
        prop_oneof![0i64..=10_000_000, 0i64..=2_000],
        prop_oneof![(1i64..=20).prop_map(|u| u * 1000), 1i64..=20_000],
        0usize..4,
        prop_oneof![3 => Just(None), 1 => (0u32..=10_000).prop_map(Some)],
        proptest::bool::weighted(0.1),
    )
        .prop_map(|(price, qty_milli, class, discount_bps, void)| LineSpec {
            price,
            qty_milli,
            class,
            discount_bps,
            void,
        })
}

fn order_types() -> impl Strategy<Value = OrderTypes> {
    prop_oneof![
        2 => Just(OrderTypes::ALL),
        1 => proptest::collection::vec(select(OrderType::ALL.to_vec()), 0..=3)
            .prop_map(|t| OrderTypes::only(&t)),
    ]
}

fn settings(pricing: PricingMode) -> impl Strategy<Value = TaxSettings> {
    (
        (
            prop_oneof![
                Just(TaxRoundingLevel::PerLine),
                Just(TaxRoundingLevel::PerDocument)
            ],
            prop_oneof![Just(Rounding::HalfUp), Just(Rounding::HalfEven)],
            prop_oneof![Just(GstHalf::Cgst), Just(GstHalf::Sgst)],
            select(vec![0i64, 1, 50, 100, 500, 1000]),
            prop_oneof![Just(0u32), 0u32..=2000],
        ),
        (
            prop_oneof![Just(TaxesRounded::Together), Just(TaxesRounded::Separately)],
            prop_oneof![
                Just(CashRounding::Nearest),
                Just(CashRounding::Up),
                Just(CashRounding::Down)
            ],
            prop_oneof![Just(RoundOffTo::Line), Just(RoundOffTo::BiggestTax)],
            order_types(),
        ),
    )
        .prop_map(
            move |((level, rounding, odd, inc, sc), (mode, cash, round_off_to, types))| TaxSettings {
                pricing,
                level,
                rounding,
                odd_paisa_to: odd,
                cash_rounding_increment: m(inc),
                service_charge: pct(sc),
                service_charge_tax: None,
                service_charge_levies: Vec::new(),
                service_charge_order_types: types,
                taxes_rounded: mode,
                cash_rounding: cash,
                round_off_to,
            },
        )
}

fn context() -> impl Strategy<Value = BillContext> {
    (
        proptest::option::of(select(OrderType::ALL.to_vec())),
        proptest::bool::weighted(0.2),
    )
        .prop_map(|(order_type, service_charge_waived)| BillContext {
            order_type,
            service_charge_waived,
        })
}

fn scenario_with(pricing: PricingMode, allow_per_unit: bool) -> impl Strategy<Value = Scenario> {
    classes(allow_per_unit).prop_flat_map(move |classes| {
        let n = classes.len();
        (
            Just(classes),
            proptest::collection::vec(line_spec(), 1..=25),
            prop_oneof![3 => Just(None), 1 => (0u32..=10_000).prop_map(Some)],
            settings(pricing),
            proptest::option::of(0..n),
            context(),
        )
            .prop_map(
                |(classes, mut lines, order_discount_bps, mut settings, sc_class, ctx)| {
                    for l in &mut lines {
                        l.class %= classes.len();
                    }
                    if let Some(i) = sc_class {
                        let c = &classes[i];
                        settings.service_charge_tax =
                            Some((c.code.clone(), TaxRate::from_bps(c.bps).unwrap(), c.split));
                        settings.service_charge_levies = c.levies.clone();
                    }
                    Scenario {
                        classes,
                        lines,
                        order_discount_bps,
                        settings,
                        ctx,
                    }
                },
            )
    })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    prop_oneof![
        // Exclusive prices take every kind of levy.
        scenario_with(PricingMode::Exclusive, true),
        // A fixed tax inside a price the discounts took below it is refused, so inclusive
        // bills carry percentages only here; per-unit inclusive has its own examples.
        scenario_with(PricingMode::Inclusive, false),
    ]
}

fn order_line(n: usize, spec: &LineSpec, c: &ClassSpec) -> OrderLine {
    let mut l = line(
        n as u128 + 1,
        spec.price,
        spec.qty_milli,
        &class(&c.code, c.bps, c.split),
    );
    l.levies = c.levies.clone();
    let l = match spec.discount_bps {
        Some(b) => with_discount(l, Discount::Percent(pct(b))),
        None => l,
    };
    if spec.void { voided(l) } else { l }
}

fn compute(s: &Scenario) -> (Vec<OrderLine>, Bill) {
    let lines: Vec<OrderLine> = s
        .lines
        .iter()
        .enumerate()
        .map(|(i, spec)| order_line(i, spec, &s.classes[spec.class]))
        .collect();
    let od = s.order_discount_bps.map(|b| Discount::Percent(pct(b)));
    let bill = bill::calculate_with(&lines, od, &s.ctx, &s.settings)
        .unwrap_or_else(|e| panic!("valid orders compute, got {e}"));
    (lines, bill)
}

// ---------------------------------------------------------------------------------------
// A reference model of each tax, for exclusive prices
// ---------------------------------------------------------------------------------------

/// A group as the bill shows it: a class code, rate and levies.
#[derive(Debug)]
struct RefGroup {
    code: String,
    bps: u32,
    levies: Vec<Levy>,
    /// (amount, quantity in thousandths) of each member: lines, then the service charge.
    members: Vec<(i128, i128)>,
    /// The bill's tax lines its members have shares of (two groups of one class and rate
    /// with different levies both print the class's tax; the shares tell them apart).
    tax_lines: Vec<u32>,
}

/// The class's taxes: (basis points or minor units per unit, per unit, compound).
fn charges(g: &RefGroup) -> Vec<(i128, bool, bool)> {
    let mut out = vec![(i128::from(g.bps), false, false)];
    for l in &g.levies {
        out.push(match l.charge {
            LevyCharge::Percent(r) => (i128::from(r.bps()), false, l.compound),
            LevyCharge::PerUnit(f) => (i128::from(f.minor()), true, false),
        });
    }
    out
}

/// The exact taxes of one amount, in 10^-16 minor units, computed value by value.
fn exact_1e16(g: &RefGroup, amount: i128, qty: i128) -> Vec<i128> {
    let mut out: Vec<i128> = Vec::new();
    for (c, per_unit, compound) in charges(g) {
        let t = if per_unit {
            c * qty * 10_000_000_000_000
        } else {
            let base = amount * 10_000_000_000_000_000 + if compound { out.iter().sum() } else { 0 };
            c * base / 10_000
        };
        out.push(t);
    }
    out
}

/// The taxes of one amount rounded as the profile says: `Together` gives the total only
/// (its split is checked apart), `Separately` each tax, compound ones on rounded taxes.
fn reference_taxes(g: &RefGroup, amount: i128, qty: i128, s: &TaxSettings) -> Vec<i128> {
    let rule = s.rounding;
    match s.taxes_rounded {
        TaxesRounded::Together => {
            vec![reference_round(
                exact_1e16(g, amount, qty).iter().sum(),
                10_000_000_000_000_000,
                rule,
            )]
        }
        TaxesRounded::Separately => {
            let mut out: Vec<i128> = Vec::new();
            for (c, per_unit, compound) in charges(g) {
                let t = if per_unit {
                    reference_round(c * qty, 1000, rule)
                } else {
                    let base = amount + if compound { out.iter().sum() } else { 0 };
                    reference_round(base * c, 10_000, rule)
                };
                out.push(t);
            }
            out
        }
    }
}

fn reference_groups(bill: &Bill, lines: &[OrderLine], s: &TaxSettings) -> Vec<RefGroup> {
    let live: Vec<&OrderLine> = lines.iter().filter(|l| l.is_live()).collect();
    let mut groups: Vec<RefGroup> = Vec::new();
    let mut add = |code: &str, bps: u32, levies: &[Levy], member: (i128, i128), shares: &[LineTax]| {
        let lines = shares.iter().map(|t| t.tax_line);
        match groups
            .iter_mut()
            .find(|g| g.code == code && g.bps == bps && g.levies == levies)
        {
            Some(g) => {
                g.members.push(member);
                g.tax_lines.extend(lines);
            }
            None => groups.push(RefGroup {
                code: code.to_owned(),
                bps,
                levies: levies.to_vec(),
                members: vec![member],
                tax_lines: lines.collect(),
            }),
        }
    };
    for (b, l) in bill.lines.iter().zip(&live) {
        let member = (i128::from(b.amount.minor()), i128::from(l.qty.milli()));
        add(&l.tax_class, l.tax_rate.bps(), &l.levies, member, &b.taxes);
    }
    if let Some((code, rate, _)) = &s.service_charge_tax
        && bill.service_charge.is_positive()
    {
        let member = (i128::from(bill.service_charge.minor()), 0);
        add(
            code,
            rate.bps(),
            &s.service_charge_levies,
            member,
            &bill.service_charge_taxes,
        );
    }
    groups
}

/// The tax lines of a group's taxes: the class's own tax (first) and each levy.
fn group_tax(bill: &Bill, g: &RefGroup, k: usize) -> i128 {
    bill.tax_lines
        .iter()
        .enumerate()
        .filter(|(i, _)| g.tax_lines.contains(&(*i as u32)))
        .map(|(_, t)| t)
        .filter(|t| match (&t.levy, k) {
            (None, 0) => true,
            (Some(l), k) if k > 0 => g.levies.get(k - 1) == Some(l),
            _ => false,
        })
        .map(|t| i128::from(t.amount.minor()))
        .sum()
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    #[test]
    fn every_bill_with_levies_and_the_new_roundings_reconciles(s in scenario()) {
        let (_, bill) = compute(&s);
        prop_assert!(bill.reconciles(), "the engine's own invariants hold: {bill:#?}");
        let lines: Money = bill.lines.iter().map(|l| l.gross).sum();
        prop_assert_eq!(
            lines - bill.discount_total + bill.service_charge + (bill.tax_total - bill.tax_included)
                + bill.round_off,
            bill.total,
            "lines - discounts + service + added taxes + round-off is the total"
        );
        prop_assert_eq!(
            bill.net_total + bill.service_charge + bill.tax_total + bill.round_off,
            bill.total,
            "net + service + taxes + round-off is the total"
        );
        prop_assert!(bill.total >= Money::ZERO, "a sale never has a negative total");
        prop_assert!(
            bill.tax_lines.iter().all(|t| !t.amount.is_negative()),
            "no tax line is negative, absorbed rounding included"
        );
    }

    #[test]
    fn per_line_shares_sum_to_every_tax_line_and_halves_stay_within_a_paisa(s in scenario()) {
        let (_, bill) = compute(&s);
        let mut sums = vec![Money::ZERO; bill.tax_lines.len()];
        for (l, share) in bill.lines.iter().flat_map(|l| l.taxes.iter().map(move |t| (Some(l), t)))
            .chain(bill.service_charge_taxes.iter().map(|t| (None, t)))
        {
            prop_assert!(!share.amount.is_negative(), "no share is negative");
            let tl = &bill.tax_lines[share.tax_line as usize];
            if let Some(l) = l {
                prop_assert_eq!(&tl.class, &l.tax_class, "a line pays only its own class's taxes");
            }
            sums[share.tax_line as usize] += share.amount;
        }
        for (sum, t) in sums.iter().zip(&bill.tax_lines) {
            prop_assert_eq!(*sum, t.amount, "the shares of a tax line sum to it: {:?}", t);
        }
        prop_assert_eq!(bill.lines.iter().map(|l| l.taxable).sum::<Money>(), bill.net_total,
            "the lines' taxable values sum to the net");
        // Each payer's CGST and SGST halves sum to its share of the class's tax and differ
        // by at most a paisa.
        let payers = bill.lines.iter().map(|l| &l.taxes).chain(std::iter::once(&bill.service_charge_taxes));
        for taxes in payers {
            let comp = |c: TaxComponent| -> Vec<(String, u32, i64)> {
                taxes.iter().filter_map(|t| {
                    let tl = &bill.tax_lines[t.tax_line as usize];
                    (tl.component == c && tl.levy.is_none())
                        .then(|| (tl.class.clone(), tl.class_rate.bps(), t.amount.minor()))
                }).collect()
            };
            for ((c1, r1, cg), (c2, r2, sg)) in comp(TaxComponent::Cgst).into_iter().zip(comp(TaxComponent::Sgst)) {
                prop_assert_eq!((c1, r1), (c2, r2), "CGST and SGST shares come in pairs");
                prop_assert!((cg - sg).abs() <= 1, "a payer's halves differ by at most a paisa");
            }
        }
    }

    #[test]
    fn components_sum_to_their_tax_and_the_configured_half_takes_the_odd_paisa(s in scenario()) {
        let (_, bill) = compute(&s);
        for t in bill.tax_lines.iter().filter(|t| t.component == TaxComponent::Cgst) {
            let sgst = bill.tax_lines.iter().find(|u| {
                u.component == TaxComponent::Sgst && u.class == t.class && u.class_rate == t.class_rate
                    && u.taxable == t.taxable
            });
            prop_assert!(sgst.is_some(), "every CGST line has its SGST line");
            let (cg, sg) = (t.amount.minor(), sgst.map_or(0, |u| u.amount.minor()));
            prop_assert!((cg - sg).abs() <= 1, "the halves of a class's tax differ by at most a paisa");
            let (big, small) = match s.settings.odd_paisa_to {
                GstHalf::Cgst => (cg, sg),
                GstHalf::Sgst => (sg, cg),
            };
            prop_assert!(big >= small, "the configured half takes the odd paisa");
        }
        for t in &bill.tax_lines {
            match &t.levy {
                Some(l) => prop_assert_eq!(
                    t.component,
                    match l.kind { LevyKind::Tax => TaxComponent::Tax, LevyKind::Cess => TaxComponent::Cess },
                    "a levy is one component of its kind"
                ),
                None => prop_assert_ne!(t.component, TaxComponent::Cess, "only a levy is a cess"),
            }
        }
        prop_assert_eq!(
            bill.component_total(TaxComponent::Cgst) + bill.component_total(TaxComponent::Sgst)
                + bill.component_total(TaxComponent::Igst) + bill.other_tax(),
            bill.tax_total,
            "the stored columns cgst + sgst + igst + other_tax are the whole tax"
        );
    }

    #[test]
    fn each_tax_matches_the_reference_model_with_exclusive_prices(
        s in scenario_with(PricingMode::Exclusive, true),
    ) {
        let s = Scenario { settings: TaxSettings { round_off_to: RoundOffTo::Line, ..s.settings.clone() }, ..s };
        let (lines, bill) = compute(&s);
        let set = &s.settings;
        for g in reference_groups(&bill, &lines, set) {
            let n = charges(&g).len();
            let expected: Vec<i128> = match set.level {
                TaxRoundingLevel::PerLine => g.members.iter()
                    .map(|(a, q)| reference_taxes(&g, *a, *q, set))
                    .fold(vec![0; n], |mut acc, t| { for (x, y) in acc.iter_mut().zip(t) { *x += y; } acc }),
                TaxRoundingLevel::PerDocument => {
                    let (a, q) = g.members.iter().fold((0, 0), |acc, m| (acc.0 + m.0, acc.1 + m.1));
                    reference_taxes(&g, a, q, set)
                }
            };
            let engine: Vec<i128> = (0..n).map(|k| group_tax(&bill, &g, k)).collect();
            match set.taxes_rounded {
                TaxesRounded::Separately => prop_assert_eq!(&engine, &expected,
                    "each tax rounded on its own, compound ones on the rounded taxes before them: {:?}", g),
                TaxesRounded::Together => {
                    prop_assert_eq!(engine.iter().sum::<i128>(), expected[0],
                        "the taxes of each amount summed exactly and rounded once: {:?}", g);
                    if set.level == TaxRoundingLevel::PerDocument {
                        let (a, q) = g.members.iter().fold((0, 0), |acc, m| (acc.0 + m.0, acc.1 + m.1));
                        for (k, exact) in exact_1e16(&g, a, q).into_iter().enumerate() {
                            let diff = engine[k] * 10_000_000_000_000_000 - exact;
                            prop_assert!(diff.abs() < 10_000_000_000_000_000,
                                "each tax of the split is its exact value rounded up or down");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn cash_rounding_goes_the_configured_way_and_is_shown_or_absorbed(s in scenario()) {
        let (_, bill) = compute(&s);
        let inc = s.settings.cash_rounding_increment.minor();
        let diff = (bill.round_off + bill.round_off_in_tax).minor();
        prop_assert!(bill.round_off.is_zero() || bill.round_off_in_tax.is_zero(),
            "the rounding is in one place");
        if inc <= 1 {
            prop_assert_eq!(diff, 0, "increments of 0 and 1 do not round");
            return Ok(());
        }
        prop_assert_eq!(bill.total.minor() % inc, 0, "the total is a multiple of the increment");
        match s.settings.cash_rounding {
            CashRounding::Nearest => prop_assert!(2 * diff.abs() <= inc, "nearest: at most half"),
            CashRounding::Up => prop_assert!((0..inc).contains(&diff), "up: never below the bill"),
            CashRounding::Down => prop_assert!((-inc + 1..=0).contains(&diff), "down: never above"),
        }
        if s.settings.round_off_to == RoundOffTo::Line {
            prop_assert_eq!(bill.round_off_in_tax, Money::ZERO, "a round-off line when the profile says");
        } else if !bill.round_off.is_zero() {
            prop_assert!(
                bill.tax_lines.is_empty()
                    || (diff < 0 && bill.tax_lines.iter().all(|t| t.amount.minor() < -diff)),
                "the rounding stays a line only when the bill has no tax or taking it off the \
                 biggest would leave it below zero"
            );
        }
    }

    #[test]
    fn the_service_charge_follows_the_order_type_and_the_waiver(s in scenario()) {
        let (_, bill) = compute(&s);
        let set = &s.settings;
        let types = set.service_charge_order_types;
        let applies = !set.service_charge.is_zero()
            && s.ctx.order_type.map_or(types.is_all(), |t| types.contains(t));
        let charged = applies && !s.ctx.service_charge_waived;
        let expected = if charged {
            reference_round(i128::from(bill.net_total.minor()) * i128::from(set.service_charge.bps()), 10_000, set.rounding)
        } else {
            0
        };
        prop_assert_eq!(i128::from(bill.service_charge.minor()), expected,
            "charged on the net exactly when the order type pays it and no manager waived it");
        prop_assert_eq!(bill.service_charge_waived, applies && s.ctx.service_charge_waived,
            "the bill says it was waived only when there was something to waive");
        if !bill.service_charge.is_positive() {
            prop_assert!(bill.service_charge_taxes.is_empty(), "no service charge, no tax on it");
        }
    }

    #[test]
    fn a_refund_of_a_bill_with_levies_cancels_it_and_the_snapshot_reads_back(s in scenario()) {
        let (_, bill) = compute(&s);
        let refund = bill.negated();
        prop_assert!(refund.reconciles(), "a refund adds up like a sale");
        prop_assert_eq!(&refund.negated(), &bill, "negating twice gives the bill back");
        prop_assert_eq!(refund.total + bill.total, Money::ZERO, "the totals cancel");
        prop_assert_eq!(refund.round_off_in_tax + bill.round_off_in_tax, Money::ZERO, "the absorbed rounding too");
        for (a, b) in bill.lines.iter().zip(&refund.lines) {
            prop_assert_eq!(a.taxable + b.taxable, Money::ZERO, "taxable values cancel");
            for (x, y) in a.taxes.iter().zip(&b.taxes) {
                prop_assert_eq!((x.tax_line, x.amount + y.amount), (y.tax_line, Money::ZERO), "shares cancel");
            }
        }
        let json = serde_json::to_string(&bill).expect("a bill serialises");
        let stored: Bill = serde_json::from_str(&json).expect("and reads back");
        prop_assert_eq!(&stored, &bill, "the stored snapshot is the bill itself");
    }

    #[test]
    fn inclusive_prices_give_back_the_net_and_tax_of_exclusive_ones_with_percentage_levies(
        classes in classes(false),
        specs in proptest::collection::vec(line_spec(), 1..=20),
        rule in prop_oneof![Just(Rounding::HalfUp), Just(Rounding::HalfEven)],
    ) {
        let exclusive = TaxSettings { level: TaxRoundingLevel::PerLine, rounding: rule, ..TaxSettings::default() };
        let inclusive = TaxSettings { pricing: PricingMode::Inclusive, ..exclusive.clone() };
        let lines: Vec<OrderLine> = specs.iter().enumerate().map(|(i, sp)| {
            let sp = LineSpec { discount_bps: None, void: false, ..sp.clone() };
            order_line(i, &sp, &classes[sp.class % classes.len()])
        }).collect();
        let excl = bill::calculate(&lines, None, &exclusive).expect("no discounts, no errors");
        let incl_lines: Vec<OrderLine> = excl.lines.iter().zip(&lines).map(|(b, l)| {
            let tax: Money = b.taxes.iter().map(|t| t.amount).sum();
            OrderLine { unit_price: b.amount + tax, qty: Quantity::ONE, ..l.clone() }
        }).collect();
        let incl = bill::calculate(&incl_lines, None, &inclusive).expect("no discounts, no errors");
        // A line's exact taxes are the net times a combined rate R (compound levies
        // included); extracting from net + round(net x R) is within half a paisa / (1 + R)
        // of it, so it rounds back to the same tax, as for a single rate.
        for ((e, i), l) in excl.lines.iter().zip(&incl.lines).zip(&lines) {
            let rates: u32 = l.tax_rate.bps() + l.levies.iter().map(|v| match v.charge {
                LevyCharge::Percent(r) => r.bps(), LevyCharge::PerUnit(_) => 0 }).sum::<u32>();
            if rates > 0 {
                prop_assert_eq!(i.taxable, e.taxable, "extracting the taxes gives back the net");
            }
        }
        prop_assert_eq!(incl.net_total, excl.net_total, "the same net");
        prop_assert_eq!(incl.tax_total, excl.tax_total, "and the same tax");
        prop_assert_eq!(incl.tax_included, incl.tax_total, "all of it inside the prices");
    }
}

// ---------------------------------------------------------------------------------------
// Limits
// ---------------------------------------------------------------------------------------

fn heaviest_levies(per_unit: i64) -> Vec<Levy> {
    let hundred = LevyCharge::Percent(TaxRate::from_bps(10_000).unwrap());
    vec![
        Levy {
            code: "ON-TAX".into(),
            name: "On tax".into(),
            charge: hundred,
            compound: true,
            kind: LevyKind::Cess,
        },
        Levy {
            code: "UNIT".into(),
            name: "Per unit".into(),
            charge: LevyCharge::PerUnit(m(per_unit)),
            compound: false,
            kind: LevyKind::Tax,
        },
        Levy {
            code: "ALL".into(),
            name: "On all".into(),
            charge: hundred,
            compound: true,
            kind: LevyKind::Tax,
        },
    ]
}

#[test]
fn the_largest_order_with_three_levies_at_100_percent_computes_without_overflow() {
    for pricing in [PricingMode::Exclusive, PricingMode::Inclusive] {
        // Inclusive prices must cover the fixed tax and the tax on it: 2 x 10^9 per unit.
        let per_unit = if pricing == PricingMode::Exclusive {
            MAX_UNIT_PRICE
        } else {
            1_000_000_000
        };
        for level in [TaxRoundingLevel::PerLine, TaxRoundingLevel::PerDocument] {
            for mode in [TaxesRounded::Together, TaxesRounded::Separately] {
                let s = TaxSettings {
                    pricing,
                    level,
                    taxes_rounded: mode,
                    cash_rounding_increment: m(100_000),
                    cash_rounding: CashRounding::Up,
                    round_off_to: RoundOffTo::BiggestTax,
                    service_charge: pct(10_000),
                    service_charge_tax: Some((
                        "MAX".into(),
                        TaxRate::from_bps(10_000).unwrap(),
                        TaxSplit::CgstSgst,
                    )),
                    service_charge_levies: heaviest_levies(per_unit),
                    ..TaxSettings::default()
                };
                let c = class("MAX", 10_000, TaxSplit::CgstSgst);
                let lines: Vec<OrderLine> = (0..MAX_LINES_PER_ORDER)
                    .map(|i| {
                        let mut l = line(i as u128, MAX_UNIT_PRICE, MAX_QUANTITY_MILLI, &c);
                        l.levies = heaviest_levies(per_unit);
                        l
                    })
                    .collect();
                let bill = bill::calculate(&lines, None, &s).unwrap_or_else(|e| {
                    panic!("the largest order computes under {pricing:?} {level:?} {mode:?}: {e}")
                });
                assert!(
                    bill.reconciles(),
                    "and adds up under {pricing:?} {level:?} {mode:?}"
                );
                assert!(bill.total > Money::ZERO, "no sum wrapped to negative");
            }
        }
    }
}

#[test]
fn more_levies_than_the_limit_are_refused_not_miscomputed() {
    let mut l = line(1, 100_00, 1000, &class("C", 500, TaxSplit::Single));
    let mut four = heaviest_levies(1);
    four.push(four[0].clone());
    l.levies = four;
    let err = bill::calculate(&[l], None, &TaxSettings::default()).expect_err("four levies");
    assert!(
        matches!(err, DomainError::Invalid { .. }),
        "a clear input error: {err}"
    );
}
