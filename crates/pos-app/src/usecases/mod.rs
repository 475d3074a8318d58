//! The use cases, as `impl App` blocks by area. Each write is one call to
//! [`App::write`](crate::App): load inside the transaction, apply the domain rule, write
//! rows, return the outbox mutation and the invalidation event.

pub mod admin;
pub mod catalog;
pub mod customers;
pub mod orders;
pub mod payments;
pub mod staff;
pub mod summary;
pub mod sync;
pub mod ticket;
