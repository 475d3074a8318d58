//! The server this till syncs with (table `sync_config`, one row or none).
//!
//! The device token is this till's credential: it must be stored to be sent, so it lives
//! in the till's own file, but it is never logged (`Debug` redacts it) and never handed to
//! the UI (the UI gets [`SyncConfig::server_url`] and the device id only).

use rusqlite::{Connection, OptionalExtension, params};

use crate::{Result, WriteTx};

/// The enrollment this till holds.
#[derive(Clone, PartialEq, Eq)]
pub struct SyncConfig {
    /// `http(s)://host[:port]`, no trailing slash.
    pub server_url: String,
    /// The bearer token from `POST /sync/enroll`. Secret.
    pub device_token: String,
    /// The device id the server gave this till.
    pub server_device: String,
    pub device_name: String,
    pub enrolled_at_ms: i64,
}

impl std::fmt::Debug for SyncConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncConfig")
            .field("server_url", &self.server_url)
            .field("device_token", &"<redacted>")
            .field("server_device", &self.server_device)
            .field("device_name", &self.device_name)
            .field("enrolled_at_ms", &self.enrolled_at_ms)
            .finish()
    }
}

/// The stored enrollment, if any.
pub fn load(conn: &Connection) -> Result<Option<SyncConfig>> {
    Ok(conn
        .query_row(
            "SELECT server_url, device_token, server_device, device_name, enrolled_at_ms
             FROM sync_config WHERE id = 1",
            [],
            |r| {
                Ok(SyncConfig {
                    server_url: r.get(0)?,
                    device_token: r.get(1)?,
                    server_device: r.get(2)?,
                    device_name: r.get(3)?,
                    enrolled_at_ms: r.get(4)?,
                })
            },
        )
        .optional()?)
}

/// Stores `cfg`, replacing an earlier enrollment.
pub fn save(tx: &WriteTx<'_>, cfg: &SyncConfig) -> Result<()> {
    tx.execute(
        "INSERT INTO sync_config (id, server_url, device_token, server_device, device_name, enrolled_at_ms)
         VALUES (1, ?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET server_url = excluded.server_url,
             device_token = excluded.device_token, server_device = excluded.server_device,
             device_name = excluded.device_name, enrolled_at_ms = excluded.enrolled_at_ms",
        params![
            cfg.server_url,
            cfg.device_token,
            cfg.server_device,
            cfg.device_name,
            cfg.enrolled_at_ms
        ],
    )?;
    Ok(())
}

/// Forgets the enrollment (the outbox and everything sold stay). Returns whether there
/// was one.
pub fn clear(tx: &WriteTx<'_>) -> Result<bool> {
    Ok(tx.execute("DELETE FROM sync_config WHERE id = 1", [])? > 0)
}
