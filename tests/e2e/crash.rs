use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rusqlite::Connection;

/// Starts `till-writer`, lets it acknowledge `acks` sales, kills it with SIGKILL (no
/// chance to flush or clean up) and returns the acknowledged order ids and totals.
fn sell_then_kill(db: &std::path::Path, acks: usize) -> Vec<(String, i64)> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_till-writer"))
        .arg(db)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("till-writer starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut acked = Vec::new();
    while acked.len() < acks {
        assert!(
            Instant::now() < deadline,
            "till-writer too slow: {} acks in 60 s",
            acked.len()
        );
        let Some(line) = lines.next() else { break };
        let line = line.expect("readable stdout");
        if let Some(rest) = line.strip_prefix("ACK ") {
            let (id, total) = rest.split_once(' ').expect("ACK id total");
            acked.push((id.to_owned(), total.parse().expect("total")));
        }
    }
    child.kill().expect("SIGKILL the till");
    child.wait().expect("reap the till");
    assert_eq!(
        acked.len(),
        acks,
        "the till stopped before acknowledging {acks} sales"
    );
    acked
}

#[test]
fn a_till_killed_mid_sale_keeps_every_acknowledged_sale_and_its_outbox_rows() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("till.db");
    let acked = sell_then_kill(&db, 40);

    let conn = Connection::open(&db).expect("reopen after the crash");
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .expect("integrity");
    assert_eq!(integrity, "ok", "the database must survive a kill at any moment");
    for (id, total) in &acked {
        let (status, stored_total): (String, i64) = conn
            .query_row(
                "SELECT o.status, b.total FROM orders o JOIN bills b ON b.order_id = o.id WHERE o.id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap_or_else(|e| panic!("acknowledged sale {id} is missing after the crash: {e}"));
        assert_eq!(status, "paid", "acknowledged sale {id} must be paid");
        assert_eq!(
            stored_total, *total,
            "sale {id} must keep the total the cashier saw"
        );
        let payments: i64 = conn
            .query_row("SELECT COUNT(*) FROM outbox WHERE intent = 'payment.record' AND payload LIKE '%' || ?1 || '%'", [id], |r| r.get(0))
            .expect("outbox query");
        assert_eq!(
            payments, 1,
            "the payment of {id} must be in the outbox exactly once"
        );
    }
    // Every committed write has exactly one outbox row, numbered without gaps.
    let (rows, min_seq, max_seq): (i64, i64, i64) = conn
        .query_row("SELECT COUNT(*), MIN(seq), MAX(seq) FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("outbox stats");
    assert_eq!(
        (min_seq, max_seq),
        (1, rows),
        "outbox seq must be 1..=n without gaps"
    );
    let next_seq: i64 = conn
        .query_row("SELECT next_seq FROM device", [], |r| r.get(0))
        .expect("device");
    assert_eq!(next_seq, max_seq + 1, "the next seq continues after the last row");

    // The till opens again on the same file and goes on selling.
    let more = sell_then_kill(&db, 5);
    assert_eq!(more.len(), 5);
}
