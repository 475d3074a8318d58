//! The till's API: every use case the desktop commands and the tests call, as plain Rust.
//!
//! Reads are served from measured moka caches over the SQLite store. Every write is one
//! transaction: the use case builds its mutation, the sync rules (`pos_protocol::rules`)
//! decide what it changes, `pos_store::records` writes the rows and the outbox row
//! together; after the commit, what it dirtied (the rules' table and keys) clears or
//! reloads exactly those cache entries ([`cache::invalidation`]). Changes pulled from the
//! server take the same rules and the same path ([`usecases::sync`]). All calls block
//! (SQLite), so async callers run them on a blocking thread.
//!
//! # Layout
//! - [`App`]: opening the till, its caches and the event plumbing ([`app`]).
//! - [`usecases`]: one module per area: profile and menu, orders, payments, customers,
//!   day summary, cache administration, staff.
//! - [`backup`]: daily copies of the database through SQLite's online backup API, with
//!   retention.
//! - [`cache`]: [`cache::MeasuredCache`], statistics and the invalidation table.
//! - [`config`]: [`AppConfig`] and [`CacheConfig`] (with environment overrides).
//! - [`clock`]: [`Clock`] (system or manual) and UUIDv7 [`clock::Ids`].
//! - [`views`]: inputs and outputs of the use cases.
//! - [`staff`]: sessions and the till's idle lock ([`staff::TillLock`]), PIN hashing
//!   (argon2id), the staff use cases' inputs and outputs.
//! - [`error`]: [`AppError`] with stable codes.
//! - [`demo`]: the demo restaurant, loaded on a new till's first start.
//! - [`typescript`]: the check that keeps `ui/src/generated/*.ts` equal to the Rust types.

pub mod app;
pub mod backup;
pub mod cache;
pub mod clock;
pub mod config;
pub mod demo;
pub mod error;
pub mod staff;
pub mod typescript;
pub mod usecases;
pub mod views;

pub use app::App;
pub use backup::{BackupInfo, BackupPolicy, BackupReport};
pub use cache::{CacheStats, Invalidation};
pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{AppConfig, CacheConfig};
pub use error::{AppError, ErrorCode, Result};
pub use pos_store::orders::OrderSummary;
pub use pos_store::rejections::Rejection;
pub use pos_store::summary::{DaySummary, MethodTotal};
pub use staff::{Actor, Need, Session, TillLock};
pub use usecases::sync::{Adoption, Applied, Settlement};
pub use usecases::ticket::{AddLines, TicketLine};
pub use views::*;
