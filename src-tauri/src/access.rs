//! Who may call which command: one table, checked for every invoke before the command
//! runs (see [`crate::build`]). The commands themselves stay one-liners; a command
//! missing from the table needs a logged-in member of staff, so a new command is never
//! open by accident.

use pos_app::{AppError, Need};
use tauri::ipc::Invoke;
use tauri::{Manager, Runtime};

use crate::Till;

/// What a command needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Nothing: the login screen's commands.
    Open,
    /// A logged-in session ([`Need`]).
    Session(Need),
}

use Access::*;

/// Commands that are not `Session(Need::Staff)`. Writes done by a person also count as
/// activity for the idle lock (the UI's `touch` covers taps that write nothing).
pub const RULES: &[(&str, Access)] = &[
    ("list_staff", Open),
    ("login", Open),
    ("lock", Open),
    ("session", Open),
    ("create_first_manager", Open),
    ("update_profile", Session(Need::Manager)),
    ("cache_stats", Session(Need::Manager)),
    ("clear_cache", Session(Need::Manager)),
    ("warm_up", Session(Need::Manager)),
    ("create_staff", Session(Need::Manager)),
    ("update_staff", Session(Need::Manager)),
    ("reset_pin", Session(Need::Manager)),
    ("sync_enroll", Session(Need::Manager)),
    ("sync_disconnect", Session(Need::Manager)),
    ("backup_now", Session(Need::Manager)),
    ("list_backups", Session(Need::Manager)),
];

/// Commands whose call is a person acting at the till: they restart the idle time.
pub const ACTIVITY: &[&str] = &[
    "touch",
    "create_order",
    "add_line",
    "void_line",
    "set_order_discount",
    "set_status",
    "record_payment",
    "settle_balance",
    "update_profile",
    "clear_cache",
    "create_staff",
    "update_staff",
    "reset_pin",
    "sync_enroll",
    "sync_push_now",
    "sync_disconnect",
    "acknowledge_rejection",
    "backup_now",
];

pub fn access(command: &str) -> Access {
    RULES
        .iter()
        .find(|(name, _)| *name == command)
        .map_or(Session(Need::Staff), |(_, a)| *a)
}

/// Checks `invoke` against the table: `locked` without a session, `forbidden` when a
/// manager is needed.
pub fn check<R: Runtime>(invoke: &Invoke<R>) -> Result<(), AppError> {
    let command = invoke.message.command();
    let Session(need) = access(command) else {
        return Ok(());
    };
    let webview = invoke.message.webview();
    let till = webview
        .try_state::<Till>()
        .ok_or_else(|| AppError::internal("the till is not open"))?;
    let now = till.app.now_ms();
    till.lock.require(need, now)?;
    if ACTIVITY.contains(&command) {
        till.lock.touch(now)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unlisted_command_needs_a_session() {
        assert_eq!(access("some_new_command"), Session(Need::Staff));
        assert_eq!(access("list_orders"), Session(Need::Staff));
    }

    #[test]
    fn settings_commands_need_a_manager_and_the_login_screen_needs_nobody() {
        for c in [
            "update_profile",
            "clear_cache",
            "cache_stats",
            "create_staff",
            "reset_pin",
        ] {
            assert_eq!(access(c), Session(Need::Manager), "{c}");
        }
        for c in ["login", "list_staff", "lock", "session"] {
            assert_eq!(access(c), Open, "{c}");
        }
    }
}
