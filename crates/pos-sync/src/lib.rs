//! Till-side sync.
//!
//! # Layout
//! - [`engine`]: [`Engine`], every sync decision with no I/O: events in (ticks, the
//!   server's answers as they came, typed error codes, what the driver carried out),
//!   instructions out (push, pull, settle a push's answer, apply a page). The
//!   simulation in `tests/pos_sync` runs it against real tills.
//! - [`driver`]: [`SyncDriver`], a tokio task that runs the engine against the real
//!   till and server: only HTTP (reqwest) and `spawn_blocking` calls of `pos_app`'s sync
//!   use cases (`settle_push`, `apply_pull`), which do the SQLite work in one transaction
//!   each and invalidate the caches through the app's one path.
//! - [`link`]: [`Link`], the till's connection to its server as the desktop uses it:
//!   enrollment (`POST /sync/enroll`, token kept in `sync_config`), starting the driver
//!   at start-up when configured, push now, disconnect, and the [`SyncView`] the UI shows.
//! - [`SyncStatus`]: the engine's view (online / offline / syncing, last sync, outbox
//!   depth, last error, rejections this session).

pub mod driver;
pub mod engine;
pub mod link;

pub use driver::{DriverConfig, SyncDriver};
pub use engine::{Engine, EngineConfig, Event, Instruction, Lane, Sent};
pub use link::{Link, SyncView};

use serde::{Deserialize, Serialize};

/// Connection state as the till's top bar shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// Not yet talked to the server.
    #[default]
    Unknown,
    /// No server configured: the till works offline only (never produced by the engine).
    NotConfigured,
    Online,
    /// Pushing or pulling with work outstanding.
    Syncing,
    Offline,
}

/// A mutation the server refused on business grounds; stored on the till and shown to
/// the cashier (`pos_store::rejections`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub mutation_id: pos_core::MutationId,
    pub seq: i64,
    pub intent: String,
    pub order_id: Option<pos_core::OrderId>,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub connectivity: Connectivity,
    pub last_sync_ms: Option<i64>,
    pub outbox_depth: i64,
    pub last_error: Option<String>,
    /// Rejections received since the driver started (the stored ones are the record).
    pub rejected: u64,
}

/// The TypeScript types of what the sync commands return, generated into `ui/src/generated/`.
#[cfg(test)]
mod typescript {
    #[test]
    fn the_generated_typescript_matches_the_rust_types() {
        use ts_rs::TS;
        let cfg = ts_rs::Config::new().with_large_int("number");
        let decls = [crate::Connectivity::decl(&cfg), crate::link::SyncView::decl(&cfg)];
        pos_app::typescript::check("pos_sync.ts", "pos-sync", &decls);
    }
}
