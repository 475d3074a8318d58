//! The desktop till's tests: the command layer on tauri's mock runtime (no display), and
//! the real app under Xvfb driven through WebDriver (`tauri-driver` over WebKitWebDriver).

mod commands;
mod webdriver;
