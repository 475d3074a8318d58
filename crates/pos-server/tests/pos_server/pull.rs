use std::time::{Duration, Instant};

use pos_protocol::sync::PullResponse;
use pos_testkit::server::caching;
use pos_testkit::till::{outbox_push, sell};
use pos_testkit::{spawn_server, temp_till};

#[tokio::test]
async fn a_long_poll_wakes_within_a_second_of_another_tills_push() {
    let mut server = spawn_server().await;
    let token_a = server.enroll(server.org, "Till A").await;
    let token_b = server.enroll(server.org, "Till B").await;
    let start: PullResponse = server.pull(&token_b, None, 0).await.json().await.unwrap();
    assert!(start.changes.is_empty());

    let cursor = start.cursor.clone();
    let base = server.base.clone();
    let http = server.http.clone();
    let waiter = tokio::spawn(async move {
        let t0 = Instant::now();
        let resp = long_poll(&http, &base, &token_b, &cursor).await;
        (resp, t0.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let a = temp_till();
    sell(&a.app, 2);
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
    let mut server = spawn_server().await;
    let token = server.enroll(server.org, "Till A").await;
    let a = temp_till();
    sell(&a.app, 2);
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

/// A pull from `cursor` that waits up to 20 s (on a task of its own: owned client).
async fn long_poll(http: &reqwest::Client, base: &str, token: &str, cursor: &str) -> PullResponse {
    http.get(format!("{base}/sync/pull"))
        .bearer_auth(token)
        .query(&[("cursor", cursor), ("wait_ms", "20000")])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// `pos_sync_pull_reads_total` from `/metrics`.
async fn pull_reads(server: &pos_testkit::TestServer) -> u64 {
    let text = server.metrics().await;
    text.lines()
        .find_map(|l| l.strip_prefix("pos_sync_pull_reads_total "))
        .expect("the metric is exported")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn tills_woken_by_one_push_share_one_read_of_the_log_and_all_get_it() {
    const TILLS: usize = 20;
    let mut server = spawn_server().await;
    let writer = server.enroll(server.org, "Writer").await;
    let mut waiters = Vec::new();
    for i in 0..TILLS {
        let token = server.enroll(server.org, &format!("Till {i}")).await;
        let start: PullResponse = server.pull(&token, None, 0).await.json().await.unwrap();
        let (base, http) = (server.base.clone(), server.http.clone());
        waiters.push(tokio::spawn(async move {
            long_poll(&http, &base, &token, &start.cursor).await
        }));
    }
    // Every long-poll has made its first (empty) read and waits: the count of reads has
    // stopped moving (empty pages are never cached, so each first read counts).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let mut before = pull_reads(&server).await;
    let settle = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let now = pull_reads(&server).await;
        if now == before || settle.elapsed() > Duration::from_secs(10) {
            break;
        }
        before = now;
    }

    let a = temp_till();
    sell(&a.app, 2);
    let push = outbox_push(&a.app);
    assert_eq!(server.push(&writer, &push).await.status(), 200);
    let mut answers = Vec::new();
    for w in waiters {
        answers.push(
            tokio::time::timeout(Duration::from_secs(10), w)
                .await
                .unwrap()
                .unwrap(),
        );
    }
    let reads = pull_reads(&server).await - before;

    for resp in &answers {
        assert_eq!(
            resp.changes.len(),
            push.mutations.len(),
            "every till gets the whole push"
        );
        assert_eq!(resp.changes, answers[0].changes, "and the same changes");
        assert_eq!(resp.cursor, answers[0].cursor);
        assert!(!resp.reset && !resp.has_more);
    }
    let ids: Vec<_> = answers[0].changes.iter().map(|c| c.mutation_id).collect();
    let pushed: Vec<_> = push.mutations.iter().map(|m| m.mutation_id).collect();
    assert_eq!(ids, pushed, "in the order they were pushed");
    if caching() {
        // One read wakes them all; a pull that arrives after it finds the page cached.
        assert!(reads <= 2, "{TILLS} woken pulls made {reads} reads of the log");
    } else {
        assert!(reads <= TILLS as u64, "{reads} reads for {TILLS} pulls");
    }
    server.stop().await;
}
