//! Two server instances on one database (as behind a load balancer): a write through one
//! is never served stale by the other, and a lost listener connection clears the caches.

use reqwest::Method;
use serde_json::json;

use crate::api::channel_order;
use crate::helpers::seeded_server;

#[tokio::test]
async fn a_write_through_one_instance_is_never_served_stale_by_another() {
    let (mut server, t, device, manager, admin) = seeded_server().await;
    let a = server.base.clone();
    let mut b_instance = server.another_instance().await;
    let b = b_instance.base.clone();
    server.wait_listening(&a, &admin).await;
    server.wait_listening(&b, &admin).await;

    let id = channel_order(&server, &a, &manager, None).await;
    let order_path = format!("/orders/{id}");
    for round in 0..10 {
        // Warm B's caches (twice: the second read is a hit when B is current).
        for _ in 0..2 {
            server.get_json(&b, "/business-profile", &device).await;
            server.get_json(&b, &order_path, &device).await;
            server.get_json(&b, "/orders?status=active", &device).await;
        }
        // Write through A, read through B at once.
        let footer = format!("round {round}");
        let (s, _) = server
            .send_json(
                Method::POST,
                &a,
                "/business-profile/update",
                &manager,
                &json!({ "receipt_footer": footer }),
            )
            .await;
        assert_eq!(s, 200);
        let (_, p) = server.get_json(&b, "/business-profile", &device).await;
        assert_eq!(
            p["receipt_footer"],
            footer.as_str(),
            "B serves A's profile edit at once"
        );

        let status = if round % 2 == 0 { "billed" } else { "open" };
        if round == 0 {
            let (s, body) = server
                .send_json(
                    Method::PUT,
                    &a,
                    &order_path,
                    &manager,
                    &json!({"status": "served"}),
                )
                .await;
            assert_eq!(s, 200, "{body}");
            let (_, o) = server.get_json(&b, &order_path, &device).await;
            assert_eq!(o["status"], "served", "B serves A's status change at once");
        }
        let (s, body) = server
            .send_json(
                Method::PUT,
                &a,
                &order_path,
                &manager,
                &json!({ "status": status }),
            )
            .await;
        assert_eq!(s, 200, "{body}");
        let (_, o) = server.get_json(&b, &order_path, &device).await;
        assert_eq!(
            o["status"], status,
            "round {round}: B serves A's status change at once"
        );
        let (_, list) = server.get_json(&b, "/orders?status=active", &device).await;
        let row = list["orders"]
            .as_array()
            .and_then(|rows| rows.iter().find(|r| r["id"] == id.as_str()))
            .cloned()
            .unwrap_or_default();
        assert_eq!(row["status"], status, "round {round}: B's active list is current");
    }

    // Many quick edits, each read through B the moment A answers: without the data-version
    // check B would serve its cached profile in the milliseconds before A's notification
    // arrives (this loop catches that in most runs; the version check makes it never).
    for round in 0..60 {
        server.get_json(&b, "/business-profile/lite", &device).await;
        let name = format!("Saffron Table {round}");
        let (s, _) = server
            .send_json(
                Method::POST,
                &a,
                "/business-profile/update",
                &manager,
                &json!({ "name": name }),
            )
            .await;
        assert_eq!(s, 200);
        let (_, lite) = server.get_json(&b, "/business-profile/lite", &device).await;
        assert_eq!(
            lite["name"],
            name.as_str(),
            "round {round}: B serves A's edit at once"
        );
    }

    // A payment through A: B's order and day summary follow at once.
    let paid_id = channel_order(&server, &a, &manager, None).await;
    let paid_path = format!("/orders/{paid_id}");
    for _ in 0..2 {
        server.get_json(&b, &paid_path, &device).await;
        server.get_json(&b, "/billing/summary", &device).await;
    }
    let (_, before) = server.get_json(&b, "/billing/summary", &device).await;
    let (s, receipt) = server
        .send_json(
            Method::POST,
            &a,
            "/payments",
            &manager,
            &json!({"order_id": paid_id, "tenders": [{"method": "cash", "amount": 1_000_000}]}),
        )
        .await;
    assert_eq!(s, 201, "{receipt}");
    let (_, o) = server.get_json(&b, &paid_path, &device).await;
    assert_eq!(o["status"], "paid", "B serves A's payment at once");
    let (_, after) = server.get_json(&b, "/billing/summary", &device).await;
    assert_eq!(
        after["bills"].as_u64(),
        before["bills"].as_u64().map(|n| n + 1),
        "B's day summary counts A's bill at once"
    );

    // A till's push through A invalidates B too.
    let (_, before) = server.get_json(&b, "/orders?limit=200", &device).await;
    server.get_json(&b, "/orders?status=active", &device).await;
    let order = t
        .app
        .create_order(pos_core::order::NewOrder {
            order_type: Some(pos_core::OrderType::Takeaway),
            ..Default::default()
        })
        .unwrap();
    let resp = server
        .push(&device, &pos_testkit::till::outbox_push(&t.app))
        .await;
    assert_eq!(resp.status(), 200);
    let (_, active) = server
        .get_json(&b, "/orders?status=active&limit=200", &device)
        .await;
    assert!(
        active["orders"]
            .as_array()
            .is_some_and(|rows| rows.iter().any(|r| r["id"] == order.id.to_string().as_str())),
        "B lists the order the till pushed through A"
    );
    let (_, after) = server.get_json(&b, "/orders?limit=200", &device).await;
    assert_eq!(after["total"].as_u64(), before["total"].as_u64().map(|n| n + 1));

    // B did serve from its cache, and learned of A's writes by notification.
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let (_, stats) = server.get_json(&b, "/admin/cache-stats", &admin).await;
    let profile = stats["caches"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "profile"))
        .cloned()
        .unwrap_or_default();
    if pos_testkit::server::caching() {
        assert!(
            profile["hits"].as_u64() > Some(0),
            "B's profile cache was used: {profile}"
        );
    }
    assert!(
        profile["invalidations"]["profile_updated"].as_u64() >= Some(10),
        "B applied A's notifications: {profile}"
    );
    b_instance.stop().await;
    server.stop().await;
}

#[tokio::test]
async fn a_lost_listener_connection_clears_the_caches_and_reconnects() {
    let (mut server, _t, device, manager, admin) = seeded_server().await;
    let a = server.base.clone();
    server.wait_listening(&a, &admin).await;
    for _ in 0..2 {
        server.get_json(&a, "/business-profile", &device).await;
    }
    // A change this instance is never told about (as if its notification was lost).
    let c = server.db.get().await.unwrap();
    c.execute(
        "UPDATE profile SET data = jsonb_set(data, '{receipt_footer}', '\"missed\"') WHERE org_id = $1",
        &[&server.org],
    )
    .await
    .unwrap();
    let (_, p) = server.get_json(&a, "/business-profile", &device).await;
    if pos_testkit::server::caching() {
        assert_ne!(
            p["receipt_footer"], "missed",
            "the cached profile is served while nothing says otherwise"
        );
    }

    let resyncs = |stats: &serde_json::Value| {
        stats["caches"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == "profile"))
            .and_then(|p| p["invalidations"]["resync"].as_u64())
            .unwrap_or(0)
    };
    let (_, stats) = server.get_json(&a, "/admin/cache-stats", &admin).await;
    let before = resyncs(&stats);
    let killed: i64 = c
        .query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
             WHERE application_name = 'pos-cache-listener' AND datname = current_database()",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(killed, 1, "one listener connection for this instance");
    // Reconnects by itself, then caches are cleared (resync) and in use again.
    let mut resynced = false;
    for _ in 0..300 {
        let (_, stats) = server.get_json(&a, "/admin/cache-stats", &admin).await;
        // Losing the connection clears once, reconnecting once more.
        if stats["listening"] == true && resyncs(&stats) >= before + 2 {
            resynced = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(resynced, "the listener reconnected and cleared the caches");
    let (_, p) = server.get_json(&a, "/business-profile", &device).await;
    assert_eq!(
        p["receipt_footer"], "missed",
        "after a reconnect nothing cached before it is served"
    );
    let (s, _) = server
        .send_json(
            Method::POST,
            &a,
            "/business-profile/update",
            &manager,
            &json!({"receipt_footer": "after"}),
        )
        .await;
    assert_eq!(s, 200);
    let (_, p) = server.get_json(&a, "/business-profile", &device).await;
    assert_eq!(p["receipt_footer"], "after");
    server.stop().await;
}
