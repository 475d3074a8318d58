//! End-to-end tests with real till processes on real SQLite files.
//!
//! The servers and tills come from `pos_testkit` (`spawn_server`, `temp_till`);
//! `src/bin/till_writer.rs` is a till process that sells in a loop and prints an
//! acknowledgement after each committed sale, so a test can kill it at any moment and
//! check that every acknowledged sale survived.
//!
//! - `crash`: a till killed with SIGKILL in the middle of selling loses no acknowledged
//!   sale and no outbox row, and the file passes SQLite's integrity check.
//! - `restart`: a till restarted with unsynced sales keeps them and numbers on.
//! - `conflicts`: two tills paying one order offline, and a discount that reached the
//!   server before a till paid: kept, equal on every copy, shown with the amount.
//! - `sync`: real PostgreSQL (`DATABASE_URL`, started by `make test`), a real server on
//!   `127.0.0.1:0` and real tills with real sync drivers converge, through an outage.

mod conflicts;
mod crash;
mod restart;
mod sync;
