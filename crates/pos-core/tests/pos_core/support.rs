//! Builders shared by the tests: tax classes, order lines and settings with short names.

use pos_core::bill::{TaxComponent, TaxSettings};
use pos_core::menu::Sku;
use pos_core::money::{Money, Percent, Quantity, Rounding, TaxRate};
use pos_core::order::{Discount, LineVoid, OrderLine};
use pos_core::profile::{GstHalf, PricingMode, TaxRoundingLevel, TaxSplit};
use pos_core::{Bill, LineId};
use uuid::Uuid;

/// A tax class as the engine sees it on a line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Class {
    pub code: String,
    pub rate: TaxRate,
    pub split: TaxSplit,
}

pub fn class(code: &str, bps: u32, split: TaxSplit) -> Class {
    Class {
        code: code.to_owned(),
        rate: TaxRate::from_bps(bps).expect("test rates are at most 100%"),
        split,
    }
}

pub fn gst5() -> Class {
    class("GST5", 500, TaxSplit::CgstSgst)
}

pub fn gst18() -> Class {
    class("GST18", 1800, TaxSplit::CgstSgst)
}

pub fn m(minor: i64) -> Money {
    Money::from_minor(minor)
}

pub fn pct(bps: u32) -> Percent {
    Percent::from_bps(bps).expect("test percentages are at most 100%")
}

pub fn qty(milli: i64) -> Quantity {
    Quantity::from_milli(milli).expect("test quantities are within the limits")
}

/// A live line `n` of `qty_milli` thousandths at `price` minor units in `class`.
pub fn line(n: u128, price: i64, qty_milli: i64, class: &Class) -> OrderLine {
    OrderLine {
        id: LineId::from_uuid(Uuid::from_u128(n)),
        sku: Sku::parse(&format!("ITEM-{n}")).expect("a valid sku"),
        name: format!("Item {n}"),
        qty: qty(qty_milli),
        unit_price: m(price),
        tax_class: class.code.clone(),
        tax_rate: class.rate,
        tax_split: class.split,
        levies: Vec::new(),
        discount: None,
        note: String::new(),
        sent_to_kitchen: false,
        added_at_ms: 0,
        void: None,
    }
}

/// One unit of `price` in `class`.
pub fn one(n: u128, price: i64, class: &Class) -> OrderLine {
    line(n, price, 1000, class)
}

pub fn with_discount(mut l: OrderLine, d: Discount) -> OrderLine {
    l.discount = Some(d);
    l
}

pub fn voided(mut l: OrderLine) -> OrderLine {
    l.void = Some(LineVoid::new("guest changed mind".into(), 1));
    l
}

/// India's defaults: exclusive prices, tax per document, half-up, CGST takes the odd
/// paisa, no cash rounding, no service charge.
pub fn india() -> TaxSettings {
    TaxSettings {
        pricing: PricingMode::Exclusive,
        level: TaxRoundingLevel::PerDocument,
        rounding: Rounding::HalfUp,
        odd_paisa_to: GstHalf::Cgst,
        cash_rounding_increment: Money::ZERO,
        service_charge: Percent::ZERO,
        service_charge_tax: None,
        ..TaxSettings::default()
    }
}

/// Amount of `component` in the tax lines of class `code`.
pub fn component(bill: &Bill, code: &str, component: TaxComponent) -> i64 {
    bill.tax_lines
        .iter()
        .filter(|t| t.class == code && t.component == component)
        .map(|t| t.amount.minor())
        .sum()
}

/// Tax of class `code` (all components).
pub fn class_tax(bill: &Bill, code: &str) -> i64 {
    bill.tax_lines
        .iter()
        .filter(|t| t.class == code)
        .map(|t| t.amount.minor())
        .sum()
}

/// `num / den` rounded under `rule`, computed on the magnitude and signed afterwards: an
/// implementation independent of the engine's `div_round` (which uses Euclidean division).
pub fn reference_round(num: i128, den: i128, rule: Rounding) -> i128 {
    assert!(den > 0, "reference_round needs a positive denominator");
    let mag = num.abs();
    let q = mag / den;
    let r = mag % den;
    let up = match (2 * r).cmp(&den) {
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Equal => match rule {
            Rounding::HalfUp => true,
            Rounding::HalfEven => q % 2 == 1,
        },
    };
    let rounded = q + i128::from(up);
    if num < 0 { -rounded } else { rounded }
}
