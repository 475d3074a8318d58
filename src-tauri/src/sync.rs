//! Sync commands over [`pos_sync::Link`], and starting sync with the till.
//!
//! A till with no server configured works exactly as before, offline only. Once enrolled
//! (Settings -> Sync, or `sync_enroll`), the server URL and device token are in the till's
//! SQLite and the driver starts on tauri's async runtime at every start. The token never
//! reaches the UI: [`pos_sync::SyncView`] has the URL only.

use pos_app::{AppError, Rejection};
use pos_core::MutationId;
use pos_sync::SyncView;
use tauri::State;

use crate::Till;
use crate::commands::blocking;

type Reply<T> = Result<T, AppError>;

/// Starts the sync driver in the background if this till is enrolled.
pub fn start(till: &Till) {
    let link = till.link.clone();
    tauri::async_runtime::spawn(async move {
        match link.start().await {
            Ok(true) => {}
            Ok(false) => tracing::info!("no sync server configured: offline-only till"),
            Err(e) => tracing::error!(error = %e, "sync could not start; the till works offline"),
        }
    });
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_status(till: State<'_, Till>) -> Reply<SyncView> {
    till.link.status().await
}

/// Enrolls with `server_url` using a one-time `code`; errors name the field at fault.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_enroll(till: State<'_, Till>, server_url: String, code: String) -> Reply<SyncView> {
    till.link.enroll(&server_url, &code).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_push_now(till: State<'_, Till>) -> Reply<SyncView> {
    till.link.push_now().await
}

// Manager only: `access::RULES`.
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_disconnect(till: State<'_, Till>) -> Reply<SyncView> {
    till.link.disconnect().await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn sync_rejections(till: State<'_, Till>) -> Reply<Vec<Rejection>> {
    blocking(&till, |a| a.sync_rejections()).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn acknowledge_rejection(till: State<'_, Till>, mutation_id: MutationId) -> Reply<Rejection> {
    blocking(&till, move |a| a.acknowledge_rejection(mutation_id)).await
}
