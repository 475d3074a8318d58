//! Latency of the back-office reads through real HTTP, caches on and off.
//!
//!     DATABASE_URL=postgres://... cargo run --release -p pos-server --example api_latency [ORDERS] [READS]
//!
//! Creates a fresh database, starts two servers on it (caches on, caches off), seeds the
//! demo profile, menu and a customer through a till's push, takes ORDERS (default 300)
//! delivery orders through `POST /orders`, then times READS (default 1000) sequential
//! requests per route on each server and prints p50 / p99 / max in microseconds, and the
//! hit ratio of the cached server. Bounded in count; loopback only.

use std::time::Instant;

use hdrhistogram::Histogram;
use pos_server::Settings;
use serde_json::json;
use uuid::Uuid;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let orders = args.first().copied().unwrap_or(300).min(5000);
    let reads = args.get(1).copied().unwrap_or(1000).min(100_000);
    // Two instances on one fresh database: caches on, caches off.
    let mut server = pos_testkit::spawn_server_with(|s| {
        *s = Settings {
            port: 0,
            database_url: s.database_url.clone(),
            pool_size: 8,
            cache_enabled: true,
            ..Settings::default()
        }
    })
    .await;
    let mut uncached = server.another_instance_with(|s| s.cache_enabled = false).await;
    let (on, off) = (server.base.clone(), uncached.base.clone());
    let org = server.org;
    let manager = server.api_token(org, "manager").await;
    let http = server.http.clone();

    // A till's first push: profile, menu, a customer.
    let device = server.enroll(org, "Till 1").await;
    // A real till on a temporary file makes the push: profile, menu, a customer.
    let till = pos_testkit::temp_till();
    let rows = till.store().read(|c| pos_store::outbox::pending(c, 500))?;
    let mut mutations: Vec<pos_protocol::Mutation> =
        rows.into_iter().map(|r| r.mutation()).collect::<Result<_, _>>()?;
    mutations.push(pos_protocol::Mutation::CustomerUpsert {
        customer: pos_core::Customer {
            phone: pos_core::Phone::parse("98450 12345", "91")?,
            name: "Asha".into(),
            credit_limit: pos_core::Money::from_minor(5000_00),
        },
    });
    let push = pos_protocol::sync::PushRequest {
        protocol_version: pos_protocol::PROTOCOL_VERSION,
        mutations: mutations
            .into_iter()
            .enumerate()
            .map(|(i, mutation)| pos_protocol::sync::PushMutation {
                mutation_id: pos_core::MutationId::from_uuid(Uuid::now_v7()),
                seq: i as i64 + 1,
                mutation,
            })
            .collect(),
    };
    anyhow::ensure!(
        http.post(format!("{on}/sync/push"))
            .bearer_auth(&device)
            .json(&push)
            .send()
            .await?
            .status()
            == 200,
        "the seed push is accepted"
    );
    let settings: serde_json::Value = http
        .get(format!("{on}/business-settings"))
        .bearer_auth(&manager)
        .send()
        .await?
        .json()
        .await?;
    let location = settings["locations"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let sku = pos_testkit::example_menu()[0].sku.as_str().to_string();
    let mut some_order = String::new();
    for i in 0..orders {
        let o: serde_json::Value = http
            .post(format!("{on}/orders"))
            .bearer_auth(&manager)
            .json(
                &json!({"location_id": location, "channel": "bench", "customer_phone": "98450 12345",
                          "lines": [{"sku": sku, "qty": 1 + i % 3}]}),
            )
            .send()
            .await?
            .json()
            .await?;
        some_order = o["id"].as_str().unwrap_or_default().to_string();
    }
    let routes = [
        "/business-profile".to_string(),
        "/business-profile/lite".to_string(),
        "/orders?status=active&limit=50".to_string(),
        format!("/orders/{some_order}"),
        "/billing/customer-balance/98450%2012345".to_string(),
        "/billing/summary".to_string(),
    ];
    println!("{orders} active orders, {reads} sequential reads per route and server (microseconds)");
    println!("| route | cache | p50 | p99 | max |");
    println!("|---|---|---|---|---|");
    for route in &routes {
        for (label, base) in [("on", &on), ("off", &off)] {
            let mut h = Histogram::<u64>::new_with_bounds(1, 60_000_000, 2)?;
            for _ in 0..reads {
                let t = Instant::now();
                let r = http
                    .get(format!("{base}{route}"))
                    .bearer_auth(&manager)
                    .send()
                    .await?;
                anyhow::ensure!(r.status() == 200, "{route}: {}", r.status());
                let _ = r.bytes().await?;
                h.record(t.elapsed().as_micros().max(1) as u64)?;
            }
            println!(
                "| `{route}` | {label} | {} | {} | {} |",
                h.value_at_quantile(0.5),
                h.value_at_quantile(0.99),
                h.max()
            );
        }
    }
    let stats: serde_json::Value = http
        .get(format!("{on}/admin/cache-stats"))
        .bearer_auth(server.api_token(org, "admin").await)
        .send()
        .await?
        .json()
        .await?;
    for c in stats["caches"].as_array().into_iter().flatten() {
        println!(
            "cache {}: hits {} misses {} ratio {:.3} load p50 {} us p99 {} us",
            c["name"],
            c["hits"],
            c["misses"],
            c["hit_ratio"].as_f64().unwrap_or(0.0),
            c["load_p50_us"],
            c["load_p99_us"]
        );
    }
    uncached.stop().await;
    server.stop().await;
    Ok(())
}
