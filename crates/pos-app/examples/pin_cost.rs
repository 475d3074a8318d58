//! How long hashing and checking a PIN takes with the till's argon2id parameters.
//!
//! `cargo run -p pos-app --example pin_cost` (dependencies build at opt-level 2 in the dev
//! profile, so argon2 runs optimised as in a release build).

use std::time::Instant;

use pos_app::staff::{PIN_PARAMS, hash_pin, verify_pin};
use pos_core::Pin;

fn main() -> anyhow::Result<()> {
    let pin = Pin::parse("4821")?;
    let wrong = Pin::parse("4822")?;
    let runs = 20;
    let mut hash_ms = Vec::new();
    let mut verify_ms = Vec::new();
    let mut phc = String::new();
    for _ in 0..runs {
        let t = Instant::now();
        phc = hash_pin(&pin)?;
        hash_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        assert!(verify_pin(&phc, &pin) && !verify_pin(&phc, &wrong));
        verify_ms.push(t.elapsed().as_secs_f64() * 1000.0 / 2.0);
    }
    let stats = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (v[v.len() / 2], v[v.len() - 1])
    };
    let (h50, hmax) = stats(&mut hash_ms);
    let (v50, vmax) = stats(&mut verify_ms);
    let (m, t, p) = PIN_PARAMS;
    println!("argon2id m={m} KiB t={t} p={p}; {runs} runs; {phc}");
    println!("hash:   median {h50:.1} ms, max {hmax:.1} ms");
    println!("verify: median {v50:.1} ms, max {vmax:.1} ms");
    Ok(())
}
