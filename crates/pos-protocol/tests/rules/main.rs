//! The sync rules, run as the server and the tills run them.

mod support;

mod orders;
mod table;
