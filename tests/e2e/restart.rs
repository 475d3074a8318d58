use pos_app::{AddLine, ListOrders, RecordPayment};
use pos_core::order::NewOrder;
use pos_core::{OrderStatus, OrderType, PaymentMethod, Tender};

#[test]
fn a_restarted_till_keeps_unsynced_sales_open_tables_and_numbering() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("till.db");
    let (paid_id, open_id, outbox_before, last_number) = {
        let app = pos_testkit::till::open_demo_till(&db).expect("first start");
        let paid = app
            .create_order(NewOrder {
                order_type: Some(OrderType::Takeaway),
                ..NewOrder::default()
            })
            .expect("order");
        app.add_line(AddLine {
            order_id: paid.id,
            sku: "SI-01".into(),
            qty: "2".into(),
            discount: None,
            note: None,
            request_id: None,
        })
        .expect("line");
        let due = app.calculate_bill(paid.id).expect("bill").due;
        app.record_payment(RecordPayment {
            order_id: paid.id,
            tenders: vec![Tender {
                method: PaymentMethod::Card,
                amount: due,
                reference: None,
            }],
            request_id: None,
        })
        .expect("payment");
        let open = app
            .create_order(NewOrder {
                table: Some("T9".into()),
                ..NewOrder::default()
            })
            .expect("order");
        app.add_line(AddLine {
            order_id: open.id,
            sku: "ST-01".into(),
            qty: "1".into(),
            discount: None,
            note: None,
            request_id: None,
        })
        .expect("line");
        let pending = app.cache_stats().expect("stats").outbox_pending;
        (paid.id, open.id, pending, open.number)
    };
    assert!(outbox_before > 0, "the demo and the sales are unsynced");

    let app = pos_testkit::till::open_demo_till(&db).expect("second start");
    assert_eq!(
        app.cache_stats().expect("stats").outbox_pending,
        outbox_before,
        "no outbox row lost or added by a restart"
    );
    assert_eq!(
        app.order(paid_id).expect("paid order").order.status,
        OrderStatus::Paid
    );
    let active = app.list_orders(&ListOrders::default()).expect("active");
    assert!(
        active.orders.iter().any(|o| o.id == open_id),
        "the open table is still on the floor"
    );
    let next = app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            ..NewOrder::default()
        })
        .expect("order");
    assert_eq!(
        next.number,
        last_number + 1,
        "order numbers continue after a restart"
    );
    assert_eq!(
        app.clear_cache().expect("clear").outbox_pending,
        outbox_before + 1,
        "clearing the cache keeps the outbox"
    );
}
