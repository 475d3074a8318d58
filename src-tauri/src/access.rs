//! Who may call which command: one table, checked for every invoke before the command
//! runs (see [`crate::build`]). The commands themselves stay one-liners. Every registered
//! command has exactly one rule, and a command without one is refused (`internal`: it is
//! a bug), never opened by a default: the tests below fail when a rule names a command
//! that is not registered ([`crate::COMMANDS`]) or a registered command has no rule, so a
//! misspelt rule cannot leave a manager command to the default.

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

const STAFF: Access = Session(Need::Staff);
const MANAGER: Access = Session(Need::Manager);

/// Every registered command and what it needs.
pub const RULES: &[(&str, Access)] = &[
    // The login screen: nobody is logged in yet.
    ("list_staff", Open),
    ("login", Open),
    ("lock", Open),
    ("session", Open),
    ("create_first_manager", Open),
    // Selling, orders, customers, the day, the sync badge: anyone logged in.
    ("touch", STAFF),
    ("profile", STAFF),
    ("profile_lite", STAFF),
    ("list_menu", STAFF),
    ("create_order", STAFF),
    ("get_order", STAFF),
    ("add_line", STAFF),
    ("void_line", STAFF),
    ("set_order_discount", STAFF),
    ("set_status", STAFF),
    ("list_orders", STAFF),
    ("calculate_bill", STAFF),
    ("record_payment", STAFF),
    ("customer_balance", STAFF),
    ("settle_balance", STAFF),
    ("billing_summary", STAFF),
    ("sync_status", STAFF),
    ("sync_push_now", STAFF),
    ("sync_rejections", STAFF),
    ("acknowledge_rejection", STAFF),
    // The Settings panel: managers.
    ("update_profile", MANAGER),
    ("cache_stats", MANAGER),
    ("clear_cache", MANAGER),
    ("warm_up", MANAGER),
    ("create_staff", MANAGER),
    ("update_staff", MANAGER),
    ("reset_pin", MANAGER),
    ("sync_enroll", MANAGER),
    ("sync_disconnect", MANAGER),
    ("backup_now", MANAGER),
    ("list_backups", MANAGER),
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

/// The rule for `command`; `None` for a command with no rule (refused by [`check`]).
pub fn access(command: &str) -> Option<Access> {
    RULES.iter().find(|(name, _)| *name == command).map(|(_, a)| *a)
}

/// Checks `invoke` against the table: `locked` without a session, `forbidden` when a
/// manager is needed, `internal` for a command the table does not know.
pub fn check<R: Runtime>(invoke: &Invoke<R>) -> Result<(), AppError> {
    let command = invoke.message.command();
    let need = match access(command) {
        None => {
            return Err(AppError::internal(format!(
                "the command {command} has no access rule"
            )));
        }
        Some(Open) => return Ok(()),
        Some(Session(need)) => need,
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
    use std::collections::BTreeMap;

    use super::*;
    use crate::COMMANDS;

    fn registered(name: &str) -> bool {
        COMMANDS.iter().any(|(_, c)| *c == name)
    }

    #[test]
    fn every_rule_names_a_registered_command() {
        let unknown: Vec<&str> = RULES
            .iter()
            .map(|(name, _)| *name)
            .filter(|n| !registered(n))
            .collect();
        assert!(
            unknown.is_empty(),
            "rules for commands that are not registered in lib.rs (misspelt?): {unknown:?}"
        );
    }

    #[test]
    fn every_registered_command_has_exactly_one_rule() {
        let mut count: BTreeMap<&str, usize> = COMMANDS.iter().map(|(_, c)| (*c, 0)).collect();
        for (name, _) in RULES {
            *count.entry(name).or_default() += 1;
        }
        let wrong: Vec<_> = count.into_iter().filter(|(_, n)| *n != 1).collect();
        assert!(
            wrong.is_empty(),
            "each command needs one rule in access::RULES, these have (name, rules): {wrong:?}"
        );
    }

    #[test]
    fn every_activity_names_a_registered_command_that_needs_a_session() {
        for name in ACTIVITY {
            assert!(registered(name), "{name} in ACTIVITY is not a registered command");
            assert!(
                matches!(access(name), Some(Session(_))),
                "{name} in ACTIVITY is open: check() never touches the session of an open command"
            );
        }
    }

    #[test]
    fn a_command_without_a_rule_gets_no_access() {
        assert_eq!(access("some_new_command"), None, "no default opens it");
        assert_eq!(access("list_orders"), Some(STAFF));
    }

    #[test]
    fn settings_commands_need_a_manager_and_the_login_screen_needs_nobody() {
        for c in [
            "update_profile",
            "clear_cache",
            "cache_stats",
            "create_staff",
            "reset_pin",
            "sync_enroll",
            "backup_now",
        ] {
            assert_eq!(access(c), Some(MANAGER), "{c}");
        }
        for c in ["login", "list_staff", "lock", "session"] {
            assert_eq!(access(c), Some(Open), "{c}");
        }
    }
}
