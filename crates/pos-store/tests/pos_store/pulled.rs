//! Applying another till's pulled mutations.

use pos_protocol::Mutation;
use pos_store::{orders, sync};

use crate::support::*;

/// Two other tills each issue their invoice 1 within the same second (their counters are
/// per till): both bills must be stored, under distinct numbers, and the pull go on.
#[test]
fn pulled_bills_with_the_same_invoice_number_from_two_tills_are_both_stored() {
    let (_dir, store) = fresh();
    let mut changes = Vec::new();
    let mut ids = Vec::new();
    for n in 1..=2 {
        let mut o = order(n);
        changes.push((
            mutation_id(),
            Mutation::OrderCreate {
                order: Box::new(o.clone()),
            },
        ));
        o.lines.push(order_line("ST-01", 100_00, 1000));
        let bill = bill_of(&o);
        changes.push((
            mutation_id(),
            Mutation::OrderAddLine {
                order_id: o.id,
                line: Box::new(o.lines[0].clone()),
            },
        ));
        changes.push((
            mutation_id(),
            Mutation::PaymentRecord {
                order_id: o.id,
                payments: vec![cash(bill.total.minor(), bill.total.minor())],
                bill: Some(Box::new(bill)),
                invoice_no: Some("SAF-000001".into()),
                ledger: Vec::new(),
            },
        ));
        ids.push(o.id);
    }
    let applied = store
        .write(|tx| sync::apply_pulled(tx, &changes, "v1.6", NOW_MS))
        .expect("a batch with two tills' invoice 1 applies");
    assert_eq!(applied.applied, 6, "every change applied");
    let numbers: Vec<String> = ids
        .iter()
        .map(|id| {
            store
                .read(|c| orders::stored_bill(c, *id))
                .expect("read")
                .expect("the pulled bill is stored")
                .0
        })
        .collect();
    assert_ne!(
        numbers[0], numbers[1],
        "each pulled bill keeps a number of its own"
    );
    assert!(
        numbers.iter().all(|n| n.starts_with("SAF-000001-")),
        "the issuing till's number stays readable: {numbers:?}"
    );
}
