//! The desktop till: a Tauri 2 window over [`pos_app::App`].
//!
//! The shell owns no business logic. Each command extracts its input, runs one pos-app
//! call on a blocking thread and returns the result or the [`pos_app::AppError`]
//! (`{code, message, field, retryable}`) for the UI to show next to what caused it.
//!
//! # Layout
//! - [`run`]: the binary's entry point: logging, data directory, the window.
//! - [`build`]: the app over any [`tauri::Runtime`], so tests pass `tauri::test::mock_builder()`.
//! - [`commands`]: the `#[tauri::command]`s, one per use case.
//! - [`staff`]: the login screen's, session and staff-management commands.
//! - [`access`]: which commands need a session or a manager, checked for every invoke.
//! - [`state`]: [`state::Till`], the one managed state, and the data-directory rules.
//! - [`sync`]: sync commands (status, enroll, push now, disconnect, rejections) and the
//!   start of the sync driver when the till is enrolled.
//! - [`backups`]: backup commands and the daily backup task.
//! - [`COMMANDS`]: every registered command, declared once with the handler; its
//!   argument and result types are generated into `ui/src/generated/commands.ts` by the
//!   `typescript` test.

pub mod access;
pub mod backups;
pub mod commands;
pub mod staff;
pub mod state;
pub mod sync;
#[cfg(test)]
mod typescript;

use std::path::PathBuf;

use tauri::{Manager, Runtime};

pub use state::Till;

/// Declares the till's commands once: the handler tauri dispatches to ([`handler`]) and
/// [`COMMANDS`], the same list as data, which the access table's test and the
/// TypeScript generator (`typescript.rs`, writing `ui/src/generated/commands.ts`) read, so
/// a command registered here is also one the rules and the UI's types know.
macro_rules! commands {
    ($($module:ident :: $name:ident),* $(,)?) => {
        /// Every command the UI may invoke, as `(module, name)`, in registration order.
        pub const COMMANDS: &[(&str, &str)] = &[$((stringify!($module), stringify!($name))),*];

        fn handler<R: Runtime>() -> fn(tauri::ipc::Invoke<R>) -> bool {
            tauri::generate_handler![$($module::$name),*]
        }
    };
}

commands![
    commands::profile,
    commands::profile_lite,
    commands::update_profile,
    commands::list_menu,
    commands::create_order,
    commands::get_order,
    commands::add_line,
    commands::void_line,
    commands::set_order_discount,
    commands::set_status,
    commands::list_orders,
    commands::calculate_bill,
    commands::record_payment,
    commands::customer_balance,
    commands::settle_balance,
    commands::billing_summary,
    commands::cache_stats,
    commands::clear_cache,
    commands::warm_up,
    sync::sync_status,
    sync::sync_enroll,
    sync::sync_push_now,
    sync::sync_disconnect,
    sync::sync_rejections,
    sync::acknowledge_rejection,
    backups::backup_now,
    backups::list_backups,
    staff::list_staff,
    staff::login,
    staff::create_first_manager,
    staff::session,
    staff::lock,
    staff::touch,
    staff::create_staff,
    staff::update_staff,
    staff::reset_pin,
];

/// Registers the commands on `builder`; the caller adds the state (a [`Till`]). Every
/// invoke passes [`access::check`] first: a refused one never reaches its command.
pub fn build<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    let handler = handler::<R>();
    builder.invoke_handler(move |invoke| match access::check(&invoke) {
        Ok(()) => handler(invoke),
        Err(e) => {
            invoke.resolver.reject(e);
            true
        }
    })
}

/// Starts the till: opens (or creates, with the demo restaurant) the database in the data
/// directory, warms the caches and shows the window.
pub fn run() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .try_init();
    let override_dir = state::data_dir_override(std::env::args().skip(1), std::env::var_os("POS_DATA_DIR"));
    let result = build(tauri::Builder::default())
        .setup(move |app| {
            let dir: PathBuf = match override_dir.clone() {
                Some(d) => d,
                None => app.path().app_data_dir()?,
            };
            let till = Till::open(&dir)?;
            sync::start(&till);
            backups::start_daily(&till);
            app.manage(till);
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        tracing::error!(error = %e, "the till could not start");
        std::process::exit(1);
    }
}
