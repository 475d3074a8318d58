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
    tx.prepare_cached(
        "INSERT INTO outbox (seq, mutation_id, intent, payload, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        seq,
        mutation_id.to_string(),
        mutation.intent(),
        payload,
        at_ms
    ])?;
    Ok(seq)
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

/// The oldest `limit` unacknowledged rows, in sequence order.
pub fn pending(conn: &Connection, limit: usize) -> Result<Vec<OutboxEntry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seq, mutation_id, intent, payload, created_at_ms, acked_at_ms
         FROM outbox WHERE acked_at_ms IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = stmt.query_map([limit as i64], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
            r.get::<_, Option<i64>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (seq, id, intent, payload, created_at_ms, acked_at_ms) = row?;
        out.push(OutboxEntry {
            seq,
            mutation_id: crate::sql::parse(&id)?,
            intent,
            payload: serde_json::from_str(&payload)?,
            created_at_ms,
            acked_at_ms,
        });
    }
    Ok(out)
}

/// The last sequence number handed out (0 if none).
pub fn last_seq(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT next_seq - 1 FROM device WHERE id = 1")?
        .query_row([], |r| r.get(0))
        .optional()?
        .unwrap_or(0))
}
