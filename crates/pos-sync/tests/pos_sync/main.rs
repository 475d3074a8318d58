//! pos-sync integration tests.

mod simulation;
