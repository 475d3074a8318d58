//! Integration tests of the till's API on real SQLite files.

#[test]
fn smoke_demo_loads_and_sells() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = pos_app::AppConfig::new(dir.path().join("till.db"));
    cfg.load_demo = true;
    let app = pos_app::App::open(cfg).unwrap();
    let page = app.list_orders(&Default::default()).unwrap();
    assert_eq!(page.total, 2);
    let bill = app.calculate_bill(page.orders[0].id).unwrap();
    println!("{}", serde_json::to_string_pretty(&*bill).unwrap());
    println!("{:?}", app.customer_balance("98450-12345").unwrap());
    println!("{:?}", app.billing_summary(None).unwrap());
    println!(
        "{:?}",
        app.cache_stats()
            .unwrap()
            .caches
            .iter()
            .map(|c| (c.name.clone(), c.hits, c.misses))
            .collect::<Vec<_>>()
    );
}
