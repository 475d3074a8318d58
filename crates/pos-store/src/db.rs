//! Opening the database and the read/write handles.

use std::path::{Path, PathBuf};
use std::time::Duration;

use parking_lot::Mutex;
use pos_core::DeviceId;
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

use crate::{Result, StoreError};

/// Forward-only migrations, embedded at compile time. A test checks this list against the
/// files in `migrations/till/` so a new file cannot be forgotten here.
pub const MIGRATIONS: &[(&str, &str)] = &[
    (
        "0001_init.sql",
        include_str!("../../../migrations/till/0001_init.sql"),
    ),
    (
        "0002_requests.sql",
        include_str!("../../../migrations/till/0002_requests.sql"),
    ),
    (
        "0003_staff.sql",
        include_str!("../../../migrations/till/0003_staff.sql"),
    ),
    (
        "0004_sync.sql",
        include_str!("../../../migrations/till/0004_sync.sql"),
    ),
    (
        "0005_invoice_series.sql",
        include_str!("../../../migrations/till/0005_invoice_series.sql"),
    ),
    (
        "0006_sync_rules.sql",
        include_str!("../../../migrations/till/0006_sync_rules.sql"),
    ),
    (
        "0007_line_levies.sql",
        include_str!("../../../migrations/till/0007_line_levies.sql"),
    ),
];

/// The schema version this code writes: the number of migrations.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Options for [`Store::open`].
#[derive(Clone, Debug)]
pub struct StoreOptions {
    /// How long a connection waits for a lock before reporting busy.
    pub busy_timeout: Duration,
    /// Most idle reader connections kept open.
    pub max_idle_readers: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            busy_timeout: Duration::from_secs(5),
            max_idle_readers: 4,
        }
    }
}

/// The till's database.
///
/// The writer is behind a `parking_lot::Mutex` (not tokio's): it is only ever locked by
/// blocking code (the app runs store calls off async threads), and a write transaction
/// must never be held across an await.
pub struct Store {
    path: PathBuf,
    options: StoreOptions,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    device_id: DeviceId,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

fn configure(conn: &Connection, options: &StoreOptions) -> Result<()> {
    conn.busy_timeout(options.busy_timeout)?;
    // Tills lose power: a sale is not taken until its commit has reached the disk, so
    // synchronous=FULL (fsync on every commit), not NORMAL, which in WAL mode can lose
    // the last transactions on power loss.
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    conn.set_prepared_statement_cache_capacity(64);
    Ok(())
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies pending migrations, and
    /// refuses a file whose schema is newer than this code. `new_device_id` names this
    /// till the first time the file is created.
    pub fn open(path: &Path, options: StoreOptions, new_device_id: DeviceId, now_ms: i64) -> Result<Store> {
        let writer = Connection::open(path)?;
        let mode: String = writer.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            tracing::warn!(%mode, "the database could not switch to WAL; readers will wait for writers");
        }
        configure(&writer, &options)?;
        migrate(&writer)?;
        let device_id = {
            let existing: Option<String> = writer
                .prepare_cached("SELECT device_id FROM device WHERE id = 1")?
                .query_row([], |r| r.get(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?;
            match existing {
                Some(id) => crate::sql::parse(&id)?,
                None => {
                    writer.execute(
                        "INSERT INTO device (id, device_id, next_seq, created_at_ms) VALUES (1, ?1, 1, ?2)",
                        rusqlite::params![new_device_id.to_string(), now_ms],
                    )?;
                    new_device_id
                }
            }
        };
        writer.execute(
            "UPDATE device SET invoice_series = ?1 WHERE id = 1 AND invoice_series IS NULL",
            [default_invoice_series(device_id)],
        )?;
        Ok(Store {
            path: path.to_owned(),
            options,
            writer: Mutex::new(writer),
            readers: Mutex::new(Vec::new()),
            device_id,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// This till's id, fixed when the database was created.
    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// Runs `f` in one write transaction (`BEGIN IMMEDIATE`, so the write lock is taken up
    /// front and a busy database fails at the start, not halfway). Commits if `f` returns
    /// `Ok`, rolls back otherwise: nothing of a refused write remains.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&WriteTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.writer.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(StoreError::from)?;
        let wtx = WriteTx {
            tx,
            device_id: self.device_id,
        };
        let out = f(&wtx)?;
        wtx.tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// A reader connection from the pool (opened on demand). Reads on it see the last
    /// committed state and never block the writer.
    pub fn reader(&self) -> Result<ReadConn<'_>> {
        let pooled = self.readers.lock().pop();
        let conn = match pooled {
            Some(c) => c,
            None => {
                let c = Connection::open_with_flags(
                    &self.path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX
                        | OpenFlags::SQLITE_OPEN_URI,
                )?;
                c.busy_timeout(self.options.busy_timeout)?;
                c.set_prepared_statement_cache_capacity(64);
                c
            }
        };
        Ok(ReadConn {
            store: self,
            conn: Some(conn),
        })
    }

    /// Runs `f` with a reader connection.
    pub fn read<T, E: From<StoreError>>(&self, f: impl FnOnce(&Connection) -> Result<T, E>) -> Result<T, E> {
        let r = self.reader()?;
        // One read transaction, so every statement of `f` sees the same snapshot: an order
        // read as header, lines and payments (or a balance with its ledger) must not
        // straddle a commit. Dropping it ends the read (nothing to commit).
        let snapshot = r.unchecked_transaction().map_err(StoreError::from)?;
        f(&snapshot)
    }

    /// Copies the database to `dest` through SQLite's online backup API while the till
    /// keeps working.
    ///
    /// The copy is made in one step from a reader connection, i.e. from one read snapshot:
    /// in WAL mode the writer carries on meanwhile. A page-by-page copy would restart
    /// whenever another connection commits between two steps, so on a till that sells
    /// every few milliseconds it might never finish (measured: `examples/backup_timing`).
    pub fn backup_to(&self, dest: &Path) -> Result<()> {
        use rusqlite::backup::{Backup, StepResult};
        let r = self.reader()?;
        let mut dst = Connection::open(dest)?;
        let backup = Backup::new(&r, &mut dst)?;
        match backup.step(-1)? {
            StepResult::Done => Ok(()),
            // More cannot happen with -1; Busy and Locked mean a lock was held too long.
            _ => Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                Some("the backup could not read a consistent copy; try again".into()),
            )
            .into()),
        }
    }
}

/// A pooled reader connection; returns to the pool when dropped.
pub struct ReadConn<'a> {
    store: &'a Store,
    conn: Option<Connection>,
}

impl std::fmt::Debug for ReadConn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadConn")
    }
}

impl std::ops::Deref for ReadConn<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        self.conn.as_ref().expect("connection present until drop")
    }
}

impl Drop for ReadConn<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            let mut pool = self.store.readers.lock();
            if pool.len() < self.store.options.max_idle_readers {
                pool.push(c);
            }
        }
    }
}

/// A write transaction in progress.
pub struct WriteTx<'c> {
    tx: Transaction<'c>,
    device_id: DeviceId,
}

impl std::fmt::Debug for WriteTx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("WriteTx")
    }
}

impl WriteTx<'_> {
    pub fn conn(&self) -> &Connection {
        &self.tx
    }

    pub fn device_id(&self) -> DeviceId {
        self.device_id
    }

    /// This till's invoice series (see [`default_invoice_series`]).
    pub fn invoice_series(&self) -> Result<String> {
        invoice_series(&self.tx)
    }

    /// Increments the named counter and returns its new value (order numbers, invoices).
    pub fn next_counter(&self, name: &str) -> Result<i64> {
        Ok(self.tx.query_row(
            "INSERT INTO counters (name, value) VALUES (?1, 1)
             ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value",
            [name],
            |r| r.get(0),
        )?)
    }
}

impl std::ops::Deref for WriteTx<'_> {
    type Target = Connection;
    fn deref(&self) -> &Connection {
        &self.tx
    }
}

/// Letters and digits that cannot be misread for each other on a receipt (no I, L, O, U,
/// 0, 1): Crockford's base 32 without its look-alikes.
const SERIES_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The series a till starts with: four characters from the random tail of its device id
/// (UUIDv7), so two tills of one restaurant differ with near certainty (30^4 = 810,000
/// series) without asking a server, and it never changes, so numbers stay unique.
pub fn default_invoice_series(device: DeviceId) -> String {
    let bytes = device.as_uuid().as_bytes();
    let mut tail = u64::from_be_bytes(bytes[8..16].try_into().unwrap_or([0; 8]));
    let mut out = String::with_capacity(4);
    for _ in 0..4 {
        out.push(SERIES_ALPHABET[(tail % SERIES_ALPHABET.len() as u64) as usize] as char);
        tail /= SERIES_ALPHABET.len() as u64;
    }
    out
}

/// This till's invoice series.
pub fn invoice_series(conn: &Connection) -> Result<String> {
    Ok(conn
        .prepare_cached("SELECT invoice_series FROM device WHERE id = 1")?
        .query_row([], |r| r.get::<_, Option<String>>(0))?
        .unwrap_or_default())
}

fn migrate(conn: &Connection) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        });
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let version = i as i64 + 1;
        tracing::info!(migration = name, version, "applying migration");
        conn.execute_batch(&format!(
            "BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;"
        ))
        .inspect_err(|_| {
            let _ = conn.execute_batch("ROLLBACK");
        })?;
    }
    Ok(())
}
