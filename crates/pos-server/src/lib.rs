//! The central sync server: tills of many organisations push their outboxes here and
//! long-poll the organisation's change log.
//!
//! # Layout
//! - [`settings`]: [`Settings`] from a TOML file plus `POS_SERVER_*` / `DATABASE_URL`.
//! - [`startup`]: [`Application::build`] / [`Application::port`] /
//!   [`Application::run_until_stopped`]; the router and graceful shutdown.
//! - [`db`]: the connection pool and the embedded, forward-only migrations.
//! - [`auth`]: device tokens (sha256-hashed at rest) and the [`auth::Device`] extractor.
//! - [`error`]: the one place where route errors become HTTP status + `{code, message}`.
//! - [`apply`]: applies one mutation to the organisation's tables (the conflict rules).
//! - [`changes`]: per-organisation change notification for the pull long-poll.
//! - [`routes`]: thin handlers: enroll, push, pull, health.
//! - [`admin`]: what `pos-server admin ...` does (create an organisation, enrollment codes).

pub mod admin;
pub mod apply;
pub mod auth;
pub mod changes;
pub mod db;
pub mod error;
pub mod routes;
pub mod settings;
pub mod startup;

pub use settings::Settings;
pub use startup::Application;
