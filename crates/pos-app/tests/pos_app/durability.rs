//! What was sold survives a restart; a file from a newer till is refused.

use pos_app::{App, AppConfig, ErrorCode, ManualClock};
use pos_core::{OrderStatus, PaymentMethod};

use crate::support::*;

#[test]
fn sales_payments_tabs_and_the_outbox_survive_a_restart() {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 5_000_00);
    let tab = takeaway_for(&app, ASHA_TYPED);
    add(&app, tab.id, "BV-01", "4");
    pay_due(&app, tab.id, PaymentMethod::OnAccount);
    let cash = dine_in(&app, "T1");
    add(&app, cash.id, "ST-01", "1");
    pay(&app, cash.id, vec![tender(PaymentMethod::Cash, 500_00)]).unwrap();
    let open = dine_in(&app, "T2");
    add(&app, open.id, "MN-01", "2");

    let ids = [tab.id, cash.id, open.id];
    let orders_before: Vec<_> = ids.iter().map(|&id| direct_order(&app, id).order).collect();
    let bills_before: Vec<_> = ids.iter().map(|&id| direct_bill(&app, id)).collect();
    let counts_before = counts(&app);
    let outbox_before = pending_outbox(&app);
    let dump_before = dump(&app);
    let device = app.store().device_id();
    assert!(!outbox_before.is_empty(), "the sales are waiting for sync");
    assert!(counts_before.rows["ledger"] > 0 && counts_before.rows["payments"] > 0);

    // An hour later, the till starts again on its file.
    app.clock().advance_ms(3_600_000);
    let app = app.reopen();

    assert_eq!(dump(&app), dump_before, "every row is back, exactly");
    assert_eq!(counts(&app), counts_before);
    assert_eq!(
        pending_outbox(&app),
        outbox_before,
        "unsynced mutations are still queued"
    );
    assert_eq!(app.store().device_id(), device, "the till keeps its identity");
    for (i, &id) in ids.iter().enumerate() {
        assert_eq!(
            app.order(id).unwrap().order,
            orders_before[i],
            "order {i} is served as before"
        );
        assert_eq!(*app.calculate_bill(id).unwrap(), bills_before[i], "bill {i} too");
    }
    assert_eq!(app.order(cash.id).unwrap().order.status, OrderStatus::Paid);
    assert_eq!(
        app.customer_balance(ASHA_TYPED).unwrap().balance,
        m(210_00),
        "the tab survives"
    );
    assert_eq!(
        app.list_orders(&Default::default()).unwrap().total,
        1,
        "one table still open"
    );

    let next = dine_in(&app, "T3");
    assert_eq!(next.number, 4, "order numbers continue within the day");
    let rows = outbox_rows(&app);
    assert_eq!(
        rows.last().unwrap().0,
        counts_before.outbox_max_seq + 1,
        "the sequence continues after a restart: no number is reused"
    );
    let paid = pay_due(&app, open.id, PaymentMethod::Card);
    assert_eq!(
        paid.invoice_no.as_deref(),
        Some(crate::support::invoice(&app, 3).as_str()),
        "invoice numbers continue"
    );
}

#[test]
fn a_database_from_a_newer_till_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    {
        let app = App::open_with_clock(
            AppConfig::new(&path),
            std::sync::Arc::new(ManualClock::new(NOON_IST_MS)),
        )
        .unwrap();
        app.store()
            .write(|tx| {
                tx.pragma_update(None, "user_version", 99)?;
                Ok::<_, pos_store::StoreError>(())
            })
            .unwrap();
    }
    let err = App::open_with_clock(
        AppConfig::new(&path),
        std::sync::Arc::new(ManualClock::new(NOON_IST_MS)),
    )
    .expect_err("a schema newer than this code must not be opened");
    assert_eq!(err.code, ErrorCode::Storage);
    assert!(!err.retryable, "a newer schema never goes away by retrying");
    assert!(
        err.message.contains("99"),
        "the message gives the version found: {err:?}"
    );
    assert!(err.message.contains("newer"), "and says what is wrong: {err:?}");
}
