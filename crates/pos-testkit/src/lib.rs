//! The workspace's one test kit: what the tests of every crate, the end-to-end suite, the
//! desktop's tests, the examples and `pos-bench` need to stand up real parts, in one place
//! instead of a copy per crate.
//!
//! A dev-dependency only: no production crate (pos-app, pos-store, pos-sync, pos-server,
//! the desktop) depends on it outside `[dev-dependencies]`, so neither this code nor what
//! it pulls in (`rand`, `hdrhistogram`, `tempfile`, reqwest for the tests) reaches a till's
//! or the server's build. `pos-bench`, a tool, depends on it normally. The check in
//! `tests/pos_testkit/one_home.rs` fails if a second server harness or a second example
//! profile appears outside this crate, or a production crate depends on it.
//!
//! # Layout
//! - [`example_profile`] and [`example_menu`]: the demo restaurant's profile and menu,
//!   re-exported from their one production definition (`pos_core::profile` and
//!   `pos_app::demo`), which the till's demo and the server's OpenAPI examples use too.
//! - [`till`]: [`temp_till`] and [`TillOptions`]: a real `pos_app::App` on a temporary
//!   SQLite file, bare, with the example restaurant or the whole demo, on the machine's
//!   clock or a manual one; [`till::outbox_push`] and [`till::sell`].
//! - [`server`]: [`spawn_server`]: a real pos-server on `127.0.0.1:0` with a freshly
//!   created PostgreSQL database (`DATABASE_URL`), an organisation, enrollment, tokens and
//!   an HTTP client; [`server::BlockingServer`] for synchronous tests.
//! - [`workload`]: a seeded, replayable restaurant day that checks every cached answer
//!   against SQLite (the replay test and `pos-bench replay`).
//! - [`large`]: large seeded data and the large till the benchmarks run on.

pub mod large;
pub mod server;
pub mod till;
pub mod workload;

pub use pos_app::demo::demo_menu as example_menu;
pub use pos_core::profile::example_profile;
pub use server::{BlockingServer, RunningServer, TestServer, spawn_server, spawn_server_with};
pub use till::{Contents, NOON_IST_MS, TODAY, TempTill, TillOptions, demo_till, temp_till};
