//! Orders, their lines and payments, bill snapshots, and the order listings.

use pos_core::bill::TaxComponent;
use pos_core::order::LineVoid;
use pos_core::{
    Bill, Discount, Money, Order, OrderId, OrderLine, OrderRecord, OrderStatus, OrderType, PaidBill, Payment,
    PaymentMethod, Phone, Quantity, Sku, TaxRate,
};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::sql::{domain, json, parse};
use crate::{Result, StoreError, WriteTx};

/// One row of an order list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct OrderSummary {
    pub id: OrderId,
    pub number: u32,
    pub order_type: OrderType,
    pub table: Option<String>,
    pub status: OrderStatus,
    pub customer_phone: Option<Phone>,
    pub business_day: String,
    /// Live (not voided) lines.
    pub item_count: u32,
    /// Sum of live lines at their unit prices, before discounts and tax.
    pub items_total: Money,
    pub paid: Money,
    /// Paid beyond what the guest owes (two tills took payment for it, or a payment reached
    /// it after it was voided): money to give back. Zero normally.
    pub excess: Money,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub version: u32,
}

fn opt_json<T: Serialize>(v: &Option<T>) -> Result<Option<String>> {
    v.as_ref()
        .map(|x| serde_json::to_string(x).map_err(StoreError::from))
        .transpose()
}

/// The figures the rules derive for an order, stored with its header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Derived {
    pub excess: Money,
    pub bill_mismatch: bool,
}

impl Derived {
    pub fn of(r: &OrderRecord) -> Derived {
        Derived {
            excess: r.excess(),
            bill_mismatch: r.bill_mismatch,
        }
    }
}

pub fn insert_order(tx: &WriteTx<'_>, o: &Order) -> Result<()> {
    insert_header(tx, o, Derived::default())
}

/// Inserts an order's header row with its derived figures.
pub fn insert_header(tx: &WriteTx<'_>, o: &Order, d: Derived) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO orders (id, number, order_type, table_label, customer_phone, notes, status, discount,
             business_day, created_at_ms, updated_at_ms, version, device_id, excess, bill_mismatch)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        o.id.to_string(),
        o.number,
        o.order_type.as_str(),
        o.table,
        o.customer_phone.as_ref().map(Phone::e164),
        o.notes,
        o.status.as_str(),
        opt_json(&o.discount)?,
        o.business_day,
        o.created_at_ms,
        o.updated_at_ms,
        o.version,
        tx.device_id().to_string(),
        d.excess.minor(),
        d.bill_mismatch,
    ])?;
    Ok(())
}

/// Writes the header fields that change after creation, and the derived figures.
pub fn update_header(tx: &WriteTx<'_>, o: &Order, d: Derived) -> Result<()> {
    let n = tx
        .prepare_cached(
            "UPDATE orders SET status = ?2, discount = ?3, updated_at_ms = ?4, version = ?5, notes = ?6,
                 customer_phone = ?7, order_type = ?8, table_label = ?9, excess = ?10, bill_mismatch = ?11
             WHERE id = ?1",
        )?
        .execute(params![
            o.id.to_string(),
            o.status.as_str(),
            opt_json(&o.discount)?,
            o.updated_at_ms,
            o.version,
            o.notes,
            o.customer_phone.as_ref().map(Phone::e164),
            o.order_type.as_str(),
            o.table,
            d.excess.minor(),
            d.bill_mismatch,
        ])?;
    if n != 1 {
        return Err(StoreError::corrupt(format!(
            "order {} vanished during a write",
            o.id
        )));
    }
    Ok(())
}

pub fn insert_line(tx: &WriteTx<'_>, order_id: OrderId, position: usize, l: &OrderLine) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO order_lines (id, order_id, position, sku, name, qty_milli, unit_price, tax_class,
             tax_rate_bps, tax_split, discount, note, sent, added_at_ms, void_reason, voided_at_ms,
             voided_by, void_approved_by, levies)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
    )?
    .execute(params![
        l.id.to_string(),
        order_id.to_string(),
        position as i64,
        l.sku.as_str(),
        l.name,
        l.qty.milli(),
        l.unit_price.minor(),
        l.tax_class,
        l.tax_rate.bps(),
        serde_json::to_string(&l.tax_split)?,
        opt_json(&l.discount)?,
        l.note,
        l.sent_to_kitchen,
        l.added_at_ms,
        l.void.as_ref().map(|v| v.reason.clone()),
        l.void.as_ref().map(|v| v.at_ms),
        l.void.as_ref().and_then(|v| v.voided_by).map(|s| s.to_string()),
        l.void.as_ref().and_then(|v| v.approved_by).map(|s| s.to_string()),
        if l.levies.is_empty() {
            None
        } else {
            Some(serde_json::to_string(&l.levies)?)
        },
    ])?;
    Ok(())
}

/// Writes the mutable state of a line: void and sent-to-kitchen.
pub fn update_line(tx: &WriteTx<'_>, l: &OrderLine) -> Result<()> {
    tx.prepare_cached(
        "UPDATE order_lines SET sent = ?2, void_reason = ?3, voided_at_ms = ?4, voided_by = ?5,
             void_approved_by = ?6 WHERE id = ?1",
    )?
    .execute(params![
        l.id.to_string(),
        l.sent_to_kitchen,
        l.void.as_ref().map(|v| v.reason.clone()),
        l.void.as_ref().map(|v| v.at_ms),
        l.void.as_ref().and_then(|v| v.voided_by).map(|s| s.to_string()),
        l.void.as_ref().and_then(|v| v.approved_by).map(|s| s.to_string()),
    ])?;
    Ok(())
}

pub fn insert_payment(tx: &WriteTx<'_>, order_id: OrderId, p: &Payment, business_day: &str) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO payments (id, order_id, method, amount, tendered, change, reference, customer_phone,
             business_day, at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        p.id.to_string(),
        order_id.to_string(),
        p.method.as_str(),
        p.amount.minor(),
        p.tendered.minor(),
        p.change.minor(),
        p.reference,
        p.customer_phone.as_ref().map(Phone::e164),
        business_day,
        p.at_ms,
    ])?;
    Ok(())
}

/// Stores the snapshot of a paid bill (the order's bill: one per order).
pub fn insert_bill(
    tx: &WriteTx<'_>,
    order_id: OrderId,
    paid: &PaidBill,
    business_day: &str,
    at_ms: i64,
) -> Result<()> {
    let bill = &paid.bill;
    // Single taxes, levies and cess: everything that is not CGST, SGST or IGST, so the
    // four columns still sum to tax_total.
    let other = bill.other_tax();
    tx.prepare_cached(
        "INSERT INTO bills (order_id, invoice_no, business_day, subtotal, discount_total, service_charge,
             cgst, sgst, igst, other_tax, tax_total, tax_included, round_off, total, body, created_at_ms,
             paid_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        order_id.to_string(),
        paid.invoice_no,
        business_day,
        bill.subtotal.minor(),
        bill.discount_total.minor(),
        bill.service_charge.minor(),
        bill.component_total(TaxComponent::Cgst).minor(),
        bill.component_total(TaxComponent::Sgst).minor(),
        bill.component_total(TaxComponent::Igst).minor(),
        other.minor(),
        bill.tax_total.minor(),
        bill.tax_included.minor(),
        bill.round_off.minor(),
        bill.total.minor(),
        serde_json::to_string(bill)?,
        at_ms,
        paid.paid_at_ms,
    ])?;
    Ok(())
}

/// Keeps a bill that lost a race as superseded (its number was printed; not a sale).
pub fn insert_superseded(
    tx: &WriteTx<'_>,
    order_id: OrderId,
    paid: &PaidBill,
    business_day: &str,
    at_ms: i64,
) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO superseded_bills (order_id, invoice_no, business_day, total, body, paid_at_ms, created_at_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING",
    )?
    .execute(params![
        order_id.to_string(),
        paid.invoice_no,
        business_day,
        paid.bill.total.minor(),
        serde_json::to_string(&paid.bill)?,
        paid.paid_at_ms,
        at_ms,
    ])?;
    Ok(())
}

/// The stored bill snapshot of a paid order and its invoice number.
pub fn stored_bill(conn: &Connection, order_id: OrderId) -> Result<Option<(String, Bill)>> {
    Ok(paid_bill(conn, order_id)?.map(|p| (p.invoice_no, p.bill)))
}

/// The order's bill, if it is paid.
pub fn paid_bill(conn: &Connection, order_id: OrderId) -> Result<Option<PaidBill>> {
    let row: Option<(String, String, i64)> = conn
        .prepare_cached("SELECT invoice_no, body, paid_at_ms FROM bills WHERE order_id = ?1")?
        .query_row([order_id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    row.map(|(invoice_no, body, paid_at_ms)| {
        Ok(PaidBill {
            invoice_no,
            bill: json(&body)?,
            paid_at_ms,
        })
    })
    .transpose()
}

/// The order's superseded bills, in the order they were kept.
pub fn superseded_bills(conn: &Connection, order_id: OrderId) -> Result<Vec<PaidBill>> {
    let mut stmt = conn.prepare_cached(
        "SELECT invoice_no, body, paid_at_ms FROM superseded_bills WHERE order_id = ?1
         ORDER BY paid_at_ms, invoice_no",
    )?;
    let mut rows = stmt.query([order_id.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let body: String = r.get(1)?;
        out.push(PaidBill {
            invoice_no: r.get(0)?,
            bill: json(&body)?,
            paid_at_ms: r.get(2)?,
        });
    }
    Ok(out)
}

/// An order with its bill, its superseded bills and the stored mismatch flag.
pub fn load_record(conn: &Connection, id: OrderId) -> Result<Option<OrderRecord>> {
    let Some(order) = load_order(conn, id)? else {
        return Ok(None);
    };
    let mismatch: bool = conn
        .prepare_cached("SELECT bill_mismatch FROM orders WHERE id = ?1")?
        .query_row([id.to_string()], |r| r.get(0))?;
    Ok(Some(OrderRecord {
        order,
        bill: paid_bill(conn, id)?,
        superseded: superseded_bills(conn, id)?,
        bill_mismatch: mismatch,
    }))
}

type HeaderRow = (
    String,
    u32,
    String,
    Option<String>,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    i64,
    i64,
    u32,
);

/// Loads one order with its lines and payments.
pub fn load_order(conn: &Connection, id: OrderId) -> Result<Option<Order>> {
    let header: Option<HeaderRow> = conn
        .prepare_cached(
            "SELECT id, number, order_type, table_label, customer_phone, notes, status, discount,
                 business_day, created_at_ms, updated_at_ms, version
             FROM orders WHERE id = ?1",
        )?
        .query_row([id.to_string()], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
                r.get(10)?,
                r.get(11)?,
            ))
        })
        .optional()?;
    let Some(h) = header else { return Ok(None) };
    let (
        _,
        number,
        order_type,
        table,
        phone,
        notes,
        status,
        discount,
        business_day,
        created,
        updated,
        version,
    ) = h;
    Ok(Some(Order {
        id,
        number,
        order_type: domain(OrderType::parse(&order_type))?,
        table,
        customer_phone: phone.map(crate::sql::phone).transpose()?,
        notes,
        status: domain(OrderStatus::parse(&status))?,
        discount: discount.as_deref().map(json::<Discount>).transpose()?,
        lines: load_lines(conn, id)?,
        payments: load_payments(conn, id)?,
        business_day,
        created_at_ms: created,
        updated_at_ms: updated,
        version,
    }))
}

fn load_lines(conn: &Connection, id: OrderId) -> Result<Vec<OrderLine>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, sku, name, qty_milli, unit_price, tax_class, tax_rate_bps, tax_split, discount, note, sent,
             added_at_ms, void_reason, voided_at_ms, voided_by, void_approved_by, levies
         FROM order_lines WHERE order_id = ?1 ORDER BY added_at_ms, id",
    )?;
    let mut rows = stmt.query([id.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let void_reason: Option<String> = r.get(12)?;
        let voided_at: Option<i64> = r.get(13)?;
        let voided_by: Option<String> = r.get(14)?;
        let approved_by: Option<String> = r.get(15)?;
        let discount: Option<String> = r.get(8)?;
        let split: String = r.get(7)?;
        let levies: Option<String> = r.get(16)?;
        out.push(OrderLine {
            id: parse(&r.get::<_, String>(0)?)?,
            sku: domain(Sku::parse(&r.get::<_, String>(1)?))?,
            name: r.get(2)?,
            qty: domain(Quantity::from_milli(r.get(3)?))?,
            unit_price: Money::from_minor(r.get(4)?),
            tax_class: r.get(5)?,
            tax_rate: domain(TaxRate::from_bps(r.get(6)?))?,
            tax_split: json(&split)?,
            levies: levies.as_deref().map(json).transpose()?.unwrap_or_default(),
            discount: discount.as_deref().map(json::<Discount>).transpose()?,
            note: r.get(9)?,
            sent_to_kitchen: r.get(10)?,
            added_at_ms: r.get(11)?,
            void: match (void_reason, voided_at) {
                (Some(reason), Some(at_ms)) => Some(LineVoid {
                    reason,
                    at_ms,
                    voided_by: voided_by.as_deref().map(parse).transpose()?,
                    approved_by: approved_by.as_deref().map(parse).transpose()?,
                }),
                _ => None,
            },
        });
    }
    Ok(out)
}

fn load_payments(conn: &Connection, id: OrderId) -> Result<Vec<Payment>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, method, amount, tendered, change, reference, customer_phone, at_ms
         FROM payments WHERE order_id = ?1 ORDER BY at_ms, id",
    )?;
    let mut rows = stmt.query([id.to_string()])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let phone: Option<String> = r.get(6)?;
        out.push(Payment {
            id: parse(&r.get::<_, String>(0)?)?,
            method: domain(PaymentMethod::parse(&r.get::<_, String>(1)?))?,
            amount: Money::from_minor(r.get(2)?),
            tendered: Money::from_minor(r.get(3)?),
            change: Money::from_minor(r.get(4)?),
            reference: r.get(5)?,
            customer_phone: phone.map(crate::sql::phone).transpose()?,
            at_ms: r.get(7)?,
        });
    }
    Ok(out)
}

const SUMMARY_SELECT: &str = "SELECT o.id, o.number, o.order_type, o.table_label, o.status, o.customer_phone,
        o.business_day, o.created_at_ms, o.updated_at_ms, o.version,
        (SELECT COUNT(*) FROM order_lines l WHERE l.order_id = o.id AND l.voided_at_ms IS NULL),
        (SELECT COALESCE(SUM((l.qty_milli * l.unit_price + 500) / 1000), 0) FROM order_lines l
            WHERE l.order_id = o.id AND l.voided_at_ms IS NULL),
        (SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.order_id = o.id),
        o.excess
    FROM orders o";

fn summaries(conn: &Connection, sql: &str, params: &[&dyn rusqlite::ToSql]) -> Result<Vec<OrderSummary>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let phone: Option<String> = r.get(5)?;
        out.push(OrderSummary {
            id: parse(&r.get::<_, String>(0)?)?,
            number: r.get(1)?,
            order_type: domain(OrderType::parse(&r.get::<_, String>(2)?))?,
            table: r.get(3)?,
            status: domain(OrderStatus::parse(&r.get::<_, String>(4)?))?,
            customer_phone: phone.map(crate::sql::phone).transpose()?,
            business_day: r.get(6)?,
            created_at_ms: r.get(7)?,
            updated_at_ms: r.get(8)?,
            version: r.get(9)?,
            item_count: r.get(10)?,
            items_total: Money::from_minor(r.get(11)?),
            paid: Money::from_minor(r.get(12)?),
            excess: Money::from_minor(r.get(13)?),
        });
    }
    Ok(out)
}

/// Every active order (not paid, not void), newest first.
pub fn active_summaries(conn: &Connection) -> Result<Vec<OrderSummary>> {
    summaries(
        conn,
        &format!(
            "{SUMMARY_SELECT} WHERE o.status NOT IN ('paid', 'void') ORDER BY o.created_at_ms DESC, o.id DESC"
        ),
        &[],
    )
}

/// One order's list row (any status), as [`active_summaries`] computes it: used to patch
/// the cached floor after a write instead of reloading every active order.
pub fn summary(conn: &Connection, id: OrderId) -> Result<Option<OrderSummary>> {
    let sql = format!("{SUMMARY_SELECT} WHERE o.id = ?1");
    Ok(summaries(conn, &sql, &[&id.to_string()])?.pop())
}

fn status_list(statuses: &[OrderStatus]) -> String {
    statuses
        .iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A page of orders whose status is one of `statuses`, newest first, and the total count.
pub fn page(
    conn: &Connection,
    statuses: &[OrderStatus],
    limit: u32,
    offset: u64,
) -> Result<(Vec<OrderSummary>, u64)> {
    // The status names come from the enum, never from input, so formatting them in is safe.
    let list = status_list(statuses);
    let total: i64 = conn
        .prepare_cached(&format!("SELECT COUNT(*) FROM orders WHERE status IN ({list})"))?
        .query_row([], |r| r.get(0))?;
    let rows = summaries(
        conn,
        &format!(
            "{SUMMARY_SELECT} WHERE o.status IN ({list}) ORDER BY o.created_at_ms DESC, o.id DESC LIMIT ?1 OFFSET ?2"
        ),
        &[&i64::from(limit), &(offset as i64)],
    )?;
    Ok((rows, total as u64))
}

/// The orders a person must act on (money to give back), newest change first, and how
/// many there are.
pub fn needing_attention(conn: &Connection, limit: u32, offset: u64) -> Result<(Vec<OrderSummary>, u64)> {
    let total: i64 = conn
        .prepare_cached("SELECT COUNT(*) FROM orders WHERE excess > 0")?
        .query_row([], |r| r.get(0))?;
    let rows = summaries(
        conn,
        &format!(
            "{SUMMARY_SELECT} WHERE o.excess > 0 ORDER BY o.updated_at_ms DESC, o.id DESC LIMIT ?1 OFFSET ?2"
        ),
        &[&i64::from(limit), &(offset as i64)],
    )?;
    Ok((rows, total as u64))
}

pub fn order_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM orders", [], |r| r.get(0))?)
}
