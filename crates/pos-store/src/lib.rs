//! The till's SQLite store.
//!
//! One file per till, opened with WAL, `synchronous=FULL` and foreign keys on. One writer
//! connection runs every write as `BEGIN IMMEDIATE ... COMMIT`; a small pool of reader
//! connections serves reads concurrently (WAL lets readers proceed while the writer
//! writes). A write use case gets a [`WriteTx`] and appends its outbox row through it, so
//! the rows and their outbox entry commit or roll back together.
//!
//! # Layout
//! - [`db`]: [`Store`]: open, pragmas, migrations and the schema-version check, read and
//!   write handles.
//! - [`outbox`]: appending mutations with the per-device sequence; depth and listing.
//! - [`orders`]: orders, lines, payments, bill snapshots; active and paged listings.
//! - [`catalog`]: the profile and the menu.
//! - [`customers`]: customers and their ledger.
//! - [`requests`]: idempotency records of writes that carry a request id.
//! - [`staff`]: staff members, PIN hashes and the local lockout state.
//! - [`records`]: the till's side of the sync rules: load the state a mutation touches,
//!   write the changes of its effect (every write to orders, customers, staff, the
//!   profile and the menu).
//! - [`sync`]: acknowledging outbox rows and the pull cursor.
//! - [`sync_config`]: the server this till syncs with and its device token.
//! - [`rejections`]: mutations the server refused, kept until the cashier acknowledges them.
//! - [`summary`]: the business day's X/Z report, one query per figure group.
//! - [`error`]: the error type, [`StoreError`].

pub mod catalog;
pub mod customers;
pub mod db;
pub mod error;
pub mod orders;
pub mod outbox;
pub mod records;
pub mod rejections;
pub mod requests;
pub mod staff;
pub mod summary;
pub mod sync;
pub mod sync_config;

mod sql;

pub use db::{ReadConn, Store, StoreOptions, WriteTx};
pub use error::{Result, StoreError};
