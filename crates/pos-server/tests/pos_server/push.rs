use pos_protocol::sync::{ErrorBody, PushRequest, PushResponse, PushStatus};
use pos_testkit::till::{outbox_push, sell};
use pos_testkit::{spawn_server, temp_till};

#[tokio::test]
async fn a_till_outbox_is_applied_once_and_a_retry_gets_the_stored_results() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    sell(&t.app, 2);
    let req = outbox_push(&t.app);
    let n = req.mutations.len();

    let first: PushResponse = server.push(&token, &req).await.json().await.unwrap();
    assert!(
        first.results.iter().all(|r| r.status == PushStatus::Applied),
        "a fresh outbox applies: {first:?}"
    );
    assert_eq!(first.last_seq, req.mutations.last().unwrap().seq);

    // The answer was "lost": the till sends the same batch again.
    let retry: PushResponse = server.push(&token, &req).await.json().await.unwrap();
    assert!(retry.results.iter().all(|r| r.status == PushStatus::Duplicate));
    assert_eq!(retry.results.len(), n);
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM processed_mutations WHERE org_id = $1",
                server.org
            )
            .await,
        n as i64,
        "each mutation is recorded once"
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM orders WHERE org_id = $1", server.org)
            .await,
        1
    );
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM payments WHERE org_id = $1", server.org)
            .await,
        1
    );
    assert_eq!(
        server
            .count(
                "SELECT COUNT(*) FROM bills WHERE org_id = $1 AND NOT mismatch",
                server.org
            )
            .await,
        1,
        "the server's recomputed bill agrees with the till's"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_gap_in_seq_is_refused_with_the_expected_seq() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    sell(&t.app, 2);
    let mut req = outbox_push(&t.app);
    req.mutations.remove(0);
    let resp = server.push(&token, &req).await;
    assert_eq!(resp.status(), 409);
    let err: ErrorBody = resp.json().await.unwrap();
    assert_eq!(err.code, pos_protocol::sync::ErrorCode::SeqGap);
    assert_eq!(err.expected_seq, Some(1), "the till resends from seq 1");
    server.stop().await;
}

#[tokio::test]
async fn the_same_mutation_id_with_other_content_is_refused() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    sell(&t.app, 2);
    let req = outbox_push(&t.app);
    let first = PushRequest {
        protocol_version: 1,
        mutations: req.mutations[..1].to_vec(),
    };
    assert_eq!(server.push(&token, &first).await.status(), 200);
    let mut forged = first.clone();
    forged.mutations[0].mutation = req.mutations[1].mutation.clone();
    let resp = server.push(&token, &forged).await;
    assert_eq!(resp.status(), 409);
    let err: ErrorBody = resp.json().await.unwrap();
    assert_eq!(err.code, pos_protocol::sync::ErrorCode::MutationConflict);
    server.stop().await;
}

#[tokio::test]
async fn an_edit_to_an_order_another_till_paid_is_rejected_and_the_queue_moves_on() {
    let mut server = spawn_server().await;
    let token_a = server.enroll(server.org, "Till A").await;
    let token_b = server.enroll(server.org, "Till B").await;
    let a = temp_till();
    let (order, _) = sell(&a.app, 2);
    let pushed: PushResponse = server
        .push(&token_a, &outbox_push(&a.app))
        .await
        .json()
        .await
        .unwrap();
    assert!(pushed.results.iter().all(|r| r.status == PushStatus::Applied));

    // Till B (offline, with the order before it was paid) voids it.
    let b = temp_till();
    let stale = outbox_push(&a.app)
        .mutations
        .into_iter()
        .find(|m| m.mutation.intent() == "order.create")
        .unwrap();
    let void = pos_protocol::sync::PushMutation {
        mutation_id: pos_core::MutationId::from_uuid(uuid::Uuid::now_v7()),
        seq: 2,
        mutation: pos_protocol::Mutation::OrderSetStatus {
            order_id: order,
            status: pos_core::OrderStatus::Void,
            at_ms: 1,
            sent_lines: None,
        },
    };
    let mut create = stale.clone();
    create.seq = 1;
    create.mutation_id = pos_core::MutationId::from_uuid(uuid::Uuid::now_v7());
    drop(b);
    let resp: PushResponse = server
        .push(
            &token_b,
            &PushRequest {
                protocol_version: 1,
                mutations: vec![create, void],
            },
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        resp.results[1].status,
        PushStatus::Rejected,
        "paid wins over a late void"
    );
    assert!(resp.results[1].reason.as_deref().unwrap().contains("paid"));
    assert_eq!(
        resp.results[1].order.as_ref().map(|o| o.order.status),
        Some(pos_core::OrderStatus::Paid),
        "the rejection carries the server's order for the till to adopt"
    );
    assert_eq!(
        resp.last_seq, 2,
        "the rejection is recorded and the queue moves on"
    );
    let c = server.db.get().await.unwrap();
    let status: String = c
        .query_one("SELECT status FROM orders WHERE id = $1", &[order.as_uuid()])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "paid");
    server.stop().await;
}

#[tokio::test]
async fn a_server_restarted_in_the_middle_of_a_batch_applies_the_rest_once() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    sell(&t.app, 2);
    sell(&t.app, 2);
    let req = outbox_push(&t.app);
    let half = PushRequest {
        protocol_version: 1,
        mutations: req.mutations[..req.mutations.len() / 2].to_vec(),
    };
    assert_eq!(server.push(&token, &half).await.status(), 200);
    server.stop().await;
    server.restart().await;
    let resp: PushResponse = server.push(&token, &req).await.json().await.unwrap();
    let dup = resp
        .results
        .iter()
        .filter(|r| r.status == PushStatus::Duplicate)
        .count();
    assert_eq!(dup, half.mutations.len(), "the first half was already applied");
    assert_eq!(resp.last_seq, req.mutations.last().unwrap().seq);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM orders WHERE org_id = $1", server.org)
            .await,
        2
    );
    server.stop().await;
}

#[tokio::test]
async fn a_mutation_repeated_inside_one_batch_is_applied_once_and_the_log_keeps_the_batch_order() {
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till 1").await;
    let t = temp_till();
    sell(&t.app, 2);
    let mut req = outbox_push(&t.app);
    let n = req.mutations.len();
    // A resend of the first mutation inside the same batch (seq repeated, as a retry would).
    let again = req.mutations[0].clone();
    req.mutations.push(again);

    let resp: PushResponse = server.push(&token, &req).await.json().await.unwrap();
    assert_eq!(resp.results.len(), n + 1);
    assert!(resp.results[..n].iter().all(|r| r.status == PushStatus::Applied));
    assert_eq!(
        resp.results[n].status,
        PushStatus::Duplicate,
        "{:?}",
        resp.results[n]
    );
    assert_eq!(resp.results[n].mutation_id, req.mutations[0].mutation_id);
    assert_eq!(resp.last_seq, req.mutations[n - 1].seq);
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM change_log WHERE org_id = $1", server.org)
            .await,
        n as i64,
        "one change-log row per applied mutation"
    );
    let pulled: pos_protocol::sync::PullResponse = server.pull(&token, None, 0).await.json().await.unwrap();
    let ids: Vec<_> = pulled.changes.iter().map(|c| c.mutation_id).collect();
    let pushed: Vec<_> = req.mutations[..n].iter().map(|m| m.mutation_id).collect();
    assert_eq!(ids, pushed, "versions follow the batch's order");
    assert!(pulled.changes.windows(2).all(|w| w[0].version < w[1].version));
    server.stop().await;
}

/// One organisation's tills push at the same time (they apply side by side under the
/// shared organisation lock): every mutation is applied once, and the change log reads
/// back gapless, each till's mutations in its own order.
#[tokio::test]
async fn one_organisations_tills_pushing_at_once_leave_a_gapless_log_in_each_tills_order() {
    const TILLS: usize = 8;
    let mut server = spawn_server().await;
    let mut pushes = Vec::new();
    let mut tills = Vec::new();
    for i in 0..TILLS {
        let token = server.enroll(server.org, &format!("Till {i}")).await;
        let t = temp_till();
        for _ in 0..3 {
            sell(&t.app, 2);
        }
        pushes.push((token, outbox_push(&t.app)));
        tills.push(t);
    }
    let total: usize = pushes.iter().map(|(_, p)| p.mutations.len()).sum();
    let mut tasks = Vec::new();
    for (token, req) in pushes.clone() {
        let (base, http) = (server.base.clone(), server.http.clone());
        tasks.push(tokio::spawn(async move {
            let resp = http
                .post(format!("{base}/sync/push"))
                .bearer_auth(&token)
                .json(&req)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200);
            let body: PushResponse = resp.json().await.unwrap();
            assert!(
                body.results.iter().all(|r| r.status == PushStatus::Applied),
                "{body:?}"
            );
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let (token, _) = &pushes[0];
    let mut changes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page: pos_protocol::sync::PullResponse = server
            .pull(token, cursor.as_deref(), 0)
            .await
            .json()
            .await
            .unwrap();
        let more = page.has_more;
        changes.extend(page.changes);
        cursor = Some(page.cursor);
        if !more {
            break;
        }
    }
    assert_eq!(changes.len(), total, "every mutation once");
    let first = changes[0].version;
    for (i, c) in changes.iter().enumerate() {
        assert_eq!(c.version, first + i as i64, "versions are gapless");
    }
    for (_, req) in &pushes {
        let pushed: Vec<_> = req.mutations.iter().map(|m| m.mutation_id).collect();
        let logged: Vec<_> = changes
            .iter()
            .map(|c| c.mutation_id)
            .filter(|id| pushed.contains(id))
            .collect();
        assert_eq!(logged, pushed, "a till's mutations keep its order in the log");
    }
    assert_eq!(
        server
            .count("SELECT COUNT(*) FROM orders WHERE org_id = $1", server.org)
            .await,
        (TILLS * 3) as i64
    );
    server.stop().await;
}
