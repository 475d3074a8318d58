//! The desktop till's tests: the command layer on tauri's mock runtime (no display), the
//! sync and backup commands against a real pos-server on PostgreSQL (`DATABASE_URL`), and
//! the real app under Xvfb driven through WebDriver (`tauri-driver` over WebKitWebDriver).

mod commands;
mod sync;
mod webdriver;
