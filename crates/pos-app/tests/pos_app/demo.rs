//! The demo restaurant loads through the normal use cases, once.

use std::sync::Arc;

use pos_app::{App, AppConfig, ManualClock};

use crate::support::*;

#[test]
fn the_demo_restaurant_loads_once_as_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let open = || {
        let mut config = AppConfig::new(dir.path().join("till.db"));
        config.load_demo = true;
        App::open_with_clock(config, Arc::new(ManualClock::new(NOON_IST_MS))).expect("the demo loads")
    };
    let app = open();
    let floor = app.list_orders(&Default::default()).unwrap();
    assert_eq!(floor.total, 2, "two tables on the floor");
    assert_eq!(
        app.list_menu(false).unwrap().len(),
        pos_testkit::example_menu().len()
    );
    let asha = app.customer_balance("98450-12345").unwrap();
    assert_eq!(asha.balance, m(556_00), "756.00 on the tab, 200.00 paid back");
    let office = app.customer_balance("080 2345 6789").unwrap();
    assert_eq!(office.balance, m(1_071_00));
    let summary = app.billing_summary(None).unwrap();
    assert_eq!(summary.bills, 2, "the two tab sales are today's bills");
    assert_eq!(summary.total, m(756_00 + 1_071_00));
    let seq = counts(&app).outbox_max_seq;
    assert!(
        seq > 0,
        "the demo went through the use cases, so it is in the outbox"
    );
    let dump_before = dump(&app);
    drop(app);

    let again = open();
    assert_eq!(
        dump(&again),
        dump_before,
        "a till with a profile is never loaded twice"
    );
}
