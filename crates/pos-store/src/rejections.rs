//! Mutations the server refused on business grounds (table `sync_rejections`).
//!
//! The sync driver records them in the same transaction as the push's acknowledgement,
//! so a rejection is never lost between "acknowledged" and "shown": either both happened
//! or the push is sent again. The cashier sees each one until acknowledging it.

use pos_core::{MutationId, OrderId};
use rusqlite::{Connection, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::{Result, WriteTx, sql};

/// A rejection to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewRejection {
    pub mutation_id: MutationId,
    pub seq: i64,
    pub intent: String,
    pub order_id: Option<OrderId>,
    pub reason: String,
}

/// A recorded rejection, with the order's number on this till when it has the order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Rejection {
    #[cfg_attr(test, ts(type = "string"))]
    pub mutation_id: MutationId,
    pub seq: i64,
    pub intent: String,
    #[cfg_attr(test, ts(type = "string | null"))]
    pub order_id: Option<OrderId>,
    /// The order's display number on this till (`#12`), if the order is here.
    pub order_number: Option<i64>,
    pub reason: String,
    pub rejected_at_ms: i64,
    pub acknowledged_at_ms: Option<i64>,
}

/// Records `r`; a rejection already recorded (the same mutation answered twice) is kept
/// as it was. Returns whether a row was added.
pub fn record(tx: &WriteTx<'_>, r: &NewRejection, at_ms: i64) -> Result<bool> {
    Ok(tx
        .prepare_cached(
            "INSERT OR IGNORE INTO sync_rejections
                 (mutation_id, seq, intent, order_id, reason, rejected_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            r.mutation_id.to_string(),
            r.seq,
            r.intent,
            r.order_id.map(|o| o.to_string()),
            r.reason,
            at_ms
        ])?
        > 0)
}

const SELECT: &str = "SELECT r.mutation_id, r.seq, r.intent, r.order_id, o.number, r.reason,
                             r.rejected_at_ms, r.acknowledged_at_ms
                      FROM sync_rejections r LEFT JOIN orders o ON o.id = r.order_id";

fn decode(r: &rusqlite::Row<'_>) -> rusqlite::Result<Raw> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        r.get(3)?,
        r.get(4)?,
        r.get(5)?,
        r.get(6)?,
        r.get(7)?,
    ))
}

type Raw = (
    String,
    i64,
    String,
    Option<String>,
    Option<i64>,
    String,
    i64,
    Option<i64>,
);

fn build(raw: Raw) -> Result<Rejection> {
    let (id, seq, intent, order, number, reason, at, acked) = raw;
    Ok(Rejection {
        mutation_id: sql::parse(&id)?,
        seq,
        intent,
        order_id: order.as_deref().map(sql::parse).transpose()?,
        order_number: number,
        reason,
        rejected_at_ms: at,
        acknowledged_at_ms: acked,
    })
}

/// Rejections the cashier has not acknowledged yet, oldest first.
pub fn unacknowledged(conn: &Connection) -> Result<Vec<Rejection>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE r.acknowledged_at_ms IS NULL ORDER BY r.rejected_at_ms, r.seq"
    ))?;
    let raws = stmt
        .query_map([], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(build).collect()
}

/// Every rejection, newest first, at most `limit`.
pub fn recent(conn: &Connection, limit: usize) -> Result<Vec<Rejection>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} ORDER BY r.rejected_at_ms DESC, r.seq DESC LIMIT ?1"
    ))?;
    let raws = stmt
        .query_map([limit as i64], decode)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raws.into_iter().map(build).collect()
}

/// How many rejections wait for the cashier.
pub fn unacknowledged_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM sync_rejections WHERE acknowledged_at_ms IS NULL",
        [],
        |r| r.get(0),
    )?)
}

/// Marks one rejection as seen. `None` if there is no such rejection; an already
/// acknowledged one keeps its first acknowledgement time.
pub fn acknowledge(tx: &WriteTx<'_>, id: MutationId, at_ms: i64) -> Result<Option<Rejection>> {
    tx.prepare_cached(
        "UPDATE sync_rejections SET acknowledged_at_ms = ?2
         WHERE mutation_id = ?1 AND acknowledged_at_ms IS NULL",
    )?
    .execute(params![id.to_string(), at_ms])?;
    let raw = tx
        .prepare_cached(&format!("{SELECT} WHERE r.mutation_id = ?1"))?
        .query_row([id.to_string()], decode)
        .optional()?;
    raw.map(build).transpose()
}

#[cfg(test)]
mod typescript {
    /// Kept in step with `pos_app::typescript::check` (pos-store cannot depend on pos-app).
    #[test]
    fn the_generated_typescript_matches_the_rust_types() {
        use ts_rs::TS;
        let cfg = ts_rs::Config::new().with_large_int("number");
        let body = format!(
            "// Generated from the Rust types of pos-store by its tests; do not edit.\n\
             // Rewrite with: UPDATE_TS=1 cargo test -p pos-store typescript\n\nexport {}\n",
            super::Rejection::decl(&cfg)
        );
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/generated/pos_store.ts");
        if std::env::var_os("UPDATE_TS").is_some() {
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("ui/src/generated");
            std::fs::write(&path, &body).expect("written");
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == body,
            "{} is out of date with the Rust types: run UPDATE_TS=1 cargo test -p pos-store typescript",
            path.display()
        );
    }
}
