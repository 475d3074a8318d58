//! The back-office REST API against a real server and PostgreSQL.

use pos_core::{Customer, Money, Phone};
use pos_protocol::Mutation;
use pos_protocol::sync::{PullResponse, PushMutation, PushRequest};
use pos_testkit::TestServer;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{location, seeded_server};

fn first_sku() -> String {
    pos_testkit::example_menu()[0].sku.as_str().to_string()
}

/// Takes a delivery order through `POST /orders`; returns its id.
pub async fn channel_order(server: &TestServer, base: &str, token: &str, phone: Option<&str>) -> String {
    let loc = location(server, server.org).await;
    let (status, body) = server
        .send_json(
            Method::POST,
            base,
            "/orders",
            token,
            &json!({
                "location_id": loc.to_string(),
                "channel": "swiggy",
                "customer_phone": phone,
                "lines": [{"sku": first_sku(), "qty": 2}],
            }),
        )
        .await;
    assert_eq!(status, 201, "a delivery order is taken: {body}");
    body["id"].as_str().expect("an id").to_string()
}

/// Pushes one mutation as the next seq of the device.
pub async fn push_one(server: &TestServer, device: &str, seq: i64, m: Mutation) {
    let req = PushRequest {
        protocol_version: 1,
        mutations: vec![PushMutation {
            mutation_id: pos_core::MutationId::from_uuid(uuid::Uuid::now_v7()),
            seq,
            mutation: m,
        }],
    };
    let resp = server.push(device, &req).await;
    assert_eq!(resp.status(), 200, "the push is accepted");
}

async fn last_seq(server: &TestServer, device_org: uuid::Uuid) -> i64 {
    server
        .count(
            "SELECT MAX(last_seq) FROM device_seq WHERE org_id = $1",
            device_org,
        )
        .await
}

#[tokio::test]
async fn profile_reads_serve_what_the_till_pushed_and_hit_the_cache_on_repeat() {
    let (mut server, _t, device, manager, admin) = seeded_server().await;
    server.wait_listening(&server.base.clone(), &admin).await;
    let base = server.base.clone();
    for token in [&device, &manager, &admin] {
        let (s, p) = server.get_json(&base, "/business-profile", token).await;
        assert_eq!(s, 200);
        assert_eq!(p["name"], "Saffron Table", "the till's profile is served");
        let (s, lite) = server.get_json(&base, "/business-profile/lite", token).await;
        assert_eq!(s, 200);
        assert_eq!(lite["country_code"], "91");
        let (s, settings) = server.get_json(&base, "/business-settings", token).await;
        assert_eq!(s, 200);
        assert_eq!(settings["locations"].as_array().map(Vec::len), Some(1));
    }
    let (_, stats) = server.get_json(&base, "/admin/cache-stats", &admin).await;
    let profile = stats["caches"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["name"] == "profile"))
        .expect("a profile cache");
    if pos_testkit::server::caching() {
        assert!(profile["hits"].as_u64() >= Some(8), "9 reads, 1 load: {profile}");
        assert_eq!(profile["loads"], 1, "one load for nine reads");
    } else {
        assert_eq!(profile["hits"], 0, "with caching off every read loads");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_new_organisation_without_a_profile_gets_profile_missing() {
    let (mut server, _t, _device, _manager, _admin) = seeded_server().await;
    let other = server.new_org("Empty Cafe").await;
    let token = server.api_token(other, "manager").await;
    let (s, body) = server
        .get_json(&server.base.clone(), "/business-profile", &token)
        .await;
    assert_eq!(s, 409);
    assert_eq!(body["code"], "profile_missing");
    server.stop().await;
}

#[tokio::test]
async fn profile_edits_need_a_manager_and_reach_the_tills_through_pull() {
    let (mut server, _t, device, manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let (_, before) = server.get_json(&base, "/business-profile", &device).await;
    let patch = json!({"receipt_footer": "Come back soon"});
    let (s, body) = server
        .send_json(Method::POST, &base, "/business-profile/update", &device, &patch)
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (403, Some("forbidden")),
        "a till may not edit the profile here"
    );
    let (s, after) = server
        .send_json(Method::POST, &base, "/business-profile/update", &manager, &patch)
        .await;
    assert_eq!(s, 200, "{after}");
    assert_eq!(after["receipt_footer"], "Come back soon");
    assert_eq!(after["name"], before["name"], "fields not named are kept");
    let (_, read) = server.get_json(&base, "/business-profile", &device).await;
    assert_eq!(
        read["receipt_footer"], "Come back soon",
        "the cached profile was invalidated"
    );

    let mut full = read.clone();
    full["name"] = json!("Saffron Table Indiranagar");
    let (s, replaced) = server
        .send_json(Method::PUT, &base, "/business-profile", &manager, &full)
        .await;
    assert_eq!(s, 200, "{replaced}");
    let (_, lite) = server.get_json(&base, "/business-profile/lite", &device).await;
    assert_eq!(lite["name"], "Saffron Table Indiranagar");

    let pulled: PullResponse = server.pull(&device, None, 0).await.json().await.unwrap();
    let updates: Vec<_> = pulled
        .changes
        .iter()
        .filter_map(|c| match &c.mutation {
            Mutation::ProfileUpdate { profile, .. } => Some(profile.name.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(
        updates.last().map(String::as_str),
        Some("Saffron Table Indiranagar"),
        "tills pull the manager's edit as a profile.update: {updates:?}"
    );

    let bad = json!({"tax_classes": "none"});
    let (s, body) = server
        .send_json(Method::POST, &base, "/business-profile/update", &manager, &bad)
        .await;
    assert_eq!(s, 422, "a patch that breaks the profile is refused: {body}");
    let (s, body) = server
        .send_json(
            Method::POST,
            &base,
            "/business-profile/update",
            &manager,
            &json!({"colour": "red"}),
        )
        .await;
    assert_eq!((s, body["field"].as_str()), (422, Some("colour")));
    server.stop().await;
}

#[tokio::test]
async fn a_delivery_order_reaches_the_tills_and_moves_under_the_state_machine() {
    let (mut server, _t, device, manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let id = channel_order(&server, &base, &manager, None).await;

    let pulled: PullResponse = server.pull(&device, None, 0).await.json().await.unwrap();
    assert!(
        pulled.changes.iter().any(|c| matches!(&c.mutation,
            Mutation::OrderCreate { order } if order.id.to_string() == id && order.lines.len() == 1)),
        "the till pulls the order with its line"
    );

    let (s, order) = server.get_json(&base, &format!("/orders/{id}"), &device).await;
    assert_eq!((s, order["status"].as_str()), (200, Some("open")));
    assert!(order["notes"].as_str().unwrap_or("").contains("swiggy"));

    let put = |status: &str| json!({ "status": status });
    let (s, body) = server
        .send_json(
            Method::PUT,
            &base,
            &format!("/orders/{id}"),
            &device,
            &put("paid"),
        )
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (409, Some("conflict")),
        "paid comes only from payments"
    );
    let (s, body) = server
        .send_json(
            Method::PUT,
            &base,
            &format!("/orders/{id}"),
            &device,
            &put("sent_to_kitchen"),
        )
        .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["status"], "sent_to_kitchen");
    let (_, read) = server.get_json(&base, &format!("/orders/{id}"), &device).await;
    assert_eq!(
        read["status"], "sent_to_kitchen",
        "the cached order was invalidated"
    );
    let (s, _) = server
        .send_json(
            Method::PUT,
            &base,
            &format!("/orders/{id}"),
            &device,
            &put("open"),
        )
        .await;
    assert_eq!(s, 409, "sent_to_kitchen cannot go back to open");
    let (s, body) = server
        .send_json(
            Method::PUT,
            &base,
            &format!("/orders/{id}"),
            &device,
            &put("cooking"),
        )
        .await;
    assert_eq!((s, body["field"].as_str()), (422, Some("status")));

    let pulled: PullResponse = server.pull(&device, None, 0).await.json().await.unwrap();
    assert!(
        pulled.changes.iter().any(|c| matches!(&c.mutation,
            Mutation::OrderSetStatus { order_id, status, .. }
                if order_id.to_string() == id && *status == pos_core::OrderStatus::SentToKitchen)),
        "the till pulls the status change"
    );
    server.stop().await;
}

#[tokio::test]
async fn the_order_list_filters_paginates_and_counts() {
    let (mut server, _t, device, manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let mut ids = Vec::new();
    for _ in 0..5 {
        ids.push(channel_order(&server, &base, &manager, None).await);
    }
    let (s, page) = server
        .get_json(&base, "/orders?status=active&limit=2&offset=1", &device)
        .await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(page["total"], 5, "five active orders (the till's sale is paid)");
    assert_eq!(page["orders"].as_array().map(Vec::len), Some(2));
    let (_, all) = server.get_json(&base, "/orders?limit=200", &device).await;
    assert_eq!(all["total"], 6, "five delivery orders and the till's paid sale");
    let (_, paid) = server.get_json(&base, "/orders?status=paid", &device).await;
    assert_eq!(paid["total"], 1);
    let loc = location(&server, server.org).await;
    let (_, here) = server
        .get_json(&base, &format!("/orders?status=active&location={loc}"), &device)
        .await;
    assert_eq!(here["total"], 5, "the delivery orders name the location");
    let (_, days) = server
        .get_json(&base, "/orders?from=2000-01-01&to=2000-01-02", &device)
        .await;
    assert_eq!(days["total"], 0, "no order on those days");
    // The cached active list and the database agree on order and content.
    let (_, cached) = server
        .get_json(&base, "/orders?status=active&limit=200", &device)
        .await;
    let (_, fresh) = server
        .get_json(
            &base,
            "/orders?status=open,sent_to_kitchen,served,billed&from=2000-01-01&limit=200",
            &device,
        )
        .await;
    assert_eq!(
        cached["orders"], fresh["orders"],
        "cache and database list the same rows"
    );

    for (q, field) in [
        ("/orders?limit=0", "limit"),
        ("/orders?limit=201", "limit"),
        ("/orders?offset=-1", "offset"),
        ("/orders?from=2026-13-01", "from"),
        ("/orders?from=2026-02-02&to=2026-02-01", "to"),
        ("/orders?status=cooking", "status"),
        ("/orders?location=nope", "location"),
    ] {
        let (s, body) = server.get_json(&base, q, &device).await;
        assert_eq!((s, body["field"].as_str()), (422, Some(field)), "{q}: {body}");
    }
    let (s, body) = server
        .get_json(
            &base,
            &format!("/orders?location={}", uuid::Uuid::now_v7()),
            &device,
        )
        .await;
    assert_eq!((s, body["code"].as_str()), (404, Some("not_found")));
    server.stop().await;
}

#[tokio::test]
async fn payments_follow_the_tills_rules_and_refresh_order_summary_and_balance() {
    let (mut server, _t, device, manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    // A customer with a tab, as a till would push it.
    let phone = Phone::parse("98450 12345", "91").unwrap();
    let seq = last_seq(&server, server.org).await + 1;
    push_one(
        &server,
        &device,
        seq,
        Mutation::CustomerUpsert {
            customer: Customer {
                phone: phone.clone(),
                name: "Asha".into(),
                credit_limit: Money::from_minor(5000_00),
            },
        },
    )
    .await;
    let id = channel_order(&server, &base, &manager, Some("+91 98450-12345")).await;
    // Warm the caches.
    let (_, before) = server.get_json(&base, "/billing/summary", &manager).await;
    let (s, bal) = server
        .get_json(&base, "/billing/customer-balance/9845012345", &manager)
        .await;
    assert_eq!((s, bal["balance"].as_i64()), (200, Some(0)), "{bal}");
    let (_, order) = server.get_json(&base, &format!("/orders/{id}"), &manager).await;
    assert_eq!(order["status"], "open");

    let pay = |tenders: Value| json!({ "order_id": id, "tenders": tenders });
    let (s, body) = server
        .send_json(
            Method::POST,
            &base,
            "/payments",
            &manager,
            &pay(json!([{"method": "cash", "amount": -5}])),
        )
        .await;
    assert_eq!((s, body["field"].as_str()), (422, Some("tenders[0].amount")));
    let (s, body) = server
        .send_json(
            Method::POST,
            &base,
            "/payments",
            &manager,
            &pay(json!([{"method": "card", "amount": 100_000_00}])),
        )
        .await;
    assert_eq!(s, 422, "card cannot exceed what is due: {body}");
    // Part on account, the rest in cash with change.
    let (s, receipt) = server
        .send_json(
            Method::POST,
            &base,
            "/payments",
            &manager,
            &pay(json!([{"method": "on_account", "amount": 100_00}, {"method": "cash", "amount": 100_000}])),
        )
        .await;
    assert_eq!(s, 201, "{receipt}");
    assert_eq!(receipt["order"]["status"], "paid");
    assert!(
        receipt["change"].as_i64() > Some(0),
        "cash over the total gives change"
    );
    assert!(receipt["invoice_no"].is_string());

    let (_, order) = server.get_json(&base, &format!("/orders/{id}"), &manager).await;
    assert_eq!(order["status"], "paid", "the cached order was invalidated");
    let (_, bal) = server
        .get_json(&base, "/billing/customer-balance/%2B91%2098450%2012345", &manager)
        .await;
    assert_eq!(
        bal["balance"].as_i64(),
        Some(100_00),
        "the tab grew by the on-account part"
    );
    let (_, after) = server.get_json(&base, "/billing/summary", &manager).await;
    assert_eq!(
        after["bills"].as_u64(),
        before["bills"].as_u64().map(|b| b + 1),
        "the day summary counts the new bill: {after}"
    );
    let (s, body) = server
        .send_json(
            Method::POST,
            &base,
            "/payments",
            &manager,
            &pay(json!([{"method": "cash", "amount": 100}])),
        )
        .await;
    assert_eq!(
        (s, body["code"].as_str()),
        (409, Some("conflict")),
        "a paid order takes no more payments"
    );
    let (s, body) = server
        .send_json(
            Method::POST,
            &base,
            "/payments",
            &manager,
            &json!({"order_id": uuid::Uuid::now_v7().to_string(), "tenders": [{"method": "cash", "amount": 100}]}),
        )
        .await;
    assert_eq!((s, body["code"].as_str()), (404, Some("not_found")));

    let pulled: PullResponse = server.pull(&device, None, 0).await.json().await.unwrap();
    assert!(
        pulled.changes.iter().any(|c| matches!(&c.mutation,
            Mutation::PaymentRecord { order_id, bill: Some(_), ledger, .. }
                if order_id.to_string() == id && ledger.len() == 1)),
        "the tills pull the payment with its bill and ledger entry"
    );
    for bad in ["abc", "12", "+", "%20"] {
        let (s, body) = server
            .get_json(&base, &format!("/billing/customer-balance/{bad}"), &manager)
            .await;
        assert_eq!((s, body["field"].as_str()), (422, Some("phone")), "{bad}: {body}");
    }
    let (s, _) = server
        .get_json(&base, "/billing/customer-balance/9999999999", &manager)
        .await;
    assert_eq!(s, 404, "an unknown customer");
    server.stop().await;
}

#[tokio::test]
async fn the_bill_calculation_is_the_tills_engine() {
    let (mut server, t, device, _manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let body = json!({
        "lines": [
            {"name": "Masala Dosa", "unit_price": 120_00, "qty": 2, "tax_class": "GST5"},
            {"name": "Filter Coffee", "unit_price": 45_50, "qty": "3", "tax_class": "GST18",
             "discount": {"kind": "percent", "value": 1000}},
        ],
        "discount": {"kind": "amount", "value": 10_00},
    });
    let (s, bill) = server
        .send_json(Method::POST, &base, "/billing/calculate-bill", &device, &body)
        .await;
    assert_eq!(s, 200, "{bill}");
    // The same lines through pos-core directly.
    let profile = t.app.profile().unwrap();
    let line = |name: &str, price: i64, qty: i64, class: &str, d: Option<pos_core::Discount>| {
        let item = pos_core::MenuItem {
            sku: pos_core::Sku::parse("X").unwrap(),
            name: name.into(),
            category: String::new(),
            price: Money::from_minor(price),
            tax_class: class.into(),
            active: true,
        };
        pos_core::OrderLine::new(
            pos_core::LineId::from_uuid(uuid::Uuid::nil()),
            &item,
            &profile,
            pos_core::Quantity::units(qty).unwrap(),
            d,
            "",
            0,
        )
        .unwrap()
    };
    let lines = vec![
        line("Masala Dosa", 120_00, 2, "GST5", None),
        line(
            "Filter Coffee",
            45_50,
            3,
            "GST18",
            Some(pos_core::Discount::Percent(
                pos_core::Percent::from_bps(1000).unwrap(),
            )),
        ),
    ];
    let ours = pos_core::bill::calculate(
        &lines,
        Some(pos_core::Discount::Amount(Money::from_minor(10_00))),
        &pos_core::bill::TaxSettings::from(&*profile),
    )
    .unwrap();
    assert_eq!(
        bill["total"].as_i64(),
        Some(ours.total.minor()),
        "the server's bill is the engine's"
    );
    assert_eq!(bill["tax_total"].as_i64(), Some(ours.tax_total.minor()));
    for (bad, field) in [
        (json!({"lines": []}), "lines"),
        (
            json!({"lines": [{"name": "X", "unit_price": -1, "qty": 1, "tax_class": "GST5"}]}),
            "lines[0].unit_price",
        ),
        (
            json!({"lines": [{"name": "X", "unit_price": 1, "qty": 0, "tax_class": "GST5"}]}),
            "lines[0].quantity",
        ),
        (
            json!({"lines": [{"name": "X", "unit_price": 1, "qty": 1, "tax_class": "VAT"}]}),
            "lines[0].tax_class",
        ),
    ] {
        let (s, body) = server
            .send_json(Method::POST, &base, "/billing/calculate-bill", &device, &bad)
            .await;
        assert_eq!((s, body["field"].as_str()), (422, Some(field)), "{bad}: {body}");
    }
    server.stop().await;
}

#[tokio::test]
async fn the_bill_calculation_charges_a_cess_and_a_dine_in_service_charge_by_order_type() {
    let (mut server, _t, device, manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let (_, profile) = server.get_json(&base, "/business-profile", &device).await;
    let mut classes = profile["tax_classes"].as_array().cloned().unwrap_or_default();
    classes.push(json!({
        "code": "GST28C", "name": "GST 28% + cess", "rate": 2800, "split": "cgst_sgst",
        "levies": [{"code": "CESS12", "name": "Compensation cess",
                    "charge": {"kind": "percent", "value": 1200}, "kind": "cess"}],
    }));
    let patch = json!({
        "tax_classes": classes,
        "service_charge": 1000,
        "service_charge_order_types": ["dine_in"],
    });
    let (s, body) = server
        .send_json(Method::POST, &base, "/business-profile/update", &manager, &patch)
        .await;
    assert_eq!(
        s, 200,
        "a manager sets a cess class and a dine-in service charge: {body}"
    );
    let quote = |order_type: &str, waived: bool| {
        json!({
            "lines": [{"name": "Cola", "unit_price": 40_00, "qty": 1, "tax_class": "GST28C"}],
            "order_type": order_type,
            "service_charge_waived": waived,
        })
    };
    let (s, dine_in) = server
        .send_json(
            Method::POST,
            &base,
            "/billing/calculate-bill",
            &device,
            &quote("dine_in", false),
        )
        .await;
    assert_eq!(s, 200, "{dine_in}");
    let cess: Vec<i64> = dine_in["tax_lines"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|t| t["component"] == "cess")
        .filter_map(|t| t["amount"].as_i64())
        .collect();
    assert_eq!(cess, [4_80], "12% cess on 40.00, as its own tax line: {dine_in}");
    assert_eq!(dine_in["service_charge"], 4_00, "10% at a table");
    assert_eq!(
        dine_in["total"], 60_00,
        "40.00 + 4.00 service + 11.20 GST + 4.80 cess + 0.20 tax on the service, to the rupee"
    );
    let (_, takeaway) = server
        .send_json(
            Method::POST,
            &base,
            "/billing/calculate-bill",
            &device,
            &quote("takeaway", false),
        )
        .await;
    assert_eq!(
        (takeaway["service_charge"].as_i64(), takeaway["total"].as_i64()),
        (Some(0), Some(56_00)),
        "no service charge on a takeaway: {takeaway}"
    );
    let (_, waived) = server
        .send_json(
            Method::POST,
            &base,
            "/billing/calculate-bill",
            &device,
            &quote("dine_in", true),
        )
        .await;
    assert_eq!(
        (
            waived["service_charge"].as_i64(),
            waived["service_charge_waived"].as_bool()
        ),
        (Some(0), Some(true)),
        "waived at a table, and the bill says so: {waived}"
    );
    server.stop().await;
}

#[tokio::test]
async fn roles_and_organisations_are_enforced_on_every_route() {
    let (mut server, _t, device, manager, admin) = seeded_server().await;
    let base = server.base.clone();
    let id = channel_order(&server, &base, &manager, None).await;
    let other = server.new_org("Rival Cafe").await;
    let their_admin = server.api_token(other, "admin").await;
    let their_device = server.enroll(other, "Their till").await;

    // No token, a made-up token.
    for token in ["", "not-a-token"] {
        let (s, body) = server.get_json(&base, "/orders", token).await;
        assert_eq!(s, 401, "{body}");
        assert!(body["code"].is_string());
    }
    // Admin routes refuse manager and device tokens; manager routes refuse devices.
    for token in [&device, &manager] {
        let (s, body) = server
            .send_json(Method::POST, &base, "/admin/cache-clear", token, &json!({}))
            .await;
        assert_eq!((s, body["code"].as_str()), (403, Some("forbidden")));
        let (s, _) = server.get_json(&base, "/admin/cache-stats", token).await;
        assert_eq!(s, 403);
    }
    let (s, _) = server
        .send_json(Method::POST, &base, "/admin/cache-clear", &admin, &json!({}))
        .await;
    assert_eq!(s, 200, "an admin clears the caches");

    // Their tokens never reach our data.
    for token in [&their_admin, &their_device] {
        let (s, _) = server.get_json(&base, &format!("/orders/{id}"), token).await;
        assert_eq!(s, 404, "our order is not theirs");
        let (s, _) = server
            .send_json(
                Method::PUT,
                &base,
                &format!("/orders/{id}"),
                token,
                &json!({"status": "void"}),
            )
            .await;
        assert!(s == 404 || s == 409, "they cannot void our order ({s})");
        let (s, _) = server
            .send_json(
                Method::POST,
                &base,
                "/payments",
                token,
                &json!({"order_id": id, "tenders": [{"method": "cash", "amount": 100}]}),
            )
            .await;
        assert!(s == 404 || s == 409, "they cannot pay our order ({s})");
        let (_, list) = server.get_json(&base, "/orders?limit=200", token).await;
        assert_eq!(
            list["total"].as_u64().unwrap_or(0),
            0,
            "their list is empty: {list}"
        );
        let loc = location(&server, server.org).await;
        let (s, _) = server
            .get_json(&base, &format!("/billing/summary?location={loc}"), token)
            .await;
        assert!(s == 404 || s == 409, "our location is not theirs ({s})");
        let (s, _) = server.get_json(&base, "/business-profile", token).await;
        assert_eq!(s, 409, "they have no profile, and never see ours");
        let (s, _) = server
            .send_json(
                Method::POST,
                &base,
                "/orders",
                token,
                &json!({"location_id": loc, "channel": "x", "lines": [{"sku": first_sku(), "qty": 1}]}),
            )
            .await;
        assert!(s == 404 || s == 409, "they cannot order into our location ({s})");
    }
    let (_, ours) = server.get_json(&base, &format!("/orders/{id}"), &device).await;
    assert_eq!(ours["status"], "open", "nothing they did changed our order");
    server.stop().await;
}

#[tokio::test]
async fn health_and_metrics_report_the_caches_requests_sync_and_pool() {
    let (mut server, _t, device, _manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let r = server.http.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    for _ in 0..3 {
        server.get_json(&base, "/business-profile", &device).await;
    }
    let _ = server.pull(&device, None, 0).await;
    let text = server.metrics().await;
    for series in [
        "pos_cache_hits_total{cache=\"profile\"}",
        "pos_cache_misses_total{cache=\"profile\"}",
        "pos_cache_invalidations_total",
        "pos_http_request_duration_seconds_bucket{method=\"GET\",route=\"/business-profile\",le=\"+Inf\"} 3",
        "pos_http_requests_total{method=\"POST\",route=\"/sync/push\",status=\"200\"}",
        "pos_sync_push_mutations_total{status=\"applied\"}",
        "pos_sync_pull_requests_total 1",
        "pos_sync_pull_reads_total 1",
        "pos_cache_hits_total{cache=\"pull_pages\"}",
        "pos_db_pool_size",
    ] {
        assert!(text.contains(series), "/metrics has {series}:\n{text}");
    }
    server.stop().await;
}

#[tokio::test]
async fn a_channel_order_with_bad_input_is_refused_with_the_field_and_changes_nothing() {
    let (mut server, _t, _device, manager, _admin) = seeded_server().await;
    let base = server.base.clone();
    let loc = location(&server, server.org).await.to_string();
    let orders_before = server
        .count("SELECT COUNT(*) FROM orders WHERE org_id = $1", server.org)
        .await;
    let log_before = server
        .count("SELECT COUNT(*) FROM change_log WHERE org_id = $1", server.org)
        .await;
    let good_line = json!([{"sku": first_sku(), "qty": 1}]);
    for (body, field) in [
        (
            json!({"location_id": loc, "channel": "web", "lines": []}),
            "lines",
        ),
        (
            json!({"location_id": loc, "channel": "", "lines": good_line}),
            "channel",
        ),
        (
            json!({"location_id": "x", "channel": "web", "lines": good_line}),
            "location",
        ),
        (
            json!({"location_id": loc, "channel": "web", "customer_phone": "12", "lines": good_line}),
            "customer_phone",
        ),
        (
            json!({"location_id": loc, "channel": "web", "order_type": "drive_in", "lines": good_line}),
            "order_type",
        ),
        (
            json!({"location_id": loc, "channel": "web", "order_type": "dine_in", "lines": good_line}),
            "table",
        ),
        (
            json!({"location_id": loc, "channel": "web", "lines": [{"sku": "NOPE", "qty": 1}]}),
            "lines[0].sku",
        ),
        (
            json!({"location_id": loc, "channel": "web", "lines": [{"sku": first_sku(), "qty": -1}]}),
            "lines[0].qty",
        ),
        (
            json!({"location_id": loc, "channel": "web", "lines": [{"sku": first_sku(), "qty": "lots"}]}),
            "lines[0].qty",
        ),
        (
            json!({"location_id": loc, "channel": "web", "lines": [{"sku": first_sku(), "qty": true}]}),
            "lines[0].qty",
        ),
    ] {
        let (s, err) = server
            .send_json(Method::POST, &base, "/orders", &manager, &body)
            .await;
        assert_eq!((s, err["field"].as_str()), (422, Some(field)), "{body}: {err}");
    }
    let (s, err) = server
        .send_json(
            Method::POST,
            &base,
            "/orders",
            &manager,
            &json!({"channel": "web"}),
        )
        .await;
    assert_eq!(
        (s, err["code"].as_str()),
        (400, Some("malformed_json")),
        "a missing field: {err}"
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM orders WHERE org_id = $1", server.org)
            .await,
        orders_before,
        "no order was stored"
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM change_log WHERE org_id = $1", server.org)
            .await,
        log_before,
        "nothing was logged for the tills"
    );
    server.stop().await;
}
