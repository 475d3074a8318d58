//! Sync wire types shared by the till and the server.
//!
//! A till's every write appends one [`Mutation`] to its outbox in the same SQLite
//! transaction as the write. The mutation carries the full effect (the line with its price
//! snapshot, the payments with the bill snapshot), not a request to recompute, so applying
//! it elsewhere gives the same rows. The push/pull envelopes come with the sync work; the
//! mutation format is fixed now so outboxes written today stay readable.
//!
//! # Layout
//! - [`Mutation`]: the intents (`order.create`, `order.add_line`, ...) and their payloads.
//! - [`PROTOCOL_VERSION`]: bumped on any incompatible change to these types.
//! - [`rules`]: what every mutation does, for the till and the server alike: the one
//!   place that matches on [`Mutation`]'s intents (besides [`Mutation::intent`]).
//! - [`sync`]: the push, pull and enroll envelopes and the error body.

use pos_core::ids::{LineId, OrderId, StaffId};
use pos_core::{
    Bill, Customer, Discount, LedgerEntry, MenuItem, Order, OrderLine, OrderStatus, Payment, Profile,
    StaffMember,
};
use serde::{Deserialize, Serialize};

pub mod rules;
pub mod sync;

/// Version of the JSON format of this crate's types.
pub const PROTOCOL_VERSION: u32 = 1;

/// One write made on a till, as it travels to the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "intent", content = "payload")]
pub enum Mutation {
    /// A new order (its header; lines follow as `order.add_line`).
    #[serde(rename = "order.create")]
    OrderCreate { order: Box<Order> },
    #[serde(rename = "order.add_line")]
    OrderAddLine { order_id: OrderId, line: Box<OrderLine> },
    #[serde(rename = "order.void_line")]
    OrderVoidLine {
        order_id: OrderId,
        line_id: LineId,
        reason: String,
        at_ms: i64,
        /// Who voided the line; absent in payloads written before staff logins.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        voided_by: Option<StaffId>,
        /// The manager who approved the void (needed once the kitchen has the order).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        approved_by: Option<StaffId>,
    },
    #[serde(rename = "order.set_status")]
    OrderSetStatus {
        order_id: OrderId,
        status: OrderStatus,
        at_ms: i64,
        /// With `sent_to_kitchen`: the lines this send put in the kitchen's hands, so every
        /// replica marks the same ones. Absent in payloads from before it existed (then:
        /// every live line the replica holds).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sent_lines: Option<Vec<LineId>>,
    },
    #[serde(rename = "order.set_discount")]
    OrderSetDiscount {
        order_id: OrderId,
        discount: Option<Discount>,
        at_ms: i64,
    },
    /// Payments of one call; `bill` is the stored snapshot when they paid the order off;
    /// `ledger` the on-account charges they made.
    #[serde(rename = "payment.record")]
    PaymentRecord {
        order_id: OrderId,
        payments: Vec<Payment>,
        bill: Option<Box<Bill>>,
        invoice_no: Option<String>,
        ledger: Vec<LedgerEntry>,
    },
    #[serde(rename = "customer.upsert")]
    CustomerUpsert { customer: Customer },
    #[serde(rename = "ledger.settle")]
    LedgerSettle { entry: LedgerEntry },
    /// `by`: the member who changed it (a manager); absent in payloads from before staff
    /// logins and from changes made without a session (the demo's first start).
    #[serde(rename = "profile.update")]
    ProfileUpdate {
        profile: Box<Profile>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<StaffId>,
    },
    #[serde(rename = "menu.upsert")]
    MenuUpsert { items: Vec<MenuItem> },
    /// A member of staff created or changed (name, role, active, PIN reset). Carries the
    /// PIN's argon2id hash, never the PIN.
    #[serde(rename = "staff.upsert")]
    StaffUpsert { staff: Box<StaffMember> },
}

impl Mutation {
    /// The intent name, as stored in the outbox's `intent` column.
    pub fn intent(&self) -> &'static str {
        match self {
            Mutation::OrderCreate { .. } => "order.create",
            Mutation::OrderAddLine { .. } => "order.add_line",
            Mutation::OrderVoidLine { .. } => "order.void_line",
            Mutation::OrderSetStatus { .. } => "order.set_status",
            Mutation::OrderSetDiscount { .. } => "order.set_discount",
            Mutation::PaymentRecord { .. } => "payment.record",
            Mutation::CustomerUpsert { .. } => "customer.upsert",
            Mutation::LedgerSettle { .. } => "ledger.settle",
            Mutation::ProfileUpdate { .. } => "profile.update",
            Mutation::MenuUpsert { .. } => "menu.upsert",
            Mutation::StaffUpsert { .. } => "staff.upsert",
        }
    }

    /// The payload alone, as stored in the outbox's `payload` column.
    pub fn payload_json(&self) -> serde_json::Value {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut m)) => m.remove("payload").unwrap_or_default(),
            _ => serde_json::Value::Null,
        }
    }

    /// Rebuilds a mutation from the outbox's `intent` and `payload` columns.
    pub fn from_parts(intent: &str, payload: serde_json::Value) -> Result<Mutation, serde_json::Error> {
        serde_json::from_value(serde_json::json!({ "intent": intent, "payload": payload }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pos_core::ids::OrderId;

    #[test]
    fn intent_and_payload_round_trip_through_the_outbox_columns() {
        let m = Mutation::OrderSetStatus {
            order_id: OrderId::from_uuid(Default::default()),
            status: OrderStatus::SentToKitchen,
            at_ms: 42,
            sent_lines: None,
        };
        let back = Mutation::from_parts(m.intent(), m.payload_json()).unwrap();
        assert_eq!(back, m);
        assert_eq!(m.payload_json()["status"], "sent_to_kitchen");
    }

    #[test]
    fn a_void_line_payload_from_before_staff_logins_still_decodes() {
        let old = serde_json::json!({
            "order_id": "0196f0a0-0000-7000-8000-000000000001",
            "line_id": "0196f0a0-0000-7000-8000-000000000002",
            "reason": "wrong item",
            "at_ms": 5
        });
        let m = Mutation::from_parts("order.void_line", old.clone()).unwrap();
        let Mutation::OrderVoidLine {
            voided_by,
            approved_by,
            ..
        } = &m
        else {
            panic!("decoded as another intent: {m:?}");
        };
        assert_eq!((voided_by, approved_by), (&None, &None));
        assert_eq!(m.payload_json(), old, "and encodes back byte for byte");
    }

    #[test]
    fn staff_upsert_golden_payload_carries_the_hash_and_no_pin() {
        let staff = StaffMember {
            id: "0196f0a0-0000-7000-8000-00000000000a".parse().unwrap(),
            name: "Meera".into(),
            role: pos_core::Role::Manager,
            pin_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA".into(),
            active: true,
            created_at_ms: 1,
            updated_at_ms: 2,
        };
        let m = Mutation::StaffUpsert {
            staff: Box::new(staff),
        };
        let golden = serde_json::json!({
            "staff": {
                "id": "0196f0a0-0000-7000-8000-00000000000a",
                "name": "Meera",
                "role": "manager",
                "pin_hash": "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaA",
                "active": true,
                "created_at_ms": 1,
                "updated_at_ms": 2
            }
        });
        assert_eq!(m.intent(), "staff.upsert");
        assert_eq!(m.payload_json(), golden);
        assert_eq!(Mutation::from_parts("staff.upsert", golden).unwrap(), m);
    }
}
