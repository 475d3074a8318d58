//! Migrations, the schema version and the connection settings.

use pos_store::db::{MIGRATIONS, SCHEMA_VERSION};
use pos_store::{Store, StoreError, StoreOptions};

use crate::support::*;

fn migrations_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/till")
}

#[test]
fn the_embedded_migrations_are_exactly_the_files_in_migrations_till() {
    let mut files: Vec<(String, String)> = std::fs::read_dir(migrations_dir())
        .expect("migrations/till exists")
        .map(|e| e.expect("a readable directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "sql"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let sql = std::fs::read_to_string(&p).expect("a readable migration");
            (name, sql)
        })
        .collect();
    files.sort();
    let embedded: Vec<(String, String)> = MIGRATIONS
        .iter()
        .map(|(n, s)| ((*n).to_owned(), (*s).to_owned()))
        .collect();
    assert_eq!(
        embedded.iter().map(|m| &m.0).collect::<Vec<_>>(),
        files.iter().map(|f| &f.0).collect::<Vec<_>>(),
        "every file in migrations/till must be listed in db::MIGRATIONS, in order"
    );
    assert_eq!(embedded, files, "the embedded text is the file's text");
    // The schema version is the count of migrations, so the numbers must be 1..=n: a gap
    // would make a file's number disagree with the version it brings the database to.
    let numbers: Vec<u32> = files
        .iter()
        .map(|(name, _)| name[..4].parse().expect("a migration name starts with NNNN"))
        .collect();
    assert_eq!(
        numbers,
        (1..=files.len() as u32).collect::<Vec<_>>(),
        "migrations are numbered 0001_, 0002_, ... without gaps"
    );
    assert_eq!(
        SCHEMA_VERSION,
        files.len() as i64,
        "the schema version is the number of migrations"
    );
}

#[test]
fn a_fresh_file_is_migrated_and_names_its_device() {
    let (_dir, store) = fresh();
    let (version, tables) = store
        .read(|c| {
            let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0))?;
            let mut stmt = c.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")?;
            let names = stmt
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok::<_, StoreError>((v, names))
        })
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION);
    for t in [
        "bills",
        "counters",
        "customers",
        "device",
        "ledger",
        "menu_items",
        "order_lines",
        "orders",
        "outbox",
        "payments",
        "profile",
    ] {
        assert!(tables.iter().any(|n| n == t), "table {t} exists: {tables:?}");
    }
    assert_eq!(store.device_id(), device(1));
    assert_eq!(
        store.read(pos_store::outbox::last_seq).unwrap(),
        0,
        "no mutation yet"
    );
}

#[test]
fn the_writer_runs_with_wal_full_sync_and_foreign_keys() {
    let (_dir, store) = fresh();
    let (mode, sync, fk) = store
        .write(|tx| {
            let mode: String = tx.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
            let sync: i64 = tx.pragma_query_value(None, "synchronous", |r| r.get(0))?;
            let fk: i64 = tx.pragma_query_value(None, "foreign_keys", |r| r.get(0))?;
            Ok::<_, StoreError>((mode, sync, fk))
        })
        .unwrap();
    assert_eq!(mode, "wal", "readers must not wait for the writer");
    assert_eq!(sync, 2, "synchronous=FULL: a committed sale survives a power cut");
    assert_eq!(fk, 1, "foreign keys are enforced");
    let orphan = store.write(|tx| {
        pos_store::orders::insert_line(
            tx,
            pos_core::OrderId::from_uuid(new_id()),
            0,
            &order_line("A", 1, 1000),
        )
    });
    assert!(
        orphan.is_err(),
        "a line of a missing order is refused by the foreign key"
    );
}

#[test]
fn a_database_from_a_newer_till_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("till.db");
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("CREATE TABLE future (x INTEGER); PRAGMA user_version = 99;")
            .unwrap();
    }
    let err = Store::open(&path, StoreOptions::default(), device(1), NOW_MS)
        .expect_err("a schema newer than this code must not be opened");
    match &err {
        StoreError::SchemaTooNew { found, supported } => {
            assert_eq!((*found, *supported), (99, SCHEMA_VERSION));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    let message = err.to_string();
    assert!(
        message.contains("99") && message.contains("newer"),
        "a clear message: {message}"
    );
    assert!(
        !err.is_busy(),
        "this is not a busy database; waiting will not help"
    );

    let c = rusqlite::Connection::open(&path).unwrap();
    let v: i64 = c.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    assert_eq!(v, 99, "the newer file keeps its version");
    let ours: i64 = c
        .query_row(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'orders'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ours, 0, "none of our migrations ran on it");
}

#[test]
fn reopening_an_up_to_date_file_applies_nothing_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(&dir);
    let o = order(1);
    store.write(|tx| pos_store::orders::insert_order(tx, &o)).unwrap();
    drop(store);
    let again = open(&dir);
    assert_eq!(
        again
            .read(|c| c
                .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))
                .map_err(StoreError::from))
            .unwrap(),
        SCHEMA_VERSION
    );
    assert_eq!(
        again.read(pos_store::orders::order_count).unwrap(),
        1,
        "the data is still there"
    );
}

#[test]
fn a_till_file_from_before_levies_migrates_and_its_lines_read_without_levies() {
    let dir = tempfile::tempdir().unwrap();
    let mut o = order(3);
    o.lines.push(order_line("DAL-01", 240_00, 1000));
    {
        let store = open(&dir);
        store.write(|tx| pos_store::orders::insert_order(tx, &o)).unwrap();
    }
    // Turn the file back into what version 6 wrote: no levies column, a line in the old
    // column list.
    {
        let c = rusqlite::Connection::open(dir.path().join("till.db")).unwrap();
        c.execute_batch("ALTER TABLE order_lines DROP COLUMN levies; PRAGMA user_version = 6;")
            .unwrap();
        let l = &o.lines[0];
        c.execute(
            "INSERT INTO order_lines (id, order_id, position, sku, name, qty_milli, unit_price,
                 tax_class, tax_rate_bps, tax_split, discount, note, sent, added_at_ms)
             VALUES (?1, ?2, 0, ?3, ?4, ?5, ?6, 'GST5', 500, '\"cgst_sgst\"', NULL, '', 0, ?7)",
            rusqlite::params![
                l.id.to_string(),
                o.id.to_string(),
                l.sku.as_str(),
                l.name,
                l.qty.milli(),
                l.unit_price.minor(),
                l.added_at_ms
            ],
        )
        .unwrap();
    }
    let store = open(&dir);
    let version: i64 = store
        .read(|c| {
            c.pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(StoreError::from)
        })
        .unwrap();
    assert_eq!(version, SCHEMA_VERSION, "migration 0007 ran on the old file");
    let back = store.read(|c| pos_store::orders::load_order(c, o.id)).unwrap();
    assert_eq!(back, Some(o), "the old line reads back with no levies");
}
