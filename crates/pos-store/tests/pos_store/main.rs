//! Integration tests of the till's SQLite store on real files.
//!
//! # Layout
//! - `support`: a store on a temporary file and small builders of orders and mutations.
//! - `schema`: migrations, the schema version, pragmas, refusing a newer file.
//! - `outbox`: sequence numbers, rollback of a failed write, survival across reopen.
//! - `pulled`: applying other tills' mutations (invoice numbers from two tills).
//! - `orders`: round trips of orders, bills and ledgers; snapshot reads; backup.
//! - `sync_state`: the stored enrollment, the cursor reset, rejections and their
//!   acknowledgement.
//! - `staff`: staff rows, last-writer-wins upserts, pulled changes, lockout counting.

mod orders;
mod outbox;
mod pulled;
mod schema;
mod staff;
mod support;
mod sync_state;
