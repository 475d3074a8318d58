//! Tills belong to locations: `admin create-location` and `admin enroll-code --location`
//! bind a device to one, and the orders it pushes count for that location only.

use pos_protocol::sync::{EnrollRequest, EnrollResponse};
use pos_testkit::till::{outbox_push, sell};
use pos_testkit::{TestServer, spawn_server, temp_till};
use uuid::Uuid;

fn cli(server: &TestServer, args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pos-server"))
        .args(args)
        .env("DATABASE_URL", &server.database_url)
        .env("POS_SERVER_CONFIG", "/nonexistent.toml")
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?} succeeds: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8").trim().to_string()
}

async fn enroll_with(server: &TestServer, code: &str, name: &str) -> EnrollResponse {
    let resp = server
        .http
        .post(format!("{}/sync/enroll", server.base))
        .json(&EnrollRequest {
            code: code.to_string(),
            device_name: name.to_string(),
        })
        .send()
        .await
        .expect("enroll answers");
    assert_eq!(resp.status(), 200, "a fresh code enrolls");
    resp.json().await.expect("enroll body")
}

async fn device_location(server: &TestServer, device: Uuid) -> Uuid {
    let c = server.db.get().await.expect("conn");
    c.query_one("SELECT location_id FROM devices WHERE id = $1", &[&device])
        .await
        .expect("the device")
        .get(0)
}

#[tokio::test]
async fn orders_pushed_by_two_tills_count_for_their_own_location_only() {
    let mut server = spawn_server().await;
    let org = server.org.to_string();
    let main = pos_server::admin::default_location(&server.db, server.org)
        .await
        .expect("create-org made the default location");
    let branch: Uuid = cli(
        &server,
        &["admin", "create-location", "--org", &org, "--name", "Andheri"],
    )
    .parse()
    .expect("create-location prints the id");
    // The old invocation still works and binds the default location.
    let old_code = cli(&server, &["admin", "enrollment-code", &org]);
    let branch_code = cli(
        &server,
        &[
            "admin",
            "enroll-code",
            "--org",
            &org,
            "--location",
            &branch.to_string(),
        ],
    );
    let a = enroll_with(&server, &old_code, "Till A").await;
    let b = enroll_with(&server, &branch_code, "Till B").await;
    assert_eq!(
        device_location(&server, a.device_id).await,
        main,
        "no --location: the default"
    );
    assert_eq!(device_location(&server, b.device_id).await, branch);

    let (till_a, till_b) = (temp_till(), temp_till());
    sell(&till_a.app, 2);
    sell(&till_a.app, 2);
    sell(&till_b.app, 2);
    for (t, token) in [(&till_a, &a.token), (&till_b, &b.token)] {
        let resp = server.push(token, &outbox_push(&t.app)).await;
        assert_eq!(resp.status(), 200, "the outbox is accepted");
    }
    let manager = server.api_token(server.org, "manager").await;
    let base = server.base.clone();
    let day = till_a.app.today().expect("a business day");
    for (loc, orders) in [(Some(main), 2), (Some(branch), 1), (None, 3)] {
        let q = loc.map(|l| format!("&location={l}")).unwrap_or_default();
        let (s, page) = server
            .get_json(&base, &format!("/orders?limit=200{q}"), &manager)
            .await;
        assert_eq!(s, 200, "{page}");
        assert_eq!(page["total"], orders, "orders of {loc:?}");
        if let Some(l) = loc {
            assert!(
                page["orders"]
                    .as_array()
                    .expect("rows")
                    .iter()
                    .all(|o| o["location_id"] == l.to_string()),
                "every row names the location: {page}"
            );
        }
        let (s, sum) = server
            .get_json(&base, &format!("/billing/summary?day={day}{q}"), &manager)
            .await;
        assert_eq!(s, 200, "{sum}");
        assert_eq!(sum["bills"], orders, "paid bills of {loc:?}: {sum}");
        assert_eq!(sum["orders"], orders, "orders of {loc:?}: {sum}");
    }

    // The summaries just read are cached; a sale pushed by the branch's till clears the
    // branch's and the organisation's summary of that day, and not the main location's.
    sell(&till_b.app, 2);
    let resp = server.push(&b.token, &outbox_push(&till_b.app)).await;
    assert_eq!(resp.status(), 200, "the new sale is accepted");
    for (loc, orders) in [(Some(main), 2), (Some(branch), 2), (None, 4)] {
        let q = loc.map(|l| format!("&location={l}")).unwrap_or_default();
        let (s, sum) = server
            .get_json(&base, &format!("/billing/summary?day={day}{q}"), &manager)
            .await;
        assert_eq!(s, 200, "{sum}");
        assert_eq!(
            sum["bills"], orders,
            "after the branch's sale, paid bills of {loc:?}: {sum}"
        );
    }

    // A replayed push cannot move an order to another location.
    let resp = server.push(&a.token, &outbox_push(&till_a.app)).await;
    assert_eq!(resp.status(), 200, "a replay is answered");
    let (_, page) = server
        .get_json(&base, &format!("/orders?location={main}"), &manager)
        .await;
    assert_eq!(page["total"], 2, "the replay changed nothing");

    // Another organisation cannot read or name these locations.
    let other = server.new_org("Idli House").await;
    let stranger = server.api_token(other, "manager").await;
    let their_till = temp_till();
    let their_device = server.enroll(other, "Their till").await;
    let resp = server.push(&their_device, &outbox_push(&their_till.app)).await;
    assert_eq!(resp.status(), 200, "the other organisation has a profile too");
    for path in [
        format!("/orders?location={branch}"),
        format!("/billing/summary?day={day}&location={branch}"),
    ] {
        let (s, body) = server.get_json(&base, &path, &stranger).await;
        assert_eq!(
            (s, body["code"].as_str()),
            (404, Some("not_found")),
            "{path}: {body}"
        );
    }
    let (_, theirs) = server.get_json(&base, "/orders", &stranger).await;
    assert_eq!(theirs["total"], 0, "nothing leaks across organisations");
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_pos-server"))
        .args(["admin", "enroll-code", "--org", &other.to_string(), "--location"])
        .arg(branch.to_string())
        .env("DATABASE_URL", &server.database_url)
        .env("POS_SERVER_CONFIG", "/nonexistent.toml")
        .output()
        .expect("the binary runs");
    assert!(
        !bad.status.success(),
        "a code cannot name another organisation's location"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_location_created_while_the_server_runs_is_accepted_at_once() {
    let mut server = spawn_server().await;
    let manager = server.api_token(server.org, "manager").await;
    let base = server.base.clone();
    // Warm the cached location list, then add a location behind the server's back.
    let main = pos_server::admin::default_location(&server.db, server.org)
        .await
        .expect("the default location");
    let (s, _) = server
        .get_json(&base, &format!("/orders?location={main}"), &manager)
        .await;
    assert_eq!(s, 200);
    let added = pos_server::admin::create_location(&server.db, server.org, "Bandra")
        .await
        .expect("a location");
    let mut last = (0, serde_json::Value::Null);
    for _ in 0..100 {
        last = server
            .get_json(&base, &format!("/orders?location={added}"), &manager)
            .await;
        if last.0 == 200 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert_eq!(last.0, 200, "the new location is known: {}", last.1);
    server.stop().await;
}

#[tokio::test]
async fn the_migration_gives_existing_devices_codes_and_till_orders_a_location() {
    let url = pos_testkit::server::fresh_database().await;
    let pool = pos_server::db::pool(&url, 2).expect("pool");
    let c = pool.get().await.expect("conn");
    // The schema as it was before 0004, with rows made under it.
    c.batch_execute(
        "CREATE TABLE schema_migrations (version INT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())",
    )
    .await
    .expect("the migrations table");
    for (v, sql) in pos_server::db::MIGRATIONS {
        if *v < 4 {
            c.batch_execute(sql).await.expect("an earlier migration");
            c.execute("INSERT INTO schema_migrations (version) VALUES ($1)", &[v])
                .await
                .expect("recorded");
        }
    }
    let (org, bare, device, order, api_order) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    c.batch_execute(&format!(
        "INSERT INTO organisations (id, name) VALUES ('{org}', 'Old'), ('{bare}', 'No location');
         INSERT INTO locations (id, org_id, name) VALUES ('{org}', '{org}', 'Main');
         INSERT INTO devices (id, org_id, name, token_hash) VALUES ('{device}', '{org}', 'Till', '\\x01');
         INSERT INTO enrollment_codes (code_hash, org_id) VALUES ('\\x02', '{org}'), ('\\x03', '{bare}');
         INSERT INTO processed_mutations (mutation_id, org_id, device_id, seq, intent, payload_hash, result)
             VALUES ('{order}', '{org}', '{device}', 1, 'order.create', '\\x00', '{{}}');
         INSERT INTO change_log (org_id, mutation_id, kind, entity_id, payload)
             VALUES ('{org}', '{order}', 'order.create', '{order}', '{{}}');
         INSERT INTO orders (org_id, id, status, data) VALUES ('{org}', '{order}', 'open', '{{}}');
         INSERT INTO orders (org_id, id, status, data) VALUES ('{org}', '{api_order}', 'open', '{{}}');"
    ))
    .await
    .expect("old rows");
    pos_server::db::migrate(&pool)
        .await
        .expect("0004 applies over existing rows");
    let one = |sql: &'static str| {
        let c = &c;
        async move { c.query_one(sql, &[]).await.expect(sql) }
    };
    let d: Uuid = one("SELECT location_id FROM devices").await.get(0);
    assert_eq!(d, org, "the device gets its organisation's location");
    let o: Option<Uuid> = c
        .query_one("SELECT location_id FROM orders WHERE id = $1", &[&order])
        .await
        .expect("order")
        .get(0);
    assert_eq!(o, Some(org), "the till's order gets its device's location");
    let a: Option<Uuid> = c
        .query_one("SELECT location_id FROM orders WHERE id = $1", &[&api_order])
        .await
        .expect("order")
        .get(0);
    assert_eq!(a, None, "an order no device created is left alone");
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM enrollment_codes c JOIN locations l
               ON l.id = c.location_id AND l.org_id = c.org_id",
            &[],
        )
        .await
        .expect("codes")
        .get(0);
    assert_eq!(n, 2, "every code names a location of its organisation");
    let made: i64 = c
        .query_one("SELECT count(*) FROM locations WHERE org_id = $1", &[&bare])
        .await
        .expect("locations")
        .get(0);
    assert_eq!(made, 1, "an organisation without a location gets a default one");
}
