//! The outbox: per-device sequence numbers that are never reused, written in the same
//! transaction as the rows they describe.

use pos_core::DomainError;
use pos_store::{StoreError, orders, outbox};

use crate::support::*;

#[test]
fn appends_get_consecutive_sequence_numbers_and_decode_back() {
    let (_dir, store) = fresh();
    let o = order(1);
    let m = status_mutation(&o);
    let seqs: Vec<i64> = (0..3).map(|_| append_one(&store, &m)).collect();
    assert_eq!(seqs, vec![1, 2, 3]);
    assert_eq!(store.read(outbox::last_seq).unwrap(), 3);
    assert_eq!(store.read(outbox::pending_count).unwrap(), 3);
    let pending = store.read(|c| outbox::pending(c, 2)).unwrap();
    assert_eq!(
        pending.iter().map(|e| e.seq).collect::<Vec<_>>(),
        vec![1, 2],
        "oldest first, bounded"
    );
    assert_eq!(pending[0].intent, "order.set_status");
    assert_eq!(
        pending[0].mutation().unwrap(),
        m,
        "the payload decodes to the same mutation"
    );
    assert_eq!(pending[0].acked_at_ms, None);
}

#[test]
fn a_failed_write_rolls_back_its_rows_and_its_outbox_row() {
    let (_dir, store) = fresh();
    let o = order(1);
    let result: Result<(), StoreError> = store.write(|tx| {
        orders::insert_order(tx, &o)?;
        orders::insert_line(tx, o.id, 0, &order_line("DAL-01", 240_00, 1000))?;
        tx.next_counter("invoice")?;
        let seq = outbox::append(tx, mutation_id(), &status_mutation(&o), NOW_MS)?;
        assert_eq!(seq, 1, "inside the transaction the row is there");
        Err(DomainError::conflict("refused after writing").into())
    });
    assert!(
        matches!(result, Err(StoreError::Domain(_))),
        "the closure's error is returned"
    );
    let (orders_n, lines, outbox_n, last, counters) = store
        .read(|c| {
            Ok::<_, StoreError>((
                orders::order_count(c)?,
                c.query_row("SELECT COUNT(*) FROM order_lines", [], |r| r.get::<_, i64>(0))?,
                outbox::total_count(c)?,
                outbox::last_seq(c)?,
                c.query_row("SELECT COUNT(*) FROM counters", [], |r| r.get::<_, i64>(0))?,
            ))
        })
        .unwrap();
    assert_eq!((orders_n, lines), (0, 0), "the order and its line are gone");
    assert_eq!(outbox_n, 0, "the outbox row went with them");
    assert_eq!(last, 0, "and its sequence number was not spent");
    assert_eq!(counters, 0, "counters roll back too");
    assert_eq!(
        append_one(&store, &status_mutation(&o)),
        1,
        "the next write takes seq 1"
    );
}

#[test]
fn sequence_numbers_are_never_reused_after_rows_are_removed() {
    let (_dir, store) = fresh();
    let m = status_mutation(&order(1));
    append_one(&store, &m);
    append_one(&store, &m);
    store
        .write(|tx| tx.execute("DELETE FROM outbox", []).map_err(StoreError::from))
        .unwrap();
    assert_eq!(store.read(outbox::total_count).unwrap(), 0);
    assert_eq!(
        append_one(&store, &m),
        3,
        "a pruned outbox does not restart the sequence"
    );
}

#[test]
fn the_device_and_its_sequence_survive_a_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let m = status_mutation(&order(1));
    for _ in 0..3 {
        append_one(&store, &m);
    }
    let pending = store.read(|c| outbox::pending(c, 100)).unwrap();
    drop(store);
    let again = pos_store::Store::open(
        &dir.path().join("till.db"),
        pos_store::StoreOptions::default(),
        device(2),
        NOW_MS + 1,
    )
    .unwrap();
    assert_eq!(
        again.device_id(),
        device(1),
        "the file keeps the device it was created for"
    );
    assert_eq!(
        again.read(|c| outbox::pending(c, 100)).unwrap(),
        pending,
        "unsynced rows survive"
    );
    assert_eq!(append_one(&again, &m), 4, "the sequence continues");
}
