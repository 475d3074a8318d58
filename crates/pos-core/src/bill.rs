//! The tax engine: live order lines + discounts + the profile's settings -> a [`Bill`].
//!
//! One function, [`calculate`], used by the till and by the server. All arithmetic is on
//! integer minor units; every division goes through [`div_round`] with the profile's
//! rounding rule. The steps, each explained with worked examples in docs/MONEY.md:
//!
//! 1. line gross = unit price x quantity; line discount (percent or amount) off it;
//! 2. the order discount is computed on the sum and spread over lines in proportion
//!    (largest remainder, so the parts sum exactly to the discount);
//! 3. lines are grouped by tax class and rate; tax is computed per line or per class
//!    ([`TaxRoundingLevel`]); with inclusive prices the tax is extracted, not added;
//! 4. service charge is a percentage of the net (pre-tax, after discount) and, if taxed,
//!    is taxed in its own class;
//! 5. each class's tax is split into components (CGST/SGST halves that always sum to the
//!    tax; IGST; or one single tax);
//! 6. the total is rounded to the cash increment and the difference shown as round-off.
//!
//! Invariants (property-tested): `net_total + service_charge + tax_total + round_off ==
//! total`; `subtotal - discount_total + service_charge + (tax_total - tax_included) +
//! round_off == total`; components of a class sum to its tax.

use serde::{Deserialize, Serialize};

use crate::ids::LineId;
use crate::menu::Sku;
use crate::money::{Money, Percent, Quantity, Rounding, TaxRate, apply_bps, div_round, round_to_increment};
use crate::order::{Discount, OrderLine};
use crate::profile::{GstHalf, PricingMode, Profile, TaxRoundingLevel, TaxSplit};
use crate::{DomainError, Result};

/// The profile settings the engine needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaxSettings {
    pub pricing: PricingMode,
    pub level: TaxRoundingLevel,
    pub rounding: Rounding,
    pub odd_paisa_to: GstHalf,
    pub cash_rounding_increment: Money,
    pub service_charge: Percent,
    /// The class the service charge is taxed in; `None` when it is not taxed.
    pub service_charge_tax: Option<(String, TaxRate, TaxSplit)>,
}

impl From<&Profile> for TaxSettings {
    fn from(p: &Profile) -> Self {
        TaxSettings {
            pricing: p.pricing,
            level: p.tax_rounding,
            rounding: p.rounding,
            odd_paisa_to: p.odd_paisa_to,
            cash_rounding_increment: p.cash_rounding_increment,
            service_charge: p.service_charge,
            service_charge_tax: if p.service_charge_taxed && !p.service_charge.is_zero() {
                p.tax_class(&p.service_charge_tax_class)
                    .map(|c| (c.code.clone(), c.rate, c.split))
            } else {
                None
            },
        }
    }
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
    /// A single tax under its class name (VAT, sales tax).
    Tax,
}

impl TaxComponent {
    pub fn as_str(self) -> &'static str {
        match self {
            TaxComponent::Cgst => "cgst",
            TaxComponent::Sgst => "sgst",
            TaxComponent::Igst => "igst",
            TaxComponent::Tax => "tax",
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
    /// Net amount taxed (goods and, if taxed in this class, service charge).
    pub taxable: Money,
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
    pub service_charge_rate: Percent,
    pub service_charge: Money,
    pub tax_lines: Vec<TaxLine>,
    pub tax_total: Money,
    /// Part of `tax_total` already contained in inclusive prices (zero when exclusive).
    pub tax_included: Money,
    pub round_off: Money,
    pub total: Money,
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
            total: -self.total,
        }
    }

    /// Whether every invariant of the engine holds. The server uses it, with a
    /// recomputation, to flag a bill a till sent that does not add up.
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
        lines_ok && sums_ok && total_ok
    }

    /// Tax amount of one component across classes.
    pub fn component_total(&self, component: TaxComponent) -> Money {
        self.tax_lines
            .iter()
            .filter(|t| t.component == component)
            .map(|t| t.amount)
            .sum()
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

/// Splits a class's tax into its components.
fn split_tax(amount: Money, split: TaxSplit, odd_to: GstHalf) -> Vec<(TaxComponent, Money)> {
    match split {
        TaxSplit::CgstSgst => {
            let low = Money::from_minor(amount.minor().div_euclid(2));
            let high = amount - low;
            let (cgst, sgst) = match odd_to {
                GstHalf::Cgst => (high, low),
                GstHalf::Sgst => (low, high),
            };
            vec![(TaxComponent::Cgst, cgst), (TaxComponent::Sgst, sgst)]
        }
        TaxSplit::Igst => vec![(TaxComponent::Igst, amount)],
        TaxSplit::Single => vec![(TaxComponent::Tax, amount)],
    }
}

/// Tax contained in an inclusive amount: `amount x rate / (1 + rate)`.
fn extract_tax(amount: Money, rate: TaxRate, rule: Rounding) -> Money {
    let r = i128::from(rate.bps());
    Money::from_minor(div_round(i128::from(amount.minor()) * r, 10_000 + r, rule) as i64)
}

/// Amounts of one tax class (code + rate) on the way to its tax.
#[derive(Debug)]
struct ClassGroup {
    code: String,
    rate: TaxRate,
    split: TaxSplit,
    /// Tax-inclusive amounts (goods when prices include tax).
    inclusive_base: Money,
    /// Tax-exclusive amounts (goods when prices exclude tax, and service charge).
    exclusive_base: Money,
    /// Per-line mode: tax already rounded per line.
    inclusive_tax: Money,
    exclusive_tax: Money,
}

impl ClassGroup {
    fn add(&mut self, amount: Money, inclusive: bool, s: &TaxSettings) {
        let per_line = s.level == TaxRoundingLevel::PerLine;
        if inclusive {
            self.inclusive_base += amount;
            if per_line {
                self.inclusive_tax += extract_tax(amount, self.rate, s.rounding);
            }
        } else {
            self.exclusive_base += amount;
            if per_line {
                self.exclusive_tax += apply_bps(amount, self.rate.bps(), s.rounding);
            }
        }
    }

    /// (tax contained in inclusive amounts, tax added to exclusive amounts)
    fn taxes(&self, s: &TaxSettings) -> (Money, Money) {
        match s.level {
            TaxRoundingLevel::PerLine => (self.inclusive_tax, self.exclusive_tax),
            TaxRoundingLevel::PerDocument => (
                extract_tax(self.inclusive_base, self.rate, s.rounding),
                apply_bps(self.exclusive_base, self.rate.bps(), s.rounding),
            ),
        }
    }
}

fn group<'a>(
    groups: &'a mut Vec<ClassGroup>,
    code: &str,
    rate: TaxRate,
    split: TaxSplit,
) -> &'a mut ClassGroup {
    let idx = match groups.iter().position(|g| g.code == code && g.rate == rate) {
        Some(i) => i,
        None => {
            groups.push(ClassGroup {
                code: code.to_owned(),
                rate,
                split,
                inclusive_base: Money::ZERO,
                exclusive_base: Money::ZERO,
                inclusive_tax: Money::ZERO,
                exclusive_tax: Money::ZERO,
            });
            groups.len() - 1
        }
    };
    &mut groups[idx]
}

/// Computes the bill of the live (not voided) `lines` with an optional order discount.
pub fn calculate(lines: &[OrderLine], order_discount: Option<Discount>, s: &TaxSettings) -> Result<Bill> {
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

    // 3. tax per class
    let inclusive = s.pricing == PricingMode::Inclusive;
    let mut groups: Vec<ClassGroup> = Vec::new();
    let mut bill_lines = Vec::with_capacity(live.len());
    for (i, l) in live.iter().enumerate() {
        let amount = after[i] - od_parts[i];
        group(&mut groups, &l.tax_class, l.tax_rate, l.tax_split).add(amount, inclusive, s);
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
        });
    }
    let mut tax_included = Money::ZERO;
    let mut net_total = Money::ZERO;
    for g in &groups {
        let (incl_tax, _) = g.taxes(s);
        tax_included += incl_tax;
        net_total += g.inclusive_base - incl_tax + g.exclusive_base;
    }

    // 4. service charge on the net, taxed in its own class if the profile says so
    let service_charge = apply_bps(net_total, s.service_charge.bps(), rule);
    if let Some((code, rate, split)) = &s.service_charge_tax
        && service_charge.is_positive()
    {
        group(&mut groups, code, *rate, *split).add(service_charge, false, s);
    }

    // 5. components
    let mut tax_lines = Vec::new();
    let mut tax_total = Money::ZERO;
    for g in &groups {
        if g.rate.is_zero() {
            continue;
        }
        let (incl_tax, excl_tax) = g.taxes(s);
        let tax = incl_tax + excl_tax;
        let taxable = g.inclusive_base - incl_tax + g.exclusive_base;
        tax_total += tax;
        for (component, amount) in split_tax(tax, g.split, s.odd_paisa_to) {
            tax_lines.push(TaxLine {
                class: g.code.clone(),
                component,
                class_rate: g.rate,
                taxable,
                amount,
            });
        }
    }

    // 6. totals and cash rounding
    let subtotal: Money = gross.iter().copied().sum();
    let line_discounts: Money = line_disc.iter().copied().sum();
    let pre_round = subtotal - line_discounts - od + service_charge + (tax_total - tax_included);
    let total = round_to_increment(pre_round, s.cash_rounding_increment, rule);
    Ok(Bill {
        pricing: s.pricing,
        lines: bill_lines,
        subtotal,
        line_discounts,
        order_discount: od,
        discount_total: line_discounts + od,
        net_total,
        service_charge_rate: s.service_charge,
        service_charge,
        tax_lines,
        tax_total,
        tax_included,
        round_off: total - pre_round,
        total,
    })
}
