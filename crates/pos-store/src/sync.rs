//! Sync bookkeeping on the till: acknowledging outbox rows, the pull cursor, and applying
//! a pulled batch of other tills' mutations.
//!
//! The cursor lives in the `counters` table (name `sync_cursor`) as the change-log version
//! decoded with `pos_protocol::sync::decode_cursor`, so no till migration is needed; it is
//! written in the same transaction as the batch it follows.
//!
//! Applying follows the server's rules: lines, payments and ledger entries are insert-only
//! by their UUIDs (`INSERT OR IGNORE`), an order's status merges with
//! `Order::merge_status` (paid and void win), profile and menu take the server's order.
//! A change whose mutation id is in this till's own outbox is skipped: it is already here.
//! Pulled payments, bills and ledger entries are stored on the business day the other till
//! counted them on (`pos_core::summary`: the day they were taken), so every till's day
//! summary agrees with the one that made the sale and with the server's.

use std::collections::BTreeSet;

use pos_core::{MutationId, Order, OrderId, Phone};
use pos_protocol::Mutation;
use pos_protocol::sync::{decode_cursor, encode_cursor};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, WriteTx, catalog, customers, orders, staff};

/// What a pulled batch touched, for cache invalidation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppliedBatch {
    pub orders: BTreeSet<OrderId>,
    pub days: BTreeSet<String>,
    pub phones: BTreeSet<Phone>,
    pub profile: bool,
    pub menu: bool,
    /// Changes applied (own and already-present ones excluded).
    pub applied: usize,
}

/// Marks every unacknowledged outbox row with `seq <= through` as acknowledged.
pub fn ack_through(tx: &WriteTx<'_>, through: i64, at_ms: i64) -> Result<usize> {
    Ok(tx
        .prepare_cached("UPDATE outbox SET acked_at_ms = ?2 WHERE seq <= ?1 AND acked_at_ms IS NULL")?
        .execute(params![through, at_ms])?)
}

/// The pull cursor, if this till has pulled before.
pub fn cursor(conn: &Connection) -> Result<Option<String>> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT value FROM counters WHERE name = 'sync_cursor'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.map(encode_cursor))
}

/// Forgets the pull cursor (a new enrollment: the next pull starts from the beginning of
/// that server's log).
pub fn reset_cursor(tx: &WriteTx<'_>) -> Result<()> {
    tx.prepare_cached("DELETE FROM counters WHERE name = 'sync_cursor'")?
        .execute([])?;
    Ok(())
}

fn save_cursor(tx: &WriteTx<'_>, cursor: &str) -> Result<()> {
    let Some(v) = decode_cursor(cursor) else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO counters (name, value) VALUES ('sync_cursor', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )?
    .execute([v])?;
    Ok(())
}

fn own_mutation(tx: &WriteTx<'_>, id: &MutationId) -> Result<bool> {
    Ok(tx
        .prepare_cached("SELECT 1 FROM outbox WHERE mutation_id = ?1")?
        .query_row([id.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Applies a pulled batch and stores `cursor`, inside the caller's transaction.
pub fn apply_pulled(
    tx: &WriteTx<'_>,
    changes: &[(MutationId, Mutation)],
    cursor: &str,
    now_ms: i64,
) -> Result<AppliedBatch> {
    let mut out = AppliedBatch::default();
    for (id, m) in changes {
        if own_mutation(tx, id)? {
            continue;
        }
        if apply_one(tx, m, now_ms, &mut out)? {
            out.applied += 1;
        }
    }
    save_cursor(tx, cursor)?;
    Ok(out)
}

fn touch(out: &mut AppliedBatch, o: &Order) {
    out.orders.insert(o.id);
    out.days.insert(o.business_day.clone());
    if let Some(p) = &o.customer_phone {
        out.phones.insert(p.clone());
    }
}

fn apply_one(tx: &WriteTx<'_>, m: &Mutation, now_ms: i64, out: &mut AppliedBatch) -> Result<bool> {
    match m {
        Mutation::OrderCreate { order } => {
            if orders::load_order(tx, order.id)?.is_some() {
                return Ok(false);
            }
            let mut header = (**order).clone();
            let lines = std::mem::take(&mut header.lines);
            let payments = std::mem::take(&mut header.payments);
            orders::insert_order(tx, &header)?;
            for (i, l) in lines.iter().enumerate() {
                insert_line_once(tx, order.id, i, l)?;
            }
            for p in &payments {
                insert_payment_once(tx, order.id, p, &order.business_day, out)?;
            }
            touch(out, order);
            Ok(true)
        }
        Mutation::OrderAddLine { order_id, line } => {
            let Some(mut o) = orders::load_order(tx, *order_id)? else {
                return Ok(false);
            };
            if o.lines.iter().any(|l| l.id == line.id) {
                return Ok(false);
            }
            insert_line_once(tx, *order_id, o.lines.len(), line)?;
            o.version += 1;
            o.updated_at_ms = o.updated_at_ms.max(line.added_at_ms);
            orders::update_header(tx, &o)?;
            touch(out, &o);
            Ok(true)
        }
        Mutation::OrderVoidLine {
            order_id,
            line_id,
            reason,
            at_ms,
            voided_by,
            approved_by,
        } => {
            let Some(mut o) = orders::load_order(tx, *order_id)? else {
                return Ok(false);
            };
            let Some(line) = o.lines.iter_mut().find(|l| l.id == *line_id) else {
                return Ok(false);
            };
            if line.void.is_some() {
                return Ok(false);
            }
            line.void = Some(pos_core::order::LineVoid {
                reason: reason.clone(),
                at_ms: *at_ms,
                voided_by: *voided_by,
                approved_by: *approved_by,
            });
            orders::update_line(tx, line)?;
            o.version += 1;
            orders::update_header(tx, &o)?;
            touch(out, &o);
            Ok(true)
        }
        Mutation::OrderSetStatus {
            order_id,
            status,
            at_ms,
        } => {
            let Some(mut o) = orders::load_order(tx, *order_id)? else {
                return Ok(false);
            };
            let merged = Order::merge_status(o.status, *status);
            if merged == o.status {
                return Ok(false);
            }
            o.status = merged;
            o.updated_at_ms = o.updated_at_ms.max(*at_ms);
            o.version += 1;
            orders::update_header(tx, &o)?;
            touch(out, &o);
            Ok(true)
        }
        Mutation::OrderSetDiscount {
            order_id,
            discount,
            at_ms,
        } => {
            let Some(mut o) = orders::load_order(tx, *order_id)? else {
                return Ok(false);
            };
            if o.status.is_final() {
                return Ok(false);
            }
            o.discount = *discount;
            o.updated_at_ms = o.updated_at_ms.max(*at_ms);
            o.version += 1;
            orders::update_header(tx, &o)?;
            touch(out, &o);
            Ok(true)
        }
        Mutation::PaymentRecord {
            order_id,
            payments,
            bill,
            invoice_no,
            ledger,
        } => {
            let Some(mut o) = orders::load_order(tx, *order_id)? else {
                return Ok(false);
            };
            let mut changed = false;
            for p in payments {
                changed |= insert_payment_once(tx, *order_id, p, &o.business_day, out)?;
            }
            for e in ledger {
                let day = day_taken(tx, e.at_ms, &o.business_day)?;
                changed |= insert_entry_once(tx, e, &day)?;
                out.phones.insert(e.phone.clone());
                out.days.insert(day);
            }
            if let (Some(b), Some(no)) = (bill, invoice_no) {
                if orders::stored_bill(tx, *order_id)?.is_none() {
                    let no = pulled_invoice_no(tx, no, *order_id)?;
                    // The bill counts on the day of the payment that settled it.
                    let day = match payments.iter().map(|p| p.at_ms).max() {
                        Some(at) => day_taken(tx, at, &o.business_day)?,
                        None => o.business_day.clone(),
                    };
                    orders::insert_bill(tx, *order_id, &no, &day, b, now_ms)?;
                    out.days.insert(day);
                    changed = true;
                }
                o.status = Order::merge_status(o.status, pos_core::OrderStatus::Paid);
            }
            if changed {
                o.version += 1;
                orders::update_header(tx, &o)?;
                touch(out, &o);
            }
            Ok(changed)
        }
        Mutation::CustomerUpsert { customer } => {
            customers::upsert_customer(tx, customer, now_ms)?;
            out.phones.insert(customer.phone.clone());
            Ok(true)
        }
        Mutation::LedgerSettle { entry } => {
            let day = match catalog::profile(tx)? {
                Some((p, _)) => pos_core::day::format_day(pos_core::day::business_day(
                    entry.at_ms,
                    p.utc_offset_minutes,
                    p.day_starts_at_hour,
                )),
                None => String::new(),
            };
            out.phones.insert(entry.phone.clone());
            out.days.insert(day.clone());
            insert_entry_once(tx, entry, &day)
        }
        Mutation::ProfileUpdate { profile, .. } => {
            catalog::save_profile(tx, profile, now_ms)?;
            out.profile = true;
            Ok(true)
        }
        Mutation::MenuUpsert { items } => {
            catalog::upsert_items(tx, items, now_ms)?;
            out.menu = true;
            Ok(true)
        }
        Mutation::StaffUpsert { staff: member } => staff::upsert(tx, member),
    }
}

fn exists(tx: &WriteTx<'_>, sql: &str, id: String) -> Result<bool> {
    Ok(tx
        .prepare_cached(sql)?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

fn insert_line_once(
    tx: &WriteTx<'_>,
    order_id: OrderId,
    pos: usize,
    l: &pos_core::OrderLine,
) -> Result<bool> {
    if exists(tx, "SELECT 1 FROM order_lines WHERE id = ?1", l.id.to_string())? {
        return Ok(false);
    }
    orders::insert_line(tx, order_id, pos, l)?;
    Ok(true)
}

/// The business day a payment, bill or ledger entry taken at `at_ms` counts on, as the
/// till that took it stored it (`pos_core::summary`'s rules); `order_day` while this till
/// has no profile yet.
fn day_taken(tx: &WriteTx<'_>, at_ms: i64, order_day: &str) -> Result<String> {
    Ok(match catalog::profile(tx)? {
        Some((p, _)) => pos_core::summary::day_of(at_ms, p.utc_offset_minutes, p.day_starts_at_hour),
        None => order_day.to_owned(),
    })
}

fn insert_payment_once(
    tx: &WriteTx<'_>,
    order_id: OrderId,
    p: &pos_core::Payment,
    order_day: &str,
    out: &mut AppliedBatch,
) -> Result<bool> {
    if exists(tx, "SELECT 1 FROM payments WHERE id = ?1", p.id.to_string())? {
        return Ok(false);
    }
    let day = day_taken(tx, p.at_ms, order_day)?;
    orders::insert_payment(tx, order_id, p, &day)?;
    out.days.insert(day);
    Ok(true)
}

fn insert_entry_once(tx: &WriteTx<'_>, e: &pos_core::LedgerEntry, day: &str) -> Result<bool> {
    if exists(tx, "SELECT 1 FROM ledger WHERE id = ?1", e.id.to_string())? {
        return Ok(false);
    }
    customers::insert_entry(tx, e, day)?;
    Ok(true)
}

/// Clears the acknowledgement of rows with `seq >= from` (the server lost them, e.g. it
/// was restored from a backup), so they are pushed again.
pub fn unack_from(tx: &WriteTx<'_>, from: i64) -> Result<usize> {
    Ok(tx
        .prepare_cached("UPDATE outbox SET acked_at_ms = NULL WHERE seq >= ?1 AND acked_at_ms IS NOT NULL")?
        .execute([from])?)
}

/// Makes the till's copy of an order equal to the server's after the server rejected one
/// of this till's edits to it: status and discount from the server, lines the server never
/// accepted removed, lines and payments it has added. Payments this till took that the
/// server refused stay (money changed hands); the rejection tells the cashier.
pub fn adopt_server_order(tx: &WriteTx<'_>, server: &Order) -> Result<AppliedBatch> {
    let mut out = AppliedBatch::default();
    let Some(mut local) = orders::load_order(tx, server.id)? else {
        apply_one(
            tx,
            &Mutation::OrderCreate {
                order: Box::new(server.clone()),
            },
            server.updated_at_ms,
            &mut out,
        )?;
        return Ok(out);
    };
    for l in &local.lines {
        if !server.lines.iter().any(|s| s.id == l.id) {
            tx.prepare_cached("DELETE FROM order_lines WHERE id = ?1")?
                .execute([l.id.to_string()])?;
        }
    }
    for (i, l) in server.lines.iter().enumerate() {
        if !insert_line_once(tx, server.id, i, l)? {
            orders::update_line(tx, l)?;
        }
    }
    for p in &server.payments {
        insert_payment_once(tx, server.id, p, &local.business_day, &mut out)?;
    }
    local.status = server.status;
    local.discount = server.discount;
    local.updated_at_ms = local.updated_at_ms.max(server.updated_at_ms);
    local.version = local.version.max(server.version) + 1;
    orders::update_header(tx, &local)?;
    touch(&mut out, &local);
    out.applied = 1;
    Ok(out)
}

/// The number a pulled bill is stored under: as the other till printed it, so every till
/// shows the same invoice number. Each till invoices in its own series
/// (`db::invoice_series`), so another till's number cannot be one this till will issue,
/// unless it carries this till's own series (two tills given one series by hand) or is
/// already taken (bills from before series existed). Then the order's whole id is
/// appended: a pulled bill never takes a local number, and a local payment never fails on
/// a number a pull took first. (Not the id's first 8 hex digits: that is the UUIDv7
/// timestamp, the same for every order of the same ~65 s.)
fn pulled_invoice_no(tx: &Connection, no: &str, order_id: OrderId) -> Result<String> {
    let series = crate::db::invoice_series(tx)?;
    let ours = !series.is_empty() && no.contains(&format!("{series}-"));
    let taken: bool = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM bills WHERE invoice_no = ?1)",
        [no],
        |r| r.get(0),
    )?;
    Ok(if ours || taken {
        format!("{no}-{}", order_id.as_uuid().simple())
    } else {
        no.to_owned()
    })
}
