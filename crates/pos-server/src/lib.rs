//! The central server: tills of many organisations push their outboxes here and
//! long-poll the organisation's change log; managers use its back-office REST API.
//!
//! # Layout
//! - [`settings`]: [`Settings`] from a TOML file plus `POS_SERVER_*` / `DATABASE_URL`.
//! - [`state`]: [`state::AppState`], what every handler and use case shares.
//! - [`startup`]: [`Application::build`] / [`Application::port`] /
//!   [`Application::run_until_stopped`]; the router and graceful shutdown.
//! - [`db`]: the connection pool and the embedded, forward-only migrations.
//! - [`auth`]: device, manager and admin tokens (sha256-hashed at rest), the
//!   [`auth::Device`] extractor and the role extractors of the back office.
//! - [`error`]: the one place where route errors become HTTP status + `{code, message}`.
//! - [`org_tx`]: [`org_tx::OrgTx`], an organisation's write transaction: its lock, the
//!   sync rules for each mutation, the change log, the notifications, the commit; used by
//!   the push and every back-office write.
//! - [`records`]: the SQL side of the sync rules (`pos_protocol::rules`): load what a
//!   mutation touches, write what its effect changed.
//! - [`locations`]: the location of a till's orders (from the pushing device).
//! - [`changes`]: per-organisation change notification for the pull long-poll.
//! - [`routes`]: handlers only (extract, call one function, map the error): enroll, push,
//!   pull, health, and [`routes::api`] (the back office and the one route list the router
//!   and the OpenAPI document share).
//! - [`sync`]: what the sync routes do (enroll, push, pull).
//! - [`backoffice`]: what the back-office routes do (profile, orders, payments, billing).
//! - [`cache`]: the measured caches, which of them hold each view of the rules' table,
//!   the [`cache::Change`] of a write and the LISTEN/NOTIFY coherence between instances.
//! - [`metrics`]: `/metrics` in the Prometheus text format.
//! - [`openapi`]: `/openapi.json`, generated from the route list and the real types.
//! - [`admin`]: what `pos-server admin ...` does (create an organisation, enrollment codes).

pub mod admin;
pub mod auth;
pub mod backoffice;
pub mod cache;
pub mod changes;
pub mod db;
pub mod error;
pub mod locations;
pub mod metrics;
pub mod openapi;
pub mod org_tx;
pub mod records;
pub mod routes;
pub mod settings;
pub mod startup;
pub mod state;
pub mod sync;

pub use settings::Settings;
pub use startup::Application;

/// The server's log filter: `RUST_LOG` (default `info`), with tokio-postgres' query log
/// held under `debug` whatever `RUST_LOG` says: at `debug` it logs every query's
/// parameters, which hold phone numbers and token hashes.
pub fn log_filter(rust_log: Option<&str>) -> tracing_subscriber::EnvFilter {
    let base = rust_log
        .and_then(|v| tracing_subscriber::EnvFilter::try_new(v).ok())
        .unwrap_or_else(|| tracing_subscriber::EnvFilter::new("info"));
    match "tokio_postgres::query=info".parse() {
        Ok(d) => base.add_directive(d),
        Err(_) => base,
    }
}
