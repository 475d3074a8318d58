//! The staff commands: the login screen, the session, the idle lock's touch, and staff
//! management. Same shape as [`crate::commands`]; who may call each is in
//! [`crate::access::RULES`]. The ones that act as somebody take the session from
//! [`Till::lock`] and pass it to pos-app, which checks the role again against the database.

use pos_app::staff::{NewStaff, SessionState, StaffList, StaffUpdate, StaffView};
use pos_app::{Actor, AppError, Need, Session};
use pos_core::StaffId;
use tauri::State;

use crate::Till;
use crate::commands::blocking;

type Reply<T> = Result<T, AppError>;

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn list_staff(till: State<'_, Till>) -> Reply<StaffList> {
    blocking(&till, |a| a.list_staff()).await
}

/// Checks the PIN and, if right, starts the session (replacing any other).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn login(till: State<'_, Till>, staff_id: StaffId, pin: String) -> Reply<Session> {
    let lock = till.lock.clone();
    blocking(&till, move |a| {
        a.login(staff_id, &pin)
            .inspect(|s| lock.unlock(s.clone(), a.now_ms()))
    })
    .await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn create_first_manager(till: State<'_, Till>, name: String, pin: String) -> Reply<Session> {
    let lock = till.lock.clone();
    blocking(&till, move |a| {
        a.create_first_manager(&name, &pin)
            .inspect(|s| lock.unlock(s.clone(), a.now_ms()))
    })
    .await
}

/// Who is logged in (if anyone) and the idle lock's delay. Not activity.
#[tauri::command(rename_all = "snake_case")]
pub fn session(till: State<'_, Till>) -> SessionState {
    SessionState {
        session: till.lock.current(till.app.now_ms()),
        lock_after_ms: till.lock.lock_after_ms(),
    }
}

/// Locks the till now (the lock button, the UI's idle timer).
#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all)]
pub fn lock(till: State<'_, Till>) {
    till.lock.lock();
}

/// A tap or a key: the idle time starts again ([`crate::access`] does the touch).
#[tauri::command(rename_all = "snake_case")]
pub fn touch() {}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn create_staff(till: State<'_, Till>, new: NewStaff) -> Reply<StaffView> {
    let by = till.session(Need::Manager)?;
    blocking(&till, move |a| a.create_staff(Actor::Staff(&by), new)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn update_staff(till: State<'_, Till>, update: StaffUpdate) -> Reply<StaffView> {
    let by = till.session(Need::Manager)?;
    blocking(&till, move |a| a.update_staff(Actor::Staff(&by), update)).await
}

#[tauri::command(rename_all = "snake_case")]
#[tracing::instrument(skip_all, err)]
pub async fn reset_pin(till: State<'_, Till>, staff_id: StaffId, pin: String) -> Reply<StaffView> {
    let by = till.session(Need::Manager)?;
    blocking(&till, move |a| a.reset_pin(Actor::Staff(&by), staff_id, &pin)).await
}
