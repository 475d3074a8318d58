//! The rules of orders: lines, voids, status, discount and payments.
//!
//! | intent | decided (server, or a till's own write) | replayed (a pulled change) |
//! |---|---|---|
//! | `order.create` | inserted once | inserted once |
//! | `order.add_line` | refused on a paid, void or part-paid order; inserted once | inserted once, whatever the local status |
//! | `order.void_line` | refused as above or for an unknown line; the first void stands | the server's void replaces a local one |
//! | `order.set_status` | a final status is kept; void is refused once there are payments | a final status wins; a non-final one never overrides a local final one |
//! | `order.set_discount` | refused as for lines | set, whatever the local status (the bill then shows a mismatch) |
//! | `payment.record` | never refused for the order's state (money changed hands): payments and ledger inserted once; the first bill becomes the order's bill, a later one is superseded and the excess flagged | the server's verdict says which bill is the order's |
//!
//! docs/SYNC.md states each rule with an example.

use pos_core::bill::{self, TaxSettings};
use pos_core::order::LineVoid;
use pos_core::{
    Bill, Discount, LedgerEntry, LineId, Order, OrderId, OrderLine, OrderRecord, OrderStatus, PaidBill,
    Payment,
};

use super::{Changes, Conflict, Effect, Mode, OrderChange, RecordWrite, Refusal, State};

/// The payload of a `payment.record`, borrowed.
#[derive(Clone, Copy, Debug)]
pub struct Paid<'a> {
    pub payments: &'a [Payment],
    pub bill: Option<&'a Bill>,
    pub invoice_no: Option<&'a str>,
    pub ledger: &'a [LedgerEntry],
}

fn changed(c: OrderChange) -> Effect {
    Effect::Changed(Changes {
        orders: vec![c],
        ..Changes::default()
    })
}

/// Bumps the local version (bills are cached per version) and the last change time.
fn touch(o: &mut Order, at_ms: i64) {
    o.version += 1;
    o.updated_at_ms = o.updated_at_ms.max(at_ms);
}

/// Lines in the order every replica keeps them: by the time they were added, then id
/// (UUIDv7, so a ticket's lines keep the order they were rung up in).
fn insert_line(o: &mut Order, line: OrderLine) {
    let at = o
        .lines
        .partition_point(|l| (l.added_at_ms, l.id) < (line.added_at_ms, line.id));
    o.lines.insert(at, line);
}

/// Superseded bills in the order every replica keeps them: by when they were paid, then
/// number (not by when each replica learnt of them).
fn supersede(r: &mut OrderRecord, b: PaidBill) {
    let at = r
        .superseded
        .partition_point(|s| (s.paid_at_ms, &s.invoice_no) < (b.paid_at_ms, &b.invoice_no));
    r.superseded.insert(at, b);
}

fn insert_payment(o: &mut Order, p: Payment) {
    let at = o.payments.partition_point(|q| (q.at_ms, q.id) < (p.at_ms, p.id));
    o.payments.insert(at, p);
}

/// The record in the canonical order of its sets.
fn canonical(mut order: Order) -> OrderRecord {
    order.lines.sort_by_key(|l| (l.added_at_ms, l.id));
    order.payments.sort_by_key(|p| (p.at_ms, p.id));
    OrderRecord::new(order)
}

/// Whether the stored bill still equals what the lines and discount compute (for the
/// order's type, with the service-charge waiver the paying till recorded on the bill).
fn refresh_mismatch(r: &mut OrderRecord, settings: Option<&TaxSettings>) {
    r.bill_mismatch = match (&r.bill, settings) {
        (Some(b), Some(s)) => {
            bill::calculate_order(&r.order, b.bill.service_charge_waived, s).map_or(true, |c| c != b.bill)
        }
        (Some(_), None) | (None, _) => false,
    };
}

fn settings(state: &State) -> Option<TaxSettings> {
    state.profile.as_ref().map(TaxSettings::from)
}

/// Why an edit to the lines or discount of `o` is refused, if it is.
fn refuse_edit(o: &Order) -> Option<Effect> {
    if o.status.is_final() {
        return Some(Effect::reject(
            Refusal::OrderFinal,
            format!(
                "order #{} is already {} on another till; the change was not applied",
                o.number, o.status
            ),
        ));
    }
    if !o.payments.is_empty() {
        return Some(Effect::reject(
            Refusal::OrderHasPayments,
            format!(
                "order #{} already has payments; the change was not applied",
                o.number
            ),
        ));
    }
    None
}

fn unknown(id: OrderId) -> Effect {
    Effect::reject(
        Refusal::UnknownOrder,
        format!("order {id} is unknown to the server"),
    )
}

/// The record `id` for a rule: in decide mode an unknown order is refused, in replay mode
/// it is skipped (this replica does not hold it).
fn record<'s>(state: &'s mut State, id: OrderId, mode: Mode<'_>) -> Result<&'s mut OrderRecord, Effect> {
    match (state.orders.get_mut(&id), mode) {
        (Some(r), _) => Ok(r),
        (None, Mode::Decide) => Err(unknown(id)),
        (None, Mode::Replay { .. }) => Err(Effect::Duplicate),
    }
}

pub(super) fn create(state: &mut State, order: &Order) -> Effect {
    if state.orders.contains_key(&order.id) {
        return Effect::Duplicate;
    }
    let mut r = canonical(order.clone());
    let s = settings(state);
    refresh_mismatch(&mut r, s.as_ref());
    state.orders.insert(order.id, r);
    changed(OrderChange::whole(order.id, RecordWrite::Created))
}

pub(super) fn add_line(state: &mut State, id: OrderId, line: &OrderLine, mode: Mode<'_>) -> Effect {
    let s = settings(state);
    let r = match record(state, id, mode) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if r.order.lines.iter().any(|l| l.id == line.id) {
        return Effect::Duplicate;
    }
    if mode == Mode::Decide {
        if let Some(refused) = refuse_edit(&r.order) {
            return refused;
        }
        if r.order.lines.len() >= pos_core::limits::MAX_LINES_PER_ORDER {
            return Effect::reject(
                Refusal::Invalid,
                format!(
                    "an order can have at most {} lines",
                    pos_core::limits::MAX_LINES_PER_ORDER
                ),
            );
        }
    }
    insert_line(&mut r.order, line.clone());
    touch(&mut r.order, line.added_at_ms);
    refresh_mismatch(r, s.as_ref());
    let mut c = OrderChange::updated(id);
    c.lines.push(line.id);
    changed(c)
}

pub(super) fn void_line(
    state: &mut State,
    id: OrderId,
    line_id: LineId,
    void: LineVoid,
    mode: Mode<'_>,
) -> Effect {
    let s = settings(state);
    let r = match record(state, id, mode) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if mode == Mode::Decide
        && let Some(refused) = refuse_edit(&r.order)
    {
        return refused;
    }
    let number = r.order.number;
    let Some(line) = r.order.lines.iter_mut().find(|l| l.id == line_id) else {
        return match mode {
            Mode::Decide => Effect::reject(
                Refusal::UnknownLine,
                format!("order #{number} has no line {line_id}"),
            ),
            Mode::Replay { .. } => Effect::Duplicate,
        };
    };
    match (&line.void, mode) {
        // Decided: the first void stands (a second one from another till changes nothing).
        (Some(_), Mode::Decide) => return Effect::Duplicate,
        // Replayed: the server's void is the one that stands.
        (Some(v), Mode::Replay { .. }) if *v == void => return Effect::Duplicate,
        _ => {}
    }
    let at = void.at_ms;
    line.void = Some(void);
    touch(&mut r.order, at);
    refresh_mismatch(r, s.as_ref());
    let mut c = OrderChange::updated(id);
    c.lines.push(line_id);
    changed(c)
}

pub(super) fn set_status(
    state: &mut State,
    id: OrderId,
    status: OrderStatus,
    at_ms: i64,
    sent_lines: Option<&[LineId]>,
    mode: Mode<'_>,
) -> Effect {
    let r = match record(state, id, mode) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let current = r.order.status;
    let mut c = OrderChange::updated(id);
    match mode {
        Mode::Decide => {
            if current.is_final() {
                if current == status {
                    return Effect::Duplicate;
                }
                return Effect::reject(
                    Refusal::OrderFinal,
                    format!("order #{} is already {} on another till", r.order.number, current),
                );
            }
            if status == OrderStatus::Paid {
                return Effect::reject(
                    Refusal::Invalid,
                    "an order becomes paid when its payments cover the bill",
                );
            }
            if status == OrderStatus::Void && !r.order.payments.is_empty() {
                return Effect::reject(
                    Refusal::OrderHasPayments,
                    format!(
                        "order #{} has payments on another till; refund them instead of voiding",
                        r.order.number
                    ),
                );
            }
        }
        Mode::Replay { .. } => {
            // The server voided it before any payment: a payment this till took since is
            // not a sale, and its bill is superseded (the server decides the same when the
            // payment arrives: `record_payment` on a void order).
            if status == OrderStatus::Void
                && let Some(b) = r.bill.take()
            {
                c.superseded.push(b.invoice_no.clone());
                supersede(r, b);
                c.bill = true;
            }
        }
    }
    // A final status wins; a non-final one never overrides a final one (here, that is one
    // of this till's own payments or voids the server has not answered yet).
    let next = if status.is_final() || !current.is_final() {
        status
    } else {
        current
    };
    if status == OrderStatus::SentToKitchen {
        // The lines the send names are marked whatever happened to them since (a void
        // that reached the server first): "sent" only ever goes one way, so every replica
        // ends with the same marks. A send from before `sent_lines` marks the live lines.
        for line in r.order.lines.iter_mut().filter(|l| !l.sent_to_kitchen) {
            let named = match sent_lines {
                Some(ids) => ids.contains(&line.id),
                None => line.is_live(),
            };
            if named {
                line.sent_to_kitchen = true;
                c.lines.push(line.id);
            }
        }
    }
    if next == current && c.lines.is_empty() && !c.bill {
        return Effect::Duplicate;
    }
    r.order.status = next;
    touch(&mut r.order, at_ms);
    changed(c)
}

pub(super) fn set_discount(
    state: &mut State,
    id: OrderId,
    discount: Option<Discount>,
    at_ms: i64,
    mode: Mode<'_>,
) -> Effect {
    let s = settings(state);
    let r = match record(state, id, mode) {
        Ok(r) => r,
        Err(e) => return e,
    };
    if mode == Mode::Decide {
        if let Some(refused) = refuse_edit(&r.order) {
            return refused;
        }
        if let Some(Err(e)) = discount.map(Discount::validated) {
            return Effect::reject(Refusal::Invalid, e.to_string());
        }
    }
    if r.order.discount == discount {
        return Effect::Duplicate;
    }
    r.order.discount = discount;
    touch(&mut r.order, at_ms);
    refresh_mismatch(r, s.as_ref());
    changed(OrderChange::updated(id))
}

pub(super) fn record_payment(state: &mut State, id: OrderId, paid: Paid<'_>, mode: Mode<'_>) -> Effect {
    let s = settings(state);
    let r = match record(state, id, mode) {
        Ok(r) => r,
        Err(e) => return e,
    };
    let mut c = OrderChange::updated(id);
    let excess_before = r.excess();
    for p in paid.payments {
        if !r.order.payments.iter().any(|q| q.id == p.id) {
            insert_payment(&mut r.order, p.clone());
            c.payments.push(p.id);
        }
    }
    let at_ms = paid
        .payments
        .iter()
        .map(|p| p.at_ms)
        .max()
        .unwrap_or(r.order.updated_at_ms);
    let status_before = r.order.status;
    let mut superseded_invoice = None;
    if let Some(b) = paid.bill {
        let invoice_no = paid.invoice_no.unwrap_or_default().to_owned();
        let this = PaidBill {
            invoice_no: invoice_no.clone(),
            bill: b.clone(),
            paid_at_ms: at_ms,
        };
        let kept = match mode {
            // The first bill to arrive is the order's; a void order takes none.
            Mode::Decide => {
                r.invoice_no() == Some(invoice_no.as_str())
                    || (r.bill.is_none() && r.order.status != OrderStatus::Void)
            }
            Mode::Replay { verdict } => verdict.and_then(Conflict::superseded_invoice).is_none(),
        };
        if kept {
            if r.invoice_no() != Some(invoice_no.as_str()) {
                // Replayed: a bill this till recorded itself lost the race on the server.
                if let Some(mine) = r.bill.take() {
                    c.superseded.push(mine.invoice_no.clone());
                    supersede(r, mine);
                }
                r.superseded.retain(|s| s.invoice_no != invoice_no);
                r.bill = Some(this);
                c.bill = true;
            }
            r.order.status = OrderStatus::Paid;
        } else {
            if r.invoice_no() == Some(invoice_no.as_str()) {
                r.bill = None;
                c.bill = true;
            }
            if !r.superseded.iter().any(|s| s.invoice_no == invoice_no) {
                supersede(r, this);
                c.superseded.push(invoice_no.clone());
            }
            superseded_invoice = Some(invoice_no);
        }
    } else if !r.order.status.is_final() && !r.order.payments.is_empty() {
        // Part-paid: billed. Replayed too when the payments are already here: the status
        // is last-writer-wins in the server's order, and this payment came after the
        // status changes before it.
        r.order.status = OrderStatus::Billed;
    }
    // The ledger entries of a payment are written with its payments: no new payment, no
    // new entry to write (and no balance to invalidate for a replayed one).
    let ledger: Vec<LedgerEntry> = if c.payments.is_empty() {
        Vec::new()
    } else {
        paid.ledger.to_vec()
    };
    if c.payments.is_empty() && !c.bill && c.superseded.is_empty() && r.order.status == status_before {
        return Effect::Duplicate;
    }
    touch(&mut r.order, at_ms);
    refresh_mismatch(r, s.as_ref());
    let excess = r.excess();
    let status = r.order.status;
    let changes = Changes {
        orders: vec![c],
        ledger,
        ..Changes::default()
    };
    if mode == Mode::Decide && (excess > excess_before || superseded_invoice.is_some()) {
        let conflict = if status == OrderStatus::Void {
            Conflict::PaidAfterVoid {
                excess,
                superseded_invoice,
            }
        } else {
            Conflict::Overpaid {
                excess,
                superseded_invoice,
            }
        };
        return Effect::Conflict { changes, conflict };
    }
    Effect::Changed(changes)
}
