//! The business day's X/Z report. Each figure group is one indexed aggregate query over the
//! day's rows; bill figures come from the stored snapshots, never from recomputation.

use pos_core::{Money, PaymentMethod};
use rusqlite::{Connection, params};
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::sql::domain;

/// Count and amount per payment method.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct MethodTotal {
    pub method: PaymentMethod,
    pub count: u32,
    pub amount: Money,
}

/// The X/Z report of one business day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

fn method_totals(conn: &Connection, sql: &str, day: &str) -> Result<Vec<MethodTotal>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query([day])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let method: String = r.get(0)?;
        out.push(MethodTotal {
            method: domain(PaymentMethod::parse(&method))?,
            count: r.get(1)?,
            amount: Money::from_minor(r.get(2)?),
        });
    }
    out.sort_by_key(|m| m.method);
    Ok(out)
}

/// Computes the report of `day` (`YYYY-MM-DD`).
pub fn day_summary(conn: &Connection, day: &str) -> Result<DaySummary> {
    let mut s = DaySummary {
        business_day: day.to_owned(),
        ..DaySummary::default()
    };
    conn.prepare_cached(
        "SELECT COUNT(*), COALESCE(SUM(subtotal), 0), COALESCE(SUM(discount_total), 0),
             COALESCE(SUM(service_charge), 0), COALESCE(SUM(cgst), 0), COALESCE(SUM(sgst), 0),
             COALESCE(SUM(igst), 0), COALESCE(SUM(other_tax), 0), COALESCE(SUM(tax_total), 0),
             COALESCE(SUM(tax_included), 0), COALESCE(SUM(round_off), 0), COALESCE(SUM(total), 0)
         FROM bills WHERE business_day = ?1",
    )?
    .query_row([day], |r| {
        let m = |i: usize| r.get::<_, i64>(i).map(Money::from_minor);
        s.bills = r.get(0)?;
        s.gross = m(1)?;
        s.discounts = m(2)?;
        s.service_charge = m(3)?;
        s.cgst = m(4)?;
        s.sgst = m(5)?;
        s.igst = m(6)?;
        s.other_tax = m(7)?;
        s.tax_total = m(8)?;
        s.tax_included = m(9)?;
        s.round_off = m(10)?;
        s.total = m(11)?;
        Ok(())
    })?;
    s.payments = method_totals(
        conn,
        "SELECT method, COUNT(*), SUM(amount) FROM payments WHERE business_day = ?1 GROUP BY method",
        day,
    )?;
    s.settlements = method_totals(
        conn,
        "SELECT COALESCE(method, 'cash'), COUNT(*), SUM(amount) FROM ledger
         WHERE business_day = ?1 AND kind = 'settlement' GROUP BY method",
        day,
    )?;
    conn.prepare_cached(
        "SELECT COALESCE(SUM(status NOT IN ('paid', 'void')), 0), COALESCE(SUM(status = 'void'), 0)
         FROM orders WHERE business_day = ?1",
    )?
    .query_row([day], |r| {
        s.orders_open = r.get(0)?;
        s.orders_void = r.get(1)?;
        Ok(())
    })?;
    conn.prepare_cached(
        "SELECT COALESCE(SUM(l.voided_at_ms IS NOT NULL), 0),
             COALESCE(SUM(CASE WHEN l.voided_at_ms IS NOT NULL OR o.status = 'void'
                 THEN (l.qty_milli * l.unit_price + 500) / 1000 ELSE 0 END), 0)
         FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.business_day = ?1",
    )?
    .query_row(params![day], |r| {
        s.voided_lines = r.get(0)?;
        s.voided_amount = Money::from_minor(r.get(1)?);
        Ok(())
    })?;
    Ok(s)
}
