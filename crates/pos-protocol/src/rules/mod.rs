//! The sync rules: what every [`Mutation`] does to the state it touches, decided in one
//! place and run by both sides.
//!
//! - A till runs them for its own writes ([`Mode::Decide`]: a refusal is the cashier's
//!   error) and for every change it pulls ([`Mode::Replay`]: the server has decided).
//! - The server runs them for every pushed mutation and every back-office write
//!   ([`Mode::Decide`]: a refusal is a recorded rejection that moves the queue on).
//!
//! `pos-store` and `pos-server` only load the [`State`] that [`touches`] names, call
//! [`apply`], and write the [`Changes`] of the [`Effect`] with their own SQL. A new intent
//! is one rule here, one row in [`table::TABLE`], and (only if it writes a new kind of
//! row) one SQL function per side.
//!
//! # Why replaying is enough to converge
//! Every replica applies the server's change log in its order, its own changes included
//! (they come back through the pull like everyone else's). So a till's copy of an order is
//! the server's copy plus the till's own changes the server has not answered yet. The
//! rules keep that true:
//! - lines, payments, ledger entries and superseded bills are sets (insert once by id);
//!   a line's void and its "sent to the kitchen" mark only ever go one way;
//! - the discount and a non-final status are last-writer-wins **in the server's order**:
//!   replaying the log from any point ends on the value the server holds;
//! - what depends on the order of arrival and cannot be merged (which of two bills is the
//!   order's bill, whether a payment reached a voided order) is decided once by the
//!   server and travels with the change as its [`Conflict`] verdict;
//! - a change of this till that the server refused is undone by adopting the server's
//!   record of the order (see `pos_app`'s sync use cases).
//!
//! # Layout
//! - [`apply`]: the one dispatch over [`Mutation`].
//! - [`touches`]: what a mutation reads and writes, so each side loads only that.
//! - [`orders`]: orders, lines, status, discount and payments (the conflict rules).
//! - [`records`]: customers, the ledger, the profile, the menu and staff.
//! - [`table`]: every intent's family, cache cause and the cache keys it dirties, read by
//!   the till's and the server's caches alike; [`keys`] fills in which entries.

pub mod orders;
pub mod records;
pub mod table;

use std::collections::BTreeMap;

use pos_core::{
    Customer, LedgerEntry, LineId, MenuItem, Money, MutationId, OrderId, OrderRecord, PaymentId, Phone,
    Profile, StaffId, StaffMember,
};
use serde::{Deserialize, Serialize};

use crate::Mutation;

/// A mutation and its id (the stamp of its effect).
#[derive(Clone, Copy, Debug)]
pub struct Envelope<'a> {
    pub id: MutationId,
    pub mutation: &'a Mutation,
}

/// Who is applying the mutation, and with what authority.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode<'a> {
    /// Nobody has decided it yet: the server for a push or a back-office write, a till
    /// for its own write. The rules may refuse it.
    Decide,
    /// The server accepted it and this replica follows (a pulled change). Never refused
    /// for this replica's state; `verdict` is the conflict the server recorded, if any.
    Replay { verdict: Option<&'a Conflict> },
}

/// What the rules read and change, loaded by the caller for [`touches`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct State {
    /// The orders the mutation touches that this replica holds (absent: unknown here).
    pub orders: BTreeMap<OrderId, OrderRecord>,
    /// The stored customer of [`Touches::customer`].
    pub customer: Option<Customer>,
    /// The stored member of staff of [`Touches::staff`].
    pub staff: Option<StaffMember>,
    /// The member of staff who made the change ([`Touches::actor`]), as stored here.
    pub actor: Option<StaffMember>,
    /// The business profile (tax settings for bills, business days, the profile itself).
    pub profile: Option<Profile>,
}

/// What a mutation reads and may write.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Touches {
    pub orders: Vec<OrderId>,
    pub customer: Option<Phone>,
    pub staff: Option<StaffId>,
    /// The member of staff whose authority the change needs.
    pub actor: Option<StaffId>,
}

/// What an applied mutation changed, for the caller's SQL. Values are read from the
/// [`State`] after [`apply`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Changes {
    pub orders: Vec<OrderChange>,
    /// New ledger entries (insert once by id).
    pub ledger: Vec<LedgerEntry>,
    /// `State::customer` is to be stored.
    pub customer: bool,
    /// `State::staff` is to be stored.
    pub staff: bool,
    /// `State::profile` is to be stored.
    pub profile: bool,
    /// Menu items to store.
    pub menu: Vec<MenuItem>,
}

/// How one order's rows change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrderChange {
    pub id: OrderId,
    pub write: RecordWrite,
    /// Lines inserted or changed (`Updated`).
    pub lines: Vec<LineId>,
    /// Payments inserted (`Updated`).
    pub payments: Vec<PaymentId>,
    /// The record's bill was set or replaced (`Updated`).
    pub bill: bool,
    /// Invoice numbers added to the superseded bills (`Updated`).
    pub superseded: Vec<String>,
}

/// The shape of an order's write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordWrite {
    /// A new order: insert the whole record.
    Created,
    /// The header and the listed rows.
    Updated,
    /// Everything: delete what is stored and insert the record (adopting the server's).
    Replaced,
}

impl OrderChange {
    pub fn updated(id: OrderId) -> OrderChange {
        OrderChange {
            id,
            write: RecordWrite::Updated,
            lines: Vec::new(),
            payments: Vec::new(),
            bill: false,
            superseded: Vec::new(),
        }
    }

    pub fn whole(id: OrderId, write: RecordWrite) -> OrderChange {
        OrderChange {
            write,
            ..OrderChange::updated(id)
        }
    }
}

/// Why a mutation was refused. Stable: the tills and the back office show and count them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The order is not known here (to the server: never pushed, or another organisation's).
    UnknownOrder,
    /// The order is paid or void: nothing changes it but payments (which are money).
    OrderFinal,
    /// The order has payments: its lines and discount are what was paid for.
    OrderHasPayments,
    /// The line is not on the order.
    UnknownLine,
    /// The member of staff is unknown, inactive or not a manager.
    NotAManager,
    /// A value out of range (a parse the mutation should have passed).
    Invalid,
}

/// A refusal and the sentence a person reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    pub code: Refusal,
    pub message: String,
}

impl Rejection {
    pub fn new(code: Refusal, message: impl Into<String>) -> Rejection {
        Rejection {
            code,
            message: message.into(),
        }
    }
}

/// What the rules could not merge: applied, kept as data, and shown to people until
/// someone acts (a refund of the excess).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Conflict {
    /// The order is paid more than its bill: two tills took payment for it, or a payment
    /// reached an order already paid. Every payment is kept.
    Overpaid {
        /// What was paid beyond the bill, after this payment.
        excess: Money,
        /// This payment's bill, when it arrived after the order already had one: kept as
        /// superseded, never reused.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        superseded_invoice: Option<String>,
    },
    /// A payment reached an order another till had voided. Kept; all of it is due back.
    PaidAfterVoid {
        excess: Money,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        superseded_invoice: Option<String>,
    },
}

impl Conflict {
    /// The mutation's bill was kept as superseded, not as the order's bill.
    pub fn superseded_invoice(&self) -> Option<&str> {
        match self {
            Conflict::Overpaid {
                superseded_invoice, ..
            }
            | Conflict::PaidAfterVoid {
                superseded_invoice, ..
            } => superseded_invoice.as_deref(),
        }
    }

    pub fn excess(&self) -> Money {
        match self {
            Conflict::Overpaid { excess, .. } | Conflict::PaidAfterVoid { excess, .. } => *excess,
        }
    }

    /// What a person reads ("paid twice: refund Rs 420.00" once formatted by the caller).
    pub fn summary(&self) -> &'static str {
        match self {
            Conflict::Overpaid { .. } => "paid twice",
            Conflict::PaidAfterVoid { .. } => "paid after it was voided",
        }
    }
}

/// What became of a mutation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Applied: write these changes.
    Changed(Changes),
    /// Already applied here (a retry, a replay of an own change): nothing to write.
    Duplicate,
    /// Refused by a rule: nothing changed.
    Rejected(Rejection),
    /// Applied and written, and flagged: the rules could not merge it with what was there.
    Conflict { changes: Changes, conflict: Conflict },
}

impl Effect {
    /// The changes to write, if any.
    pub fn changes(&self) -> Option<&Changes> {
        match self {
            Effect::Changed(c) | Effect::Conflict { changes: c, .. } => Some(c),
            Effect::Duplicate | Effect::Rejected(_) => None,
        }
    }

    pub fn conflict(&self) -> Option<&Conflict> {
        match self {
            Effect::Conflict { conflict, .. } => Some(conflict),
            _ => None,
        }
    }

    pub fn rejection(&self) -> Option<&Rejection> {
        match self {
            Effect::Rejected(r) => Some(r),
            _ => None,
        }
    }

    fn reject(code: Refusal, message: impl Into<String>) -> Effect {
        Effect::Rejected(Rejection::new(code, message))
    }
}

/// What `m` reads and may write: the caller loads exactly this into a [`State`].
pub fn touches(m: &Mutation) -> Touches {
    let mut t = Touches::default();
    match m {
        Mutation::OrderCreate { order } => t.orders.push(order.id),
        Mutation::OrderAddLine { order_id, .. }
        | Mutation::OrderVoidLine { order_id, .. }
        | Mutation::OrderSetStatus { order_id, .. }
        | Mutation::OrderSetDiscount { order_id, .. }
        | Mutation::PaymentRecord { order_id, .. } => t.orders.push(*order_id),
        Mutation::CustomerUpsert { customer } => t.customer = Some(customer.phone.clone()),
        Mutation::LedgerSettle { .. } | Mutation::MenuUpsert { .. } => {}
        Mutation::ProfileUpdate { by, .. } => t.actor = *by,
        Mutation::StaffUpsert { staff } => t.staff = Some(staff.id),
    }
    t
}

/// The entity a change-log row is about: the order, the customer's phone, the ledger
/// entry, the member of staff, or `profile` / `menu`.
pub fn entity(m: &Mutation) -> String {
    match m {
        Mutation::LedgerSettle { entry } => entry.id.to_string(),
        Mutation::ProfileUpdate { .. } => "profile".into(),
        Mutation::MenuUpsert { .. } => "menu".into(),
        _ => {
            let t = touches(m);
            match (t.orders.first(), &t.customer, t.staff) {
                (Some(o), _, _) => o.to_string(),
                (None, Some(p), _) => p.e164().to_string(),
                (None, None, Some(s)) => s.to_string(),
                (None, None, None) => String::new(),
            }
        }
    }
}

/// Applies `env` to `state` under `mode`: the one place that decides what each intent does.
pub fn apply(state: &mut State, env: Envelope<'_>, mode: Mode<'_>) -> Effect {
    match env.mutation {
        Mutation::OrderCreate { order } => orders::create(state, order),
        Mutation::OrderAddLine { order_id, line } => orders::add_line(state, *order_id, line, mode),
        Mutation::OrderVoidLine {
            order_id,
            line_id,
            reason,
            at_ms,
            voided_by,
            approved_by,
        } => {
            let void = pos_core::order::LineVoid {
                reason: reason.clone(),
                at_ms: *at_ms,
                voided_by: *voided_by,
                approved_by: *approved_by,
            };
            orders::void_line(state, *order_id, *line_id, void, mode)
        }
        Mutation::OrderSetStatus {
            order_id,
            status,
            at_ms,
            sent_lines,
        } => orders::set_status(state, *order_id, *status, *at_ms, sent_lines.as_deref(), mode),
        Mutation::OrderSetDiscount {
            order_id,
            discount,
            at_ms,
        } => orders::set_discount(state, *order_id, *discount, *at_ms, mode),
        Mutation::PaymentRecord {
            order_id,
            payments,
            bill,
            invoice_no,
            ledger,
        } => orders::record_payment(
            state,
            *order_id,
            orders::Paid {
                payments,
                bill: bill.as_deref(),
                invoice_no: invoice_no.as_deref(),
                ledger,
            },
            mode,
        ),
        Mutation::CustomerUpsert { customer } => records::upsert_customer(state, customer),
        Mutation::LedgerSettle { entry } => records::settle(entry),
        Mutation::ProfileUpdate { profile, by } => records::update_profile(state, profile, by.as_ref(), mode),
        Mutation::MenuUpsert { items } => records::upsert_menu(items),
        Mutation::StaffUpsert { staff } => records::upsert_staff(state, staff),
    }
}

/// Which cache entries an applied mutation dirties: the orders it changed, the business
/// days whose summaries move (the order's day and the days its money was taken on), the
/// customers whose balance moves, and the profile. Which *caches* hold them is in
/// [`table::TABLE`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Keys {
    pub orders: Vec<OrderId>,
    pub days: Vec<String>,
    pub phones: Vec<Phone>,
    pub profile: bool,
    pub menu: bool,
    pub staff: bool,
}

impl Keys {
    fn day(&mut self, d: String) {
        if !self.days.contains(&d) {
            self.days.push(d);
        }
    }

    fn phone(&mut self, p: &Phone) {
        if !self.phones.contains(p) {
            self.phones.push(p.clone());
        }
    }

    /// Adds `other`'s keys to these.
    pub fn merge(&mut self, other: Keys) {
        for o in other.orders {
            if !self.orders.contains(&o) {
                self.orders.push(o);
            }
        }
        for d in other.days {
            self.day(d);
        }
        for p in &other.phones {
            self.phone(p);
        }
        self.profile |= other.profile;
        self.menu |= other.menu;
        self.staff |= other.staff;
    }

    pub fn is_empty(&self) -> bool {
        *self == Keys::default()
    }
}

/// The business day `at_ms` counts on under `profile` (empty while there is none).
fn day_of(profile: Option<&Profile>, at_ms: i64) -> Option<String> {
    profile.map(|p| pos_core::summary::day_of(at_ms, p.utc_offset_minutes, p.day_starts_at_hour))
}

/// The cache keys of `changes`, read from `state` after [`apply`].
pub fn keys(state: &State, changes: &Changes) -> Keys {
    let mut k = Keys::default();
    let profile = state.profile.as_ref();
    for c in &changes.orders {
        k.orders.push(c.id);
        let Some(r) = state.orders.get(&c.id) else {
            continue;
        };
        k.day(r.order.business_day.clone());
        if let Some(p) = &r.order.customer_phone {
            k.phone(p);
        }
        let mut taken: Vec<i64> = r
            .order
            .payments
            .iter()
            .filter(|p| c.write != RecordWrite::Updated || c.payments.contains(&p.id))
            .map(|p| p.at_ms)
            .collect();
        if c.bill
            && let Some(b) = &r.bill
        {
            taken.push(b.paid_at_ms);
        }
        taken.extend(
            r.superseded
                .iter()
                .filter(|b| c.superseded.contains(&b.invoice_no))
                .map(|b| b.paid_at_ms),
        );
        for at in taken {
            if let Some(d) = day_of(profile, at) {
                k.day(d);
            }
        }
    }
    for e in &changes.ledger {
        k.phone(&e.phone);
        if let Some(d) = day_of(profile, e.at_ms) {
            k.day(d);
        }
    }
    if changes.customer
        && let Some(c) = &state.customer
    {
        k.phone(&c.phone);
    }
    k.profile = changes.profile;
    k.menu = !changes.menu.is_empty();
    k.staff = changes.staff;
    k
}
