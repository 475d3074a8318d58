//! The intent table: one row per intent, and the rules' dispatch covers every intent.

use pos_protocol::Mutation;
use pos_protocol::rules::table::{TABLE, row};

use crate::support::*;

/// One mutation of every intent. The match makes this list fail to compile when an
/// intent is added without a sample here (and so without a row check).
fn samples() -> Vec<Mutation> {
    let o = order(1);
    let all = vec![
        Mutation::OrderCreate {
            order: Box::new(o.clone()),
        },
        Mutation::OrderAddLine {
            order_id: o.id,
            line: Box::new(line(2, 100, 1)),
        },
        Mutation::OrderVoidLine {
            order_id: o.id,
            line_id: line(2, 100, 1).id,
            reason: "wrong".into(),
            at_ms: 1,
            voided_by: None,
            approved_by: None,
        },
        Mutation::OrderSetStatus {
            order_id: o.id,
            status: pos_core::OrderStatus::Served,
            at_ms: 1,
            sent_lines: None,
        },
        discount(o.id, 500, 1),
        Mutation::PaymentRecord {
            order_id: o.id,
            payments: vec![cash(3, 100, 1)],
            bill: None,
            invoice_no: None,
            ledger: vec![],
        },
        Mutation::CustomerUpsert {
            customer: pos_core::Customer {
                phone: pos_core::Phone::parse("98450 12345", "91").unwrap(),
                name: "Asha".into(),
                credit_limit: pos_core::Money::ZERO,
            },
        },
        Mutation::LedgerSettle {
            entry: pos_core::LedgerEntry {
                id: pos_core::LedgerEntryId::from_uuid(id(4)),
                phone: pos_core::Phone::parse("98450 12345", "91").unwrap(),
                kind: pos_core::LedgerKind::Settlement,
                amount: pos_core::Money::from_minor(100),
                order_id: None,
                method: Some(pos_core::PaymentMethod::Cash),
                note: String::new(),
                at_ms: 1,
            },
        },
        Mutation::ProfileUpdate {
            profile: Box::new(profile()),
            by: None,
        },
        Mutation::MenuUpsert { items: vec![] },
        Mutation::StaffUpsert {
            staff: Box::new(pos_core::StaffMember {
                id: pos_core::StaffId::from_uuid(id(5)),
                name: "Meera".into(),
                role: pos_core::Role::Manager,
                pin_hash: "$argon2id$x".into(),
                active: true,
                created_at_ms: 1,
                updated_at_ms: 1,
            }),
        },
    ];
    for m in &all {
        match m {
            Mutation::OrderCreate { .. }
            | Mutation::OrderAddLine { .. }
            | Mutation::OrderVoidLine { .. }
            | Mutation::OrderSetStatus { .. }
            | Mutation::OrderSetDiscount { .. }
            | Mutation::PaymentRecord { .. }
            | Mutation::CustomerUpsert { .. }
            | Mutation::LedgerSettle { .. }
            | Mutation::ProfileUpdate { .. }
            | Mutation::MenuUpsert { .. }
            | Mutation::StaffUpsert { .. } => {}
        }
    }
    all
}

#[test]
fn every_intent_has_exactly_one_row_and_every_row_is_an_intent() {
    let intents: Vec<&str> = samples().iter().map(|m| m.intent()).collect();
    for i in &intents {
        assert_eq!(
            TABLE.iter().filter(|r| r.intent == *i).count(),
            1,
            "{i} must have exactly one row in rules::table::TABLE"
        );
        assert_eq!(row(i).intent, *i);
    }
    for r in TABLE {
        assert!(intents.contains(&r.intent), "row {} names no intent", r.intent);
    }
}

#[test]
fn an_unknown_intent_dirties_every_view_rather_than_too_few() {
    assert_eq!(row("order.teleport").dirties.len(), 8);
}
