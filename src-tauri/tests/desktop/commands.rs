//! Commands through tauri's IPC on the mock runtime: argument names, JSON shapes and the
//! `{code, message, field}` error the UI matches on.

use pos_app::Need;
use pos_desktop::Till;
use pos_desktop::access::Access;
use serde_json::{Value, json};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder, mock_context, noop_assets};
use tauri::webview::InvokeRequest;
use tauri::{App, WebviewWindow, WebviewWindowBuilder};

pub(crate) struct Harness {
    _dir: tempfile::TempDir,
    _app: App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
}

/// A demo till with the demo manager logged in.
pub(crate) fn harness() -> Harness {
    let h = locked_harness();
    h.login("Meera (manager)", "1234");
    h
}

/// A demo till with nobody logged in.
fn locked_harness() -> Harness {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let till = Till::open(dir.path()).expect("the demo till opens");
    let app = pos_desktop::build(mock_builder())
        .manage(till)
        .build(mock_context(noop_assets()))
        .expect("the mock app builds");
    let webview = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("the main window builds");
    Harness {
        _dir: dir,
        _app: app,
        webview,
    }
}

impl Harness {
    pub(crate) fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            // On Linux only this origin counts as local; others are refused as remote.
            url: "tauri://localhost".parse().expect("a url"),
            body: tauri::ipc::InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(&self.webview, request).map(|b| b.deserialize::<Value>().expect("json"))
    }

    fn login(&self, name: &str, pin: &str) -> Value {
        let list = self.ok("list_staff", json!({}));
        let id = list["staff"]
            .as_array()
            .and_then(|a| a.iter().find(|s| s["name"] == name))
            .map(|s| s["id"].clone())
            .unwrap_or_else(|| panic!("{name} is on the demo's staff: {list}"));
        self.ok("login", json!({"staff_id": id, "pin": pin}))
    }

    fn err(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .expect_err(&format!("{cmd} should be refused"))
    }

    pub(crate) fn ok(&self, cmd: &str, args: Value) -> Value {
        self.invoke(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} should succeed, got {e}"))
    }

    fn open_table(&self, table: &str) -> Value {
        self.ok(
            "create_order",
            json!({"new": {"order_type": "dine_in", "table": table, "customer_phone": null, "notes": null,
                           "request_id": "0190f0c4-0000-7000-8000-000000000001"}}),
        )
    }
}

#[test]
fn the_profile_command_returns_the_demo_restaurant() {
    let h = harness();
    let p = h.ok("profile", json!({}));
    assert_eq!(p["name"], "Saffron Table", "the demo is loaded on first start");
    assert_eq!(p["currency"]["code"], "INR");
}

#[test]
fn a_dine_in_sale_goes_from_order_to_paid_through_the_commands() {
    let h = harness();
    let order = h.open_table("T9");
    let id = order["id"].as_str().expect("an order id").to_owned();
    for (sku, rid) in [("ST-01", 2), ("MV-01", 3), ("BD-04", 4)] {
        h.ok(
            "add_line",
            json!({"input": {"order_id": id, "sku": sku, "qty": "1", "discount": null, "note": null,
                             "request_id": format!("0190f0c4-0000-7000-8000-00000000000{rid}")}}),
        );
    }
    h.ok("set_status", json!({"order_id": id, "status": "sent_to_kitchen"}));
    let bill = h.ok("calculate_bill", json!({"order_id": id}));
    let due = bill["due"].as_i64().expect("due in minor units");
    assert!(due > 0, "three items cost something: {bill}");
    let receipt = h.ok(
        "record_payment",
        json!({"input": {"order_id": id, "request_id": "0190f0c4-0000-7000-8000-000000000009",
                         "tenders": [{"method": "card", "amount": 300_00, "reference": null},
                                     {"method": "cash", "amount": due - 300_00 + 50_00, "reference": null}]}}),
    );
    assert_eq!(
        receipt["order"]["status"], "paid",
        "card plus cash cover the bill"
    );
    assert_eq!(receipt["change"], 50_00, "the extra cash comes back as change");
    assert!(
        receipt["invoice_no"]
            .as_str()
            .is_some_and(|n| n.starts_with("ST1-"))
    );
}

#[test]
fn letters_in_the_quantity_come_back_as_a_validation_error_on_the_quantity_field() {
    let h = harness();
    let order = h.open_table("T3");
    let err = h
        .invoke(
            "add_line",
            json!({"input": {"order_id": order["id"], "sku": "ST-01", "qty": "two", "discount": null, "note": null,
                             "request_id": "0190f0c4-0000-7000-8000-000000000002"}}),
        )
        .expect_err("letters are not a quantity");
    assert_eq!(err["code"], "validation", "the UI matches on the code: {err}");
    assert_eq!(
        err["field"], "quantity",
        "the UI shows the message next to this field: {err}"
    );
    assert_eq!(err["retryable"], false);
    let after = h.ok("get_order", json!({"order_id": order["id"]}));
    assert_eq!(
        after["lines"].as_array().map(Vec::len),
        Some(0),
        "nothing was added"
    );
}

#[test]
fn an_unknown_order_is_reported_as_not_found() {
    let h = harness();
    let err = h
        .invoke(
            "calculate_bill",
            json!({"order_id": "0190f0c4-0000-7000-8000-00000000dead"}),
        )
        .expect_err("no such order");
    assert_eq!(err["code"], "not_found", "{err}");
}

#[test]
fn clearing_the_cache_keeps_the_unsynced_changes() {
    let h = harness();
    h.ok("profile", json!({}));
    let before = h.ok("cache_stats", json!({}));
    assert!(before["total_hits"].as_u64().unwrap_or(0) + before["total_misses"].as_u64().unwrap_or(0) > 0);
    let cleared = h.ok("clear_cache", json!({}));
    assert_eq!(
        cleared["outbox_pending"], before["outbox_pending"],
        "clearing never touches the outbox"
    );
    let after = h.ok("cache_stats", json!({}));
    assert_eq!(after["total_hits"], 0, "counters reset: {after}");
    assert_eq!(after["total_misses"], 0, "counters reset: {after}");
    let orders = h.ok(
        "list_orders",
        json!({"query": {"statuses": [], "page": 1, "limit": 50}}),
    );
    assert_eq!(orders["total"], 2, "the demo's two open tables are still there");
}

#[test]
fn a_bad_profile_names_the_field_at_fault() {
    let h = harness();
    let mut p = h.ok("profile", json!({}));
    p["name"] = json!("   ");
    let err = h
        .invoke("update_profile", json!({"profile": p}))
        .expect_err("a blank name is refused");
    assert_eq!(err["code"], "validation");
    assert_eq!(err["field"], "name", "{err}");
}

#[test]
fn without_a_session_only_the_login_screen_commands_answer() {
    let h = locked_harness();
    for (cmd, args) in [
        ("profile", json!({})),
        ("list_menu", json!({})),
        ("list_orders", json!({"query": {}})),
        ("update_profile", json!({"profile": {}})),
        ("touch", json!({})),
    ] {
        let e = h.err(cmd, args);
        assert_eq!(e["code"], "locked", "{cmd}: {e}");
    }
    let list = h.ok("list_staff", json!({}));
    assert_eq!(list["needs_first_manager"], false);
    assert!(
        !list.to_string().contains("argon2"),
        "the login list never carries a hash"
    );
    assert_eq!(h.ok("session", json!({}))["session"], Value::Null);
}

#[test]
fn a_command_without_an_access_rule_is_refused_even_to_a_manager() {
    let h = harness();
    let e = h.err("profle", json!({}));
    assert_eq!(e["code"], "internal", "no rule is a bug, never a default: {e}");
    assert!(
        e["message"]
            .as_str()
            .is_some_and(|m| m.contains("no access rule")),
        "{e}"
    );
}

#[test]
fn a_wrong_pin_is_refused_on_the_pin_field_and_logs_nobody_in() {
    let h = locked_harness();
    let list = h.ok("list_staff", json!({}));
    let id = list["staff"][0]["id"].clone();
    let e = h.err("login", json!({"staff_id": id, "pin": "9999"}));
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("unauthenticated"), Some("pin"))
    );
    let e = h.err("login", json!({"staff_id": id, "pin": "12"}));
    assert_eq!(e["code"], "validation", "{e}");
    assert_eq!(h.ok("session", json!({}))["session"], Value::Null);
}

#[test]
fn a_cashier_is_forbidden_the_manager_commands() {
    let h = locked_harness();
    let s = h.login("Ravi (cashier)", "1111");
    assert_eq!(s["role"], "cashier");
    // Every manager rule, read from the table: the refusal comes before the arguments are
    // read, so none are needed.
    let manager_only: Vec<&str> = pos_desktop::access::RULES
        .iter()
        .filter(|(_, a)| *a == Access::Session(Need::Manager))
        .map(|(c, _)| *c)
        .collect();
    assert!(
        manager_only.len() >= 11,
        "the Settings panel's commands: {manager_only:?}"
    );
    for cmd in manager_only {
        let e = h.err(cmd, json!({}));
        assert_eq!(e["code"], "forbidden", "{cmd}: {e}");
    }
    let e = h.err(
        "create_staff",
        json!({"new": {"name": "X", "role": "manager", "pin": "5555"}}),
    );
    assert_eq!(e["code"], "forbidden", "{e}");
    h.ok("list_orders", json!({"query": {}}));
    h.ok("lock", json!({}));
    assert_eq!(h.err("list_orders", json!({"query": {}}))["code"], "locked");
}

#[test]
fn a_cashier_void_after_the_kitchen_asks_for_approval_and_a_manager_pin_gives_it() {
    let h = locked_harness();
    h.login("Ravi (cashier)", "1111");
    let order = h.open_table("T3");
    let id = order["id"].as_str().expect("an id").to_owned();
    let order = h.ok(
        "add_line",
        json!({"input": {"order_id": id, "sku": "ST-01", "qty": "1"}}),
    );
    let line = order["lines"][0]["id"].clone();
    h.ok("set_status", json!({"order_id": id, "status": "sent_to_kitchen"}));
    let e = h.err(
        "void_line",
        json!({"order_id": id, "line_id": line, "reason": "guest left"}),
    );
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("approval_required"), Some("approver"))
    );
    let list = h.ok("list_staff", json!({}));
    let manager = list["staff"]
        .as_array()
        .and_then(|a| a.iter().find(|s| s["role"] == "manager"))
        .map(|s| s["id"].clone())
        .expect("a manager");
    let done = h.ok(
        "void_line",
        json!({"order_id": id, "line_id": line, "reason": "guest left",
               "approver": {"staff_id": manager, "pin": "1234"}}),
    );
    assert_eq!(done["lines"][0]["void"]["approved_by"], manager);
}
