//! Idempotency records: one row per write made with a client request id.

use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, WriteTx};

/// A recorded request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recorded {
    pub use_case: String,
    pub input: String,
    pub result: String,
}

pub fn find(conn: &Connection, request_id: &str) -> Result<Option<Recorded>> {
    Ok(conn
        .prepare_cached("SELECT use_case, input, result FROM requests WHERE request_id = ?1")?
        .query_row([request_id], |r| {
            Ok(Recorded {
                use_case: r.get(0)?,
                input: r.get(1)?,
                result: r.get(2)?,
            })
        })
        .optional()?)
}

pub fn record(tx: &WriteTx<'_>, request_id: &str, r: &Recorded, at_ms: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO requests (request_id, use_case, input, result, at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![request_id, r.use_case, r.input, r.result, at_ms])?;
    Ok(())
}

/// Deletes records older than `before_ms`; returns how many.
pub fn prune(tx: &WriteTx<'_>, before_ms: i64) -> Result<usize> {
    Ok(tx.execute("DELETE FROM requests WHERE at_ms < ?1", [before_ms])?)
}
