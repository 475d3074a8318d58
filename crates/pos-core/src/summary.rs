//! The business day's X/Z report, and the rules of what counts on which day. The till
//! (from its SQLite rows) and the server (from the rows tills pushed) both fold their facts
//! through [`DaySummary`], so the two reports of the same sales are equal field by field.
//!
//! The rules:
//! - A payment counts on the business day it was taken ([`day_of`] its `at_ms`), per
//!   method, amount applied (change excluded; on-account is a method like any other).
//! - A bill counts on the day of the payment that settled it (the order's last payment),
//!   with the figures of its stored snapshot, never a recomputation.
//! - A tab settlement counts on the day it was received, per method.
//! - Order counts (open, void) and voids (voided lines; gross of voided lines plus the live
//!   lines of voided orders) count on the day the order was opened.

use serde::{Deserialize, Serialize};

use crate::bill::TaxComponent;
use crate::{Bill, Money, OrderStatus, PaymentMethod, Quantity, Rounding};

/// Count and amount per payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub count: u32,
    pub amount: Money,
}

/// The X/Z report of one business day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySummary {
    /// `YYYY-MM-DD`.
    pub business_day: String,
    /// Bills paid this day.
    pub bills: u32,
    pub orders_open: u32,
    pub orders_void: u32,
    /// Sum of line gross amounts, as priced.
    pub gross: Money,
    pub discounts: Money,
    pub service_charge: Money,
    pub cgst: Money,
    pub sgst: Money,
    pub igst: Money,
    pub other_tax: Money,
    pub tax_total: Money,
    /// Part of `tax_total` contained in tax-inclusive prices.
    pub tax_included: Money,
    pub round_off: Money,
    /// Sales: sum of paid bill totals.
    pub total: Money,
    /// Payments received against bills, per method (amount applied, change excluded).
    pub payments: Vec<MethodTotal>,
    /// Payments towards customer tabs received this day, per method.
    pub settlements: Vec<MethodTotal>,
    pub voided_lines: u32,
    /// Gross of voided lines plus live lines of voided orders.
    pub voided_amount: Money,
}

/// The business day (`YYYY-MM-DD`) a fact taken at `at_ms` counts on.
pub fn day_of(at_ms: i64, utc_offset_minutes: i32, day_starts_at_hour: u8) -> String {
    crate::day::format_day(crate::day::business_day(
        at_ms,
        utc_offset_minutes,
        day_starts_at_hour,
    ))
}

/// The gross of a line as the report counts it (quantity times unit price, halves up).
pub fn line_gross(qty: Quantity, unit_price: Money) -> Money {
    qty.times(unit_price, Rounding::HalfUp)
}

fn add_method(list: &mut Vec<MethodTotal>, method: PaymentMethod, amount: Money) {
    match list.iter_mut().find(|m| m.method == method) {
        Some(m) => {
            m.count += 1;
            m.amount += amount;
        }
        None => {
            list.push(MethodTotal {
                method,
                count: 1,
                amount,
            });
            list.sort_by_key(|m| m.method);
        }
    }
}

impl DaySummary {
    /// An empty report of `day`.
    pub fn new(day: impl Into<String>) -> DaySummary {
        DaySummary {
            business_day: day.into(),
            ..DaySummary::default()
        }
    }

    /// A bill settled this day, from its stored snapshot.
    pub fn add_bill(&mut self, b: &Bill) {
        self.bills += 1;
        self.gross += b.subtotal;
        self.discounts += b.discount_total;
        self.service_charge += b.service_charge;
        self.cgst += b.component_total(TaxComponent::Cgst);
        self.sgst += b.component_total(TaxComponent::Sgst);
        self.igst += b.component_total(TaxComponent::Igst);
        self.other_tax += b.other_tax();
        self.tax_total += b.tax_total;
        self.tax_included += b.tax_included;
        self.round_off += b.round_off;
        self.total += b.total;
    }

    /// A payment taken this day against a bill.
    pub fn add_payment(&mut self, method: PaymentMethod, amount: Money) {
        add_method(&mut self.payments, method, amount);
    }

    /// A payment towards a customer's tab received this day (cash when unnamed).
    pub fn add_settlement(&mut self, method: Option<PaymentMethod>, amount: Money) {
        add_method(
            &mut self.settlements,
            method.unwrap_or(PaymentMethod::Cash),
            amount,
        );
    }

    /// An order opened this day.
    pub fn add_order(&mut self, status: OrderStatus) {
        match status {
            OrderStatus::Void => self.orders_void += 1,
            OrderStatus::Paid => {}
            _ => self.orders_open += 1,
        }
    }

    /// A line of an order opened this day (`order_status`: its order's status).
    pub fn add_line(&mut self, qty: Quantity, unit_price: Money, voided: bool, order_status: OrderStatus) {
        if voided {
            self.voided_lines += 1;
        }
        if voided || order_status == OrderStatus::Void {
            self.voided_amount += line_gross(qty, unit_price);
        }
    }

    /// Folds an order opened this day: its status and lines.
    pub fn add_opened_order(&mut self, o: &crate::Order) {
        self.add_order(o.status);
        for l in &o.lines {
            self.add_line(l.qty, l.unit_price, l.void.is_some(), o.status);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn voids_count_voided_lines_and_every_line_of_a_voided_order() {
        let mut s = DaySummary::new("2026-11-24");
        s.add_order(OrderStatus::Void);
        s.add_line(q("2"), Money::from_minor(100_00), false, OrderStatus::Void);
        s.add_order(OrderStatus::Open);
        s.add_line(q("1.5"), Money::from_minor(33), true, OrderStatus::Open);
        s.add_line(q("1"), Money::from_minor(999_00), false, OrderStatus::Open);
        s.add_order(OrderStatus::Paid);
        assert_eq!((s.orders_void, s.orders_open, s.voided_lines), (1, 1, 1));
        // 1.5 x 0.33 = 0.495 rounds half up to 0.50; the live line of the open order is
        // not a void.
        assert_eq!(s.voided_amount, Money::from_minor(200_00 + 50));
    }

    #[test]
    fn payments_group_by_method_in_a_stable_order() {
        let mut s = DaySummary::new("2026-11-24");
        s.add_payment(PaymentMethod::Upi, Money::from_minor(10));
        s.add_payment(PaymentMethod::Cash, Money::from_minor(5));
        s.add_payment(PaymentMethod::Upi, Money::from_minor(7));
        s.add_settlement(None, Money::from_minor(3));
        let methods: Vec<_> = s
            .payments
            .iter()
            .map(|m| (m.method, m.count, m.amount.minor()))
            .collect();
        let mut sorted = methods.clone();
        sorted.sort_by_key(|m| m.0);
        assert_eq!(methods, sorted, "sorted by method");
        assert!(methods.contains(&(PaymentMethod::Upi, 2, 17)));
        assert_eq!(
            s.settlements[0].method,
            PaymentMethod::Cash,
            "an unnamed settlement is cash"
        );
    }

    #[test]
    fn a_payment_after_the_day_start_counts_on_the_next_day() {
        // 2026-11-24 22:30 UTC is 2026-11-25 04:00 in India, when the next day starts.
        let start = 1_795_559_400_000;
        assert_eq!(day_of(start - 1, 330, 4), "2026-11-24");
        assert_eq!(day_of(start, 330, 4), "2026-11-25");
    }
}
