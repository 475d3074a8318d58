//! Order rules: each concurrent pair decided once on the server and replayed to the same
//! end on every till.

use pos_core::{Money, OrderStatus};
use pos_protocol::Mutation;
use pos_protocol::rules::{Conflict, Effect, Mode, Refusal};

use crate::support::*;

fn opened() -> (Server, Replica, Replica, pos_core::OrderId) {
    let mut server = Server::new();
    let o = order(1);
    let create = Mutation::OrderCreate {
        order: Box::new(o.clone()),
    };
    let add = Mutation::OrderAddLine {
        order_id: o.id,
        line: Box::new(line(10, 340_00, 2_000)),
    };
    server.push(mid(100), &create);
    server.push(mid(101), &add);
    let (mut a, mut b) = (Replica::new(), Replica::new());
    server.pull(&mut a, 0);
    server.pull(&mut b, 0);
    (server, a, b, o.id)
}

#[test]
fn two_tills_paying_one_order_offline_keep_both_payments_and_agree_on_one_bill() {
    let (mut server, mut a, mut b, id) = opened();
    let cursor = server.log.len();
    // Both tills pay the whole bill while offline, each under its own invoice number.
    let pay_a = pay_off(a.record(id), 200, "T1-AAAA-000001", 5_000);
    let pay_b = pay_off(b.record(id), 201, "T1-BBBB-000001", 5_100);
    assert!(matches!(
        a.apply(mid(300), &pay_a, Mode::Decide),
        Effect::Changed(_)
    ));
    assert!(matches!(
        b.apply(mid(301), &pay_b, Mode::Decide),
        Effect::Changed(_)
    ));
    let total = a.record(id).bill.as_ref().unwrap().bill.total;

    // A reaches the server first: its bill is the order's. B's arrives second.
    assert!(matches!(server.push(mid(300), &pay_a), Effect::Changed(_)));
    let Effect::Conflict { conflict, .. } = server.push(mid(301), &pay_b) else {
        panic!("the second bill must be flagged");
    };
    assert_eq!(
        conflict,
        Conflict::Overpaid {
            excess: total,
            superseded_invoice: Some("T1-BBBB-000001".into()),
        },
        "both payments are real money: the whole second one is due back"
    );

    // Both tills replay the log (their own changes included) and end where the server is.
    server.pull(&mut a, cursor);
    server.pull(&mut b, cursor);
    let s = server.replica.record(id).clone();
    assert_eq!(s.order.status, OrderStatus::Paid);
    assert_eq!(
        s.invoice_no(),
        Some("T1-AAAA-000001"),
        "the first bill to arrive stands"
    );
    assert_eq!(s.superseded.len(), 1);
    assert_eq!(
        s.superseded[0].invoice_no, "T1-BBBB-000001",
        "B's number is kept, never reused"
    );
    assert_eq!(s.order.payments.len(), 2);
    assert_eq!(s.excess(), total);
    assert_same(a.record(id), &s, "till A");
    assert_same(b.record(id), &s, "till B");
}

#[test]
fn a_till_that_pulls_the_winning_bill_before_pushing_its_own_supersedes_its_own_at_once() {
    let (mut server, mut a, mut b, id) = opened();
    let cursor = server.log.len();
    let pay_a = pay_off(a.record(id), 200, "T1-AAAA-000001", 5_000);
    let pay_b = pay_off(b.record(id), 201, "T1-BBBB-000001", 5_100);
    a.apply(mid(300), &pay_a, Mode::Decide);
    b.apply(mid(301), &pay_b, Mode::Decide);
    server.push(mid(300), &pay_a);
    // B pulls A's payment before it has pushed its own.
    let cursor_b = server.pull(&mut b, cursor);
    let rb = b.record(id);
    assert_eq!(
        rb.invoice_no(),
        Some("T1-AAAA-000001"),
        "B adopts the server's bill"
    );
    assert!(rb.superseded.iter().any(|s| s.invoice_no == "T1-BBBB-000001"));
    assert!(
        rb.excess().is_positive(),
        "B shows the excess before it has even pushed"
    );
    // Then B pushes: the server decides the same, and nothing moves on B.
    server.push(mid(301), &pay_b);
    server.pull(&mut b, cursor_b);
    server.pull(&mut a, cursor);
    let s = server.replica.record(id).clone();
    assert_same(b.record(id), &s, "till B");
    assert_same(a.record(id), &s, "till A");
}

#[test]
fn a_discount_that_reached_the_server_before_the_payment_is_applied_on_the_till_that_already_paid() {
    let (mut server, mut a, mut b, id) = opened();
    let cursor = server.log.len();
    // B gives 15% off and pushes at once; A, offline, has already taken the full amount.
    let off = discount(id, 1500, 4_000);
    b.apply(mid(400), &off, Mode::Decide);
    server.push(mid(400), &off);
    let pay_a = pay_off(a.record(id), 200, "T1-AAAA-000001", 5_000);
    a.apply(mid(300), &pay_a, Mode::Decide);
    // A pulls the discount while its copy is paid: it is applied, not dropped.
    let cursor_a = server.pull(&mut a, cursor);
    let ra = a.record(id);
    assert!(
        ra.order.discount.is_some(),
        "the server's discount reaches the paid copy"
    );
    assert!(ra.bill_mismatch, "the bill paid no longer matches the order");
    server.push(mid(300), &pay_a);
    server.pull(&mut a, cursor_a);
    server.pull(&mut b, cursor);
    let s = server.replica.record(id).clone();
    assert!(s.bill_mismatch, "the server flags the same mismatch");
    assert_same(a.record(id), &s, "till A");
    assert_same(b.record(id), &s, "till B");
}

#[test]
fn a_payment_that_reaches_an_order_voided_elsewhere_is_kept_and_all_of_it_is_due_back() {
    let (mut server, mut a, mut b, id) = opened();
    let cursor = server.log.len();
    let void = Mutation::OrderSetStatus {
        order_id: id,
        status: OrderStatus::Void,
        at_ms: 4_000,
        sent_lines: None,
    };
    a.apply(mid(500), &void, Mode::Decide);
    let pay_b = pay_off(b.record(id), 201, "T1-BBBB-000001", 5_100);
    b.apply(mid(301), &pay_b, Mode::Decide);
    server.push(mid(500), &void);
    let Effect::Conflict { conflict, .. } = server.push(mid(301), &pay_b) else {
        panic!("a payment on a void order is kept and flagged");
    };
    assert!(matches!(conflict, Conflict::PaidAfterVoid { .. }));
    server.pull(&mut a, cursor);
    server.pull(&mut b, cursor);
    let s = server.replica.record(id).clone();
    assert_eq!(s.order.status, OrderStatus::Void);
    assert_eq!(s.bill, None, "a void order has no bill");
    assert_eq!(s.excess(), s.order.amount_paid());
    assert_same(a.record(id), &s, "till A");
    assert_same(b.record(id), &s, "till B");
}

#[test]
fn a_line_added_to_an_order_paid_elsewhere_is_refused_by_the_server_with_its_reason() {
    let (mut server, a, mut b, id) = opened();
    let pay = pay_off(a.record(id), 200, "T1-AAAA-000001", 5_000);
    server.push(mid(300), &pay);
    let add = Mutation::OrderAddLine {
        order_id: id,
        line: Box::new(line(11, 50_00, 6_000)),
    };
    b.apply(mid(600), &add, Mode::Decide);
    let Effect::Rejected(r) = server.push(mid(600), &add) else {
        panic!("an edit to a paid order is refused");
    };
    assert_eq!(r.code, Refusal::OrderFinal);
    assert!(r.message.contains("paid"), "{}", r.message);
    assert_eq!(server.log.len(), 3, "a refusal is not logged for the other tills");
}

#[test]
fn a_non_final_status_never_overrides_a_payment_this_till_has_taken() {
    let (mut server, mut a, _b, id) = opened();
    let cursor = server.log.len();
    let pay = pay_off(a.record(id), 200, "T1-AAAA-000001", 5_000);
    a.apply(mid(300), &pay, Mode::Decide);
    let served = Mutation::OrderSetStatus {
        order_id: id,
        status: OrderStatus::Served,
        at_ms: 4_500,
        sent_lines: None,
    };
    server.push(mid(700), &served);
    server.pull(&mut a, cursor);
    assert_eq!(
        a.record(id).order.status,
        OrderStatus::Paid,
        "a paid order never reverts"
    );
}

#[test]
fn replaying_the_whole_log_twice_changes_nothing() {
    let (mut server, mut a, _b, id) = opened();
    let pay = pay_off(a.record(id), 200, "T1-AAAA-000001", 5_000);
    server.push(mid(300), &pay);
    server.pull(&mut a, 0);
    let once = a.record(id).clone();
    for (m, mutation, verdict) in &server.log {
        let e = a.apply(
            *m,
            mutation,
            Mode::Replay {
                verdict: verdict.as_ref(),
            },
        );
        assert_eq!(e, Effect::Duplicate, "{} replayed again", mutation.intent());
    }
    assert_eq!(a.record(id), &once);
    assert_eq!(once.excess(), Money::ZERO);
}
