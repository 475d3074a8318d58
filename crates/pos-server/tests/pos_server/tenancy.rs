use pos_protocol::sync::{PullResponse, PushResponse, PushStatus};
use pos_testkit::till::{outbox_push, sell};
use pos_testkit::{spawn_server, temp_till};

#[tokio::test]
async fn another_organisations_till_can_neither_read_nor_write_our_data() {
    let mut server = spawn_server().await;
    let ours = server.enroll(server.org, "Our till").await;
    let other_org = server.new_org("Rival Cafe").await;
    let theirs = server.enroll(other_org, "Their till").await;

    let a = temp_till();
    let (order, _) = sell(&a.app, 2);
    let req = outbox_push(&a.app);
    let applied: PushResponse = server.push(&ours, &req).await.json().await.unwrap();
    assert!(applied.results.iter().all(|r| r.status == PushStatus::Applied));

    // Read: their pull sees nothing of ours, whatever cursor they send.
    for cursor in [None, Some("v1.0")] {
        let resp: PullResponse = server.pull(&theirs, cursor, 0).await.json().await.unwrap();
        assert!(resp.changes.is_empty(), "no change of another organisation leaks");
    }
    // Write: replaying our mutations with their token cannot touch our order.
    let resp = server.push(&theirs, &req).await;
    assert_eq!(resp.status(), 409, "our mutation ids are not theirs to replay");
    // Write: naming our order in a fresh mutation finds nothing in their organisation.
    let void = pos_protocol::sync::PushRequest {
        protocol_version: 1,
        mutations: vec![pos_protocol::sync::PushMutation {
            mutation_id: pos_core::MutationId::from_uuid(uuid::Uuid::now_v7()),
            seq: 1,
            mutation: pos_protocol::Mutation::OrderSetStatus {
                order_id: order,
                status: pos_core::OrderStatus::Void,
                at_ms: 1,
                sent_lines: None,
            },
        }],
    };
    let resp: PushResponse = server.push(&theirs, &void).await.json().await.unwrap();
    assert_eq!(
        resp.results[0].status,
        PushStatus::Rejected,
        "our order is unknown to them"
    );
    let c = server.db.get().await.unwrap();
    let orgs: i64 = c
        .query_one(
            "SELECT COUNT(DISTINCT org_id) FROM orders WHERE id = $1",
            &[order.as_uuid()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(orgs, 1, "the order exists in our organisation only");
    server.stop().await;
}
