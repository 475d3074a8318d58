//! Customers and their ledger.

use pos_core::ledger::LedgerKind;
use pos_core::{Customer, LedgerEntry, Money, PaymentMethod, Phone};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, WriteTx};

pub fn customer(conn: &Connection, phone: &Phone) -> Result<Option<Customer>> {
    let row: Option<(String, i64)> = conn
        .prepare_cached("SELECT name, credit_limit FROM customers WHERE phone = ?1")?
        .query_row([phone.e164()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(row.map(|(name, limit)| Customer {
        phone: phone.clone(),
        name,
        credit_limit: Money::from_minor(limit),
    }))
}

pub fn upsert_customer(tx: &WriteTx<'_>, c: &Customer, at_ms: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO customers (phone, name, credit_limit, created_at_ms, updated_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?4)
         ON CONFLICT (phone) DO UPDATE SET name = excluded.name,
             credit_limit = excluded.credit_limit, updated_at_ms = excluded.updated_at_ms",
    )?
    .execute(params![c.phone.e164(), c.name, c.credit_limit.minor(), at_ms])?;
    Ok(())
}

pub fn customer_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))?)
}

pub fn insert_entry(tx: &WriteTx<'_>, e: &LedgerEntry, business_day: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO ledger (id, phone, kind, amount, order_id, method, note, business_day, at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        e.id.to_string(),
        e.phone.e164(),
        e.kind.as_str(),
        e.amount.minor(),
        e.order_id.map(|o| o.to_string()),
        e.method.map(|m| m.as_str()),
        e.note,
        business_day,
        e.at_ms
    ])?;
    Ok(())
}

/// Balance owed: charges minus settlements, summed in SQLite over the covering index.
pub fn balance(conn: &Connection, phone: &Phone) -> Result<Money> {
    let sum: i64 = conn
        .prepare_cached(
            "SELECT COALESCE(SUM(CASE kind WHEN 'charge' THEN amount ELSE -amount END), 0)
             FROM ledger WHERE phone = ?1",
        )?
        .query_row([phone.e164()], |r| r.get(0))?;
    Ok(Money::from_minor(sum))
}

/// The newest `limit` ledger entries of a customer.
pub fn recent_entries(conn: &Connection, phone: &Phone, limit: usize) -> Result<Vec<LedgerEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, kind, amount, order_id, method, note, at_ms FROM ledger
         WHERE phone = ?1 ORDER BY at_ms DESC, id DESC LIMIT ?2",
    )?;
    let rows = stmt.query_map(params![phone.e164(), limit as i64], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, Option<String>>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, i64>(6)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, kind, amount, order_id, method, note, at_ms) = row?;
        out.push(LedgerEntry {
            id: crate::sql::parse(&id)?,
            phone: phone.clone(),
            kind: crate::sql::domain(LedgerKind::parse(&kind))?,
            amount: Money::from_minor(amount),
            order_id: order_id.as_deref().map(crate::sql::parse).transpose()?,
            method: method
                .as_deref()
                .map(|m| crate::sql::domain(PaymentMethod::parse(m)))
                .transpose()?,
            note,
            at_ms,
        });
    }
    Ok(out)
}

pub fn ledger_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM ledger", [], |r| r.get(0))?)
}
