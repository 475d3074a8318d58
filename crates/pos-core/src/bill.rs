//! The tax engine: live order lines + discounts + the profile's settings -> a [`Bill`].
//!
//! One engine, used by the till and by the server: [`calculate_with`] (and its shorthands
//! [`calculate`] and [`calculate_order`]). All arithmetic is on integer minor units; every
//! rounding goes through the profile's rounding rule. The steps, each explained with
//! worked examples in docs/MONEY.md:
//!
//! 1. line gross = unit price x quantity; line discount (percent or amount) off it;
//! 2. the order discount is computed on the sum and spread over lines in proportion
//!    (largest remainder, so the parts sum exactly to the discount);
//! 3. lines are grouped by tax class, rate and levies; each group charges the class's tax
//!    and its levies (a cess, a city tax; a percentage, compound or not, or a fixed amount
//!    per unit), computed exactly ([`crate::tax`]) and rounded per line or per class
//!    ([`TaxRoundingLevel`]), a line's taxes together or each on its own
//!    ([`TaxesRounded`]); with inclusive prices the taxes are extracted, not added;
//! 4. service charge is a percentage of the net (pre-tax, after discount) on the order
//!    types the profile names, unless waived, and, if taxed, is taxed in its own class;
//! 5. each tax is split into components (CGST/SGST halves that always sum to the tax;
//!    IGST; a single tax; a cess), and each bill line (and the service charge) gets its
//!    share of every component; the shares sum exactly to each component;
//! 6. the total is rounded to the cash increment (nearest, up or down) and the difference
//!    shown as round-off or absorbed by the biggest tax.
//!
//! Invariants (property-tested): `net_total + service_charge + tax_total + round_off ==
//! total`; `subtotal - discount_total + service_charge + (tax_total - tax_included) +
//! round_off == total`; components of a class sum to its tax; the line shares of a tax
//! line (with the service charge's) sum to its amount.

use serde::{Deserialize, Serialize};

use crate::ids::LineId;
use crate::limits::MAX_LEVIES_PER_CLASS;
use crate::menu::Sku;
use crate::money::{CashRounding, Money, Percent, Quantity, Rounding, TaxRate, apply_bps, round_cash};
use crate::order::{Discount, Order, OrderLine, OrderType, OrderTypes};
use crate::profile::{
    GstHalf, Levy, LevyCharge, LevyKind, PricingMode, Profile, RoundOffTo, TaxRoundingLevel, TaxSplit,
    TaxesRounded,
};
use crate::tax::{self, Charge, Member, PartTaxes, TaxDef};
use crate::{DomainError, Result};

/// The profile settings the engine needs. The default is India's: exclusive prices, tax
/// per document, half-up, CGST takes the odd paisa, no cash rounding, no service charge.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TaxSettings {
    pub pricing: PricingMode,
    pub level: TaxRoundingLevel,
    pub rounding: Rounding,
    pub odd_paisa_to: GstHalf,
    pub cash_rounding_increment: Money,
    pub service_charge: Percent,
    /// The class the service charge is taxed in; `None` when it is not taxed.
    pub service_charge_tax: Option<(String, TaxRate, TaxSplit)>,
    /// The levies of the service charge's class (percentages apply to it; fixed amounts
    /// per unit do not, it has no units).
    pub service_charge_levies: Vec<Levy>,
    /// Order types that pay the service charge.
    pub service_charge_order_types: OrderTypes,
    /// Whether a class's tax and its levies are rounded together or each on its own.
    pub taxes_rounded: TaxesRounded,
    pub cash_rounding: CashRounding,
    pub round_off_to: RoundOffTo,
}

impl From<&Profile> for TaxSettings {
    fn from(p: &Profile) -> Self {
        let sc_class = if p.service_charge_taxed && !p.service_charge.is_zero() {
            p.tax_class(&p.service_charge_tax_class)
        } else {
            None
        };
        TaxSettings {
            pricing: p.pricing,
            level: p.tax_rounding,
            rounding: p.rounding,
            odd_paisa_to: p.odd_paisa_to,
            cash_rounding_increment: p.cash_rounding_increment,
            service_charge: p.service_charge,
            service_charge_tax: sc_class.map(|c| (c.code.clone(), c.rate, c.split)),
            service_charge_levies: sc_class.map(|c| c.levies.clone()).unwrap_or_default(),
            service_charge_order_types: p.service_charge_order_types,
            taxes_rounded: p.taxes_rounded,
            cash_rounding: p.cash_rounding,
            round_off_to: p.round_off_to,
        }
    }
}

/// What the engine needs to know about the order beyond its lines.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BillContext {
    /// `None` when unknown (a quote): a service charge limited to some order types is then
    /// not charged; one on every type is.
    pub order_type: Option<OrderType>,
    /// A manager waived the service charge. The engine only applies it; whether the
    /// person asking may waive is the app's check.
    pub service_charge_waived: bool,
}

/// A component of tax as printed on the bill.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TaxComponent {
    Cgst,
    Sgst,
    Igst,
    /// A single tax under its class name (VAT, sales tax), or a levy of kind tax.
    Tax,
    /// A levy of kind cess (India's GST compensation cess).
    Cess,
}

impl TaxComponent {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxComponent::Cgst => "cgst",
            TaxComponent::Sgst => "sgst",
            TaxComponent::Igst => "igst",
            TaxComponent::Tax => "tax",
            TaxComponent::Cess => "cess",
        }
    }
}

/// One line of the tax breakdown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TaxLine {
    /// Tax class code.
    pub class: String,
    pub component: TaxComponent,
    /// Rate of the whole class; a CGST or SGST half is charged at half of it.
    pub class_rate: TaxRate,
    /// Net amount taxed (goods and, if taxed in this class, service charge); for a
    /// compound levy, with the taxes before it.
    pub taxable: Money,
    pub amount: Money,
    /// The levy this line charges; absent on the class's own tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levy: Option<Levy>,
}

/// A bill line's (or the service charge's) part of one tax line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineTax {
    /// Index of the tax line in [`Bill::tax_lines`].
    pub tax_line: u32,
    pub amount: Money,
}

/// A line of the bill.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillLine {
    pub line_id: Option<LineId>,
    pub sku: Sku,
    pub name: String,
    pub qty: Quantity,
    pub unit_price: Money,
    /// `unit_price x qty`.
    pub gross: Money,
    pub line_discount: Money,
    /// This line's share of the order discount.
    pub order_discount: Money,
    /// `gross - line_discount - order_discount`, as priced (tax-inclusive if prices are).
    pub amount: Money,
    pub tax_class: String,
    pub tax_rate: TaxRate,
    /// The line's taxable value: its amount without the tax inside it (the amount itself
    /// when prices exclude tax). Zero on bills stored before per-line taxes.
    #[serde(default)]
    pub taxable: Money,
    /// The line's share of each tax line it pays (an e-invoice prints them per item).
    /// Empty on bills stored before per-line taxes.
    #[serde(default)]
    pub taxes: Vec<LineTax>,
}

/// A computed bill. A paid order stores this snapshot; a refund is its negation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bill {
    pub pricing: PricingMode,
    pub lines: Vec<BillLine>,
    /// Sum of line gross amounts, as priced.
    pub subtotal: Money,
    pub line_discounts: Money,
    pub order_discount: Money,
    pub discount_total: Money,
    /// Taxable value of the goods after discounts, excluding tax.
    pub net_total: Money,
    /// The rate charged (zero when this order pays no service charge).
    pub service_charge_rate: Percent,
    pub service_charge: Money,
    /// A manager waived the service charge this order would have paid.
    #[serde(default)]
    pub service_charge_waived: bool,
    /// The service charge's share of each tax line it pays.
    #[serde(default)]
    pub service_charge_taxes: Vec<LineTax>,
    pub tax_lines: Vec<TaxLine>,
    pub tax_total: Money,
    /// Part of `tax_total` already contained in inclusive prices (zero when exclusive).
    pub tax_included: Money,
    pub round_off: Money,
    /// Cash rounding absorbed by the biggest tax: already inside `tax_total` and that
    /// tax's lines; zero when the rounding is shown as `round_off`.
    #[serde(default)]
    pub round_off_in_tax: Money,
    pub total: Money,
}

fn negate_shares(shares: &[LineTax]) -> Vec<LineTax> {
    shares
        .iter()
        .map(|t| LineTax {
            tax_line: t.tax_line,
            amount: -t.amount,
        })
        .collect()
}

impl Bill {
    /// The bill of a refund: every amount negated. Refunds never recompute, so a refund
    /// returns exactly what the stored bill charged even if rates have changed since.
    pub fn negated(&self) -> Bill {
        Bill {
            pricing: self.pricing,
            lines: self
                .lines
                .iter()
                .map(|l| BillLine {
                    gross: -l.gross,
                    line_discount: -l.line_discount,
                    order_discount: -l.order_discount,
                    amount: -l.amount,
                    taxable: -l.taxable,
                    taxes: negate_shares(&l.taxes),
                    ..l.clone()
                })
                .collect(),
            subtotal: -self.subtotal,
            line_discounts: -self.line_discounts,
            order_discount: -self.order_discount,
            discount_total: -self.discount_total,
            net_total: -self.net_total,
            service_charge_rate: self.service_charge_rate,
            service_charge: -self.service_charge,
            service_charge_waived: self.service_charge_waived,
            service_charge_taxes: negate_shares(&self.service_charge_taxes),
            tax_lines: self
                .tax_lines
                .iter()
                .map(|t| TaxLine {
                    taxable: -t.taxable,
                    amount: -t.amount,
                    ..t.clone()
                })
                .collect(),
            tax_total: -self.tax_total,
            tax_included: -self.tax_included,
            round_off: -self.round_off,
            round_off_in_tax: -self.round_off_in_tax,
            total: -self.total,
        }
    }

    /// Whether every invariant of the engine holds. The server uses it, with a
    /// recomputation, to flag a bill a till sent that does not add up. The per-line tax
    /// shares are checked when the bill has them (bills stored before them have none).
    pub fn reconciles(&self) -> bool {
        let lines_ok = self
            .lines
            .iter()
            .all(|l| l.gross - l.line_discount - l.order_discount == l.amount);
        let sums_ok = self.lines.iter().map(|l| l.gross).sum::<Money>() == self.subtotal
            && self.lines.iter().map(|l| l.line_discount).sum::<Money>() == self.line_discounts
            && self.lines.iter().map(|l| l.order_discount).sum::<Money>() == self.order_discount
            && self.line_discounts + self.order_discount == self.discount_total
            && self.tax_lines.iter().map(|t| t.amount).sum::<Money>() == self.tax_total;
        let total_ok = self.net_total + self.service_charge + self.tax_total + self.round_off == self.total
            && self.subtotal - self.discount_total
                + self.service_charge
                + (self.tax_total - self.tax_included)
                + self.round_off
                == self.total;
        let rounding_ok = self.round_off_in_tax.is_zero() || self.round_off.is_zero();
        lines_ok && sums_ok && total_ok && rounding_ok && self.shares_reconcile()
    }

    fn has_shares(&self) -> bool {
        !self.service_charge_taxes.is_empty() || self.lines.iter().any(|l| !l.taxes.is_empty())
    }

    /// Every tax line's shares sum to its amount; the lines' taxable values to the net.
    fn shares_reconcile(&self) -> bool {
        if !self.has_shares() {
            return true;
        }
        let mut sums = vec![Money::ZERO; self.tax_lines.len()];
        let all = self
            .lines
            .iter()
            .flat_map(|l| &l.taxes)
            .chain(&self.service_charge_taxes);
        for share in all {
            match sums.get_mut(share.tax_line as usize) {
                Some(sum) => *sum += share.amount,
                None => return false,
            }
        }
        sums.iter().zip(&self.tax_lines).all(|(s, t)| *s == t.amount)
            && self.lines.iter().map(|l| l.taxable).sum::<Money>() == self.net_total
    }

    /// Tax amount of one component across classes.
    pub fn component_total(&self, component: TaxComponent) -> Money {
        self.tax_lines
            .iter()
            .filter(|t| t.component == component)
            .map(|t| t.amount)
            .sum()
    }

    /// Tax other than CGST, SGST and IGST: single taxes, levies and cess (the stored
    /// bills' `other_tax` column and the day summary's).
    pub fn other_tax(&self) -> Money {
        self.component_total(TaxComponent::Tax) + self.component_total(TaxComponent::Cess)
    }
}

/// Splits `total` over `weights` in proportion, by largest remainder: the parts sum to
/// `total` exactly; ties go to the earlier weight. All weights must be >= 0.
pub fn allocate(total: Money, weights: &[Money]) -> Vec<Money> {
    let sum: i128 = weights.iter().map(|w| i128::from(w.minor())).sum();
    if sum == 0 || weights.is_empty() {
        let mut out = vec![Money::ZERO; weights.len()];
        if let Some(first) = out.first_mut() {
            *first = total;
        }
        return out;
    }
    let t = i128::from(total.minor());
    let mut parts = Vec::with_capacity(weights.len());
    let mut rems = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let prod = t * i128::from(w.minor());
        parts.push(prod.div_euclid(sum));
        rems.push((prod.rem_euclid(sum), i));
    }
    let mut left = t - parts.iter().sum::<i128>();
    rems.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rems {
        if left <= 0 {
            break;
        }
        parts[i] += 1;
        left -= 1;
    }
    parts.into_iter().map(|p| Money::from_minor(p as i64)).collect()
}

/// The components of one tax of a group, each with its amount and every payer's part of
/// it: a levy is one component; a class's own tax is split as the class says, CGST/SGST
/// halves with the configured half taking the odd paisa, overall and per payer.
fn components(
    amount: Money,
    split: TaxSplit,
    levy: Option<&Levy>,
    odd_to: GstHalf,
    shares: Vec<i128>,
) -> Vec<(TaxComponent, Money, Vec<i128>)> {
    if let Some(levy) = levy {
        let component = match levy.kind {
            LevyKind::Tax => TaxComponent::Tax,
            LevyKind::Cess => TaxComponent::Cess,
        };
        return vec![(component, amount, shares)];
    }
    match split {
        TaxSplit::CgstSgst => {
            let low_total = Money::from_minor(amount.minor().div_euclid(2));
            let high_total = amount - low_total;
            let (high, low): (Vec<i128>, Vec<i128>) = tax::split_halves(&shares).into_iter().unzip();
            match odd_to {
                GstHalf::Cgst => vec![
                    (TaxComponent::Cgst, high_total, high),
                    (TaxComponent::Sgst, low_total, low),
                ],
                GstHalf::Sgst => vec![
                    (TaxComponent::Cgst, low_total, low),
                    (TaxComponent::Sgst, high_total, high),
                ],
            }
        }
        TaxSplit::Igst => vec![(TaxComponent::Igst, amount, shares)],
        TaxSplit::Single => vec![(TaxComponent::Tax, amount, shares)],
    }
}

fn money(v: i128) -> Result<Money> {
    i64::try_from(v)
        .map(Money::from_minor)
        .map_err(|_| DomainError::invalid("lines", "the bill is too large to compute"))
}

/// Who a member of a class group is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Payer {
    /// The bill line at this index.
    Line(usize),
    ServiceCharge,
}

/// The lines (and perhaps the service charge) taxed by one class at one rate with the
/// same levies; a class whose rate or levies changed while an order was open shows twice.
#[derive(Debug)]
struct Group {
    code: String,
    rate: TaxRate,
    split: TaxSplit,
    levies: Vec<Levy>,
    /// The class's tax, then its levies.
    taxes: Vec<TaxDef>,
    /// Members whose amounts include tax (goods when prices include tax).
    inclusive: Vec<(Payer, Member)>,
    /// Members whose amounts exclude tax (goods when prices exclude it, service charge).
    exclusive: Vec<(Payer, Member)>,
}

impl Group {
    fn new(code: &str, rate: TaxRate, split: TaxSplit, levies: &[Levy]) -> Result<Group> {
        if levies.len() > MAX_LEVIES_PER_CLASS {
            return Err(DomainError::invalid(
                "tax_class",
                format!("tax class {code} has more than {MAX_LEVIES_PER_CLASS} levies"),
            ));
        }
        let mut taxes = vec![TaxDef {
            charge: Charge::Percent(i128::from(rate.bps())),
            compound: false,
        }];
        taxes.extend(levies.iter().map(|l| TaxDef {
            charge: match l.charge {
                LevyCharge::Percent(r) => Charge::Percent(i128::from(r.bps())),
                LevyCharge::PerUnit(m) => Charge::PerUnit(i128::from(m.minor())),
            },
            compound: l.compound,
        }));
        Ok(Group {
            code: code.to_owned(),
            rate,
            split,
            levies: levies.to_vec(),
            taxes,
            inclusive: Vec::new(),
            exclusive: Vec::new(),
        })
    }

    fn members(part: &[(Payer, Member)]) -> Vec<Member> {
        part.iter().map(|(_, m)| *m).collect()
    }
}

fn group_of<'a>(
    groups: &'a mut Vec<Group>,
    code: &str,
    rate: TaxRate,
    split: TaxSplit,
    levies: &[Levy],
) -> Result<&'a mut Group> {
    let idx = match groups
        .iter()
        .position(|g| g.code == code && g.rate == rate && g.levies == levies)
    {
        Some(i) => i,
        None => {
            groups.push(Group::new(code, rate, split, levies)?);
            groups.len() - 1
        }
    };
    Ok(&mut groups[idx])
}

/// A group's computed taxes: per tax its total, per member per tax its share.
struct GroupTaxes {
    /// Taxable value: the members' amounts without the tax inside them.
    net: Money,
    totals: Vec<i128>,
    /// (payer, shares per tax), inclusive members first.
    shares: Vec<(Payer, Vec<i128>)>,
}

/// Computes the bill of the live (not voided) `lines` with an optional order discount,
/// for an order of unknown type with no waiver (see [`BillContext`]).
pub fn calculate(lines: &[OrderLine], order_discount: Option<Discount>, s: &TaxSettings) -> Result<Bill> {
    calculate_with(lines, order_discount, &BillContext::default(), s)
}

/// The bill of `order`; `service_charge_waived` as the app decided.
pub fn calculate_order(order: &Order, service_charge_waived: bool, s: &TaxSettings) -> Result<Bill> {
    let ctx = BillContext {
        order_type: Some(order.order_type),
        service_charge_waived,
    };
    calculate_with(&order.lines, order.discount, &ctx, s)
}

/// Computes the bill of the live (not voided) `lines` with an optional order discount.
pub fn calculate_with(
    lines: &[OrderLine],
    order_discount: Option<Discount>,
    ctx: &BillContext,
    s: &TaxSettings,
) -> Result<Bill> {
    let live: Vec<&OrderLine> = lines.iter().filter(|l| l.is_live()).collect();
    let rule = s.rounding;

    // 1. gross and line discounts
    let mut gross = Vec::with_capacity(live.len());
    let mut line_disc = Vec::with_capacity(live.len());
    let mut after = Vec::with_capacity(live.len());
    for l in &live {
        let g = l.qty.times(l.unit_price, rule);
        let d = match l.discount {
            None => Money::ZERO,
            Some(Discount::Percent(p)) => apply_bps(g, p.bps(), rule),
            Some(Discount::Amount(a)) => {
                if a.is_negative() || a > g {
                    return Err(DomainError::invalid(
                        "discount",
                        format!("the discount on {} is larger than the line amount", l.name),
                    ));
                }
                a
            }
        };
        gross.push(g);
        line_disc.push(d);
        after.push(g - d);
    }
    let after_sum: Money = after.iter().copied().sum();

    // 2. order discount, spread over lines
    let od = match order_discount {
        None => Money::ZERO,
        Some(Discount::Percent(p)) => apply_bps(after_sum, p.bps(), rule),
        Some(Discount::Amount(a)) => {
            if a.is_negative() || a > after_sum {
                return Err(DomainError::invalid(
                    "discount",
                    "the order discount is larger than the order amount",
                ));
            }
            a
        }
    };
    let od_parts = allocate(od, &after);

    // 3. lines grouped by class; the taxes inside inclusive prices first, for the net
    let inclusive = s.pricing == PricingMode::Inclusive;
    let rules = tax::Rules {
        level: s.level,
        mode: s.taxes_rounded,
        rule,
    };
    let mut groups: Vec<Group> = Vec::new();
    let mut bill_lines = Vec::with_capacity(live.len());
    for (i, l) in live.iter().enumerate() {
        let amount = after[i] - od_parts[i];
        let g = group_of(&mut groups, &l.tax_class, l.tax_rate, l.tax_split, &l.levies)?;
        let member = (
            Payer::Line(i),
            Member {
                amount: i128::from(amount.minor()),
                qty_milli: i128::from(l.qty.milli()),
            },
        );
        if inclusive {
            g.inclusive.push(member);
        } else {
            g.exclusive.push(member);
        }
        bill_lines.push(BillLine {
            line_id: Some(l.id),
            sku: l.sku.clone(),
            name: l.name.clone(),
            qty: l.qty,
            unit_price: l.unit_price,
            gross: gross[i],
            line_discount: line_disc[i],
            order_discount: od_parts[i],
            amount,
            tax_class: l.tax_class.clone(),
            tax_rate: l.tax_rate,
            // Exclusive prices: the amount; inclusive: less its taxes, below.
            taxable: amount,
            taxes: Vec::new(),
        });
    }
    let mut included: Vec<PartTaxes> = Vec::with_capacity(groups.len());
    let mut tax_included: i128 = 0;
    for g in &groups {
        let part = tax::part_taxes(&g.taxes, &Group::members(&g.inclusive), true, rules)?;
        for ((payer, _), shares) in g.inclusive.iter().zip(&part.shares) {
            if let Payer::Line(i) = payer {
                bill_lines[*i].taxable -= money(shares.iter().sum())?;
            }
        }
        tax_included += part.totals.iter().sum::<i128>();
        included.push(part);
    }
    let net_total: Money = bill_lines.iter().map(|l| l.taxable).sum();

    // 4. service charge on the net, on the order types the profile names, unless waived;
    // taxed in its own class if the profile says so
    let applies = !s.service_charge.is_zero()
        && ctx.order_type.map_or(s.service_charge_order_types.is_all(), |t| {
            s.service_charge_order_types.contains(t)
        });
    let charged = applies && !ctx.service_charge_waived;
    let service_charge = if charged {
        apply_bps(net_total, s.service_charge.bps(), rule)
    } else {
        Money::ZERO
    };
    if let Some((code, rate, split)) = &s.service_charge_tax
        && service_charge.is_positive()
    {
        let g = group_of(&mut groups, code, *rate, *split, &s.service_charge_levies)?;
        g.exclusive.push((
            Payer::ServiceCharge,
            Member {
                amount: i128::from(service_charge.minor()),
                qty_milli: 0,
            },
        ));
    }

    // 5. the taxes added to exclusive amounts, and each group's totals and shares
    let mut computed: Vec<GroupTaxes> = Vec::with_capacity(groups.len());
    for (gi, g) in groups.iter().enumerate() {
        let added = tax::part_taxes(&g.taxes, &Group::members(&g.exclusive), false, rules)?;
        let mut totals = added.totals;
        let mut net: i128 = g.exclusive.iter().map(|(_, m)| m.amount).sum();
        let mut shares = Vec::with_capacity(g.inclusive.len() + g.exclusive.len());
        // Groups made for the service charge have no inclusive part.
        if let Some(part) = included.get(gi) {
            for (t, inc) in totals.iter_mut().zip(&part.totals) {
                *t += inc;
            }
            net += g.inclusive.iter().map(|(_, m)| m.amount).sum::<i128>() - part.totals.iter().sum::<i128>();
            shares.extend(
                g.inclusive
                    .iter()
                    .map(|(p, _)| *p)
                    .zip(part.shares.iter().cloned()),
            );
        }
        shares.extend(g.exclusive.iter().map(|(p, _)| *p).zip(added.shares));
        computed.push(GroupTaxes {
            net: money(net)?,
            totals,
            shares,
        });
    }
    let mut tax_total: i128 = computed.iter().flat_map(|c| &c.totals).sum();

    // 6. totals and cash rounding; the difference on its own line or in the biggest tax
    let subtotal: Money = gross.iter().copied().sum();
    let line_discounts: Money = line_disc.iter().copied().sum();
    let added_tax = money(tax_total - tax_included)?;
    let pre_round = subtotal - line_discounts - od + service_charge + added_tax;
    let total = round_cash(pre_round, s.cash_rounding_increment, s.cash_rounding, rule);
    let mut round_off = total - pre_round;
    let mut round_off_in_tax = Money::ZERO;
    if s.round_off_to == RoundOffTo::BiggestTax
        && !round_off.is_zero()
        && absorb(&groups, &mut computed, round_off)
    {
        round_off_in_tax = round_off;
        tax_total += i128::from(round_off.minor());
        round_off = Money::ZERO;
    }

    // 7. tax lines, split into components, with every payer's share of each
    let mut tax_lines = Vec::new();
    let mut sc_taxes = Vec::new();
    for (g, c) in groups.iter().zip(&computed) {
        for (k, def) in g.taxes.iter().enumerate() {
            if def.is_zero() {
                continue;
            }
            let taxable = if def.compound {
                c.net + money(c.totals[..k].iter().sum())?
            } else {
                c.net
            };
            let levy = k.checked_sub(1).map(|i| &g.levies[i]);
            let shares: Vec<i128> = c.shares.iter().map(|(_, s)| s[k]).collect();
            let amount = money(c.totals[k])?;
            for (component, part_total, parts) in components(amount, g.split, levy, s.odd_paisa_to, shares) {
                let index = u32::try_from(tax_lines.len())
                    .map_err(|_| DomainError::invalid("lines", "the bill has too many tax lines"))?;
                tax_lines.push(TaxLine {
                    class: g.code.clone(),
                    component,
                    class_rate: g.rate,
                    taxable,
                    amount: part_total,
                    levy: levy.cloned(),
                });
                for ((payer, _), part) in c.shares.iter().zip(parts) {
                    let share = LineTax {
                        tax_line: index,
                        amount: money(part)?,
                    };
                    match payer {
                        Payer::Line(i) => bill_lines[*i].taxes.push(share),
                        Payer::ServiceCharge => sc_taxes.push(share),
                    }
                }
            }
        }
    }

    Ok(Bill {
        pricing: s.pricing,
        lines: bill_lines,
        subtotal,
        line_discounts,
        order_discount: od,
        discount_total: line_discounts + od,
        net_total,
        service_charge_rate: if charged { s.service_charge } else { Percent::ZERO },
        service_charge,
        service_charge_waived: applies && ctx.service_charge_waived,
        service_charge_taxes: sc_taxes,
        tax_lines,
        tax_total: money(tax_total)?,
        tax_included: money(tax_included)?,
        round_off,
        round_off_in_tax,
        total,
    })
}

/// Adds the cash rounding `diff` to the biggest tax of the bill (ties: the first), spread
/// over its payers in proportion to their shares. False, and nothing changed, when the
/// bill prints no tax or that tax would go below zero.
fn absorb(groups: &[Group], computed: &mut [GroupTaxes], diff: Money) -> bool {
    let mut biggest: Option<(usize, usize, i128)> = None;
    for (gi, (g, c)) in groups.iter().zip(computed.iter()).enumerate() {
        for (k, def) in g.taxes.iter().enumerate() {
            if !def.is_zero() && biggest.is_none_or(|(_, _, t)| c.totals[k] > t) {
                biggest = Some((gi, k, c.totals[k]));
            }
        }
    }
    let Some((gi, k, amount)) = biggest else {
        return false;
    };
    let d = i128::from(diff.minor());
    if amount + d < 0 {
        return false;
    }
    let c = &mut computed[gi];
    let weights: Vec<Money> = c
        .shares
        .iter()
        .map(|(_, s)| Money::from_minor(s[k] as i64))
        .collect();
    for ((_, s), part) in c.shares.iter_mut().zip(allocate(diff, &weights)) {
        s[k] += i128::from(part.minor());
    }
    c.totals[k] += d;
    true
}
