//! Replaying other tills' changes through the sync rules (`records::apply` in replay mode,
//! as a pull does).

use pos_protocol::Mutation;
use pos_protocol::rules::{Envelope, Mode};
use pos_store::{Store, StoreError, orders, records};

use crate::support::*;

/// Replays `changes` as a pulled page would, in one transaction; how many changed something.
fn replay(store: &Store, changes: &[(pos_core::MutationId, Mutation)]) -> usize {
    store
        .write(|tx| {
            let mut changed = 0;
            for (id, m) in changes {
                let env = Envelope { id: *id, mutation: m };
                let (_, effect) = records::apply(tx, env, Mode::Replay { verdict: None }, NOW_MS)?;
                changed += usize::from(effect.changes().is_some());
            }
            Ok::<_, StoreError>(changed)
        })
        .expect("the page applies")
}

/// Two other tills each issue their invoice 1 (from before invoice series, when their
/// counters gave the same numbers): both bills are stored, each under the number its
/// receipt shows, and the pull goes on.
#[test]
fn pulled_bills_with_the_same_invoice_number_from_two_tills_are_both_stored_as_printed() {
    let (_dir, store) = fresh();
    let mut changes = Vec::new();
    let mut ids = Vec::new();
    for n in 1..=2 {
        let (id, more) = pulled_paid(n, "SAF-000001");
        changes.extend(more);
        ids.push(id);
    }
    assert_eq!(replay(&store, &changes), 6, "every change applied");
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
    assert_eq!(
        numbers,
        vec!["SAF-000001".to_string(), "SAF-000001".to_string()],
        "each bill keeps the number its guest holds"
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

/// Replaying the same page twice (a pull repeated after an adoption moved the cursor
/// back) changes nothing the second time.
#[test]
fn replaying_a_page_again_changes_nothing() {
    let (_dir, store) = fresh();
    let (id, changes) = pulled_paid(1, "SAF-ZZZZ-000001");
    assert_eq!(replay(&store, &changes), 3);
    let once = store.read(|c| orders::load_record(c, id)).unwrap().unwrap();
    assert_eq!(replay(&store, &changes), 0, "every change is already here");
    let twice = store.read(|c| orders::load_record(c, id)).unwrap().unwrap();
    assert_eq!(once, twice);
    assert_eq!(twice.invoice_no(), Some("SAF-ZZZZ-000001"));
}
