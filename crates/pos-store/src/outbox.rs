//! The outbox: every write's mutation, in the order the till made them.

use pos_core::MutationId;
use pos_protocol::Mutation;
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Result, WriteTx};

/// A row of the outbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    /// Per-device sequence: 1, 2, 3, ... never reused.
    pub seq: i64,
    pub mutation_id: MutationId,
    pub intent: String,
    pub payload: serde_json::Value,
    pub created_at_ms: i64,
    pub acked_at_ms: Option<i64>,
}

impl OutboxEntry {
    pub fn mutation(&self) -> Result<Mutation> {
        Ok(Mutation::from_parts(&self.intent, self.payload.clone())?)
    }
}

/// Appends `mutation` inside the caller's transaction and returns its sequence number.
pub fn append(tx: &WriteTx<'_>, mutation_id: MutationId, mutation: &Mutation, at_ms: i64) -> Result<i64> {
    let seq: i64 = tx.query_row(
        "UPDATE device SET next_seq = next_seq + 1 WHERE id = 1 RETURNING next_seq - 1",
        [],
        |r| r.get(0),
    )?;
    let payload = serde_json::to_string(&mutation.payload_json())?;
    let order = pos_protocol::rules::touches(mutation)
        .orders
        .first()
        .map(|o| o.to_string());
    tx.prepare_cached(
        "INSERT INTO outbox (seq, mutation_id, intent, payload, created_at_ms, order_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        seq,
        mutation_id.to_string(),
        mutation.intent(),
        payload,
        at_ms,
        order
    ])?;
    Ok(seq)
}

/// This till's unacknowledged mutations about `order`, oldest first: what it must lay back
/// on top after adopting the server's copy of that order.
pub fn pending_for_order(conn: &Connection, order: pos_core::OrderId) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, mutation_id, intent, payload, created_at_ms, acked_at_ms FROM outbox
         WHERE order_id = ?1 AND acked_at_ms IS NULL ORDER BY seq",
    )?;
    let rows = stmt.query_map([order.to_string()], entry)?;
    rows.map(|r| decode(r?)).collect()
}

/// Mutations not yet acknowledged by the server.
pub fn pending_count(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM outbox WHERE acked_at_ms IS NULL")?
        .query_row([], |r| r.get(0))?)
}

/// All outbox rows (acknowledged or not).
pub fn total_count(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT COUNT(*) FROM outbox")?
        .query_row([], |r| r.get(0))?)
}

/// The raw columns of an outbox row, decoded outside the row callback (whose error type
/// is rusqlite's).
type Raw = (i64, String, String, String, i64, Option<i64>);

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
}

fn decode((seq, id, intent, payload, created_at_ms, acked_at_ms): Raw) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        seq,
        mutation_id: crate::sql::parse(&id)?,
        intent,
        payload: serde_json::from_str(&payload)?,
        created_at_ms,
        acked_at_ms,
    })
}

/// The oldest `limit` unacknowledged rows, in sequence order.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, mutation_id, intent, payload, created_at_ms, acked_at_ms
         FROM outbox WHERE acked_at_ms IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], entry)?;
    rows.map(|r| decode(r?)).collect()
}

/// The last sequence number handed out (0 if none).
pub fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT next_seq - 1 FROM device WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}
