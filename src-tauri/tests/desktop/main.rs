//! The desktop till's tests: the command layer on tauri's mock runtime (no display), the
//! sync and backup commands against a real pos-server on PostgreSQL (`DATABASE_URL`), and
//! the real app under Xvfb driven through WebDriver (`tauri-driver` over WebKitWebDriver).
//! `staff` holds the WebDriver scenarios of logins, roles, approvals and the lock.

mod commands;
mod staff;
mod sync;
mod webdriver;
