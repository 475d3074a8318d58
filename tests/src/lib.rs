//! Shared helpers of the end-to-end tests.
//!
//! # Layout
//! - `src/bin/till_writer.rs`: a till process that sells in a loop and prints an
//!   acknowledgement after each committed sale, so a test can kill it at any moment and
//!   check that every acknowledged sale survived.
//! - `e2e/`: the tests.

use pos_app::{App, AppConfig};

/// Opens a till on `path` with the demo restaurant loaded if the file is new.
pub fn open_demo_till(path: &std::path::Path) -> anyhow::Result<App> {
    let mut config = AppConfig::new(path);
    config.load_demo = true;
    Ok(App::open(config)?)
}
