use std::time::{Duration, Instant};

use pos_protocol::sync::PullResponse;

use crate::helpers::{outbox_push, sell, spawn_app, till};

#[tokio::test]
async fn a_long_poll_wakes_within_a_second_of_another_tills_push() {
    let mut server = spawn_app().await;
    let token_a = server.enroll(server.org, "Till A").await;
    let token_b = server.enroll(server.org, "Till B").await;
    let start: PullResponse = server.pull(&token_b, None, 0).await.json().await.unwrap();
    assert!(start.changes.is_empty());

    let cursor = start.cursor.clone();
    let base = server.base.clone();
    let http = server.http.clone();
    let waiter = tokio::spawn(async move {
        let t0 = Instant::now();
        let resp: PullResponse = http
            .get(format!("{base}/sync/pull"))
            .bearer_auth(&token_b)
            .query(&[("cursor", cursor.as_str()), ("wait_ms", "20000")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (resp, t0.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let a = till();
    sell(&a.app);
    assert_eq!(server.push(&token_a, &outbox_push(&a.app)).await.status(), 200);
    let (resp, _) = tokio::time::timeout(Duration::from_secs(10), waiter)
        .await
        .unwrap()
        .unwrap();
    assert!(
        t0.elapsed() < Duration::from_secs(2),
        "the waiting till hears within about a second"
    );
    assert!(!resp.changes.is_empty(), "the long-poll returns the new changes");
    server.stop().await;
}

#[tokio::test]
async fn an_unknown_cursor_gets_a_reset_and_a_snapshot() {
    let mut server = spawn_app().await;
    let token = server.enroll(server.org, "Till A").await;
    let a = till();
    sell(&a.app);
    let n = outbox_push(&a.app).mutations.len();
    server.push(&token, &outbox_push(&a.app)).await;
    let resp: PullResponse = server
        .pull(&token, Some("who-knows"), 0)
        .await
        .json()
        .await
        .unwrap();
    assert!(resp.reset, "a cursor the server never made resets");
    assert_eq!(resp.changes.len(), n, "and the snapshot holds every change");
    assert_eq!(
        resp.last_seq, n as i64,
        "with the device's last seq from the same snapshot"
    );
    let next: PullResponse = server
        .pull(&token, Some(&resp.cursor), 0)
        .await
        .json()
        .await
        .unwrap();
    assert!(
        !next.reset && next.changes.is_empty(),
        "the returned cursor is known and current"
    );
    server.stop().await;
}
