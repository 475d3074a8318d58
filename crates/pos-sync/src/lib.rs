//! Till-side sync.
//!
//! # Layout
//! - [`engine`]: [`Engine`], the sync logic with no I/O: events in (ticks, answers,
//!   failures), instructions out (push, pull, wake me at). Tested exhaustively.
//! - [`driver`]: [`SyncDriver`], a tokio task that runs the engine against the real
//!   till (`pos_app::App`) and server (reqwest): pushes the outbox, acknowledges it,
//!   long-polls pulls, applies each batch in one SQLite transaction and raises
//!   `DomainEvent::SyncBatchApplied` so caches are invalidated like after a local write.
//! - [`SyncStatus`]: what the UI shows (online / offline / syncing, last sync, outbox
//!   depth, last error, rejected mutations).

pub mod driver;
pub mod engine;

pub use driver::{DriverConfig, SyncDriver};
pub use engine::{Engine, EngineConfig, Event, Instruction};

use serde::Serialize;

/// Connection state as the till's top bar shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Connectivity {
    /// Not yet talked to the server.
    #[default]
    Unknown,
    Online,
    /// Pushing or pulling with work outstanding.
    Syncing,
    Offline,
}

/// A mutation the server refused on business grounds; shown to the cashier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub seq: i64,
    pub intent: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct SyncStatus {
    pub connectivity: Connectivity,
    pub last_sync_ms: Option<i64>,
    pub outbox_depth: i64,
    pub last_error: Option<String>,
    pub rejections: Vec<Rejection>,
}
