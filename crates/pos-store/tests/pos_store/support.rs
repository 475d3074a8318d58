//! A store on its own temporary file, and builders for the rows the tests write.

use pos_core::bill::{self, TaxSettings};
use pos_core::order::NewOrder;
use pos_core::{
    Bill, DeviceId, LineId, Money, MutationId, Order, OrderId, OrderLine, OrderType, Payment, PaymentId,
    PaymentMethod, Quantity, Sku, TaxRate, TaxSplit,
};
use pos_protocol::Mutation;
use pos_store::{Store, StoreOptions};
use uuid::Uuid;

pub const NOW_MS: i64 = 1_795_501_800_000;
pub const DAY: &str = "2026-11-24";

pub fn device(n: u128) -> DeviceId {
    DeviceId::from_uuid(Uuid::from_u128(n))
}

/// A store on `dir/till.db`, created as device 1 if new.
pub fn open(dir: &tempfile::TempDir) -> Store {
    Store::open(
        &dir.path().join("till.db"),
        StoreOptions::default(),
        device(1),
        NOW_MS,
    )
    .expect("the store opens")
}

pub fn fresh() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let store = open(&dir);
    (dir, store)
}

pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

pub fn order(number: u32) -> Order {
    Order::open(
        OrderId::from_uuid(new_id()),
        number,
        &NewOrder {
            order_type: Some(OrderType::Takeaway),
            customer_phone: Some("98450 12345".into()),
            notes: Some("extra spicy".into()),
            ..NewOrder::default()
        },
        "91",
        DAY.into(),
        NOW_MS,
    )
    .expect("a valid order")
}

pub fn order_line(sku: &str, price: i64, qty_milli: i64) -> OrderLine {
    OrderLine {
        id: LineId::from_uuid(new_id()),
        sku: Sku::parse(sku).expect("a valid SKU"),
        name: format!("Dish {sku}"),
        qty: Quantity::from_milli(qty_milli).expect("a valid quantity"),
        unit_price: Money::from_minor(price),
        tax_class: "GST5".into(),
        tax_rate: TaxRate::from_bps(500).expect("5%"),
        tax_split: TaxSplit::CgstSgst,
        levies: Vec::new(),
        discount: None,
        note: String::new(),
        sent_to_kitchen: false,
        added_at_ms: NOW_MS,
        void: None,
    }
}

pub fn cash(amount: i64, tendered: i64) -> Payment {
    Payment {
        id: PaymentId::from_uuid(new_id()),
        method: PaymentMethod::Cash,
        amount: Money::from_minor(amount),
        tendered: Money::from_minor(tendered),
        change: Money::from_minor(tendered - amount),
        reference: None,
        customer_phone: None,
        at_ms: NOW_MS,
    }
}

/// The example restaurant's tax settings (exclusive prices, tax per document, half-up,
/// cash rounded to the rupee, no service charge).
pub fn settings() -> TaxSettings {
    TaxSettings::from(&pos_testkit::example_profile())
}

pub fn bill_of(o: &Order) -> Bill {
    bill::calculate(&o.lines, o.discount, &settings()).expect("the bill computes")
}

pub fn status_mutation(o: &Order) -> Mutation {
    Mutation::OrderSetStatus {
        order_id: o.id,
        status: pos_core::OrderStatus::SentToKitchen,
        at_ms: NOW_MS,
        sent_lines: None,
    }
}

pub fn mutation_id() -> MutationId {
    MutationId::from_uuid(new_id())
}

/// Appends one mutation in its own write and returns its seq.
pub fn append_one(store: &Store, m: &Mutation) -> i64 {
    store
        .write(|tx| pos_store::outbox::append(tx, mutation_id(), m, NOW_MS))
        .expect("the append commits")
}
