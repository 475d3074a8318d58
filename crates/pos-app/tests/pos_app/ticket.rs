//! `add_lines`: a ticket of several lines in one commit, one outbox row per line.

use pos_app::{AddLines, ErrorCode, TicketLine};
use pos_protocol::Mutation;

use crate::support::*;

fn lines(skus: &[(&str, &str)]) -> Vec<TicketLine> {
    skus.iter()
        .map(|(sku, qty)| TicketLine {
            sku: (*sku).into(),
            qty: (*qty).into(),
            discount: None,
            note: None,
        })
        .collect()
}

#[test]
fn a_ticket_adds_every_line_with_one_outbox_row_each_in_order() {
    let app = test_app();
    let order = dine_in(&app, "T1");
    let before = outbox_rows(&app).len();
    let skus = app.list_menu(false).expect("menu");
    let (a, b, c) = (skus[0].sku.as_str(), skus[1].sku.as_str(), skus[2].sku.as_str());
    let o = app
        .add_lines(AddLines {
            order_id: order.id,
            lines: lines(&[(a, "1"), (b, "2"), (c, "0.5")]),
            request_id: None,
        })
        .expect("the ticket is added");
    assert_eq!(o.lines.len(), 3, "every line of the ticket is on the order");
    assert_eq!(o.lines[1].qty.to_string(), "2", "quantities as typed");
    assert_eq!(
        direct_order(&app, order.id).order,
        o,
        "the answer is what SQLite holds"
    );
    let pending = pending_outbox(&app);
    let new: Vec<_> = pending.iter().skip(before).collect();
    assert_eq!(
        new.len(),
        3,
        "one outbox row per line, so the server applies them like single adds"
    );
    for (row, line) in new.iter().zip(&o.lines) {
        match row.mutation().expect("decodes") {
            Mutation::OrderAddLine { order_id, line: l } => {
                assert_eq!(order_id, order.id);
                assert_eq!(*l, *line, "the outbox carries each line in order");
            }
            other => panic!("expected order.add_line, got {other:?}"),
        }
    }
    assert_eq!(
        app.order(order.id).expect("order").order,
        o,
        "the cache serves the ticket after the write"
    );
}

#[test]
fn a_ticket_with_one_unknown_sku_adds_nothing() {
    let app = test_app();
    let order = dine_in(&app, "T2");
    let first = app.list_menu(false).expect("menu")[0].sku.clone();
    let err = refused_unchanged(
        &app,
        ErrorCode::Validation,
        "a ticket with an unknown SKU",
        || {
            app.add_lines(AddLines {
                order_id: order.id,
                lines: lines(&[(first.as_str(), "1"), ("NO-SUCH", "1")]),
                request_id: None,
            })
        },
    );
    assert!(
        err.message.contains("NO-SUCH"),
        "the error names the SKU: {}",
        err.message
    );
    assert!(
        app.order(order.id).expect("order").order.lines.is_empty(),
        "no line was added"
    );
}

#[test]
fn an_empty_ticket_or_a_bad_quantity_is_refused() {
    let app = test_app();
    let order = dine_in(&app, "T3");
    let first = app.list_menu(false).expect("menu")[0].sku.clone();
    refused_unchanged(&app, ErrorCode::Validation, "an empty ticket", || {
        app.add_lines(AddLines {
            order_id: order.id,
            lines: Vec::new(),
            request_id: None,
        })
    });
    let err = refused_unchanged(&app, ErrorCode::Validation, "a bad quantity", || {
        app.add_lines(AddLines {
            order_id: order.id,
            lines: lines(&[(first.as_str(), "1"), (first.as_str(), "-2")]),
            request_id: None,
        })
    });
    assert_eq!(err.field.as_deref(), Some("lines[1]"), "the error names the line");
}

#[test]
fn a_repeated_ticket_request_adds_its_lines_once() {
    let app = test_app();
    let order = dine_in(&app, "T4");
    let first = app.list_menu(false).expect("menu")[0].sku.clone();
    let input = AddLines {
        order_id: order.id,
        lines: lines(&[(first.as_str(), "1"), (first.as_str(), "1")]),
        request_id: Some(uuid::Uuid::now_v7()),
    };
    let once = app.add_lines(input.clone()).expect("first");
    let outbox = outbox_rows(&app).len();
    let again = app.add_lines(input).expect("the retry answers");
    assert_eq!(once, again, "the retry gets the first result");
    assert_eq!(
        direct_order(&app, order.id).order.lines.len(),
        2,
        "the lines were added once"
    );
    assert_eq!(outbox_rows(&app).len(), outbox, "the retry wrote no outbox row");
}
