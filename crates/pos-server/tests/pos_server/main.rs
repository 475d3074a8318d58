//! The server against a real PostgreSQL (`DATABASE_URL`, started by `make test`): every
//! test gets its own database and its own server on `127.0.0.1:0` (`pos_testkit::spawn_server`).
//! `helpers` holds the fixtures of this suite built from the kit.

mod helpers;

mod api;
mod bad_input;
mod cli;
mod coherence;
mod enroll;
mod errors;
mod locations;
mod openapi;
mod pull;
mod push;
mod staff;
mod summary_parity;
mod tenancy;
