//! Backup commands and the daily backup task.
//!
//! At start the till copies its database to `<data-dir>/backups/till-YYYY-MM-DD.db` if
//! today's copy is missing, then checks again every hour, so a till left running across
//! midnight gets the new day's copy. Copies go through SQLite's online backup API on a
//! blocking thread and never stop a sale (see `pos_app::backup`).

use std::time::Duration;

use pos_app::{AppError, BackupInfo, BackupReport};
use tauri::State;

use crate::Till;
use crate::commands::blocking;

type Reply<T> = Result<T, AppError>;

/// How often the task checks that today's backup exists.
const CHECK_EVERY: Duration = Duration::from_secs(3600);

/// Spawns the daily backup task on tauri's async runtime.
pub fn start_daily(till: &Till) {
    let (app, policy) = (till.app.clone(), till.backups.clone());
    tauri::async_runtime::spawn(async move {
        loop {
            let (app, policy) = (app.clone(), policy.clone());
            match tauri::async_runtime::spawn_blocking(move || app.daily_backup(&policy)).await {
                Ok(Ok(Some(r))) => tracing::info!(file = %r.backup.file_name, "daily backup taken"),
                Ok(Ok(None)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "daily backup failed; will try again"),
                Err(e) => tracing::error!(error = %e, "daily backup task failed"),
            }
            tokio::time::sleep(CHECK_EVERY).await;
        }
    });
}

/// Copies the database now (today's file is replaced) and prunes old copies.
// Manager only: `access::RULES`.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn backup_now(till: State<'_, Till>) -> Reply<BackupReport> {
    let policy = till.backups.clone();
    blocking(&till, move |a| a.backup_now(&policy)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn list_backups(till: State<'_, Till>) -> Reply<Vec<BackupInfo>> {
    let policy = till.backups.clone();
    blocking(&till, move |a| a.list_backups(&policy)).await
}
