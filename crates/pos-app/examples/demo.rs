//! Opens a till on a SQLite file (creating the demo restaurant the first time) and prints
//! the floor, one bill, a customer's tab, the day summary and the cache statistics.
//!
//! `cargo run -p pos-app --example demo -- data/till.db`

use pos_app::{App, AppConfig, ListOrders};

fn main() -> anyhow::Result<()> {
    let path = std::env::args().nth(1).unwrap_or_else(|| "data/till.db".into());
    if let Some(dir) = std::path::Path::new(&path).parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut config = AppConfig::new(&path);
    config.load_demo = true;
    let app = App::open(config)?;
    let warm = app.warm_up()?;
    let profile = app.profile()?;
    let cur = &profile.currency;
    println!("{} ({}), business day {}", profile.name, path, warm.business_day);
    println!("\nActive orders:");
    let page = app.list_orders(&ListOrders::default())?;
    for o in &page.orders {
        println!(
            "  #{:<4} {:<9} {:<6} {:>2} items  {:>10}",
            o.number,
            o.status.as_str(),
            o.table.as_deref().unwrap_or("-"),
            o.item_count,
            o.items_total.format(cur)
        );
    }
    if let Some(first) = page.orders.first() {
        let view = app.calculate_bill(first.id)?;
        let b = &view.bill;
        println!("\nBill of order #{}:", first.number);
        for l in &b.lines {
            println!(
                "  {:<28} {:>5} x {:>8} = {:>9}",
                l.name,
                l.qty,
                l.unit_price.format(cur),
                l.amount.format(cur)
            );
        }
        println!("  {:<44} {:>9}", "Subtotal", b.subtotal.format(cur));
        for t in &b.tax_lines {
            let label = format!(
                "{} {} (of {})",
                t.component.as_str().to_uppercase(),
                t.class,
                t.class_rate
            );
            println!("  {:<44} {:>9}", label, t.amount.format(cur));
        }
        println!("  {:<44} {:>9}", "Round-off", b.round_off.format(cur));
        println!("  {:<44} {:>9}", "TOTAL", b.total.format(cur));
    }
    let tab = app.customer_balance("98450 12345")?;
    println!(
        "\n{} owes {} (limit {})",
        tab.name,
        tab.balance.format(cur),
        tab.credit_limit.format(cur)
    );
    let s = app.billing_summary(None)?;
    println!(
        "\nDay {}: {} bills, sales {}, CGST {}, SGST {}, open orders {}",
        s.business_day,
        s.bills,
        s.total.format(cur),
        s.cgst.format(cur),
        s.sgst.format(cur),
        s.orders_open
    );
    let stats = app.cache_stats()?;
    println!("\nCaches (outbox pending: {}):", stats.outbox_pending);
    for c in &stats.caches {
        println!(
            "  {:<14} hits {:>4} misses {:>4} ratio {:>5.1}% entries {:>3} bytes {:>6}",
            c.name,
            c.hits,
            c.misses,
            c.hit_ratio * 100.0,
            c.entries,
            c.bytes
        );
    }
    Ok(())
}
