//! Rejected changes, as the cashier sees them: listed until acknowledged.
//! (The driver records them; see pos-sync and tests/e2e/sync.rs for the real server.)

use pos_app::ErrorCode;
use pos_core::MutationId;
use pos_store::rejections::{self, NewRejection};

use crate::support::*;

#[test]
fn a_recorded_rejection_is_listed_until_the_cashier_acknowledges_it() {
    let t = test_app();
    let o = dine_in(&t, "T4");
    let id = MutationId::from_uuid(uuid::Uuid::now_v7());
    t.store()
        .write(|tx| {
            rejections::record(
                tx,
                &NewRejection {
                    mutation_id: id,
                    seq: 3,
                    intent: "order.add_line".into(),
                    order_id: Some(o.id),
                    reason: "order is paid".into(),
                },
                NOON_IST_MS,
            )
        })
        .unwrap();
    let listed = t.sync_rejections().unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].order_number, Some(i64::from(o.number)));
    let acked = t.acknowledge_rejection(id).unwrap();
    assert!(acked.acknowledged_at_ms.is_some());
    assert!(t.sync_rejections().unwrap().is_empty(), "dismissed");
    expect_code(
        t.acknowledge_rejection(MutationId::from_uuid(uuid::Uuid::now_v7())),
        ErrorCode::NotFound,
    );
}
