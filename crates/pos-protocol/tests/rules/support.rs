//! Orders, lines, payments and bills to feed the rules, and a small world of one server
//! and several tills that apply mutations as the real ones do: the server decides in
//! arrival order and logs what it accepted with its verdict; a till decides its own
//! writes and replays the whole log (its own changes included).

use pos_core::bill::{self, TaxSettings};
use pos_core::order::NewOrder;
use pos_core::{
    Discount, LineId, MenuItem, Money, MutationId, Order, OrderId, OrderLine, OrderRecord, OrderType,
    Payment, PaymentId, PaymentMethod, Percent, Profile, Quantity, Sku,
};
use pos_protocol::Mutation;
use pos_protocol::rules::{self, Conflict, Effect, Envelope, Mode, State};

/// The one example profile (the demo restaurant's): GST 5% as CGST + SGST, exclusive
/// prices, bills rounded to the rupee.
pub fn profile() -> Profile {
    pos_core::profile::example_profile()
}

pub fn id(n: u128) -> uuid::Uuid {
    uuid::Uuid::from_u128(n)
}

pub fn order(n: u128) -> Order {
    let new = NewOrder {
        order_type: Some(OrderType::DineIn),
        table: Some("T4".into()),
        ..NewOrder::default()
    };
    Order::open(
        OrderId::from_uuid(id(n)),
        1,
        &new,
        "91",
        "2026-12-04".into(),
        1_000,
    )
    .unwrap()
}

pub fn line(n: u128, price: i64, at_ms: i64) -> OrderLine {
    let item = MenuItem {
        sku: Sku::parse("DAL").unwrap(),
        name: "Dal Makhani".into(),
        category: "Mains".into(),
        price: Money::from_minor(price),
        tax_class: "GST5".into(),
        active: true,
    };
    OrderLine::new(
        LineId::from_uuid(id(n)),
        &item,
        &profile(),
        Quantity::ONE,
        None,
        "",
        at_ms,
    )
    .unwrap()
}

pub fn cash(n: u128, amount: i64, at_ms: i64) -> Payment {
    Payment {
        id: PaymentId::from_uuid(id(n)),
        method: PaymentMethod::Cash,
        amount: Money::from_minor(amount),
        tendered: Money::from_minor(amount),
        change: Money::ZERO,
        reference: None,
        customer_phone: None,
        at_ms,
    }
}

/// What a till that sees `record` would charge: the bill of its lines and discount.
pub fn bill_of(record: &OrderRecord) -> pos_core::Bill {
    bill::calculate(
        &record.order.lines,
        record.order.discount,
        &TaxSettings::from(&profile()),
    )
    .unwrap()
}

/// A full payment of what `record` owes, with its bill, under `invoice_no`.
pub fn pay_off(record: &OrderRecord, payment: u128, invoice_no: &str, at_ms: i64) -> Mutation {
    let bill = bill_of(record);
    Mutation::PaymentRecord {
        order_id: record.order.id,
        payments: vec![cash(payment, bill.total.minor(), at_ms)],
        bill: Some(Box::new(bill)),
        invoice_no: Some(invoice_no.into()),
        ledger: vec![],
    }
}

pub fn discount(order: OrderId, percent_bps: u32, at_ms: i64) -> Mutation {
    Mutation::OrderSetDiscount {
        order_id: order,
        discount: Some(Discount::Percent(Percent::from_bps(percent_bps).unwrap())),
        at_ms,
    }
}

/// A replica of the organisation's state: the records of its orders and the profile.
#[derive(Clone, Debug)]
pub struct Replica {
    pub state: State,
}

impl Replica {
    pub fn new() -> Replica {
        Replica {
            state: State {
                profile: Some(profile()),
                ..State::default()
            },
        }
    }

    pub fn apply(&mut self, mid: MutationId, m: &Mutation, mode: Mode<'_>) -> Effect {
        rules::apply(&mut self.state, Envelope { id: mid, mutation: m }, mode)
    }

    pub fn record(&self, order: OrderId) -> &OrderRecord {
        self.state
            .orders
            .get(&order)
            .expect("the replica holds the order")
    }
}

/// One server and its change log of accepted mutations with their verdicts.
#[derive(Debug)]
pub struct Server {
    pub replica: Replica,
    pub log: Vec<(MutationId, Mutation, Option<Conflict>)>,
}

impl Server {
    pub fn new() -> Server {
        Server {
            replica: Replica::new(),
            log: Vec::new(),
        }
    }

    /// Decides `m` as a push would and logs it if it was applied.
    pub fn push(&mut self, mid: MutationId, m: &Mutation) -> Effect {
        let effect = self.replica.apply(mid, m, Mode::Decide);
        if effect.changes().is_some() {
            self.log.push((mid, m.clone(), effect.conflict().cloned()));
        }
        effect
    }

    /// Replays the log from `cursor` onto `till`; returns the new cursor.
    pub fn pull(&self, till: &mut Replica, cursor: usize) -> usize {
        for (mid, m, verdict) in &self.log[cursor..] {
            till.apply(
                *mid,
                m,
                Mode::Replay {
                    verdict: verdict.as_ref(),
                },
            );
        }
        self.log.len()
    }
}

pub fn mid(n: u128) -> MutationId {
    MutationId::from_uuid(id(n))
}

/// The replicated fields of two records, compared one by one so a failure names the field.
pub fn assert_same(a: &OrderRecord, b: &OrderRecord, what: &str) {
    assert_eq!(a.order.status, b.order.status, "{what}: status");
    assert_eq!(a.order.lines, b.order.lines, "{what}: lines");
    assert_eq!(a.order.discount, b.order.discount, "{what}: discount");
    assert_eq!(a.order.payments, b.order.payments, "{what}: payments");
    assert_eq!(a.bill, b.bill, "{what}: bill and invoice number");
    assert_eq!(a.superseded, b.superseded, "{what}: superseded bills");
    assert_eq!(a.bill_mismatch, b.bill_mismatch, "{what}: bill mismatch");
    assert_eq!(a.excess(), b.excess(), "{what}: excess");
}
