//! Sync bookkeeping on the till: acknowledging outbox rows and the pull cursor.
//!
//! The cursor lives in the `counters` table (name `sync_cursor`) as the change-log version
//! decoded with `pos_protocol::sync::decode_cursor`, so no till migration is needed; it is
//! written in the same transaction as the batch it follows. Applying what a pull brings is
//! `pos_app`'s job (through `records` and the sync rules).

use pos_protocol::sync::{decode_cursor, encode_cursor};
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, WriteTx};

/// Marks every unacknowledged outbox row with `seq <= through` as acknowledged.
pub fn ack_through(tx: &WriteTx<'_>, through: i64, at_ms: i64) -> Result<usize> {
    Ok(tx
        .prepare_cached("UPDATE outbox SET acked_at_ms = ?2 WHERE seq <= ?1 AND acked_at_ms IS NULL")?
        .execute(params![through, at_ms])?)
}

/// The pull cursor, if this till has pulled before.
pub fn cursor(conn: &Connection) -> Result<Option<String>> {
    let v: Option<i64> = conn
        .prepare_cached("SELECT value FROM counters WHERE name = 'sync_cursor'")?
        .query_row([], |r| r.get(0))
        .optional()?;
    Ok(v.map(encode_cursor))
}

/// Forgets the pull cursor (a new enrollment: the next pull starts from the beginning of
/// that server's log).
pub fn reset_cursor(tx: &WriteTx<'_>) -> Result<()> {
    tx.prepare_cached("DELETE FROM counters WHERE name = 'sync_cursor'")?
        .execute([])?;
    Ok(())
}

/// Stores the cursor a pulled page ends at (a cursor this till cannot read is ignored).
pub fn save_cursor(tx: &WriteTx<'_>, cursor: &str) -> Result<()> {
    let Some(v) = decode_cursor(cursor) else {
        return Ok(());
    };
    tx.prepare_cached(
        "INSERT INTO counters (name, value) VALUES ('sync_cursor', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
    )?
    .execute([v])?;
    Ok(())
}

/// Clears the acknowledgement of rows with `seq >= from` (the server lost them, e.g. it
/// was restored from a backup), so they are pushed again.
pub fn unack_from(tx: &WriteTx<'_>, from: i64) -> Result<usize> {
    Ok(tx
        .prepare_cached("UPDATE outbox SET acked_at_ms = NULL WHERE seq >= ?1 AND acked_at_ms IS NOT NULL")?
        .execute([from])?)
}

/// Moves the cursor back to `version` if it is ahead of it, so the changes after
/// `version` are pulled and replayed again (after adopting the server's copy of an order
/// as of `version`).
pub fn rewind_cursor(tx: &WriteTx<'_>, version: i64) -> Result<()> {
    tx.prepare_cached("UPDATE counters SET value = ?1 WHERE name = 'sync_cursor' AND value > ?1")?
        .execute([version.max(0)])?;
    Ok(())
}
