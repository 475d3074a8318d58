//! Staff rows: who may log in, their PIN hash and this till's lockout state.

use pos_core::{Role, StaffId, StaffMember};
use rusqlite::{Connection, OptionalExtension, Row, params};

use crate::sql::{domain, parse};
use crate::{Result, WriteTx};

/// A staff row: the synced member and the local lockout state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffRow {
    pub member: StaffMember,
    /// Wrong PINs in a row since the last good one (or the last lockout).
    pub failed_attempts: u32,
    /// Logins are refused until then.
    pub locked_until_ms: Option<i64>,
}

const SELECT: &str = "SELECT id, name, role, pin_hash, active, created_at_ms, updated_at_ms,
    failed_attempts, locked_until_ms FROM staff";

/// The raw columns of [`SELECT`], decoded outside the row callback (whose error type is
/// rusqlite's).
struct Raw {
    id: String,
    name: String,
    role: String,
    pin_hash: String,
    active: bool,
    created_at_ms: i64,
    updated_at_ms: i64,
    failed_attempts: u32,
    locked_until_ms: Option<i64>,
}

fn row(r: &Row<'_>) -> rusqlite::Result<Raw> {
    Ok(Raw {
        id: r.get(0)?,
        name: r.get(1)?,
        role: r.get(2)?,
        pin_hash: r.get(3)?,
        active: r.get(4)?,
        created_at_ms: r.get(5)?,
        updated_at_ms: r.get(6)?,
        failed_attempts: r.get(7)?,
        locked_until_ms: r.get(8)?,
    })
}

fn decode(raw: Raw) -> Result<StaffRow> {
    Ok(StaffRow {
        member: StaffMember {
            id: parse(&raw.id)?,
            name: raw.name,
            role: domain(Role::parse(&raw.role))?,
            pin_hash: raw.pin_hash,
            active: raw.active,
            created_at_ms: raw.created_at_ms,
            updated_at_ms: raw.updated_at_ms,
        },
        failed_attempts: raw.failed_attempts,
        locked_until_ms: raw.locked_until_ms,
    })
}

/// Every member, active first, then by name.
pub fn list(conn: &Connection) -> Result<Vec<StaffRow>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} ORDER BY active DESC, name COLLATE NOCASE, id"))?;
    let rows = stmt.query_map([], row)?;
    rows.map(|r| decode(r?)).collect()
}

pub fn get(conn: &Connection, id: StaffId) -> Result<Option<StaffRow>> {
    let raw = conn
        .prepare_cached(&format!("{SELECT} WHERE id = ?1"))?
        .query_row([id.to_string()], row)
        .optional()?;
    raw.map(decode).transpose()
}

/// How many members exist (active or not): zero means the till needs its first manager.
pub fn count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT COUNT(*) FROM staff", [], |r| r.get(0))?)
}

/// Active managers other than `except`.
pub fn other_active_managers(conn: &Connection, except: StaffId) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT COUNT(*) FROM staff WHERE role = 'manager' AND active = 1 AND id <> ?1",
        [except.to_string()],
        |r| r.get(0),
    )?)
}

/// Inserts or updates a member. A row already changed later (by `updated_at_ms`) wins, so
/// pulled changes converge whatever their order. The lockout state is local and kept.
/// Returns whether the row changed.
pub fn upsert(tx: &WriteTx<'_>, m: &StaffMember) -> Result<bool> {
    let n = tx
        .prepare_cached(
            "INSERT INTO staff (id, name, role, pin_hash, active, created_at_ms, updated_at_ms)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, role = excluded.role,
                 pin_hash = excluded.pin_hash, active = excluded.active,
                 updated_at_ms = excluded.updated_at_ms
             WHERE excluded.updated_at_ms >= staff.updated_at_ms",
        )?
        .execute(params![
            m.id.to_string(),
            m.name,
            m.role.as_str(),
            m.pin_hash,
            m.active,
            m.created_at_ms,
            m.updated_at_ms
        ])?;
    Ok(n > 0)
}

/// A wrong PIN: counts it and, on the `max`-th in a row, locks logins until
/// `now_ms + lock_ms` and starts the count again. Returns the lock's end if this failure
/// set one.
pub fn record_failure(
    tx: &WriteTx<'_>,
    id: StaffId,
    max: u32,
    now_ms: i64,
    lock_ms: i64,
) -> Result<Option<i64>> {
    let failed: Option<u32> = tx
        .prepare_cached(
            "UPDATE staff SET failed_attempts = failed_attempts + 1 WHERE id = ?1 RETURNING failed_attempts",
        )?
        .query_row([id.to_string()], |r| r.get(0))
        .optional()?;
    match failed {
        Some(n) if n >= max => {
            let until = now_ms + lock_ms;
            tx.prepare_cached("UPDATE staff SET failed_attempts = 0, locked_until_ms = ?2 WHERE id = ?1")?
                .execute(params![id.to_string(), until])?;
            Ok(Some(until))
        }
        _ => Ok(None),
    }
}

/// A good PIN: forgets earlier failures and any expired lock.
pub fn record_success(tx: &WriteTx<'_>, id: StaffId) -> Result<()> {
    tx.prepare_cached("UPDATE staff SET failed_attempts = 0, locked_until_ms = NULL WHERE id = ?1")?
        .execute([id.to_string()])?;
    Ok(())
}
