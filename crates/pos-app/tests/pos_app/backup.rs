//! Daily backups: the copy is a complete till (orders and unsynced outbox), restoring it is
//! a file copy, retention prunes only old daily copies, and backups run beside sales.

use std::sync::Arc;

use pos_app::{App, AppConfig, BackupPolicy, ListOrders, ManualClock};
use pos_core::{OrderStatus, PaymentMethod};
use pos_store::{StoreError, outbox};

use crate::support::*;

const DAY_MS: i64 = 86_400_000;

fn policy(t: &TempTill, keep_days: u32) -> BackupPolicy {
    BackupPolicy {
        dir: t.dir.path().join("backups"),
        keep_days,
    }
}

/// Orders as (id, status, items total) and outbox rows as (seq, mutation id, acked at).
type TillContents = (Vec<(String, String, i64)>, Vec<(i64, String, Option<i64>)>);

fn everything(app: &App) -> TillContents {
    let orders = app
        .list_orders(&ListOrders {
            statuses: vec![OrderStatus::Open, OrderStatus::Paid],
            page: 1,
            limit: 200,
            attention: false,
        })
        .expect("orders")
        .orders
        .into_iter()
        .map(|o| (o.id.to_string(), o.status.to_string(), o.items_total.minor()))
        .collect();
    let rows = app
        .store()
        .read(|c| {
            let mut stmt = c.prepare("SELECT seq, mutation_id, acked_at_ms FROM outbox ORDER BY seq")?;
            let rows = stmt
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, StoreError>(rows)
        })
        .expect("outbox");
    (orders, rows)
}

#[test]
fn a_restored_backup_is_the_same_till_with_the_same_orders_and_unsynced_outbox() {
    let t = test_app();
    let paid = dine_in(&t, "T1");
    add(&t, paid.id, "ST-01", "2");
    pay_due(&t, paid.id, PaymentMethod::Cash);
    let open = dine_in(&t, "T2");
    add(&t, open.id, "MV-01", "1");
    let p = policy(&t, 14);

    let report = t.backup_now(&p).expect("a backup");
    assert_eq!(
        report.backup.file_name,
        format!("till-{TODAY}.db"),
        "named after the till's local date"
    );
    assert!(report.backup.bytes > 0);
    assert_eq!(t.list_backups(&p).unwrap(), vec![report.backup.clone()], "listed");

    let at_backup = everything(&t);
    // Written after the backup: must not be in it.
    dine_in(&t, "T3");

    // The documented restore: stop, copy the backup over till.db, drop -wal/-shm, start.
    let restored_dir = tempfile::tempdir().unwrap();
    let db = restored_dir.path().join("till.db");
    std::fs::copy(p.dir.join(&report.backup.file_name), &db).unwrap();
    let restored =
        App::open_with_clock(AppConfig::new(&db), Arc::new(ManualClock::new(NOON_IST_MS))).expect("opens");

    let (orders, rows) = everything(&restored);
    assert_eq!(
        orders.len(),
        2,
        "the two orders made before the backup: {orders:?}"
    );
    assert!(!rows.is_empty());
    assert_eq!(
        (orders, rows.clone()),
        at_backup,
        "same orders and the same outbox rows"
    );
    assert!(
        rows.iter().all(|r| r.2.is_none()),
        "unsynced rows stay unsynced, to be pushed after a restore"
    );
    assert_eq!(
        restored.store().device_id(),
        t.store().device_id(),
        "the restored file is the same till (its outbox sequence continues)"
    );
    assert_eq!(
        restored.store().read(outbox::pending_count).unwrap(),
        rows.len() as i64
    );
}

#[test]
fn the_daily_backup_is_taken_once_per_day() {
    let t = test_app();
    let p = policy(&t, 14);
    assert!(t.daily_backup(&p).unwrap().is_some(), "none yet today: taken");
    assert!(
        t.daily_backup(&p).unwrap().is_none(),
        "today's exists: nothing to do"
    );
    t.clock().advance_ms(DAY_MS);
    let next = t.daily_backup(&p).unwrap().expect("a new day gets its copy");
    assert_eq!(next.backup.day, "2026-11-25");
    assert_eq!(t.list_backups(&p).unwrap().len(), 2);
}

#[test]
fn backups_older_than_the_retention_are_pruned_and_other_files_are_left_alone() {
    let t = test_app();
    let p = policy(&t, 3);
    for _ in 0..5 {
        t.backup_now(&p).expect("a backup");
        t.clock().advance_ms(DAY_MS);
    }
    std::fs::write(p.dir.join("notes.txt"), "keep me").unwrap();
    std::fs::write(p.dir.join("till-2020-01-01.db.partial"), "an interrupted copy").unwrap();
    // Day 6 (2026-11-29): keep 27, 28, 29.
    let report = t.backup_now(&p).expect("a backup");
    assert_eq!(
        report.pruned,
        vec!["till-2026-11-26.db".to_owned()],
        "the oldest remaining one goes now"
    );
    let days: Vec<String> = t.list_backups(&p).unwrap().into_iter().map(|b| b.day).collect();
    assert_eq!(
        days,
        vec!["2026-11-29", "2026-11-28", "2026-11-27"],
        "three days, newest first"
    );
    assert!(p.dir.join("notes.txt").exists(), "not a backup: untouched");
    assert!(
        p.dir.join("till-2020-01-01.db.partial").exists(),
        "not a finished backup: untouched"
    );
}

#[test]
fn a_backup_runs_while_another_thread_keeps_selling() {
    let t = Arc::new(test_app());
    let p = policy(&t, 14);
    let seller = {
        let t = t.clone();
        std::thread::spawn(move || {
            for i in 0..200 {
                let o = dine_in(&t, &format!("S{i}"));
                add(&t, o.id, "ST-01", "1");
            }
        })
    };
    let mut taken = 0;
    while !seller.is_finished() && taken < 50 {
        t.backup_now(&p).expect("a backup beside sales");
        taken += 1;
    }
    seller.join().expect("every sale went through during the backups");
    let last = t.backup_now(&p).unwrap();
    let copy = App::open_with_clock(
        AppConfig::new(p.dir.join(&last.backup.file_name)),
        Arc::new(ManualClock::new(NOON_IST_MS)),
    )
    .unwrap();
    assert_eq!(
        copy.store().read(outbox::pending_count).unwrap(),
        t.store().read(outbox::pending_count).unwrap(),
        "a backup after the sales holds all of them ({taken} backups ran beside them)"
    );
}

#[test]
fn the_default_policy_keeps_fourteen_days_next_to_the_database() {
    let p = BackupPolicy::for_database(std::path::Path::new("/data/till/till.db"));
    assert_eq!(p.dir, std::path::Path::new("/data/till/backups"));
    if std::env::var_os("POS_BACKUP_KEEP_DAYS").is_none() {
        assert_eq!(p.keep_days, 14);
    }
}
