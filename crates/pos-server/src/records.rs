//! The server's side of the sync rules (`pos_protocol::rules`): load the state a mutation
//! touches, and write the changes of its effect, inside an organisation's transaction
//! ([`crate::org_tx::OrgTx`]). The rules decide; this module only reads and writes rows.
//!
//! An order's `data` is its whole record (`pos_core::OrderRecord`). A transaction holds
//! each order it touches in memory ([`Held`]), loaded once under its row lock and written
//! back once before the commit: a push batch holding a ticket of 3 lines and its payment
//! loads and rewrites that order's record once, not 5 times. Lines, payments, bills and
//! the ledger also get rows of their own, for the back office's reads.

use std::collections::HashMap;

use deadpool_postgres::Transaction;
use pos_core::bill::{self, TaxSettings};
use pos_core::{OrderId, OrderRecord, PaidBill, Profile};
use pos_protocol::rules::{Changes, OrderChange, RecordWrite, State, Touches};
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::db::cached;
use crate::error::Internal;

/// One order held by a transaction.
#[derive(Clone, Debug)]
struct HeldOrder {
    record: OrderRecord,
    location: Option<Uuid>,
    /// The change-log version of the last committed change to it (before this transaction).
    log_version: i64,
    dirty: bool,
}

/// What a transaction has loaded: the orders it touched and the organisation's profile.
#[derive(Debug, Default)]
pub struct Held {
    orders: HashMap<Uuid, Option<HeldOrder>>,
    /// The orders changed, in the order they were first changed.
    order_of_change: Vec<Uuid>,
    profile: Option<Option<Profile>>,
}

impl Held {
    async fn order(
        &mut self,
        tx: &Transaction<'_>,
        org: Uuid,
        id: Uuid,
    ) -> Result<Option<&HeldOrder>, Internal> {
        if let std::collections::hash_map::Entry::Vacant(slot) = self.orders.entry(id) {
            let row = cached::query_opt(
                tx,
                "SELECT data, location_id, log_version FROM orders WHERE org_id = $1 AND id = $2 FOR UPDATE",
                &[&org, &id],
            )
            .await?;
            let held = match row {
                Some(r) => Some(HeldOrder {
                    record: serde_json::from_value(r.get::<_, serde_json::Value>(0))?,
                    location: r.get(1),
                    log_version: r.get(2),
                    dirty: false,
                }),
                None => None,
            };
            slot.insert(held);
        }
        Ok(self.orders.get(&id).and_then(Option::as_ref))
    }

    /// The organisation's profile, read once per transaction (and again after a change).
    pub async fn profile(&mut self, tx: &Transaction<'_>, org: Uuid) -> Result<Option<Profile>, Internal> {
        if self.profile.is_none() {
            self.profile = Some(load_profile(tx, org).await?);
        }
        Ok(self.profile.clone().flatten())
    }

    /// The record of an order as this transaction holds it, and the version it is as of.
    pub async fn record(
        &mut self,
        tx: &Transaction<'_>,
        org: Uuid,
        id: OrderId,
    ) -> Result<Option<(OrderRecord, i64)>, Internal> {
        Ok(self
            .order(tx, org, *id.as_uuid())
            .await?
            .map(|h| (h.record.clone(), h.log_version)))
    }

    /// An order's business day and location, for the cache notification.
    pub fn facts(&self, id: &Uuid) -> Option<(String, Option<Uuid>)> {
        self.orders
            .get(id)
            .and_then(Option::as_ref)
            .map(|h| (h.record.order.business_day.clone(), h.location))
    }

    /// Notes the location stamped on a held order.
    pub fn stamped(&mut self, id: &Uuid, location: Uuid) {
        if let Some(Some(h)) = self.orders.get_mut(id) {
            h.location = Some(location);
        }
    }
}

/// The organisation's profile as stored, if it has one.
pub async fn load_profile(tx: &Transaction<'_>, org: Uuid) -> Result<Option<Profile>, Internal> {
    let row = cached::query_opt(tx, "SELECT data FROM profile WHERE org_id = $1", &[&org]).await?;
    Ok(match row {
        Some(r) => Some(serde_json::from_value(r.get(0))?),
        None => None,
    })
}

async fn load_staff(
    tx: &Transaction<'_>,
    org: Uuid,
    id: &Uuid,
) -> Result<Option<pos_core::StaffMember>, Internal> {
    let row = cached::query_opt(
        tx,
        "SELECT data FROM staff WHERE org_id = $1 AND id = $2",
        &[&org, id],
    )
    .await?;
    Ok(match row {
        Some(r) => Some(serde_json::from_value(r.get(0))?),
        None => None,
    })
}

/// Loads what `t` names (orders through `held`), and the profile.
pub async fn load(tx: &Transaction<'_>, org: Uuid, held: &mut Held, t: &Touches) -> Result<State, Internal> {
    let mut state = State {
        profile: held.profile(tx, org).await?,
        ..State::default()
    };
    for id in &t.orders {
        if let Some(h) = held.order(tx, org, *id.as_uuid()).await? {
            state.orders.insert(*id, h.record.clone());
        }
    }
    if let Some(phone) = &t.customer {
        let row = cached::query_opt(
            tx,
            "SELECT data FROM customers WHERE org_id = $1 AND phone = $2",
            &[&org, &phone.e164()],
        )
        .await?;
        if let Some(r) = row {
            state.customer = Some(serde_json::from_value(r.get(0))?);
        }
    }
    if let Some(id) = t.staff {
        state.staff = load_staff(tx, org, id.as_uuid()).await?;
    }
    if let Some(id) = t.actor {
        state.actor = load_staff(tx, org, id.as_uuid()).await?;
    }
    Ok(state)
}

/// Writes `changes` (values from `state`, as the rules left it): the rows of their own at
/// once, the orders' records into `held` (written by [`flush`]).
pub async fn write(
    tx: &Transaction<'_>,
    org: Uuid,
    held: &mut Held,
    state: &State,
    changes: &Changes,
) -> Result<(), Internal> {
    for c in &changes.orders {
        let Some(r) = state.orders.get(&c.id) else {
            return Err(Internal::Invariant(
                "the rules changed an order they did not hold",
            ));
        };
        write_order_rows(tx, org, r, c, state.profile.as_ref()).await?;
        let id = *c.id.as_uuid();
        match held.orders.get_mut(&id) {
            Some(Some(h)) => {
                h.record = r.clone();
                h.dirty = true;
            }
            _ => {
                held.orders.insert(
                    id,
                    Some(HeldOrder {
                        record: r.clone(),
                        location: None,
                        log_version: 0,
                        dirty: true,
                    }),
                );
            }
        }
        if !held.order_of_change.contains(&id) {
            held.order_of_change.push(id);
        }
        if c.write == RecordWrite::Created {
            // Later statements of the batch (the location stamp) read the row.
            save_order(tx, org, r, None).await?;
        }
    }
    for e in &changes.ledger {
        cached::execute(
            tx,
            "INSERT INTO ledger (org_id, id, phone, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            &[&org, e.id.as_uuid(), &e.phone.e164(), &Json(e)],
        )
        .await?;
    }
    if changes.customer
        && let Some(customer) = &state.customer
    {
        cached::execute(
            tx,
            "INSERT INTO customers (org_id, phone, data) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, phone) DO UPDATE SET data = EXCLUDED.data",
            &[&org, &customer.phone.e164(), &Json(customer)],
        )
        .await?;
    }
    if changes.staff
        && let Some(staff) = &state.staff
    {
        cached::execute(
            tx,
            "INSERT INTO staff (org_id, id, role, active, updated_at_ms, data)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (org_id, id) DO UPDATE SET role = EXCLUDED.role,
                 active = EXCLUDED.active, updated_at_ms = EXCLUDED.updated_at_ms,
                 data = EXCLUDED.data
             WHERE EXCLUDED.updated_at_ms >= staff.updated_at_ms",
            &[
                &org,
                staff.id.as_uuid(),
                &staff.role.as_str(),
                &staff.active,
                &staff.updated_at_ms,
                &Json(staff),
            ],
        )
        .await?;
    }
    if changes.profile
        && let Some(profile) = &state.profile
    {
        cached::execute(
            tx,
            "INSERT INTO profile (org_id, data) VALUES ($1, $2)
             ON CONFLICT (org_id) DO UPDATE SET data = EXCLUDED.data",
            &[&org, &Json(profile)],
        )
        .await?;
        held.profile = Some(Some(profile.clone()));
    }
    for item in &changes.menu {
        cached::execute(
            tx,
            "INSERT INTO menu_items (org_id, sku, data) VALUES ($1, $2, $3)
             ON CONFLICT (org_id, sku) DO UPDATE SET data = EXCLUDED.data",
            &[&org, &item.sku.as_str(), &Json(item)],
        )
        .await?;
    }
    Ok(())
}

async fn save_order(
    tx: &Transaction<'_>,
    org: Uuid,
    r: &OrderRecord,
    log_version: Option<i64>,
) -> Result<(), Internal> {
    cached::execute(
        tx,
        "INSERT INTO orders (org_id, id, status, data, bill_mismatch, excess_minor, log_version)
         VALUES ($1, $2, $3, $4, $5, $6, COALESCE($7::bigint, 0))
         ON CONFLICT (org_id, id) DO UPDATE SET status = EXCLUDED.status, data = EXCLUDED.data,
             bill_mismatch = EXCLUDED.bill_mismatch, excess_minor = EXCLUDED.excess_minor,
             log_version = COALESCE($7::bigint, orders.log_version)",
        &[
            &org,
            r.order.id.as_uuid(),
            &r.order.status.to_string(),
            &Json(r),
            &r.bill_mismatch,
            &r.excess().minor(),
            &log_version,
        ],
    )
    .await?;
    Ok(())
}

/// Writes every changed order's record once, with the version of the last change-log row
/// that touched it (`versions`; none for a write that logged nothing).
pub async fn flush(
    tx: &Transaction<'_>,
    org: Uuid,
    held: &mut Held,
    versions: &HashMap<Uuid, i64>,
) -> Result<(), Internal> {
    for id in std::mem::take(&mut held.order_of_change) {
        if let Some(Some(h)) = held.orders.get_mut(&id)
            && h.dirty
        {
            h.dirty = false;
            save_order(tx, org, &h.record, versions.get(&id).copied()).await?;
        }
    }
    Ok(())
}

/// The rows of their own an order change writes: lines, payments, bills.
async fn write_order_rows(
    tx: &Transaction<'_>,
    org: Uuid,
    r: &OrderRecord,
    c: &OrderChange,
    profile: Option<&Profile>,
) -> Result<(), Internal> {
    let o = &r.order;
    let id = o.id.as_uuid();
    let whole = c.write != RecordWrite::Updated;
    if c.write == RecordWrite::Replaced {
        for sql in [
            "DELETE FROM order_lines WHERE org_id = $1 AND order_id = $2",
            "DELETE FROM payments WHERE org_id = $1 AND order_id = $2",
            "DELETE FROM bills WHERE org_id = $1 AND order_id = $2",
            "DELETE FROM superseded_bills WHERE org_id = $1 AND order_id = $2",
        ] {
            cached::execute(tx, sql, &[&org, id]).await?;
        }
    }
    for l in o.lines.iter().filter(|l| whole || c.lines.contains(&l.id)) {
        cached::execute(
            tx,
            "INSERT INTO order_lines (org_id, id, order_id, voided, data) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (org_id, id) DO UPDATE SET voided = EXCLUDED.voided, data = EXCLUDED.data",
            &[&org, l.id.as_uuid(), id, &l.void.is_some(), &Json(l)],
        )
        .await?;
    }
    for p in o.payments.iter().filter(|p| whole || c.payments.contains(&p.id)) {
        cached::execute(
            tx,
            "INSERT INTO payments (org_id, id, order_id, amount_minor, data)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&org, p.id.as_uuid(), id, &p.amount.minor(), &Json(p)],
        )
        .await?;
    }
    if whole || c.bill {
        cached::execute(
            tx,
            "DELETE FROM bills WHERE org_id = $1 AND order_id = $2",
            &[&org, id],
        )
        .await?;
        if let Some(b) = &r.bill {
            insert_bill(tx, org, r, b, profile).await?;
        }
    }
    for b in r
        .superseded
        .iter()
        .filter(|b| whole || c.superseded.contains(&b.invoice_no))
    {
        cached::execute(
            tx,
            "INSERT INTO superseded_bills (org_id, order_id, invoice_no, total_minor, data, paid_at_ms)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[
                &org,
                id,
                &b.invoice_no,
                &b.bill.total.minor(),
                &Json(&b.bill),
                &b.paid_at_ms,
            ],
        )
        .await?;
    }
    Ok(())
}

/// The order's bill row, with the server's own recomputation beside the till's (the back
/// office shows both when they differ).
async fn insert_bill(
    tx: &Transaction<'_>,
    org: Uuid,
    r: &OrderRecord,
    b: &PaidBill,
    profile: Option<&Profile>,
) -> Result<(), Internal> {
    // The order's type decides a limited service charge; a waiver is the till's word.
    let ours = profile.and_then(|p| {
        bill::calculate_order(&r.order, b.bill.service_charge_waived, &TaxSettings::from(p)).ok()
    });
    if r.bill_mismatch {
        tracing::warn!(order_id = %r.order.id, "bill mismatch between till and server");
    }
    cached::execute(
        tx,
        "INSERT INTO bills (org_id, order_id, invoice_no, total_minor, data, server_data, mismatch)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &org,
            r.order.id.as_uuid(),
            &b.invoice_no,
            &b.bill.total.minor(),
            &Json(&b.bill),
            &ours.as_ref().map(Json),
            &r.bill_mismatch,
        ],
    )
    .await?;
    Ok(())
}
