//! Orders, bills and ledgers round-trip; reads see one snapshot; backups are whole.

use pos_core::ledger::LedgerKind;
use pos_core::{LedgerEntry, LedgerEntryId, Money, OrderStatus, Phone};
use pos_store::{StoreError, customers, orders, summary};

use crate::support::*;

#[test]
fn an_order_with_lines_payments_and_its_bill_round_trips() {
    let (_dir, store) = fresh();
    let mut o = order(7);
    o.lines.push(order_line("DAL-01", 240_00, 2000));
    o.lines.push(order_line("NAAN-02", 60_00, 1500));
    o.lines[1].void = Some(pos_core::order::LineVoid {
        reason: "burnt".into(),
        at_ms: NOW_MS,
        voided_by: Some("0196f0a0-0000-7000-8000-00000000000b".parse().expect("an id")),
        approved_by: Some("0196f0a0-0000-7000-8000-00000000000a".parse().expect("an id")),
    });
    let bill = bill_of(&o);
    o.payments.push(cash(bill.total.minor(), 600_00));
    o.status = OrderStatus::Paid;
    store
        .write(|tx| {
            orders::insert_order(tx, &o)?;
            for (i, l) in o.lines.iter().enumerate() {
                orders::insert_line(tx, o.id, i, l)?;
            }
            orders::insert_payment(tx, o.id, &o.payments[0], DAY)?;
            orders::update_header(tx, &o, orders::Derived::default())?;
            let paid = pos_core::PaidBill {
                invoice_no: "T1-000001".into(),
                bill: bill.clone(),
                paid_at_ms: NOW_MS,
            };
            orders::insert_bill(tx, o.id, &paid, DAY, NOW_MS)
        })
        .unwrap();
    let back = store.read(|c| orders::load_order(c, o.id)).unwrap();
    assert_eq!(back.as_ref(), Some(&o), "the order reads back exactly as written");
    let (no, stored) = store.read(|c| orders::stored_bill(c, o.id)).unwrap().unwrap();
    assert_eq!(
        (no.as_str(), &stored),
        ("T1-000001", &bill),
        "the bill snapshot too"
    );
    let s = store.read(|c| summary::day_summary(c, DAY)).unwrap();
    assert_eq!((s.bills, s.total, s.voided_lines), (1, bill.total, 1));
    assert_eq!(s.voided_amount, Money::from_minor(90_00), "1.5 naan at 60.00");
    assert!(
        store.read(orders::active_summaries).unwrap().is_empty(),
        "a paid order is off the floor"
    );
    let (page, total) = store
        .read(|c| orders::page(c, &[OrderStatus::Paid], 10, 0))
        .unwrap();
    assert_eq!((page.len(), total), (1, 1));
    assert_eq!(page[0].items_total, Money::from_minor(480_00), "live lines only");
    assert_eq!(page[0].paid, bill.total);
}

#[test]
fn a_line_keeps_its_levies_and_a_cess_is_stored_as_other_tax() {
    let (_dir, store) = fresh();
    let mut o = order(8);
    let mut cola = order_line("COLA-01", 40_00, 3000);
    cola.tax_class = "GST28".into();
    cola.tax_rate = pos_core::TaxRate::from_bps(2800).expect("28%");
    cola.levies = vec![pos_core::Levy {
        code: "CESS12".into(),
        name: "Compensation cess".into(),
        charge: pos_core::LevyCharge::Percent(pos_core::TaxRate::from_bps(1200).expect("12%")),
        compound: false,
        kind: pos_core::LevyKind::Cess,
    }];
    o.lines.push(order_line("DAL-01", 240_00, 1000));
    o.lines.push(cola);
    let bill = bill_of(&o);
    assert_eq!(bill.other_tax(), Money::from_minor(14_40), "12% cess on 120.00");
    o.payments.push(cash(bill.total.minor(), bill.total.minor()));
    o.status = OrderStatus::Paid;
    store
        .write(|tx| {
            orders::insert_order(tx, &o)?;
            for (i, l) in o.lines.iter().enumerate() {
                orders::insert_line(tx, o.id, i, l)?;
            }
            orders::insert_payment(tx, o.id, &o.payments[0], DAY)?;
            orders::update_header(tx, &o, orders::Derived::default())?;
            let paid = pos_core::PaidBill {
                invoice_no: "T1-000002".into(),
                bill: bill.clone(),
                paid_at_ms: NOW_MS,
            };
            orders::insert_bill(tx, o.id, &paid, DAY, NOW_MS)
        })
        .unwrap();
    let back = store
        .read(|c| orders::load_order(c, o.id))
        .unwrap()
        .expect("the order");
    let levies_of = |sku: &str| {
        back.lines
            .iter()
            .find(|l| l.sku.as_str() == sku)
            .map(|l| l.levies.clone())
    };
    assert_eq!(
        levies_of("COLA-01"),
        Some(o.lines[1].levies.clone()),
        "the cess the cola was sold with"
    );
    assert_eq!(
        levies_of("DAL-01"),
        Some(Vec::new()),
        "a line without levies stays without"
    );
    let columns: (i64, i64, i64, i64, i64) = store
        .read(|c| -> Result<_, StoreError> {
            Ok(c.query_row(
                "SELECT cgst, sgst, igst, other_tax, tax_total FROM bills WHERE order_id = ?1",
                [o.id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )?)
        })
        .unwrap();
    assert_eq!(columns.3, 14_40, "the cess is in other_tax");
    assert_eq!(
        columns.0 + columns.1 + columns.2 + columns.3,
        columns.4,
        "and the four tax columns still sum to the tax"
    );
    let s = store.read(|c| summary::day_summary(c, DAY)).unwrap();
    assert_eq!(
        s.other_tax,
        Money::from_minor(14_40),
        "the day summary counts it as other tax"
    );
}

#[test]
fn a_balance_is_the_sum_of_the_ledger() {
    let (_dir, store) = fresh();
    let phone = Phone::parse("98450 12345", "91").unwrap();
    let entry = |kind, amount, at| LedgerEntry {
        id: LedgerEntryId::from_uuid(new_id()),
        phone: phone.clone(),
        kind,
        amount: Money::from_minor(amount),
        order_id: None,
        method: None,
        note: String::new(),
        at_ms: at,
    };
    store
        .write(|tx| {
            customers::upsert_customer(
                tx,
                &pos_core::Customer {
                    phone: phone.clone(),
                    name: "Asha".into(),
                    credit_limit: Money::from_minor(5_000_00),
                },
                NOW_MS,
            )?;
            customers::insert_entry(tx, &entry(LedgerKind::Charge, 500_00, NOW_MS), DAY)?;
            customers::insert_entry(tx, &entry(LedgerKind::Charge, 300_00, NOW_MS + 1), DAY)?;
            customers::insert_entry(tx, &entry(LedgerKind::Settlement, 200_00, NOW_MS + 2), DAY)
        })
        .unwrap();
    assert_eq!(
        store.read(|c| customers::balance(c, &phone)).unwrap(),
        Money::from_minor(600_00)
    );
    let recent = store.read(|c| customers::recent_entries(c, &phone, 2)).unwrap();
    assert_eq!(recent.len(), 2, "bounded");
    assert_eq!(recent[0].kind, LedgerKind::Settlement, "newest first");
    let stranger = Phone::parse("97411 22334", "91").unwrap();
    assert_eq!(
        store.read(|c| customers::balance(c, &stranger)).unwrap(),
        Money::ZERO
    );
}

#[test]
fn a_read_sees_one_snapshot_even_when_a_write_commits_during_it() {
    let (_dir, store) = fresh();
    let (first, second) = store
        .read(|c| {
            let first = orders::order_count(c)?;
            // Another connection commits while this read is still going.
            store.write(|tx| orders::insert_order(tx, &order(1)))?;
            let second = orders::order_count(c)?;
            Ok::<_, StoreError>((first, second))
        })
        .unwrap();
    assert_eq!(
        (first, second),
        (0, 0),
        "one read, one snapshot: an order never straddles a commit"
    );
    assert_eq!(
        store.read(orders::order_count).unwrap(),
        1,
        "the next read sees the commit"
    );
}

#[test]
fn readers_do_not_see_a_write_before_it_commits() {
    let (_dir, store) = fresh();
    store
        .write(|tx| {
            orders::insert_order(tx, &order(1))?;
            assert_eq!(orders::order_count(tx)?, 1, "the writer sees its own row");
            assert_eq!(store.read(orders::order_count)?, 0, "a reader does not, yet");
            Ok::<_, StoreError>(())
        })
        .unwrap();
    assert_eq!(store.read(orders::order_count).unwrap(), 1);
}

#[test]
fn a_backup_is_a_complete_store() {
    let (dir, store) = fresh();
    for n in 1..=3 {
        let o = order(n);
        store.write(|tx| orders::insert_order(tx, &o)).unwrap();
        append_one(&store, &status_mutation(&o));
    }
    let copy = dir.path().join("backup.db");
    store.backup_to(&copy).unwrap();
    let restored =
        pos_store::Store::open(&copy, pos_store::StoreOptions::default(), device(9), NOW_MS).unwrap();
    assert_eq!(
        restored.device_id(),
        store.device_id(),
        "the backup is the same till"
    );
    assert_eq!(restored.read(orders::order_count).unwrap(), 3);
    assert_eq!(
        restored.read(pos_store::outbox::last_seq).unwrap(),
        3,
        "with its outbox"
    );
}
