//! The sync rules, run as the server and the tills run them.

mod support;

mod one_home;
mod orders;
mod table;
