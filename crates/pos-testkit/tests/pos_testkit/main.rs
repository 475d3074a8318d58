//! The kit's own tests: the one-home check (no second server harness, no second example
//! profile anywhere in the tree), and that what the kit hands out is real and separate per
//! test (its own database and port, its own till file).
//!
//! # Layout
//! - `one_home`: the grep-based check over every `.rs` file of the workspace.
//! - `kit`: `spawn_server()` and `temp_till()` against real PostgreSQL and SQLite.

mod kit;
mod one_home;
