// Generated from the Rust types of pos-app by its tests; do not edit.
// Rewrite with: UPDATE_TS=1 cargo test -p pos-app typescript

export type ErrorCode = "not_found" | "validation" | "conflict" | "forbidden" | "unauthenticated" | "locked" | "pin_locked" | "approval_required" | "storage" | "internal" | "unavailable";

export type AppError = { code: ErrorCode, message: string, 
/**
 * The input field at fault, so the UI can show the message next to it.
 */
field?: string, 
/**
 * Whether the same call may succeed if tried again unchanged (the database was busy).
 */
retryable: boolean, };

export type BackupInfo = { 
/**
 * `till-2026-11-24.db`
 */
file_name: string, 
/**
 * `2026-11-24`
 */
day: string, bytes: number, 
/**
 * When the file was last written (Unix ms).
 */
modified_ms: number, };

export type BackupReport = { backup: BackupInfo, 
/**
 * Files deleted because they were older than the retention.
 */
pruned: Array<string>, elapsed_ms: number, };
