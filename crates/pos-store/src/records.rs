//! The till's side of the sync rules (`pos_protocol::rules`): load the [`State`] a
//! mutation touches, and write the [`Changes`] of its effect. Every write the till makes
//! to orders, customers, staff, the profile and the menu goes through [`write`], whether it
//! is the till's own (decided here) or a change pulled from the server (replayed): the
//! rules decide, this module only reads and writes rows.
//!
//! Business days: payments, bills and ledger entries are stored on the day they were taken
//! (`pos_core::summary::day_of` under the profile), so every till's day summary agrees
//! with the one that made the sale and with the server's.

use pos_core::{OrderId, OrderRecord, PaidBill, Profile};
use pos_protocol::rules::{self, Changes, Effect, Envelope, Mode, OrderChange, RecordWrite, State, Touches};
use rusqlite::{Connection, OptionalExtension};

use crate::orders::{self, Derived};
use crate::{Result, StoreError, WriteTx, catalog, customers, staff};

/// Loads what `env`'s mutation touches, runs the sync rules under `mode`, and writes what
/// the effect changed, in the caller's transaction. The state after the rules comes back
/// with the effect (a refusal wrote nothing).
pub fn apply(tx: &WriteTx<'_>, env: Envelope<'_>, mode: Mode<'_>, now_ms: i64) -> Result<(State, Effect)> {
    let mut state = load(tx, &rules::touches(env.mutation))?;
    let effect = rules::apply(&mut state, env, mode);
    if let Some(changes) = effect.changes() {
        write(tx, &state, changes, now_ms)?;
    }
    Ok((state, effect))
}

/// Loads what `t` names, and the profile.
pub fn load(conn: &Connection, t: &Touches) -> Result<State> {
    let mut state = State {
        profile: catalog::profile(conn)?.map(|(p, _)| p),
        ..State::default()
    };
    for &id in &t.orders {
        if let Some(r) = orders::load_record(conn, id)? {
            state.orders.insert(id, r);
        }
    }
    if let Some(phone) = &t.customer {
        state.customer = customers::customer(conn, phone)?;
    }
    if let Some(id) = t.staff {
        state.staff = staff::get(conn, id)?.map(|r| r.member);
    }
    if let Some(id) = t.actor {
        state.actor = staff::get(conn, id)?.map(|r| r.member);
    }
    Ok(state)
}

/// The business day a fact taken at `at_ms` counts on (`fallback` while there is no profile).
fn day(profile: Option<&Profile>, at_ms: i64, fallback: &str) -> String {
    match profile {
        Some(p) => pos_core::summary::day_of(at_ms, p.utc_offset_minutes, p.day_starts_at_hour),
        None => fallback.to_owned(),
    }
}

/// Writes `changes`, reading the values from `state` (as [`pos_protocol::rules::apply`]
/// left it), in the caller's transaction.
pub fn write(tx: &WriteTx<'_>, state: &State, changes: &Changes, now_ms: i64) -> Result<()> {
    let profile = state.profile.as_ref();
    for c in &changes.orders {
        let r = state.orders.get(&c.id).ok_or_else(|| {
            StoreError::corrupt(format!("the rules changed order {} without holding it", c.id))
        })?;
        write_order(tx, r, c, profile, now_ms)?;
    }
    for e in &changes.ledger {
        let exists = tx
            .prepare_cached("SELECT 1 FROM ledger WHERE id = ?1")?
            .query_row([e.id.to_string()], |_| Ok(()))
            .optional()?
            .is_some();
        if !exists {
            customers::insert_entry(tx, e, &day(profile, e.at_ms, ""))?;
        }
    }
    if changes.customer
        && let Some(c) = &state.customer
    {
        customers::upsert_customer(tx, c, now_ms)?;
    }
    if changes.staff
        && let Some(m) = &state.staff
    {
        staff::upsert(tx, m)?;
    }
    if changes.profile
        && let Some(p) = &state.profile
    {
        catalog::save_profile(tx, p, now_ms)?;
    }
    if !changes.menu.is_empty() {
        catalog::upsert_items(tx, &changes.menu, now_ms)?;
    }
    Ok(())
}

fn write_order(
    tx: &WriteTx<'_>,
    r: &OrderRecord,
    c: &OrderChange,
    profile: Option<&Profile>,
    now_ms: i64,
) -> Result<()> {
    let o = &r.order;
    let derived = Derived::of(r);
    match c.write {
        RecordWrite::Created => {
            orders::insert_header(tx, o, derived)?;
            insert_everything(tx, r, profile, now_ms)
        }
        RecordWrite::Replaced => {
            delete_rows(tx, o.id)?;
            let exists = tx
                .prepare_cached("SELECT 1 FROM orders WHERE id = ?1")?
                .query_row([o.id.to_string()], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                orders::update_header(tx, o, derived)?;
            } else {
                orders::insert_header(tx, o, derived)?;
            }
            insert_everything(tx, r, profile, now_ms)
        }
        RecordWrite::Updated => {
            orders::update_header(tx, o, derived)?;
            for id in &c.lines {
                let Some((pos, line)) = o.lines.iter().enumerate().find(|(_, l)| l.id == *id) else {
                    continue;
                };
                let stored = tx
                    .prepare_cached("SELECT 1 FROM order_lines WHERE id = ?1")?
                    .query_row([id.to_string()], |_| Ok(()))
                    .optional()?
                    .is_some();
                if stored {
                    orders::update_line(tx, line)?;
                } else {
                    orders::insert_line(tx, o.id, pos, line)?;
                }
            }
            for id in &c.payments {
                if let Some(p) = o.payments.iter().find(|p| p.id == *id) {
                    orders::insert_payment(tx, o.id, p, &day(profile, p.at_ms, &o.business_day))?;
                }
            }
            if c.bill {
                tx.prepare_cached("DELETE FROM bills WHERE order_id = ?1")?
                    .execute([o.id.to_string()])?;
                if let Some(b) = &r.bill {
                    insert_bill(tx, o.id, b, profile, &o.business_day, now_ms)?;
                }
            }
            for no in &c.superseded {
                if let Some(b) = r.superseded.iter().find(|b| &b.invoice_no == no) {
                    let d = day(profile, b.paid_at_ms, &o.business_day);
                    orders::insert_superseded(tx, o.id, b, &d, now_ms)?;
                }
            }
            Ok(())
        }
    }
}

fn insert_bill(
    tx: &WriteTx<'_>,
    id: OrderId,
    b: &PaidBill,
    profile: Option<&Profile>,
    order_day: &str,
    now_ms: i64,
) -> Result<()> {
    orders::insert_bill(tx, id, b, &day(profile, b.paid_at_ms, order_day), now_ms)
}

fn insert_everything(
    tx: &WriteTx<'_>,
    r: &OrderRecord,
    profile: Option<&Profile>,
    now_ms: i64,
) -> Result<()> {
    let o = &r.order;
    for (pos, l) in o.lines.iter().enumerate() {
        orders::insert_line(tx, o.id, pos, l)?;
    }
    for p in &o.payments {
        orders::insert_payment(tx, o.id, p, &day(profile, p.at_ms, &o.business_day))?;
    }
    if let Some(b) = &r.bill {
        insert_bill(tx, o.id, b, profile, &o.business_day, now_ms)?;
    }
    for b in &r.superseded {
        let d = day(profile, b.paid_at_ms, &o.business_day);
        orders::insert_superseded(tx, o.id, b, &d, now_ms)?;
    }
    Ok(())
}

/// Deletes an order's lines, payments and bills (its header stays: other rows refer to it).
fn delete_rows(tx: &WriteTx<'_>, id: OrderId) -> Result<()> {
    for sql in [
        "DELETE FROM order_lines WHERE order_id = ?1",
        "DELETE FROM payments WHERE order_id = ?1",
        "DELETE FROM bills WHERE order_id = ?1",
        "DELETE FROM superseded_bills WHERE order_id = ?1",
    ] {
        tx.prepare_cached(sql)?.execute([id.to_string()])?;
    }
    Ok(())
}
