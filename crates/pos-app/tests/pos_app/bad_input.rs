//! Bad input is refused with the right code and changes nothing: the same rows in every
//! table, the same outbox sequence, the same stored values, the same served views.

use pos_app::Actor;
use pos_app::staff::VoidLine;
use pos_app::{AddLine, CustomerInput, ErrorCode, RecordPayment, SettleBalance};
use pos_core::order::NewOrder;
use pos_core::{Discount, LineId, OrderId, OrderStatus, OrderType, PaymentMethod};

use crate::support::*;

/// A till mid-service: Asha (limit 500.00) with a 210.00 tab, an open table with a line,
/// and a paid order.
struct Floor {
    app: TempTill,
    open: pos_core::Order,
    paid: pos_core::Order,
}

fn floor() -> Floor {
    let app = test_app();
    add_customer(&app, ASHA_TYPED, "Asha Rao", 500_00);
    let tab = takeaway_for(&app, ASHA_TYPED);
    add(&app, tab.id, "BV-01", "4");
    pay(&app, tab.id, vec![tender(PaymentMethod::OnAccount, 210_00)]).unwrap();
    let open = dine_in(&app, "T1");
    let open = add(&app, open.id, "ST-01", "1");
    let paid = dine_in(&app, "T2");
    let paid = add(&app, paid.id, "BV-02", "1");
    pay_due(&app, paid.id, PaymentMethod::Cash);
    Floor { app, open, paid }
}

/// Refused with `code`, nothing changed, and the order is served as before.
#[track_caller]
fn refused<T: std::fmt::Debug>(
    f: &Floor,
    code: ErrorCode,
    what: &str,
    call: impl FnOnce() -> pos_app::Result<T>,
) -> pos_app::AppError {
    let order_before = f.app.order(f.open.id).unwrap();
    let bill_before = f.app.calculate_bill(f.open.id).unwrap();
    let balance_before = f.app.customer_balance(ASHA_TYPED).unwrap();
    let err = refused_unchanged(&f.app, code, what, call);
    assert_eq!(
        f.app.order(f.open.id).unwrap(),
        order_before,
        "{what}: the order is unchanged"
    );
    assert_eq!(
        f.app.calculate_bill(f.open.id).unwrap(),
        bill_before,
        "{what}: the bill too"
    );
    assert_eq!(
        f.app.customer_balance(ASHA_TYPED).unwrap(),
        balance_before,
        "{what}: and the balance"
    );
    err
}

fn unknown_order() -> OrderId {
    "0190a000-0000-7000-8000-000000000000".parse().unwrap()
}

#[test]
fn zero_negative_and_non_numeric_quantities_change_nothing() {
    let f = floor();
    for qty in [
        "0", "-1", "0.000", "abc", "2x", "1e3", "", " ", "1.2345", "10001", "+1", "1,5",
    ] {
        let err = refused(&f, ErrorCode::Validation, &format!("quantity {qty:?}"), || {
            f.app.add_line(line(f.open.id, "BV-01", qty))
        });
        assert_eq!(
            err.field.as_deref(),
            Some("quantity"),
            "quantity {qty:?}: {err:?}"
        );
    }
}

#[test]
fn an_unknown_or_malformed_sku_changes_nothing() {
    let f = floor();
    let err = refused(&f, ErrorCode::Validation, "unknown SKU", || {
        f.app.add_line(line(f.open.id, "ZZ-99", "1"))
    });
    assert_eq!(err.field.as_deref(), Some("sku"));
    assert!(
        err.message.contains("ZZ-99"),
        "the message names the SKU: {err:?}"
    );
    for sku in ["", "BV 01", "BV-01;DROP TABLE orders", &"A".repeat(33)] {
        let err = refused(&f, ErrorCode::Validation, &format!("SKU {sku:?}"), || {
            f.app.add_line(line(f.open.id, sku, "1"))
        });
        assert_eq!(err.field.as_deref(), Some("sku"));
    }
}

#[test]
fn an_unknown_order_or_line_changes_nothing() {
    let f = floor();
    let app = &f.app;
    let ghost = unknown_order();
    refused(&f, ErrorCode::NotFound, "add to a ghost order", || {
        app.add_line(line(ghost, "BV-01", "1"))
    });
    refused(&f, ErrorCode::NotFound, "void on a ghost order", || {
        app.void_line(Actor::System, VoidLine::new(ghost, f.open.lines[0].id, "x"))
    });
    refused(&f, ErrorCode::NotFound, "status of a ghost order", || {
        app.set_status(ghost, OrderStatus::Billed)
    });
    refused(&f, ErrorCode::NotFound, "discount on a ghost order", || {
        app.set_order_discount(ghost, None)
    });
    refused(&f, ErrorCode::NotFound, "pay a ghost order", || {
        pay(app, ghost, vec![tender(PaymentMethod::Cash, 10_00)])
    });
    refused(&f, ErrorCode::NotFound, "read a ghost order", || app.order(ghost));
    refused(&f, ErrorCode::NotFound, "bill a ghost order", || {
        app.calculate_bill(ghost)
    });
    let ghost_line = LineId::from_uuid(*ghost.as_uuid());
    let err = refused(&f, ErrorCode::Validation, "void a ghost line", || {
        app.void_line(Actor::System, VoidLine::new(f.open.id, ghost_line, "x"))
    });
    assert_eq!(err.field.as_deref(), Some("line_id"));
    refused(&f, ErrorCode::Validation, "void without a reason", || {
        app.void_line(Actor::System, VoidLine::new(f.open.id, f.open.lines[0].id, "   "))
    });
}

#[test]
fn a_malformed_phone_changes_nothing() {
    let f = floor();
    let app = &f.app;
    for bad in [
        "98450",
        "98450 1234x",
        "abc",
        "+",
        "++919845012345",
        "98450123456789012",
    ] {
        let err = refused(&f, ErrorCode::Validation, &format!("order for {bad:?}"), || {
            app.create_order(NewOrder {
                order_type: Some(OrderType::Takeaway),
                customer_phone: Some(bad.into()),
                ..NewOrder::default()
            })
        });
        assert_eq!(err.field.as_deref(), Some("phone"), "{bad:?}: {err:?}");
        refused(&f, ErrorCode::Validation, &format!("balance of {bad:?}"), || {
            app.customer_balance(bad)
        });
        refused(&f, ErrorCode::Validation, &format!("customer {bad:?}"), || {
            app.upsert_customer(CustomerInput {
                phone: bad.into(),
                name: "Someone".into(),
                credit_limit: m(0),
            })
        });
        refused(&f, ErrorCode::Validation, &format!("settle {bad:?}"), || {
            app.settle_balance(SettleBalance {
                phone: bad.into(),
                amount: m(10_00),
                method: PaymentMethod::Cash,
                note: None,
                request_id: None,
            })
        });
    }
}

#[test]
fn an_invalid_customer_changes_nothing() {
    let f = floor();
    let app = &f.app;
    // A blank name is allowed (a tab can be opened on a number alone).
    for (name, limit, field) in [
        (&*"x".repeat(121), 0, "name"),
        ("Ravi\u{0}", 0, "name"),
        ("Ravi", -1, "credit_limit"),
    ] {
        let err = refused(&f, ErrorCode::Validation, &format!("customer {field}"), || {
            app.upsert_customer(CustomerInput {
                phone: "97411 22334".into(),
                name: name.into(),
                credit_limit: m(limit),
            })
        });
        assert_eq!(err.field.as_deref(), Some(field));
    }
}

#[test]
fn overpaying_by_card_or_upi_and_bad_tenders_change_nothing() {
    let f = floor();
    let app = &f.app;
    let due = app.calculate_bill(f.open.id).unwrap().due; // 294.00
    let over = |method, extra| {
        app.record_payment(RecordPayment {
            order_id: f.open.id,
            tenders: vec![tender(method, due.minor() + extra)],
            request_id: None,
        })
    };
    let err = refused(&f, ErrorCode::Validation, "card above the bill", || {
        over(PaymentMethod::Card, 1)
    });
    assert_eq!(err.field.as_deref(), Some("amount"));
    refused(&f, ErrorCode::Validation, "UPI above the bill", || {
        over(PaymentMethod::Upi, 100_00)
    });
    refused(
        &f,
        ErrorCode::Validation,
        "card + cash where the card covers all",
        || {
            pay(
                app,
                f.open.id,
                vec![
                    tender(PaymentMethod::Card, due.minor()),
                    tender(PaymentMethod::Cash, 10_00),
                ],
            )
        },
    );
    refused(&f, ErrorCode::Validation, "no tenders", || {
        pay(app, f.open.id, vec![])
    });
    refused(&f, ErrorCode::Validation, "a zero tender", || {
        pay(app, f.open.id, vec![tender(PaymentMethod::Cash, 0)])
    });
    refused(&f, ErrorCode::Validation, "a negative tender", || {
        pay(app, f.open.id, vec![tender(PaymentMethod::Card, -100)])
    });
    refused(&f, ErrorCode::Validation, "nine tenders", || {
        pay(app, f.open.id, vec![tender(PaymentMethod::Card, 1_00); 9])
    });
    refused(&f, ErrorCode::Validation, "an oversized card reference", || {
        pay(
            app,
            f.open.id,
            vec![pos_core::Tender {
                method: PaymentMethod::Card,
                amount: m(10_00),
                reference: Some("R".repeat(65)),
            }],
        )
    });
}

#[test]
fn going_over_the_credit_limit_changes_nothing() {
    let f = floor();
    let app = &f.app;
    let order = takeaway_for(app, "+91-98450-12345");
    add(app, order.id, "ST-01", "1"); // 294.00 on a 500.00 tab that owes 210.00
    refused(&f, ErrorCode::Conflict, "tab over the limit", || {
        pay(app, order.id, vec![tender(PaymentMethod::OnAccount, 294_00)])
    });
    refused(
        &f,
        ErrorCode::Conflict,
        "a split whose tab part is over the limit",
        || {
            pay(
                app,
                order.id,
                vec![
                    tender(PaymentMethod::Cash, 3_00),
                    tender(PaymentMethod::OnAccount, 291_00),
                ],
            )
        },
    );
}

#[test]
fn editing_a_paid_order_changes_nothing() {
    let f = floor();
    let app = &f.app;
    let id = f.paid.id;
    refused(&f, ErrorCode::Conflict, "line on a paid order", || {
        app.add_line(line(id, "BV-01", "1"))
    });
    refused(&f, ErrorCode::Conflict, "void on a paid order", || {
        app.void_line(Actor::System, VoidLine::new(id, f.paid.lines[0].id, "oops"))
    });
    refused(&f, ErrorCode::Conflict, "reopen a paid order", || {
        app.set_status(id, OrderStatus::Open)
    });
    refused(&f, ErrorCode::Conflict, "void a paid order", || {
        app.set_status(id, OrderStatus::Void)
    });
    refused(&f, ErrorCode::Conflict, "discount a paid order", || {
        app.set_order_discount(id, Some(Discount::Amount(m(1_00))))
    });
    refused(&f, ErrorCode::Conflict, "pay a paid order again", || {
        pay(app, id, vec![tender(PaymentMethod::Cash, 1_00)])
    });
}

#[test]
fn oversized_notes_and_text_change_nothing() {
    let f = floor();
    let app = &f.app;
    let long = "n".repeat(501);
    let err = refused(&f, ErrorCode::Validation, "501-character order notes", || {
        app.create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            notes: Some(long.clone()),
            ..NewOrder::default()
        })
    });
    assert_eq!(err.field.as_deref(), Some("notes"));
    let err = refused(&f, ErrorCode::Validation, "501-character line note", || {
        app.add_line(AddLine {
            note: Some(long.clone()),
            ..line(f.open.id, "BV-01", "1")
        })
    });
    assert_eq!(err.field.as_deref(), Some("note"));
    let err = refused(&f, ErrorCode::Validation, "501-character void reason", || {
        app.void_line(Actor::System, VoidLine::new(f.open.id, f.open.lines[0].id, &long))
    });
    assert_eq!(err.field.as_deref(), Some("reason"));
    let err = refused(&f, ErrorCode::Validation, "501-character settlement note", || {
        app.settle_balance(SettleBalance {
            phone: ASHA_TYPED.into(),
            amount: m(10_00),
            method: PaymentMethod::Cash,
            note: Some(long.clone()),
            request_id: None,
        })
    });
    assert_eq!(err.field.as_deref(), Some("note"));
    refused(
        &f,
        ErrorCode::Validation,
        "a control character in the notes",
        || {
            app.create_order(NewOrder {
                order_type: Some(OrderType::Takeaway),
                notes: Some("no\u{7}bell".into()),
                ..NewOrder::default()
            })
        },
    );
    refused(
        &f,
        ErrorCode::Validation,
        "a dine-in order without a table",
        || {
            app.create_order(NewOrder {
                order_type: Some(OrderType::DineIn),
                ..NewOrder::default()
            })
        },
    );
    refused(&f, ErrorCode::Validation, "a 21-character table", || {
        app.create_order(NewOrder {
            order_type: Some(OrderType::DineIn),
            table: Some("T".repeat(21)),
            ..NewOrder::default()
        })
    });
    let at_limit = app
        .create_order(NewOrder {
            order_type: Some(OrderType::Takeaway),
            notes: Some("n".repeat(500)),
            ..NewOrder::default()
        })
        .expect("500 characters is the limit, not over it");
    assert_eq!(at_limit.notes.chars().count(), 500);
}

#[test]
fn an_invalid_profile_changes_nothing() {
    let f = floor();
    let mut p = pos_testkit::example_profile();
    p.email = "at@nowhere".into();
    let err = refused(&f, ErrorCode::Validation, "invalid profile", || {
        f.app.update_profile(Actor::System, p)
    });
    assert_eq!(err.field.as_deref(), Some("email"));
}

#[test]
fn a_line_discount_larger_than_the_line_changes_nothing() {
    let f = floor();
    let err = refused(&f, ErrorCode::Validation, "line discount above the line", || {
        f.app.add_line(AddLine {
            discount: Some(Discount::Amount(m(50_01))),
            ..line(f.open.id, "BV-01", "1")
        })
    });
    assert_eq!(err.field.as_deref(), Some("discount"));
}
