//! Sync state on the till: the enrollment (server URL and token) and the rejections kept
//! for the cashier.

use pos_core::MutationId;
use pos_store::rejections::{self, NewRejection};
use pos_store::sync_config::{self, SyncConfig};
use pos_store::{StoreError, orders, sync};

use crate::support::*;

fn config(url: &str) -> SyncConfig {
    SyncConfig {
        server_url: url.into(),
        device_token: "0123456789abcdef".repeat(4),
        server_device: "0190f0c4-0000-7000-8000-00000000000a".into(),
        device_name: "Till 1".into(),
        enrolled_at_ms: NOW_MS,
    }
}

#[test]
fn an_enrollment_survives_a_reopen_and_a_new_one_replaces_it() {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = open(&dir);
        assert_eq!(
            store.read(sync_config::load).unwrap(),
            None,
            "a new till is offline only"
        );
        store
            .write(|tx| sync_config::save(tx, &config("http://a:1")))
            .unwrap();
    }
    let store = open(&dir);
    assert_eq!(store.read(sync_config::load).unwrap(), Some(config("http://a:1")));
    store
        .write(|tx| sync_config::save(tx, &config("http://b:2")))
        .unwrap();
    assert_eq!(
        store.read(sync_config::load).unwrap().map(|c| c.server_url),
        Some("http://b:2".into()),
        "one server at a time"
    );
    assert!(store.write(sync_config::clear).unwrap(), "there was one to clear");
    assert_eq!(store.read(sync_config::load).unwrap(), None);
}

#[test]
fn the_debug_form_of_an_enrollment_never_shows_the_token() {
    let shown = format!("{:?}", config("http://a:1"));
    assert!(!shown.contains("0123456789abcdef"), "{shown}");
    assert!(shown.contains("http://a:1"), "the URL is not secret: {shown}");
}

#[test]
fn resetting_the_cursor_makes_the_next_pull_start_from_the_beginning() {
    let (_dir, store) = fresh();
    store.write(|tx| sync::save_cursor(tx, "v1.42")).unwrap();
    assert_eq!(store.read(sync::cursor).unwrap().as_deref(), Some("v1.42"));
    store.write(sync::reset_cursor).unwrap();
    assert_eq!(store.read(sync::cursor).unwrap(), None);
}

#[test]
fn a_rejection_is_listed_with_its_order_number_until_acknowledged() {
    let (_dir, store) = fresh();
    let o = order(12);
    let id = MutationId::from_uuid(new_id());
    store
        .write(|tx| {
            orders::insert_order(tx, &o)?;
            let r = NewRejection {
                mutation_id: id,
                seq: 7,
                intent: "order.add_line".into(),
                order_id: Some(o.id),
                reason: "order is paid".into(),
            };
            assert!(rejections::record(tx, &r, NOW_MS)?, "a new rejection is added");
            assert!(
                !rejections::record(tx, &r, NOW_MS + 1)?,
                "the same answer twice is kept once"
            );
            Ok::<_, StoreError>(())
        })
        .unwrap();
    let open_ones = store.read(rejections::unacknowledged).unwrap();
    assert_eq!(open_ones.len(), 1);
    assert_eq!(
        open_ones[0].order_number,
        Some(12),
        "the cashier knows the order by its number"
    );
    assert_eq!(open_ones[0].reason, "order is paid");
    assert_eq!(open_ones[0].rejected_at_ms, NOW_MS);
    assert_eq!(store.read(rejections::unacknowledged_count).unwrap(), 1);

    let acked = store
        .write(|tx| rejections::acknowledge(tx, id, NOW_MS + 5))
        .unwrap()
        .expect("it exists");
    assert_eq!(acked.acknowledged_at_ms, Some(NOW_MS + 5));
    let again = store
        .write(|tx| rejections::acknowledge(tx, id, NOW_MS + 9))
        .unwrap()
        .expect("it exists");
    assert_eq!(
        again.acknowledged_at_ms,
        Some(NOW_MS + 5),
        "the first acknowledgement stands"
    );
    assert!(store.read(rejections::unacknowledged).unwrap().is_empty());
    assert_eq!(
        store.read(|c| rejections::recent(c, 10)).unwrap().len(),
        1,
        "kept as a record"
    );
    assert_eq!(
        store
            .write(|tx| rejections::acknowledge(tx, MutationId::from_uuid(new_id()), NOW_MS))
            .unwrap(),
        None,
        "an unknown id is not found"
    );
}
