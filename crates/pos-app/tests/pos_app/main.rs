//! Integration tests of the till's API on real SQLite files.
//!
//! Every test opens its own till on a temporary file with a manual clock (see
//! [`support::test_app`]). Caching follows `POS_CACHE`, so the whole binary runs once with
//! caching on and once with it off; tests about caching itself turn it on explicitly.
//!
//! # Layout
//! - `support`: the test till, selling helpers, direct SQLite reads and comparisons.
//! - `orders`: the life of an order, the state machine, discounts, listings.
//! - `customers`: phone lookup, tabs, credit limits, settlements.
//! - `summary`: the day's report against the bills that were made.
//! - `profile`: profile validation and the all-or-nothing menu import.
//! - `bad_input`: refused input changes nothing.
//! - `outbox`: one outbox row per write, in sequence.
//! - `cache`: freshness after writes, clearing, statistics, warm-up, concurrent readers.
//! - `durability`: restart and a newer schema.
//! - `idempotency`: a request id makes a write happen once.
//! - `ticket`: several lines in one commit (`add_lines`).
//! - `demo`: the demo restaurant loads once, through the use cases.
//! - `logging`: phone numbers never reach the logs.
//! - `backup`: daily backups, restore, retention, backups beside sales.
//! - `rejections`: rejected changes listed and acknowledged.
//! - `staff`: first manager, PIN logins and lockout, manager-only changes, void approval.

mod backup;
mod bad_input;
mod cache;
mod customers;
mod demo;
mod durability;
mod idempotency;
mod logging;
mod orders;
mod outbox;
mod profile;
mod rejections;
mod staff;
mod summary;
mod support;
mod ticket;
