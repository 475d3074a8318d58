//! Staff: the first manager, PIN logins and lockout, what only managers may do, and voids
//! that need a manager's approval once the kitchen has the order.

use pos_app::Actor;
use pos_app::staff::{Approval, NewStaff, StaffUpdate, VoidLine};
use pos_app::{ErrorCode, Session};
use pos_core::{OrderStatus, Role, StaffId};
use pos_protocol::Mutation;

use crate::support::*;

const MANAGER_PIN: &str = "4821";
const CASHIER_PIN: &str = "7390";

/// A till with the demo profile, a first manager and a cashier.
fn staffed() -> (TempTill, Session, Session) {
    let app = test_app();
    let manager = app
        .create_first_manager("Meera", MANAGER_PIN)
        .expect("a fresh till takes its first manager");
    let cashier_view = app
        .create_staff(
            Actor::Staff(&manager),
            NewStaff {
                name: "Ravi".into(),
                role: Role::Cashier,
                pin: CASHIER_PIN.into(),
                request_id: None,
            },
        )
        .expect("a manager adds a cashier");
    let cashier = app
        .login(cashier_view.id, CASHIER_PIN)
        .expect("the cashier logs in with their PIN");
    (app, manager, cashier)
}

fn last_mutation(app: &TempTill) -> Mutation {
    pending_outbox(app)
        .pop()
        .expect("an outbox row")
        .mutation()
        .expect("it decodes")
}

#[test]
fn a_fresh_till_needs_a_first_manager_and_takes_only_one() {
    let app = test_app();
    let list = app.list_staff().unwrap();
    assert!(list.needs_first_manager && list.staff.is_empty());
    let s = app.create_first_manager("  Meera ", MANAGER_PIN).unwrap();
    assert_eq!((s.name.as_str(), s.role), ("Meera", Role::Manager));
    let list = app.list_staff().unwrap();
    assert!(!list.needs_first_manager, "somebody exists now");
    assert_eq!(list.staff.len(), 1);
    refused_unchanged(&app, ErrorCode::Conflict, "a second first manager", || {
        app.create_first_manager("Intruder", "0000")
    });
}

#[test]
fn the_staff_list_never_carries_a_hash_or_a_pin() {
    let (app, ..) = staffed();
    let json = serde_json::to_string(&app.list_staff().unwrap()).unwrap();
    assert!(!json.contains("argon2"), "no hash in the list: {json}");
    assert!(!json.contains(MANAGER_PIN) && !json.contains(CASHIER_PIN));
}

#[test]
fn pins_are_four_to_eight_digits_with_a_clear_error_on_the_pin_field() {
    let app = test_app();
    for bad in ["", "12", "123456789", "12ab"] {
        let e = refused_unchanged(&app, ErrorCode::Validation, bad, || {
            app.create_first_manager("Meera", bad)
        });
        assert_eq!(e.field.as_deref(), Some("pin"), "{bad:?}: {e:?}");
    }
}

#[test]
fn a_wrong_pin_an_unknown_member_and_an_inactive_one_get_the_same_answer() {
    let (app, manager, cashier) = staffed();
    let wrong = expect_code(app.login(cashier.staff_id, "0000"), ErrorCode::Unauthenticated);
    let nobody = StaffId::from_uuid(uuid::Uuid::now_v7());
    let unknown = expect_code(app.login(nobody, CASHIER_PIN), ErrorCode::Unauthenticated);
    app.update_staff(
        Actor::Staff(&manager),
        StaffUpdate {
            staff_id: cashier.staff_id,
            name: None,
            role: None,
            active: Some(false),
        },
    )
    .unwrap();
    let inactive = expect_code(
        app.login(cashier.staff_id, CASHIER_PIN),
        ErrorCode::Unauthenticated,
    );
    assert_eq!(wrong, unknown, "never says which part was wrong");
    assert_eq!(wrong, inactive);
}

#[test]
fn five_wrong_pins_lock_a_login_for_five_minutes() {
    let (app, _, cashier) = staffed();
    for i in 1..=4 {
        expect_code(app.login(cashier.staff_id, "0000"), ErrorCode::Unauthenticated);
        assert!(
            app.list_staff()
                .unwrap()
                .staff
                .iter()
                .all(|s| s.locked_until_ms.is_none()),
            "not locked after {i}"
        );
    }
    let e = expect_code(app.login(cashier.staff_id, "0000"), ErrorCode::PinLocked);
    assert!(
        e.message.contains("locked until"),
        "says until when: {}",
        e.message
    );
    let e = expect_code(app.login(cashier.staff_id, CASHIER_PIN), ErrorCode::PinLocked);
    assert!(
        e.message.contains("locked until"),
        "even the right PIN waits for the lock"
    );
    let view = app.list_staff().unwrap();
    let locked = view.staff.iter().find(|s| s.id == cashier.staff_id).unwrap();
    assert_eq!(locked.locked_until_ms, Some(app.now_ms() + 5 * 60_000));
    app.clock().advance_ms(5 * 60_000 - 1);
    expect_code(app.login(cashier.staff_id, CASHIER_PIN), ErrorCode::PinLocked);
    app.clock().advance_ms(1);
    app.login(cashier.staff_id, CASHIER_PIN)
        .expect("the lock ends after five minutes");
    for _ in 0..4 {
        expect_code(app.login(cashier.staff_id, "0000"), ErrorCode::Unauthenticated);
    }
    app.login(cashier.staff_id, CASHIER_PIN)
        .expect("a good PIN resets the count");
    expect_code(app.login(cashier.staff_id, "0000"), ErrorCode::Unauthenticated);
}

#[test]
fn lockout_attempts_write_no_outbox_rows() {
    let (app, _, cashier) = staffed();
    let before = outbox_rows(&app);
    for _ in 0..6 {
        let _ = app.login(cashier.staff_id, "0000");
    }
    assert_eq!(outbox_rows(&app), before, "lockout state is local, never synced");
}

#[test]
fn only_a_manager_manages_staff_and_a_refusal_changes_nothing() {
    let (app, _, cashier) = staffed();
    refused_unchanged(&app, ErrorCode::Forbidden, "a cashier adds staff", || {
        app.create_staff(
            Actor::Staff(&cashier),
            NewStaff {
                name: "Friend".into(),
                role: Role::Manager,
                pin: "5555".into(),
                request_id: None,
            },
        )
    });
    refused_unchanged(&app, ErrorCode::Forbidden, "a cashier promotes themself", || {
        app.update_staff(
            Actor::Staff(&cashier),
            StaffUpdate {
                staff_id: cashier.staff_id,
                name: None,
                role: Some(Role::Manager),
                active: None,
            },
        )
    });
    refused_unchanged(&app, ErrorCode::Forbidden, "a cashier resets a PIN", || {
        app.reset_pin(Actor::Staff(&cashier), cashier.staff_id, "9999")
    });
}

#[test]
fn a_demoted_manager_loses_manager_rights_at_once() {
    let (app, manager, cashier) = staffed();
    let second = app
        .create_staff(
            Actor::Staff(&manager),
            NewStaff {
                name: "Anil".into(),
                role: Role::Manager,
                pin: "2468".into(),
                request_id: None,
            },
        )
        .unwrap();
    let anil = app.login(second.id, "2468").unwrap();
    app.update_staff(
        Actor::Staff(&manager),
        StaffUpdate {
            staff_id: anil.staff_id,
            name: None,
            role: Some(Role::Cashier),
            active: None,
        },
    )
    .unwrap();
    refused_unchanged(
        &app,
        ErrorCode::Forbidden,
        "a session started as manager, after demotion",
        || app.reset_pin(Actor::Staff(&anil), cashier.staff_id, "1357"),
    );
}

#[test]
fn the_till_keeps_at_least_one_active_manager() {
    let (app, manager, _) = staffed();
    for (role, active) in [(Some(Role::Cashier), None), (None, Some(false))] {
        let e = refused_unchanged(&app, ErrorCode::Conflict, "demoting the only manager", || {
            app.update_staff(
                Actor::Staff(&manager),
                StaffUpdate {
                    staff_id: manager.staff_id,
                    name: None,
                    role,
                    active,
                },
            )
        });
        assert!(e.message.contains("only active manager"), "{}", e.message);
    }
}

#[test]
fn every_staff_change_is_one_outbox_row_carrying_the_hash_never_the_pin() {
    let (app, manager, cashier) = staffed();
    let before = outbox_rows(&app).len();
    app.reset_pin(Actor::Staff(&manager), cashier.staff_id, "8642")
        .unwrap();
    let rows = outbox_rows(&app);
    assert_eq!(rows.len(), before + 1);
    assert_eq!(rows.last().unwrap().1, "staff.upsert");
    let entry = pending_outbox(&app).pop().unwrap();
    let text = entry.payload.to_string();
    assert!(!text.contains("8642"), "the PIN never travels: {text}");
    let Mutation::StaffUpsert { staff } = entry.mutation().unwrap() else {
        panic!("a staff.upsert");
    };
    assert!(staff.pin_hash.starts_with("$argon2id$"), "the hash travels");
    expect_code(
        app.login(cashier.staff_id, CASHIER_PIN),
        ErrorCode::Unauthenticated,
    );
    app.login(cashier.staff_id, "8642")
        .expect("the new PIN works, the old one does not");
}

#[test]
fn adding_staff_twice_with_one_request_id_adds_one_member() {
    let (app, manager, _) = staffed();
    let request_id = Some(uuid::Uuid::now_v7());
    let new = || NewStaff {
        name: "Kiran".into(),
        role: Role::Cashier,
        pin: "1122".into(),
        request_id,
    };
    let first = app.create_staff(Actor::Staff(&manager), new()).unwrap();
    let rows = outbox_rows(&app).len();
    let again = app.create_staff(Actor::Staff(&manager), new()).unwrap();
    assert_eq!(first, again, "the repeat answers with the first result");
    assert_eq!(outbox_rows(&app).len(), rows, "and writes nothing");
    let kirans = app
        .list_staff()
        .unwrap()
        .staff
        .into_iter()
        .filter(|s| s.name == "Kiran")
        .count();
    assert_eq!(kirans, 1);
    let requests: String = app
        .store()
        .read(|c| {
            Ok::<_, pos_store::StoreError>(c.query_row(
                "SELECT group_concat(input) FROM requests",
                [],
                |r| r.get(0),
            )?)
        })
        .unwrap();
    assert!(!requests.contains("1122"), "the request record keeps no PIN");
}

fn void_input(order: &pos_core::Order, idx: usize, approver: Option<Approval>) -> VoidLine {
    VoidLine {
        order_id: order.id,
        line_id: order.lines[idx].id,
        reason: "guest changed mind".into(),
        approver,
    }
}

#[test]
fn a_cashier_voids_freely_until_the_kitchen_has_the_order() {
    let (app, _, cashier) = staffed();
    let o = dine_in(&app, "T4");
    let o = add(&app, o.id, "SI-01", "2");
    let o = app
        .void_line(Actor::Staff(&cashier), void_input(&o, 0, None))
        .unwrap();
    let void = o.lines[0].void.as_ref().unwrap();
    assert_eq!(void.voided_by, Some(cashier.staff_id));
    assert_eq!(void.approved_by, None, "no approval was needed");
}

#[test]
fn after_the_kitchen_has_it_a_cashier_needs_a_manager_pin_to_void() {
    let (app, manager, cashier) = staffed();
    let o = dine_in(&app, "T5");
    let o = add(&app, o.id, "SI-01", "2");
    let o = add(&app, o.id, "BV-01", "1");
    let o = app.set_status(o.id, OrderStatus::SentToKitchen).unwrap();

    let e = refused_unchanged(&app, ErrorCode::ApprovalRequired, "no approver", || {
        app.void_line(Actor::Staff(&cashier), void_input(&o, 0, None))
    });
    assert_eq!(e.field.as_deref(), Some("approver"));

    let self_approval = Approval {
        staff_id: cashier.staff_id,
        pin: CASHIER_PIN.into(),
    };
    refused_unchanged(&app, ErrorCode::Forbidden, "a cashier approving", || {
        app.void_line(Actor::Staff(&cashier), void_input(&o, 0, Some(self_approval)))
    });

    let before = (counts(&app), direct_order(&app, o.id));
    let wrong = Approval {
        staff_id: manager.staff_id,
        pin: "0000".into(),
    };
    let e = expect_code(
        app.void_line(Actor::Staff(&cashier), void_input(&o, 0, Some(wrong))),
        ErrorCode::Unauthenticated,
    );
    assert_eq!(e.field.as_deref(), Some("approver"));
    assert_eq!(
        (counts(&app), direct_order(&app, o.id)),
        before,
        "a wrong manager PIN voids nothing and writes no outbox row"
    );

    let right = Approval {
        staff_id: manager.staff_id,
        pin: MANAGER_PIN.into(),
    };
    let done = app
        .void_line(Actor::Staff(&cashier), void_input(&o, 0, Some(right)))
        .unwrap();
    let void = done.lines[0].void.as_ref().unwrap();
    assert_eq!(
        (void.voided_by, void.approved_by),
        (Some(cashier.staff_id), Some(manager.staff_id))
    );
    assert_eq!(
        direct_order(&app, o.id).order.lines[0].void,
        done.lines[0].void,
        "the row records who voided and who approved"
    );
    let Mutation::OrderVoidLine {
        voided_by,
        approved_by,
        ..
    } = last_mutation(&app)
    else {
        panic!("an order.void_line row");
    };
    assert_eq!(
        (voided_by, approved_by),
        (Some(cashier.staff_id), Some(manager.staff_id)),
        "and so does the outbox payload"
    );
}

#[test]
fn a_manager_session_voids_after_the_kitchen_without_typing_a_pin_again() {
    let (app, manager, _) = staffed();
    let o = dine_in(&app, "T6");
    let o = add(&app, o.id, "SI-01", "1");
    let o = app.set_status(o.id, OrderStatus::SentToKitchen).unwrap();
    let done = app
        .void_line(Actor::Staff(&manager), void_input(&o, 0, None))
        .unwrap();
    let void = done.lines[0].void.as_ref().unwrap();
    assert_eq!(void.approved_by, Some(manager.staff_id));
    assert_views_match_sqlite(&app, &[o.id], &[], "after a manager's void");
}

#[test]
fn the_till_s_own_automation_voids_after_the_kitchen_and_records_nobody() {
    let (app, ..) = staffed();
    let o = dine_in(&app, "T7");
    let o = add(&app, o.id, "SI-01", "1");
    let o = app.set_status(o.id, OrderStatus::SentToKitchen).unwrap();
    let done = app
        .void_line(Actor::System, VoidLine::new(o.id, o.lines[0].id, "replayed day"))
        .expect("workloads and imports void without a session");
    let void = done.lines[0].void.as_ref().unwrap();
    assert_eq!(
        (void.voided_by, void.approved_by),
        (None, None),
        "no person acted, so none is recorded as voiding or approving"
    );
    let Mutation::OrderVoidLine {
        voided_by,
        approved_by,
        ..
    } = last_mutation(&app)
    else {
        panic!("an order.void_line row");
    };
    assert_eq!((voided_by, approved_by), (None, None));
}

#[test]
fn only_a_manager_updates_the_profile_and_the_outbox_row_names_them() {
    let (app, manager, cashier) = staffed();
    let mut p = app.profile().unwrap().as_ref().clone();
    p.name = "Saffron Table, Indiranagar".into();
    refused_unchanged(&app, ErrorCode::Forbidden, "a cashier edits the profile", || {
        app.update_profile(Actor::Staff(&cashier), p.clone())
    });
    let saved = app.update_profile(Actor::Staff(&manager), p.clone()).unwrap();
    assert_eq!(saved.name, p.name);
    let Mutation::ProfileUpdate { by, .. } = last_mutation(&app) else {
        panic!("a profile.update row");
    };
    assert_eq!(by, Some(manager.staff_id), "the server checks the same manager");
}
