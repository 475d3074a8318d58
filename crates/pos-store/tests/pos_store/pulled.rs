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
        let (id, more) = pulled_paid(n, "SAF-000001");
        changes.extend(more);
        ids.push(id);
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
    assert_eq!(
        numbers[0], "SAF-000001",
        "the first keeps the number its till printed"
    );
    assert!(
        numbers[1].starts_with("SAF-000001-"),
        "the second, whose number is taken, gets its order id appended: {numbers:?}"
    );
}

/// A paid order pulled from another till, with `invoice_no` as that till printed it.
fn pulled_paid(n: u32, invoice_no: &str) -> (pos_core::OrderId, Vec<(pos_core::MutationId, Mutation)>) {
    let mut o = order(n);
    let mut changes = vec![(
        mutation_id(),
        Mutation::OrderCreate {
            order: Box::new(o.clone()),
        },
    )];
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
            invoice_no: Some(invoice_no.into()),
            ledger: Vec::new(),
        },
    ));
    (o.id, changes)
}

/// Each till invoices in its own series, so a bill pulled from another till keeps the
/// number printed on its receipt; one in this till's own series (two tills given one
/// series) is set apart, so it can never take a number this till will issue.
#[test]
fn a_pulled_bill_keeps_its_number_unless_it_is_in_this_tills_own_series() {
    let (_dir, store) = fresh();
    let ours = store
        .read(pos_store::db::invoice_series)
        .expect("the series reads");
    assert_eq!(
        ours,
        pos_store::db::default_invoice_series(store.device_id()),
        "a new till gets the series derived from its device id"
    );
    let theirs = if ours == "ZZZZ" { "YYYY" } else { "ZZZZ" };
    let (other, mut changes) = pulled_paid(1, &format!("SAF-{theirs}-000001"));
    let (same, more) = pulled_paid(2, &format!("SAF-{ours}-000001"));
    changes.extend(more);
    store
        .write(|tx| sync::apply_pulled(tx, &changes, "v1.7", NOW_MS))
        .expect("the batch applies");
    let number = |id| {
        store
            .read(|c| orders::stored_bill(c, id))
            .expect("read")
            .expect("stored")
            .0
    };
    assert_eq!(number(other), format!("SAF-{theirs}-000001"));
    assert_eq!(
        number(same),
        format!("SAF-{ours}-000001-{}", same.as_uuid().simple()),
        "a number in this till's series is set apart"
    );
}
