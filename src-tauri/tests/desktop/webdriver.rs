//! The real till under Xvfb, driven through WebDriver: `tauri-driver` wraps Debian's
//! `WebKitWebDriver`, which starts the app binary with its own data directory. Every
//! scenario starts its own display, driver and till, bounds every wait, saves a
//! screenshot under `target/e2e/`, and stops what it started by process group.
//!
//! Needs `Xvfb`, `WebKitWebDriver` and `tauri-driver` (`make setup` installs them).

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
pub(crate) const WAIT: Duration = Duration::from_secs(15);

/// A child in its own process group, stopped (group and all) when dropped.
struct Group(Child);

impl Group {
    fn spawn(cmd: &mut Command) -> std::io::Result<Group> {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0).spawn().map(Group)
    }
}

impl Drop for Group {
    fn drop(&mut self) {
        let pgid = format!("-{}", self.0.id());
        let _ = Command::new("kill").args(["-TERM", "--", &pgid]).status();
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline {
            if matches!(self.0.try_wait(), Ok(Some(_))) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = Command::new("kill").args(["-KILL", "--", &pgid]).status();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// A display, a driver and a WebDriver session on a fresh demo till.
pub(crate) struct Till {
    base: String,
    agent: ureq::Agent,
    // Dropped in declaration order: the driver (and the app) before the display.
    driver: Option<Group>,
    _xvfb: Group,
    data: tempfile::TempDir,
}

/// The demo restaurant's staff (crates/pos-app/src/demo.rs, README).
pub(crate) const MANAGER: (&str, &str) = ("Meera (manager)", "1234");
pub(crate) const CASHIER: (&str, &str) = ("Ravi (cashier)", "1111");

impl Till {
    /// A fresh demo till, logged in as the demo manager.
    pub(crate) fn start() -> Till {
        let t = Till::start_locked(&[]);
        t.login_pad(MANAGER);
        t.wait_for("[data-testid=search]");
        t
    }

    /// A fresh demo till showing its lock screen; `env` goes to the app.
    pub(crate) fn start_locked(env: &[(&str, &str)]) -> Till {
        let t = Till::launch(env);
        t.wait_for("[data-testid=login-screen] [data-staff-id]");
        t
    }

    /// Taps `who` and their PIN on the pad, then waits for the lock screen to go.
    pub(crate) fn login_pad(&self, (name, pin): (&str, &str)) {
        self.click(&format!("[data-staff-name='{name}']"));
        for d in pin.chars() {
            self.click(&format!("[data-testid=pin-pad] [data-key='{d}']"));
        }
        self.click("[data-testid=pin-ok]");
        self.wait_gone("[data-testid=login-screen]");
    }

    /// Taps `name`, then types `pin` and Enter on the keyboard.
    pub(crate) fn type_pin(&self, name: &str, pin: &str) {
        self.click(&format!("[data-staff-name='{name}']"));
        self.keys(&format!("{pin}\u{E007}"));
    }

    /// Key presses through the W3C actions API (to whatever has focus).
    pub(crate) fn keys(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.send(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
        self.send("DELETE", "/actions", None);
    }

    pub(crate) fn wait_gone(&self, css: &str) {
        wait_until(&format!("{css} goes away"), WAIT, || {
            (self.count(css) == 0).then_some(())
        });
    }

    /// Calls a command from inside the webview as the UI would: `Ok(value)` or the
    /// `Err({code, message, field})` it was refused with.
    pub(crate) fn invoke(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        let script = r#"
            const done = arguments[arguments.length - 1];
            window.__TAURI_INTERNALS__.invoke(arguments[0], arguments[1])
              .then((v) => done({ok: v === undefined ? null : v}), (e) => done({err: e}));
        "#;
        let r = self.send(
            "POST",
            "/execute/async",
            Some(json!({"script": script, "args": [cmd, args]})),
        );
        match r.get("err") {
            Some(e) => Err(e.clone()),
            None => Ok(r["ok"].clone()),
        }
    }

    fn launch(env: &[(&str, &str)]) -> Till {
        Till::launch_in(tempfile::tempdir().expect("a data directory"), env)
    }

    /// The till on a data directory the test prepared.
    pub(crate) fn launch_in(data: tempfile::TempDir, env: &[(&str, &str)]) -> Till {
        let (xvfb, display) = start_xvfb();
        let port = free_port();
        let native = free_port();
        let driver = Group::spawn(
            Command::new("tauri-driver")
                .args(["--port", &port.to_string(), "--native-port", &native.to_string()])
                .env("DISPLAY", format!(":{display}"))
                .env("POS_DATA_DIR", data.path())
                .envs(env.iter().copied())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )
        .expect("tauri-driver runs (make setup installs it)");
        let agent = ureq::AgentBuilder::new().timeout(Duration::from_secs(60)).build();
        let server = format!("http://127.0.0.1:{port}");
        wait_until("tauri-driver answers", Duration::from_secs(10), || {
            agent.get(&format!("{server}/status")).call().ok().map(|_| ())
        });
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": env!("CARGO_BIN_EXE_pos-desktop"),
            "args": ["--data-dir", data.path()],
        }}}});
        let session = agent
            .post(&format!("{server}/session"))
            .send_json(caps)
            .expect("a WebDriver session starts")
            .into_json::<Value>()
            .expect("json");
        let id = session["value"]["sessionId"].as_str().expect("a session id");
        Till {
            base: format!("{server}/session/{id}"),
            agent,
            driver: Some(driver),
            _xvfb: xvfb,
            data,
        }
    }

    pub(crate) fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let req = self.agent.request(method, &url);
        let res = match body {
            Some(b) => req.send_json(b),
            None => req.call(),
        };
        match res {
            Ok(r) => r.into_json::<Value>().expect("json")["value"].take(),
            Err(ureq::Error::Status(code, r)) => {
                panic!(
                    "{method} {path} failed ({code}): {}",
                    r.into_string().unwrap_or_default()
                )
            }
            Err(e) => panic!("{method} {path} failed: {e}"),
        }
    }

    pub(crate) fn js(&self, script: &str, args: Value) -> Value {
        self.send(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    pub(crate) fn count(&self, css: &str) -> usize {
        self.js(
            "return document.querySelectorAll(arguments[0]).length",
            json!([css]),
        )
        .as_u64()
        .unwrap_or(0) as usize
    }

    pub(crate) fn text(&self, css: &str) -> Option<String> {
        self.js(
            "const e = document.querySelector(arguments[0]); return e ? e.textContent : null",
            json!([css]),
        )
        .as_str()
        .map(str::to_owned)
    }

    pub(crate) fn wait_for(&self, css: &str) -> String {
        wait_until(&format!("{css} appears"), WAIT, || self.find(css))
    }

    pub(crate) fn wait_text(&self, css: &str, needle: &str) -> String {
        wait_until(&format!("{css} shows {needle:?}"), WAIT, || {
            self.text(css).filter(|t| t.contains(needle))
        })
    }

    pub(crate) fn find(&self, css: &str) -> Option<String> {
        let url = format!("{}/element", self.base);
        let r = self
            .agent
            .post(&url)
            .send_json(json!({"using": "css selector", "value": css}))
            .ok()?;
        r.into_json::<Value>().ok()?["value"][ELEMENT]
            .as_str()
            .map(str::to_owned)
    }

    pub(crate) fn click(&self, css: &str) {
        let el = self.wait_for(css);
        wait_until(&format!("{css} is enabled"), WAIT, || {
            self.js(
                "const e = document.querySelector(arguments[0]); return !!e && !e.disabled",
                json!([css]),
            )
            .as_bool()
            .filter(|b| *b)
        });
        self.send("POST", &format!("/element/{el}/click"), Some(json!({})));
    }

    pub(crate) fn type_into(&self, css: &str, text: &str) {
        let el = self.wait_for(css);
        self.send("POST", &format!("/element/{el}/clear"), Some(json!({})));
        self.send(
            "POST",
            &format!("/element/{el}/value"),
            Some(json!({"text": text})),
        );
    }

    pub(crate) fn screenshot(&self, name: &str) {
        // WebKit may capture the frame before the last DOM change is painted.
        std::thread::sleep(Duration::from_millis(500));
        let b64 = self.send("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
        std::fs::create_dir_all(&dir).expect("target/e2e");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("screenshot written");
    }
}

impl Drop for Till {
    fn drop(&mut self) {
        // Closing the session ends the app; then the driver and the display are stopped.
        let _ = self.agent.delete(&self.base).call();
        self.driver.take();
    }
}

fn start_xvfb() -> (Group, String) {
    let mut xvfb = Group::spawn(
        Command::new("Xvfb")
            .args([
                "-displayfd",
                "1",
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null()),
    )
    .expect("Xvfb runs (make setup installs it)");
    let out = xvfb.0.stdout.take().expect("Xvfb's stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(out).read_line(&mut line);
        let _ = tx.send(line);
    });
    let display = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("Xvfb reports its display within 10 s")
        .trim()
        .to_owned();
    assert!(!display.is_empty(), "Xvfb gave no display number");
    (xvfb, display)
}

pub(crate) fn wait_until<T>(what: &str, limit: Duration, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

pub(crate) fn digits(s: &str) -> u64 {
    s.chars()
        .filter(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .unwrap_or(0)
}

#[test]
fn a_cashier_sells_three_items_with_a_discount_and_takes_cash_and_card_with_change() {
    let t = Till::start();
    t.type_into("[data-testid=draft-table]", "T9");
    for sku in ["ST-01", "MV-01", "BD-04"] {
        let before = t.count(".line");
        t.click(&format!("button.item[data-sku='{sku}']"));
        wait_until(&format!("{sku} is on the ticket"), WAIT, || {
            (t.count(".line") > before).then_some(())
        });
    }
    t.wait_text("[data-testid=order-number]", "Order #");
    t.click(".line[data-sku='ST-01'] [data-action=discount]");
    t.type_into("[data-testid=discount-input]", "10");
    t.click("[data-testid=discount-apply]");
    t.wait_for(".line[data-sku='ST-01'] .badge.discount");
    t.wait_text("[data-testid=bill-preview]", "Discounts");
    t.wait_text("[data-testid=bill-preview]", "CGST");
    t.click("[data-testid=send-kitchen]");
    t.wait_text("[data-testid=order-status]", "In kitchen");
    t.click("[data-testid=bill]");
    t.wait_text("[data-testid=order-status]", "Billed");
    t.screenshot("sell-billed");

    t.click("[data-testid=pay]");
    t.wait_for("[data-testid=payment-dialog]");
    t.click("[data-add-method=card]");
    t.type_into("[data-testid=tender-card]", "300");
    t.type_into("[data-testid=tender-cash]", "1000");
    let change = t.wait_text("[data-testid=change]", "₹");
    assert!(
        digits(&change) > 0,
        "cash over what is left gives change: {change}"
    );
    t.click("[data-testid=confirm-pay]");
    let shown = t.wait_text("[data-testid=receipt-change]", "Change due");
    assert_eq!(
        digits(&shown),
        digits(&change),
        "the receipt's change is what the dialog promised"
    );
    t.wait_text("[data-testid=receipt]", "Card");
    t.screenshot("sell-receipt");

    t.click("[data-testid=receipt-done]");
    t.click("[data-nav=summary]");
    t.wait_text("[data-testid=summary-bills]", "3");
    t.screenshot("day-summary");
}

#[test]
fn a_customer_found_by_phone_as_typed_settles_part_of_the_tab() {
    let t = Till::start();
    t.click("[data-nav=customers]");
    t.type_into("[data-testid=customer-phone]", "098450-12345");
    let before = digits(&t.wait_text("[data-testid=balance]", "₹"));
    assert!(before > 100_00, "the demo's Asha owes more than Rs 100: {before}");
    t.type_into("[data-testid=settle-amount]", "100");
    t.click("[data-testid=settle]");
    let after = wait_until("the balance drops", WAIT, || {
        t.text("[data-testid=balance]")
            .map(|s| digits(&s))
            .filter(|n| *n != before)
    });
    assert_eq!(after, before - 100_00, "Rs 100 came off the tab");
    t.wait_text("[data-testid=customer]", "Settlement (Cash)");
    t.screenshot("customer-settled");
}

#[test]
fn the_orders_list_filters_by_status() {
    let t = Till::start();
    t.click("[data-nav=orders]");
    t.wait_text("[data-testid=page-info]", "2 orders");
    assert_eq!(
        t.count("[data-testid=orders] tr[data-status=open]"),
        2,
        "the demo has two open tables"
    );
    t.click("[data-filter='In kitchen']");
    t.wait_text("[data-testid=page-info]", "0 orders");
    t.click("[data-filter='Paid']");
    t.wait_text("[data-testid=page-info]", "2 orders");
    assert_eq!(
        t.count("[data-testid=orders] tr[data-status=paid]"),
        2,
        "the demo's two tab sales are paid"
    );
    t.screenshot("orders-paid-filter");
}

#[test]
fn a_manager_clears_the_caches_and_the_sales_remain() {
    let t = Till::start();
    t.click("[data-nav=settings]");
    t.wait_for("[data-testid=cache-panel] tr[data-cache=profile]");
    let lookups = wait_until("the panel counts lookups", WAIT, || {
        t.text("[data-testid=total-lookups]")
            .map(|s| digits(&s))
            .filter(|n| *n > 0)
    });
    let outbox = t.text("[data-testid=outbox]").map(|s| digits(&s)).unwrap_or(0);
    assert!(lookups > 0 && outbox > 0, "the demo's sales wait in the outbox");
    t.screenshot("cache-panel");
    t.click("[data-testid=clear-cache]");
    t.wait_text("[data-testid=clear-dialog]", "Unsynced sales are never touched");
    t.click("[data-testid=confirm-clear]");
    t.wait_text("[data-testid=total-lookups]", "0");
    let after = t.text("[data-testid=outbox]").map(|s| digits(&s)).unwrap_or(0);
    assert_eq!(after, outbox, "clearing the cache never touches unsynced changes");
    t.screenshot("cache-cleared");
    t.click("[data-nav=orders]");
    t.wait_text("[data-testid=page-info]", "2 orders");
}

#[test]
fn bad_input_shows_the_error_and_changes_nothing() {
    let t = Till::start();
    t.click("button.item[data-sku='ST-01']");
    t.wait_text("[data-error-for=table]", "table");
    assert_eq!(
        t.count(".line"),
        0,
        "a dine-in order without a table was not opened"
    );

    t.type_into("[data-testid=draft-table]", "T4");
    t.click("button.item[data-sku='ST-01']");
    t.wait_for(".line[data-sku='ST-01']");
    t.type_into("[data-testid=qty]", "abc");
    t.click("button.item[data-sku='MV-01']");
    t.wait_text("[data-error-for=add]", "quantity");
    assert_eq!(t.count(".line"), 1, "the ticket keeps its one line");

    t.click("[data-testid=pay]");
    t.wait_for("[data-testid=payment-dialog]");
    t.click("[data-testid=payment-dialog] .tender-row[data-method=cash] .icon-btn");
    t.click("[data-add-method=card]");
    t.type_into("[data-testid=tender-card]", "99999");
    t.click("[data-testid=confirm-pay]");
    t.wait_text("[data-error-for=payment]", "cannot exceed");
    t.screenshot("bad-input-overpayment");
    assert_eq!(
        t.count("[data-testid=receipt-dialog]"),
        0,
        "no payment was recorded"
    );
    t.click("[data-testid=payment-dialog] .icon-btn[aria-label=Close]");
    t.wait_text("[data-testid=order-status]", "Open");
    assert_eq!(
        t.count(".line"),
        1,
        "the ticket is intact after the refused payment"
    );
}

#[test]
fn a_thousand_cached_reads_round_trip_through_the_webview() {
    // Measures invoke round trips from inside the webview and writes them to
    // target/e2e/invoke-timings.json (docs/PERFORMANCE.md). Timings are reported, not
    // asserted: tests check behaviour, and this machine is shared. What is asserted is that
    // every one of the 2,000 calls answered with the right data.
    let t = Till::start();
    let script = r#"
        const done = arguments[arguments.length - 1];
        const inv = window.__TAURI_INTERNALS__.invoke;
        (async () => {
          const out = {};
          const checks = {
            profile_lite: (r) => typeof r.name === "string" && r.name.length > 0,
            orders_page: (r) => Array.isArray(r.orders) && typeof r.total === "number",
          };
          for (const [name, cmd, args] of [["profile_lite", "profile_lite", {}],
                                           ["orders_page", "list_orders", {query: {statuses: [], page: 1, limit: 50}}]]) {
            const ts = [];
            let ok = 0;
            for (let i = 0; i < 1000; i++) {
              const s = performance.now();
              const r = await inv(cmd, args);
              ts.push(performance.now() - s);
              if (checks[name](r)) ok++;
            }
            ts.sort((a, b) => a - b);
            out[name] = {p50: ts[499], p99: ts[989], max: ts[999], ok};
          }
          done(out);
        })().catch((e) => done({error: String(e)}));
    "#;
    let r = t.send(
        "POST",
        "/execute/async",
        Some(json!({"script": script, "args": []})),
    );
    assert!(r.get("error").is_none(), "the invokes ran: {r}");
    for name in ["profile_lite", "orders_page"] {
        assert_eq!(
            r[name]["ok"], 1000,
            "every {name} call answered with its data: {r}"
        );
        eprintln!(
            "invoke {name}: p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
            r[name]["p50"].as_f64().unwrap_or(0.0),
            r[name]["p99"].as_f64().unwrap_or(0.0),
            r[name]["max"].as_f64().unwrap_or(0.0),
        );
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/e2e");
    std::fs::create_dir_all(&dir).expect("target/e2e");
    std::fs::write(dir.join("invoke-timings.json"), r.to_string()).expect("timings written");
}

#[test]
fn a_manager_takes_a_backup_from_settings_and_sees_it_listed() {
    let t = Till::start();
    t.click("[data-nav=settings]");
    // The till took today's backup at start; its row is listed.
    let row = "[data-testid=backup-list] tr[data-backup]";
    t.wait_for(row);
    assert_eq!(t.count(row), 1, "one backup per day");
    let before = t.text(&format!("{row} td:last-child")).unwrap_or_default();
    std::thread::sleep(Duration::from_millis(1100));
    t.click("[data-testid=backup-now]");
    t.wait_text("#toasts", "Backup written");
    let after = wait_until("the row shows the new copy's time", WAIT, || {
        t.text(&format!("{row} td:last-child")).filter(|s| *s != before)
    });
    assert_ne!(after, before, "today's copy was written again");
    assert_eq!(t.count(row), 1, "today's copy is replaced, not duplicated");
    let file = t.text(&format!("{row} td:first-child")).unwrap_or_default();
    assert!(file.contains("till-") && file.contains(".db"), "{file}");
    // The section's heading is the element before its host.
    t.js(
        "document.getElementById('backups').previousElementSibling.scrollIntoView()",
        json!([]),
    );
    t.screenshot("settings-backups");
}

#[test]
fn a_manager_enrolls_the_till_with_a_server_from_settings() {
    let server = pos_testkit::BlockingServer::spawn();
    let t = Till::start();
    t.wait_text("[data-testid=sync-badge]", "Local");
    t.click("[data-nav=settings]");
    t.wait_for("[data-testid=sync-enroll]");
    t.type_into("[data-testid=sync-url]", &server.base);
    t.type_into("[data-testid=sync-code]", "not-the-code");
    t.click("[data-testid=sync-enroll]");
    t.wait_text("[data-error-for=code]", "enrollment code");
    t.screenshot("settings-sync-bad-code");
    t.type_into("[data-testid=sync-code]", &server.enrollment_code());
    t.click("[data-testid=sync-enroll]");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !t
        .text("[data-testid=sync-state]")
        .is_some_and(|s| s.contains("Online"))
    {
        if Instant::now() > deadline {
            t.screenshot("settings-sync-timeout");
            panic!(
                "the till never showed Online: {:?}",
                t.text("[data-testid=sync-panel]")
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    t.wait_text("[data-testid=sync-server]", &server.base);
    t.wait_text("[data-testid=sync-badge]", "Online");
    t.screenshot("settings-sync-online");
}

#[test]
fn a_change_the_server_refused_is_shown_until_the_cashier_dismisses_it() {
    use pos_store::rejections::{self, NewRejection};
    let t = Till::start();
    t.wait_text("[data-testid=sync-badge]", "Local");
    assert_eq!(
        t.count("[data-testid=rejection-banner].visible"),
        0,
        "nothing to show yet"
    );
    // What the sync driver writes with a push's acknowledgement, written to the running
    // till's own file (a second connection, as WAL allows).
    let store = pos_store::Store::open(
        &t.data.path().join("till.db"),
        pos_store::StoreOptions::default(),
        pos_core::DeviceId::from_uuid(uuid::Uuid::now_v7()),
        0,
    )
    .expect("the till's database opens beside the app");
    let (order_id, number): (String, i64) = store
        .read(|c| {
            c.query_row("SELECT id, number FROM orders ORDER BY number LIMIT 1", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .map_err(pos_store::StoreError::from)
        })
        .expect("a demo order");
    let mutation_id = pos_core::MutationId::from_uuid(uuid::Uuid::now_v7());
    store
        .write(|tx| {
            rejections::record(
                tx,
                &NewRejection {
                    mutation_id,
                    seq: 9,
                    intent: "order.add_line".into(),
                    order_id: Some(order_id.parse().expect("an order id")),
                    reason: format!(
                        "order #{number} is already paid on another till; the edit was not applied"
                    ),
                },
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_millis() as i64)
                    .unwrap_or(0),
            )
        })
        .expect("recorded");
    let text = t.wait_text(
        "[data-testid=rejection-banner].visible",
        &format!("Order #{number}"),
    );
    assert!(text.contains("an item you added"), "what was refused: {text}");
    assert!(
        text.contains("already paid on another till"),
        "the reason is shown: {text}"
    );
    t.screenshot("rejection-banner");
    t.click("[data-testid=dismiss-rejection]");
    wait_until("the banner closes", WAIT, || {
        (t.count("[data-testid=rejection-banner].visible") == 0).then_some(())
    });
    let open = store.read(rejections::unacknowledged).expect("read");
    assert!(open.is_empty(), "dismissing acknowledged it in SQLite: {open:?}");
}

#[test]
fn an_order_paid_twice_on_two_tills_shows_the_money_to_give_back() {
    use pos_protocol::Mutation;
    use pos_protocol::rules::Conflict;
    use pos_protocol::sync::{Change, PullResponse};
    let t = Till::start();
    t.wait_text("[data-testid=sync-badge]", "Local");
    // What this till replays when it pulls another till's payment for one of its paid
    // orders, made while both were offline: the server kept both payments and recorded the
    // other bill as superseded. Replayed through the till's own sync use case, on a second
    // handle of the running till's file (as WAL allows).
    let mut config = pos_app::AppConfig::new(t.data.path().join("till.db"));
    config.load_demo = false;
    config.warm_up = false;
    let other = pos_app::App::open(config).expect("the till's database opens beside the app");
    let paid = other
        .list_orders(&pos_app::ListOrders {
            statuses: vec![pos_core::OrderStatus::Paid],
            page: 1,
            limit: 1,
            attention: false,
        })
        .expect("the paid orders")
        .orders
        .first()
        .map(|o| o.id)
        .expect("the demo has a paid order");
    let record = other.order(paid).expect("the paid order");
    let bill = record.bill.clone().expect("its bill");
    let total = bill.bill.total;
    let at = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let page = PullResponse {
        cursor: pos_protocol::sync::encode_cursor(1),
        changes: vec![Change {
            version: 1,
            mutation_id: pos_core::MutationId::from_uuid(uuid::Uuid::now_v7()),
            mutation: Mutation::PaymentRecord {
                order_id: paid,
                payments: vec![pos_core::Payment {
                    id: pos_core::PaymentId::from_uuid(uuid::Uuid::now_v7()),
                    method: pos_core::PaymentMethod::Card,
                    amount: total,
                    tendered: total,
                    change: pos_core::Money::ZERO,
                    reference: None,
                    customer_phone: None,
                    at_ms: at,
                }],
                bill: Some(Box::new(bill.bill.clone())),
                invoice_no: Some("ST1-ZZZZ-000001".into()),
                ledger: vec![],
            },
            verdict: Some(Conflict::Overpaid {
                excess: total,
                superseded_invoice: Some("ST1-ZZZZ-000001".into()),
            }),
        }],
        reset: false,
        has_more: false,
        last_seq: 0,
    };
    let applied = other.apply_pull(None, &page).expect("the page applies");
    assert_eq!(applied.changed, 1);
    let text = t.wait_text("[data-testid=attention-banner]", "paid twice");
    assert!(text.contains("refund"), "the banner says what to do: {text}");
    t.screenshot("paid-twice-banner");
    t.click("[data-testid=show-attention]");
    let badge = t.wait_text("[data-testid=orders] [data-testid=excess]", "Refund");
    let digits: String = badge.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(
        digits,
        total.minor().to_string(),
        "the amount to give back: {badge}"
    );
    assert_eq!(
        t.count("[data-testid=orders] tbody tr"),
        1,
        "only the order that needs a person is listed"
    );
    t.screenshot("paid-twice-orders");
}
