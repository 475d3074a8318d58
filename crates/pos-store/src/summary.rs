//! The business day's X/Z report. The rows of the day are read with indexed queries (the
//! stored `business_day` of each bill, payment and ledger row was set by the rules of
//! [`pos_core::summary`] when it was written) and folded through
//! [`pos_core::summary::DaySummary`], the code the server's summary uses too. Bill figures
//! come from the stored snapshots, never from recomputation.

use pos_core::{Bill, Money, OrderStatus, PaymentMethod, Quantity};
use rusqlite::Connection;

pub use pos_core::summary::{DaySummary, MethodTotal};

use crate::Result;
use crate::sql::domain;

/// Computes the report of `day` (`YYYY-MM-DD`).
pub fn day_summary(conn: &Connection, day: &str) -> Result<DaySummary> {
    let mut s = DaySummary::new(day);
    {
        let mut stmt = conn.prepare_cached("SELECT body FROM bills WHERE business_day = ?1")?;
        let mut rows = stmt.query([day])?;
        while let Some(r) = rows.next()? {
            let body: String = r.get(0)?;
            let bill: Bill = serde_json::from_str(&body)?;
            s.add_bill(&bill);
        }
    }
    {
        let mut stmt = conn.prepare_cached("SELECT method, amount FROM payments WHERE business_day = ?1")?;
        let mut rows = stmt.query([day])?;
        while let Some(r) = rows.next()? {
            let method: String = r.get(0)?;
            s.add_payment(
                domain(PaymentMethod::parse(&method))?,
                Money::from_minor(r.get(1)?),
            );
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT method, amount FROM ledger WHERE business_day = ?1 AND kind = 'settlement'",
        )?;
        let mut rows = stmt.query([day])?;
        while let Some(r) = rows.next()? {
            let method = r
                .get::<_, Option<String>>(0)?
                .map(|m| domain(PaymentMethod::parse(&m)))
                .transpose()?;
            s.add_settlement(method, Money::from_minor(r.get(1)?));
        }
    }
    {
        let mut stmt = conn.prepare_cached("SELECT status FROM orders WHERE business_day = ?1")?;
        let mut rows = stmt.query([day])?;
        while let Some(r) = rows.next()? {
            s.add_order(status(&r.get::<_, String>(0)?)?);
        }
    }
    {
        let mut stmt = conn.prepare_cached(
            "SELECT o.status, l.qty_milli, l.unit_price, l.voided_at_ms IS NOT NULL
             FROM orders o JOIN order_lines l ON l.order_id = o.id
             WHERE o.business_day = ?1 AND (o.status = 'void' OR l.voided_at_ms IS NOT NULL)",
        )?;
        let mut rows = stmt.query([day])?;
        while let Some(r) = rows.next()? {
            s.add_line(
                domain(Quantity::from_milli(r.get(1)?))?,
                Money::from_minor(r.get(2)?),
                r.get(3)?,
                status(&r.get::<_, String>(0)?)?,
            );
        }
    }
    Ok(s)
}

fn status(s: &str) -> Result<OrderStatus> {
    domain(OrderStatus::parse(s))
}
