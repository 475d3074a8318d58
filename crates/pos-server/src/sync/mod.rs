//! The sync use cases the tills call, beside the back office's: what each route does, as
//! plain async functions over the [`crate::state::AppState`] (the handlers in
//! [`crate::routes`] only extract, call one and map the error).
//!
//! # Layout
//! - [`enroll`]: a one-time code becomes a device and its token.
//! - [`push`]: a till's outbox, each mutation decided by the sync rules exactly once, in
//!   one [`crate::org_tx::OrgTx`] per batch.
//! - [`pull`]: the change log after a cursor, with each change's verdict; long-poll and
//!   reads shared between the pulls one push wakes.

pub mod enroll;
pub mod pull;
pub mod push;
