//! The desktop till's tests: the command layer on tauri's mock runtime (no display), and
//! the real app under Xvfb driven through WebDriver (`tauri-driver` over WebKitWebDriver).
//! `staff` holds the WebDriver scenarios of logins, roles, approvals and the lock.

mod commands;
mod staff;
mod webdriver;
