//! Applies one mutation to an organisation's tables, inside the caller's transaction.
//!
//! The conflict rules (docs/SYNC.md): lines, payments and ledger entries are insert-only,
//! keyed by their till-made UUIDs, so replays and reorderings commute; an order's status
//! only moves through `pos_core`'s merge where paid and void win; an edit to a paid or
//! void order is a business rejection (recorded, returned, the queue moves on); profile
//! and menu are last-writer-wins in server order; customers merge by normalised phone.
//! Every bill in a `payment.record` is recomputed with `pos_core::bill::calculate` and a
//! disagreement is recorded as a mismatch, not a rejection (the customer has paid).

use deadpool_postgres::Transaction;
use std::collections::HashMap;

use pos_core::bill::{self, TaxSettings};
use pos_core::{Order, OrderStatus};
use pos_protocol::Mutation;
use tokio_postgres::types::Json;
use uuid::Uuid;

use crate::error::Internal;

/// What became of a mutation.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Applied; the change log gets one row for `entity_id`.
    Applied { entity_id: String },
    /// Refused by a business rule; nothing changed.
    Rejected(String),
}

fn rejected(reason: impl Into<String>) -> Result<Outcome, Internal> {
    Ok(Outcome::Rejected(reason.into()))
}

/// An order and its location, locked for this transaction.
async fn load_order(
    tx: &Transaction<'_>,
    org: Uuid,
    id: &Uuid,
) -> Result<Option<(Order, Option<Uuid>)>, Internal> {
    let row = crate::db::cached::query_opt(
        tx,
        "SELECT data, location_id FROM orders WHERE org_id = $1 AND id = $2 FOR UPDATE",
        &[&org, id],
    )
    .await?;
    Ok(match row {
        Some(r) => Some((
            serde_json::from_value(r.get::<_, serde_json::Value>(0))?,
            r.get(1),
        )),
        None => None,
    })
}

async fn save_order(tx: &Transaction<'_>, org: Uuid, order: &Order) -> Result<(), Internal> {
    crate::db::cached::execute(
        tx,
        "INSERT INTO orders (org_id, id, status, data) VALUES ($1, $2, $3, $4)
         ON CONFLICT (org_id, id) DO UPDATE SET status = EXCLUDED.status, data = EXCLUDED.data",
        &[&org, order.id.as_uuid(), &order.status.to_string(), &Json(order)],
    )
    .await?;
    Ok(())
}

/// The orders one transaction has loaded, each under its row lock (`FOR UPDATE`), and the
/// ones it changed, written back once by [`Orders::flush`] before the commit: a push batch
/// holding a ticket of 3 lines and its payment loads and rewrites that order's JSON once,
/// not 5 times. A new order is written at once (later statements of the batch read its
/// day and location).
#[derive(Debug, Default)]
pub struct Orders {
    /// Each order with its location (`orders.location_id`).
    held: HashMap<Uuid, (Order, Option<Uuid>)>,
    dirty: Vec<Uuid>,
}

impl Orders {
    async fn load(&mut self, tx: &Transaction<'_>, org: Uuid, id: &Uuid) -> Result<Option<Order>, Internal> {
        if let Some((o, _)) = self.held.get(id) {
            return Ok(Some(o.clone()));
        }
        let loaded = load_order(tx, org, id).await?;
        let order = loaded.as_ref().map(|(o, _)| o.clone());
        if let Some(held) = loaded {
            self.held.insert(*id, held);
        }
        Ok(order)
    }

    fn save(&mut self, order: &Order) {
        let id = *order.id.as_uuid();
        if !self.dirty.contains(&id) {
            self.dirty.push(id);
        }
        if let Some(held) = self.held.get_mut(&id) {
            held.0 = order.clone();
        } else {
            self.held.insert(id, (order.clone(), None));
        }
    }

    async fn insert(&mut self, tx: &Transaction<'_>, org: Uuid, order: &Order) -> Result<(), Internal> {
        save_order(tx, org, order).await?;
        self.held.insert(*order.id.as_uuid(), (order.clone(), None));
        Ok(())
    }

    /// The location stamped on a held order (`locations::stamp_order`).
    pub fn stamped(&mut self, id: &Uuid, location: Uuid) {
        if let Some(held) = self.held.get_mut(id) {
            held.1 = Some(location);
        }
    }

    /// A held order's business day and location, for the cache notification.
    pub fn facts(&self, id: &Uuid) -> Option<crate::cache::OrderFacts> {
        self.held.get(id).map(|(o, location)| crate::cache::OrderFacts {
            day: Some(o.business_day.clone()),
            location: *location,
        })
    }

    /// Writes every changed order, in the order they were first changed.
    pub async fn flush(&mut self, tx: &Transaction<'_>, org: Uuid) -> Result<(), Internal> {
        for id in std::mem::take(&mut self.dirty) {
            if let Some((o, _)) = self.held.get(&id) {
                save_order(tx, org, o).await?;
            }
        }
        Ok(())
    }
}

/// Loads an order that a line or discount edit targets; `Err(reason)` when the edit must
/// be rejected.
async fn editable(
    tx: &Transaction<'_>,
    org: Uuid,
    orders: &mut Orders,
    id: &Uuid,
) -> Result<Result<Order, String>, Internal> {
    Ok(match orders.load(tx, org, id).await? {
        None => Err(format!("order {id} is unknown to the server")),
        Some(o) if !o.status.accepts_line_edits() => Err(format!(
            "order #{} is already {} on another till; the edit was not applied",
            o.number, o.status
        )),
        Some(o) => Ok(o),
    })
}

/// Applies `m`; the orders it changes are written by `orders.flush` before the commit.
pub async fn apply(
    tx: &Transaction<'_>,
    org: Uuid,
    orders: &mut Orders,
    m: &Mutation,
) -> Result<Outcome, Internal> {
    match m {
        Mutation::OrderCreate { order } => {
            if orders.load(tx, org, order.id.as_uuid()).await?.is_none() {
                orders.insert(tx, org, order).await?;
            }
            Ok(applied(order.id))
        }
        Mutation::OrderAddLine { order_id, line } => {
            let mut order = match editable(tx, org, orders, order_id.as_uuid()).await? {
                Ok(o) => o,
                Err(reason) => return rejected(reason),
            };
            crate::db::cached::execute(
                tx,
                "INSERT INTO order_lines (org_id, id, order_id, data) VALUES ($1, $2, $3, $4)
                 ON CONFLICT DO NOTHING",
                &[&org, line.id.as_uuid(), order_id.as_uuid(), &Json(line)],
            )
            .await?;
            if !order.lines.iter().any(|l| l.id == line.id) {
                order.lines.push((**line).clone());
                order.version += 1;
            }
            orders.save(&order);
            Ok(applied(*order_id))
        }
        Mutation::OrderVoidLine {
            order_id,
            line_id,
            reason,
            at_ms,
            voided_by,
            approved_by,
        } => {
            let mut order = match editable(tx, org, orders, order_id.as_uuid()).await? {
                Ok(o) => o,
                Err(reason) => return rejected(reason),
            };
            let Some(line) = order.lines.iter_mut().find(|l| l.id == *line_id) else {
                return rejected(format!("line {line_id} is not on the order"));
            };
            if line.void.is_none() {
                line.void = Some(pos_core::order::LineVoid {
                    reason: reason.clone(),
                    at_ms: *at_ms,
                    voided_by: *voided_by,
                    approved_by: *approved_by,
                });
                order.version += 1;
            }
            crate::db::cached::execute(
                tx,
                "UPDATE order_lines SET voided = true WHERE org_id = $1 AND id = $2",
                &[&org, line_id.as_uuid()],
            )
            .await?;
            orders.save(&order);
            Ok(applied(*order_id))
        }
        Mutation::OrderSetDiscount {
            order_id, discount, ..
        } => {
            let mut order = match editable(tx, org, orders, order_id.as_uuid()).await? {
                Ok(o) => o,
                Err(reason) => return rejected(reason),
            };
            order.discount = *discount;
            order.version += 1;
            orders.save(&order);
            Ok(applied(*order_id))
        }
        Mutation::OrderSetStatus {
            order_id,
            status,
            at_ms,
        } => {
            let Some(mut order) = orders.load(tx, org, order_id.as_uuid()).await? else {
                return rejected(format!("order {order_id} is unknown to the server"));
            };
            if order.status.is_final() && order.status != *status {
                return rejected(format!(
                    "order #{} is already {} on another till",
                    order.number, order.status
                ));
            }
            order.status = Order::merge_status(order.status, *status);
            order.updated_at_ms = order.updated_at_ms.max(*at_ms);
            order.version += 1;
            orders.save(&order);
            Ok(applied(*order_id))
        }
        Mutation::PaymentRecord {
            order_id,
            payments,
            bill: till_bill,
            invoice_no,
            ledger,
        } => {
            let Some(mut order) = orders.load(tx, org, order_id.as_uuid()).await? else {
                return rejected(format!("order {order_id} is unknown to the server"));
            };
            if order.status == OrderStatus::Void {
                return rejected(format!("order #{} was voided on another till", order.number));
            }
            for p in payments {
                let n = crate::db::cached::execute(
                    tx,
                    "INSERT INTO payments (org_id, id, order_id, amount_minor, data)
                         VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                    &[
                        &org,
                        p.id.as_uuid(),
                        order_id.as_uuid(),
                        &p.amount.minor(),
                        &Json(p),
                    ],
                )
                .await?;
                if n == 1 && !order.payments.iter().any(|q| q.id == p.id) {
                    order.payments.push(p.clone());
                }
            }
            for e in ledger {
                insert_ledger(tx, org, e).await?;
            }
            if let Some(b) = till_bill {
                let profile = crate::cache::load_profile(tx, org).await?;
                let ours = match &profile {
                    Some(p) => bill::calculate(&order.lines, order.discount, &TaxSettings::from(p)).ok(),
                    None => None,
                };
                let mismatch = ours.as_ref().is_some_and(|o| o != &**b);
                if mismatch {
                    tracing::warn!(%order_id, "bill mismatch between till and server");
                }
                crate::db::cached::execute(
            tx,
            "INSERT INTO bills (org_id, order_id, invoice_no, total_minor, data, server_data, mismatch)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    &[
                        &org,
                        order_id.as_uuid(),
                        invoice_no,
                        &b.total.minor(),
                        &Json(b),
                        &ours.as_ref().map(Json),
                        &mismatch,
                    ],
                )
                .await?;
                crate::db::cached::execute(
                    tx,
                    "UPDATE orders SET bill_mismatch = $3 WHERE org_id = $1 AND id = $2",
                    &[&org, order_id.as_uuid(), &mismatch],
                )
                .await?;
                order.status = Order::merge_status(order.status, OrderStatus::Paid);
            }
            order.version += 1;
            orders.save(&order);
            Ok(applied(*order_id))
        }
        Mutation::CustomerUpsert { customer } => {
            crate::db::cached::execute(
                tx,
                "INSERT INTO customers (org_id, phone, data) VALUES ($1, $2, $3)
                 ON CONFLICT (org_id, phone) DO UPDATE SET data = EXCLUDED.data",
                &[&org, &customer.phone.e164(), &Json(customer)],
            )
            .await?;
            Ok(Outcome::Applied {
                entity_id: customer.phone.e164().to_string(),
            })
        }
        Mutation::LedgerSettle { entry } => {
            insert_ledger(tx, org, entry).await?;
            Ok(Outcome::Applied {
                entity_id: entry.id.to_string(),
            })
        }
        Mutation::ProfileUpdate { profile, by } => {
            if let Some(by) = by
                && let Some(reason) = not_a_manager(tx, org, by.as_uuid()).await?
            {
                return rejected(reason);
            }
            crate::db::cached::execute(
                tx,
                "INSERT INTO profile (org_id, data) VALUES ($1, $2)
                 ON CONFLICT (org_id) DO UPDATE SET data = EXCLUDED.data",
                &[&org, &Json(profile)],
            )
            .await?;
            Ok(Outcome::Applied {
                entity_id: "profile".into(),
            })
        }
        Mutation::MenuUpsert { items } => {
            for item in items {
                crate::db::cached::execute(
                    tx,
                    "INSERT INTO menu_items (org_id, sku, data) VALUES ($1, $2, $3)
                     ON CONFLICT (org_id, sku) DO UPDATE SET data = EXCLUDED.data",
                    &[&org, &item.sku.as_str(), &Json(item)],
                )
                .await?;
            }
            Ok(Outcome::Applied {
                entity_id: "menu".into(),
            })
        }
        // Stored last-writer-wins for the profile check above; the change log (written by
        // the caller for every applied mutation) carries it to the organisation's other
        // tills, which upsert it the same way.
        Mutation::StaffUpsert { staff } => {
            crate::db::cached::execute(
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
            Ok(Outcome::Applied {
                entity_id: staff.id.to_string(),
            })
        }
    }
}

fn applied(id: pos_core::OrderId) -> Outcome {
    Outcome::Applied {
        entity_id: id.to_string(),
    }
}

async fn insert_ledger(tx: &Transaction<'_>, org: Uuid, e: &pos_core::LedgerEntry) -> Result<(), Internal> {
    crate::db::cached::execute(
        tx,
        "INSERT INTO ledger (org_id, id, phone, data) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        &[&org, e.id.as_uuid(), &e.phone.e164(), &Json(e)],
    )
    .await?;
    Ok(())
}

/// Why `staff_id` may not change the profile (unknown, inactive or not a manager), or
/// `None` when they may.
async fn not_a_manager(tx: &Transaction<'_>, org: Uuid, staff_id: &Uuid) -> Result<Option<String>, Internal> {
    let row = crate::db::cached::query_opt(
        tx,
        "SELECT role, active, data->>'name' FROM staff WHERE org_id = $1 AND id = $2",
        &[&org, staff_id],
    )
    .await?;
    Ok(match row {
        None => Some(format!(
            "staff member {staff_id} is unknown to the server; the profile change was not applied"
        )),
        Some(r) if r.get::<_, String>(0) != "manager" || !r.get::<_, bool>(1) => Some(format!(
            "{} is not an active manager; the profile change was not applied",
            r.get::<_, Option<String>>(2).unwrap_or_default()
        )),
        Some(_) => None,
    })
}

/// The order a mutation targets, as the server holds it (sent back with a rejection).
pub async fn target_order(
    tx: &Transaction<'_>,
    org: Uuid,
    orders: &mut Orders,
    m: &Mutation,
) -> Result<Option<Order>, Internal> {
    let id = match m {
        Mutation::OrderAddLine { order_id, .. }
        | Mutation::OrderVoidLine { order_id, .. }
        | Mutation::OrderSetStatus { order_id, .. }
        | Mutation::OrderSetDiscount { order_id, .. }
        | Mutation::PaymentRecord { order_id, .. } => *order_id,
        _ => return Ok(None),
    };
    orders.load(tx, org, id.as_uuid()).await
}
