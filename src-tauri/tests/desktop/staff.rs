//! The real till under WebDriver (harness in `webdriver`): staff logins and roles, the
//! PIN lockout, manager approval of voids, the idle lock, an on-account sale and its
//! settlement, orders paging, and a malformed phone. Screenshots go to `target/e2e/`.

use serde_json::json;

use crate::webdriver::{CASHIER, MANAGER, Till, WAIT, digits, wait_until};

fn code(e: &serde_json::Value) -> &str {
    e["code"].as_str().unwrap_or_default()
}

#[test]
fn a_cashier_logs_in_by_keyboard_sees_no_settings_and_the_backend_refuses_them_too() {
    let t = Till::start_locked(&[]);
    let locked = t
        .invoke(
            "list_orders",
            json!({"query": {"statuses": [], "page": 1, "limit": 5}}),
        )
        .expect_err("nothing is served while the till is locked");
    assert_eq!(code(&locked), "locked", "{locked}");
    t.screenshot("staff-login");

    t.type_pin(CASHIER.0, CASHIER.1);
    t.wait_gone("[data-testid=login-screen]");
    t.wait_for("[data-testid=search]");
    t.wait_text("[data-testid=who]", "Ravi");
    t.wait_text("[data-testid=who]", "Cashier");
    assert_eq!(t.count("[data-nav=settings]"), 0, "no Settings for a cashier");
    t.keys("\u{E035}"); // F5, the Settings key
    assert_eq!(
        t.count("[data-testid=cache-panel]"),
        0,
        "F5 does not open it either"
    );
    for cmd in ["cache_stats", "clear_cache", "warm_up"] {
        let e = t.invoke(cmd, json!({})).expect_err("a cashier is refused");
        assert_eq!(code(&e), "forbidden", "{cmd}: {e}");
    }
    let profile = t
        .invoke("profile", json!({}))
        .expect("a cashier reads the profile");
    let e = t
        .invoke("update_profile", json!({"profile": profile}))
        .expect_err("but may not change it");
    assert_eq!(code(&e), "forbidden", "{e}");
    t.screenshot("staff-cashier-no-settings");

    t.click("[data-testid=lock]");
    t.wait_for("[data-testid=login-screen] [data-staff-id]");
    t.login_pad(MANAGER);
    t.wait_text("[data-testid=who]", "Manager");
    t.click("[data-nav=settings]");
    t.wait_for("[data-testid=staff-table] tr[data-staff-row='Ravi (cashier)']");
    t.wait_for("[data-testid=staff-table] tr[data-staff-row='Meera (manager)']");
    t.wait_for("[data-testid=cache-panel] tr[data-cache=profile]");
    t.screenshot("staff-manager-settings");
}

#[test]
fn five_wrong_pins_lock_that_login_and_the_right_pin_waits_too() {
    let t = Till::start_locked(&[]);
    for i in 1..=4 {
        t.type_pin(CASHIER.0, "9999");
        t.wait_text("[data-error-for=pin]", "PIN not accepted");
        assert_eq!(t.count("[data-testid=search]"), 0, "still locked after {i}");
    }
    t.type_pin(CASHIER.0, "9999");
    t.wait_text("[data-error-for=pin]", "locked until");
    t.type_pin(CASHIER.0, CASHIER.1);
    t.wait_text("[data-error-for=pin]", "locked until");
    t.screenshot("staff-pin-locked");
    assert_eq!(
        t.count("[data-testid=search]"),
        0,
        "the right PIN is refused while locked"
    );
    t.login_pad(MANAGER);
    t.wait_for("[data-testid=search]");
}

#[test]
fn a_void_after_the_kitchen_needs_a_manager_pin_unless_a_manager_is_logged_in() {
    let t = Till::start_locked(&[]);
    t.login_pad(CASHIER);
    t.type_into("[data-testid=draft-table]", "T7");
    t.click("button.item[data-sku='ST-01']");
    t.wait_for(".line[data-sku='ST-01']");
    t.click("button.item[data-sku='ST-01']");
    t.wait_text(".line[data-sku='ST-01'] [data-testid=line-qty]", "2");
    t.click("button.item[data-sku='MV-01']");
    t.wait_for(".line[data-sku='MV-01']");
    t.click(".line[data-sku='MV-01'] [data-action=minus]");
    t.wait_gone(".line[data-sku='MV-01']");
    assert_eq!(
        t.count("[data-testid=approval-dialog]"),
        0,
        "no approval before the kitchen"
    );

    t.click("[data-testid=send-kitchen]");
    t.wait_text("[data-testid=order-status]", "In kitchen");
    t.click(".line[data-sku='ST-01'] [data-action=minus]");
    t.wait_for("[data-testid=approval-dialog]");
    for d in ["0", "0", "0", "0"] {
        t.click(&format!("[data-testid=approval-pad] [data-key='{d}']"));
    }
    t.click("[data-testid=approval-ok]");
    t.wait_text(
        "[data-testid=approval-dialog] [data-error-for=approver]",
        "PIN not accepted",
    );
    t.screenshot("void-approval-wrong-pin");
    assert_eq!(
        t.text(".line[data-sku='ST-01'] [data-testid=line-qty]")
            .as_deref(),
        Some("2"),
        "a wrong manager PIN voids nothing"
    );
    for d in MANAGER.1.chars() {
        t.click(&format!("[data-testid=approval-pad] [data-key='{d}']"));
    }
    t.click("[data-testid=approval-ok]");
    t.wait_gone("[data-testid=approval-dialog]");
    t.wait_text(".line[data-sku='ST-01'] [data-testid=line-qty]", "1");
    t.screenshot("void-approved");

    t.click("[data-testid=lock]");
    t.login_pad(MANAGER);
    t.wait_text(".line[data-sku='ST-01'] [data-testid=line-qty]", "1");
    t.click(".line[data-sku='ST-01'] [data-action=minus]");
    t.wait_gone(".line[data-sku='ST-01']");
    assert_eq!(
        t.count("[data-testid=approval-dialog]"),
        0,
        "a manager's session approves its own void"
    );
}

#[test]
fn the_till_locks_itself_when_idle_and_keeps_the_ticket() {
    let t = Till::start_locked(&[("POS_LOCK_AFTER_SECS", "3")]);
    t.login_pad(CASHIER);
    t.type_into("[data-testid=draft-table]", "T2");
    t.click("button.item[data-sku='ST-01']");
    t.wait_for(".line[data-sku='ST-01']");
    wait_until("the idle lock shows the PIN pad", WAIT, || {
        (t.count("[data-testid=login-screen] [data-staff-id]") > 0).then_some(())
    });
    let e = t
        .invoke("list_menu", json!({}))
        .expect_err("the backend is locked too");
    assert_eq!(code(&e), "locked");
    t.screenshot("idle-locked");
    t.login_pad(CASHIER);
    t.wait_for(".line[data-sku='ST-01']");
    t.wait_text("[data-testid=order-number]", "Order #");
}

/// The backend ends the session behind the UI's back (here a raw `lock` invoke, as when
/// the backend's own idle clock ran out first). On the sell screen only the sync badge
/// polls, so its `sync_status` answering `locked` must bring the PIN pad back.
#[test]
fn a_session_the_backend_ended_brings_the_login_back_through_the_sync_badge_poll() {
    let t = Till::start_locked(&[]);
    t.login_pad(CASHIER);
    t.type_into("[data-testid=draft-table]", "T8");
    t.click("button.item[data-sku='ST-01']");
    t.wait_for(".line[data-sku='ST-01']");
    t.invoke("lock", json!({})).expect("lock is open");
    assert_eq!(
        t.count("[data-testid=login-screen]"),
        0,
        "the UI has not been told"
    );
    wait_until(
        "the badge's poll answers locked and shows the PIN pad",
        WAIT,
        || (t.count("[data-testid=login-screen] [data-staff-id]") > 0).then_some(()),
    );
    t.login_pad(CASHIER);
    t.wait_for(".line[data-sku='ST-01']");
}

#[test]
fn an_on_account_sale_goes_on_the_tab_and_settling_it_clears_it() {
    let t = Till::start_locked(&[]);
    t.login_pad(CASHIER);
    t.click("[data-nav=customers]");
    t.type_into("[data-testid=customer-phone]", "98450 12345");
    let before = digits(&t.wait_text("[data-testid=balance]", "₹"));

    t.click("[data-nav=sell]");
    t.click("[data-type=takeaway]");
    t.type_into("[data-testid=draft-customer_phone]", "98450 12345");
    t.click("button.item[data-sku='ST-01']");
    t.wait_for(".line[data-sku='ST-01']");
    t.click("[data-testid=bill]");
    t.wait_text("[data-testid=order-status]", "Billed");
    assert_eq!(
        t.count(".line [data-action=minus]:not([disabled])")
            + t.count(".line [data-action=discount]:not([disabled])"),
        0,
        "a billed order offers no qty or discount controls"
    );
    let total = digits(&t.wait_text("[data-testid=bill-total]", "₹"));
    t.click("[data-testid=pay]");
    t.wait_for("[data-testid=payment-dialog]");
    t.click("[data-testid=payment-dialog] .tender-row[data-method=cash] .icon-btn");
    t.click("[data-add-method=on_account]");
    t.click("[data-testid=confirm-pay]");
    t.wait_for("[data-testid=receipt-done]");
    t.screenshot("on-account-receipt");
    t.click("[data-testid=receipt-done]");

    t.click("[data-nav=customers]");
    t.type_into("[data-testid=customer-phone]", "98450 12345");
    let after = wait_until("the charge is on the tab", WAIT, || {
        t.text("[data-testid=balance]")
            .map(|s| digits(&s))
            .filter(|n| *n == before + total)
    });
    t.type_into("[data-testid=settle-amount]", &format!("{}", total / 100));
    t.click("[data-testid=settle]");
    wait_until("the settlement comes off the tab", WAIT, || {
        t.text("[data-testid=balance]")
            .map(|s| digits(&s))
            .filter(|n| *n == after - (total / 100) * 100)
    });
    t.screenshot("on-account-settled");
}

#[test]
fn the_orders_list_pages_through_more_orders_than_fit() {
    let t = Till::start();
    for i in 0..12 {
        t.invoke(
            "create_order",
            json!({"new": {"order_type": "dine_in", "table": format!("P{i}"), "customer_phone": null,
                           "notes": null, "request_id": null}}),
        )
        .expect("an order opens");
    }
    t.click("[data-nav=orders]");
    t.wait_text("[data-testid=page-info]", "Page 1 of 2 · 14 orders");
    assert_eq!(t.count("[data-testid=orders] tbody tr"), 12, "a full first page");
    t.click(".pager button:last-child");
    t.wait_text("[data-testid=page-info]", "Page 2 of 2");
    assert_eq!(
        t.count("[data-testid=orders] tbody tr"),
        2,
        "the rest on page two"
    );
    t.screenshot("orders-page-two");
    t.click("[data-filter='Paid']");
    t.wait_text("[data-testid=page-info]", "Page 1 of 1 · 2 orders");
}

#[test]
fn a_malformed_phone_shows_the_error_and_opens_no_order() {
    let t = Till::start();
    let before = t
        .invoke(
            "list_orders",
            json!({"query": {"statuses": [], "page": 1, "limit": 50}}),
        )
        .expect("the floor")["total"]
        .as_u64();
    t.click("[data-type=takeaway]");
    t.type_into("[data-testid=draft-customer_phone]", "98450-12x45");
    t.click("button.item[data-sku='ST-01']");
    t.wait_text(
        ".head-fields [data-error-for=phone]",
        "phone number may contain only digits",
    );
    t.screenshot("bad-phone");
    assert_eq!(t.count(".line"), 0, "no order was opened");
    let after = t
        .invoke(
            "list_orders",
            json!({"query": {"statuses": [], "page": 1, "limit": 50}}),
        )
        .expect("the floor")["total"]
        .as_u64();
    assert_eq!(after, before, "the floor is unchanged");
}

#[test]
fn a_till_without_staff_asks_for_its_first_manager() {
    // A restaurant's own till (or one created before staff logins): a profile and a menu,
    // nobody on the staff.
    let data = pos_testkit::temp_till().into_dir();
    let t = Till::launch_in(data, &[]);
    t.wait_for("[data-testid=first-manager]");
    t.type_into("[data-testid=first-name]", "Asha");
    t.type_into("[data-testid=first-pin]", "12");
    t.type_into("[data-testid=first-pin-again]", "12");
    t.click("[data-testid=first-create]");
    t.wait_text(
        "[data-testid=first-manager] [data-error-for=pin]",
        "4 to 8 digits",
    );
    t.screenshot("first-manager-bad-pin");
    let list = t.invoke("list_staff", json!({})).expect("the login list");
    assert_eq!(list["needs_first_manager"], true, "a refused PIN created nobody");
    t.type_into("[data-testid=first-pin]", "2468");
    t.type_into("[data-testid=first-pin-again]", "2468");
    t.click("[data-testid=first-create]");
    t.wait_for("[data-testid=search]");
    t.wait_text("[data-testid=who]", "Asha");
    t.wait_text("[data-testid=who]", "Manager");
    t.wait_for("[data-nav=settings]");
    t.screenshot("first-manager-created");
    let e = t
        .invoke("create_first_manager", json!({"name": "Someone", "pin": "1357"}))
        .expect_err("only the first");
    assert_eq!(code(&e), "conflict", "{e}");
}
