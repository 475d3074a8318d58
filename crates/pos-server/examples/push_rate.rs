//! Push throughput of one till through real HTTP (each mutation in its own transaction,
//! with the cache hook's change lookup and `pg_notify`).
//!
//!     DATABASE_URL=postgres://... cargo run --release -p pos-server --example push_rate [ORDERS]
//!
//! A real till sells ORDERS (default 500, at most 5000) orders with two lines each on a
//! temporary file; its outbox (about 3 mutations per order) is then pushed in batches of
//! the protocol's maximum, and the applied mutations per second are printed.

use std::time::Instant;

use pos_server::Settings;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let orders = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(500usize)
        .min(5000);
    // The production settings (pool, caches) on a free port and a fresh database.
    let mut server = pos_testkit::spawn_server_with(|s| {
        *s = Settings {
            port: 0,
            database_url: s.database_url.clone(),
            ..Settings::default()
        }
    })
    .await;
    let base = server.base.clone();
    let http = server.http.clone();
    let token = server.enroll(server.org, "Till 1").await;

    let till = pos_testkit::temp_till();
    let skus: Vec<String> = pos_testkit::example_menu().into_iter().map(|m| m.sku).collect();
    for i in 0..orders {
        let o = till.create_order(pos_core::order::NewOrder {
            order_type: Some(pos_core::OrderType::Takeaway),
            ..Default::default()
        })?;
        for k in 0..2 {
            till.add_line(pos_app::AddLine {
                order_id: o.id,
                sku: skus[(i + k) % skus.len()].as_str().into(),
                qty: "1".into(),
                discount: None,
                note: None,
                request_id: None,
            })?;
        }
    }
    let rows = till.store().read(|c| pos_store::outbox::pending(c, 100_000))?;
    let mutations: Vec<pos_protocol::sync::PushMutation> = rows
        .into_iter()
        .map(|r| {
            Ok(pos_protocol::sync::PushMutation {
                mutation_id: r.mutation_id,
                seq: r.seq,
                mutation: r.mutation()?,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let started = Instant::now();
    let mut applied = 0usize;
    for batch in mutations.chunks(pos_protocol::sync::MAX_PUSH_BATCH) {
        let resp: pos_protocol::sync::PushResponse = http
            .post(format!("{base}/sync/push"))
            .bearer_auth(&token)
            .json(&pos_protocol::sync::PushRequest {
                protocol_version: pos_protocol::PROTOCOL_VERSION,
                mutations: batch.to_vec(),
            })
            .send()
            .await?
            .json()
            .await?;
        applied += resp
            .results
            .iter()
            .filter(|r| r.status == pos_protocol::sync::PushStatus::Applied)
            .count();
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{applied} of {} mutations applied in {secs:.2} s: {:.0} mutations/s (one till, sequential batches)",
        mutations.len(),
        applied as f64 / secs
    );
    server.stop().await;
    Ok(())
}
