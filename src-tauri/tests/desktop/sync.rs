//! The sync and backup commands through tauri's IPC, against a real pos-server on
//! `127.0.0.1:0` over a real PostgreSQL (`DATABASE_URL`, as `make test` sets it; each test
//! makes its own database).

use std::time::{Duration, Instant};

use pos_testkit::BlockingServer;
use serde_json::{Value, json};

use crate::commands::{Harness, harness};

fn wait_status(h: &Harness, what: &str, ok: impl Fn(&Value) -> bool) -> Value {
    let t0 = Instant::now();
    loop {
        let s = h.ok("sync_status", json!({}));
        if ok(&s) {
            return s;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "timed out waiting for {what}: {s}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_till_enrolls_through_the_commands_and_pushes_its_outbox_to_a_real_server() {
    let server = BlockingServer::spawn();
    let h = harness();
    let s = h.ok("sync_status", json!({}));
    assert_eq!(s["state"], "not_configured", "a new till is offline-only: {s}");
    assert!(
        s["outbox_depth"].as_i64().unwrap_or(0) > 0,
        "the demo's sales wait in the outbox: {s}"
    );

    let err = h
        .invoke(
            "sync_enroll",
            json!({"server_url": "sync.example.com", "code": "x"}),
        )
        .expect_err("not an address");
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("validation"), Some("server_url")),
        "{err}"
    );
    let err = h
        .invoke("sync_enroll", json!({"server_url": server.base, "code": "  "}))
        .expect_err("no code");
    assert_eq!(err["field"], "code", "{err}");
    let err = h
        .invoke(
            "sync_enroll",
            json!({"server_url": server.base, "code": "wrong-code"}),
        )
        .expect_err("an unknown code");
    assert_eq!(
        (err["code"].as_str(), err["field"].as_str()),
        (Some("validation"), Some("code")),
        "{err}"
    );
    assert_eq!(
        h.ok("sync_status", json!({}))["state"],
        "not_configured",
        "a refused enrollment changes nothing"
    );

    let enrolled = h.ok(
        "sync_enroll",
        json!({"server_url": server.base, "code": server.enrollment_code()}),
    );
    assert_eq!(enrolled["server_url"], server.base.as_str(), "{enrolled}");
    assert!(
        enrolled.get("token").is_none() && enrolled.get("device_token").is_none(),
        "never the token: {enrolled}"
    );

    let synced = wait_status(&h, "the outbox to reach the server", |s| {
        s["state"] == "online" && s["outbox_depth"] == 0
    });
    assert!(synced["last_sync_ms"].as_i64().is_some(), "{synced}");
    assert_eq!(synced["last_error"], Value::Null);
    let on_till = h.ok(
        "list_orders",
        json!({"query": {"statuses": ["open", "sent_to_kitchen", "served", "billed", "paid", "void"], "page": 1, "limit": 200}}),
    )["total"]
        .as_i64()
        .expect("a total");
    assert!(on_till >= 2, "the demo has orders");
    assert_eq!(
        server.scalar("SELECT COUNT(*) FROM orders"),
        on_till,
        "every order of the till is on the server"
    );

    let again = h.ok("sync_push_now", json!({}));
    assert_eq!(again["server_url"], server.base.as_str());
    assert_eq!(
        h.ok("sync_rejections", json!({})),
        json!([]),
        "nothing was refused"
    );

    let off = h.ok("sync_disconnect", json!({}));
    assert_eq!(off["state"], "not_configured", "{off}");
    let err = h.invoke("sync_push_now", json!({})).expect_err("nothing to wake");
    assert_eq!(err["code"], "conflict", "{err}");
}

#[test]
fn an_unreachable_server_is_reported_on_the_address_field() {
    let h = harness();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let err = h
        .invoke(
            "sync_enroll",
            json!({"server_url": format!("http://127.0.0.1:{port}"), "code": "abc"}),
        )
        .expect_err("nothing listens there");
    assert_eq!(err["code"], "unavailable", "{err}");
    assert_eq!(err["field"], "server_url", "{err}");
    assert_eq!(err["retryable"], true);
}

#[test]
fn backup_now_writes_todays_copy_and_lists_it() {
    let h = harness();
    assert_eq!(
        h.ok("list_backups", json!({})),
        json!([]),
        "a new data directory has none yet"
    );
    let r = h.ok("backup_now", json!({}));
    let name = r["backup"]["file_name"].as_str().expect("a file name").to_owned();
    assert!(name.starts_with("till-") && name.ends_with(".db"), "{r}");
    assert!(r["backup"]["bytes"].as_u64().unwrap_or(0) > 0, "{r}");
    let list = h.ok("list_backups", json!({}));
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["file_name"], name.as_str());
}
