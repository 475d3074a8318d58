//! What the kit hands out is real and each test's own.

use pos_testkit::till::{outbox_push, sell};
use pos_testkit::{
    Contents, NOON_IST_MS, TillOptions, example_menu, example_profile, spawn_server, temp_till,
};

#[tokio::test]
async fn every_spawned_server_has_its_own_port_database_and_organisation() {
    let (mut a, mut b) = (spawn_server().await, spawn_server().await);
    assert_ne!(a.port, b.port, "each server listens on a port of its own");
    assert_ne!(
        a.database_url, b.database_url,
        "each server has a database of its own"
    );
    for s in [&a, &b] {
        let health = s
            .http
            .get(format!("{}/healthz", s.base))
            .send()
            .await
            .expect("the server answers");
        assert_eq!(health.status(), 200, "a spawned server is up and migrated");
        assert_eq!(
            s.count("SELECT COUNT(*) FROM organisations WHERE id = $1", s.org)
                .await,
            1,
            "its organisation exists"
        );
        assert_eq!(
            s.scalar("SELECT COUNT(*) FROM organisations").await,
            1,
            "and no other"
        );
    }

    // A till enrolls and pushes through the kit's helpers; the other server sees none of it.
    let till = temp_till();
    let (_, paid) = sell(&till, 2);
    assert!(paid.minor() > 0, "a sale of a priced item costs something");
    let token = a.enroll(a.org, "Till 1").await;
    let resp = a.push(&token, &outbox_push(&till)).await;
    assert_eq!(resp.status(), 200, "the till's outbox is accepted");
    assert_eq!(
        a.scalar("SELECT COUNT(*) FROM orders").await,
        1,
        "the sale reached server A"
    );
    assert_eq!(b.scalar("SELECT COUNT(*) FROM orders").await, 0, "not server B");

    a.restart().await;
    let again = a
        .http
        .get(format!("{}/healthz", a.base))
        .send()
        .await
        .expect("answers after a restart");
    assert_eq!(again.status(), 200, "a restarted server serves on its old port");
    assert_eq!(
        a.scalar("SELECT COUNT(*) FROM orders").await,
        1,
        "and keeps its data"
    );
    a.stop().await;
    assert!(
        a.http.get(format!("{}/healthz", a.base)).send().await.is_err(),
        "a stopped server refuses connections"
    );
    b.stop().await;
}

#[test]
fn a_temp_till_has_the_example_restaurant_on_a_file_of_its_own() {
    let (one, two) = (temp_till(), temp_till());
    assert_ne!(one.path(), two.path(), "each till has its own file");
    assert!(one.path().exists(), "on disk, not in memory");
    assert_eq!(
        *one.profile().expect("a profile"),
        example_profile().validated().expect("valid")
    );
    assert_eq!(one.list_menu(false).expect("a menu").len(), example_menu().len());

    let bare = TillOptions::default().contents(Contents::Bare).open();
    assert!(bare.profile().is_err(), "a bare till has no profile yet");

    let demo = TillOptions::at(NOON_IST_MS).contents(Contents::Demo).open();
    assert_eq!(demo.now_ms(), NOON_IST_MS, "the manual clock is the till's");
    assert_eq!(
        demo.list_orders(&Default::default()).expect("the floor").total,
        2,
        "the demo's two open tables"
    );
    demo.clock().advance_ms(1_000);
    let before = demo.store().device_id();
    let demo = demo.reopen();
    assert_eq!(
        demo.store().device_id(),
        before,
        "a reopened till is the same till"
    );
    assert_eq!(demo.now_ms(), NOON_IST_MS + 1_000, "and keeps its clock");
}
