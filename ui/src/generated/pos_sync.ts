// Generated from the Rust types of pos-sync by its tests; do not edit.
// Rewrite with: UPDATE_TS=1 cargo test -p pos-sync typescript

export type Connectivity = "unknown" | "not_configured" | "online" | "syncing" | "offline";

export type SyncView = { 
/**
 * `not_configured`, `unknown` (configured, no answer yet), `online`, `syncing`,
 * `offline`.
 */
state: Connectivity, server_url: string | null, device_name: string | null, enrolled_at_ms: number | null, 
/**
 * Last successful push or pull (Unix ms), this session.
 */
last_sync_ms: number | null, 
/**
 * Changes made on this till that the server has not acknowledged.
 */
outbox_depth: number, last_error: string | null, 
/**
 * Rejected changes the cashier has not acknowledged.
 */
rejections: number, 
/**
 * Orders paid beyond their bill (two tills took payment for one order, or a payment
 * reached an order voided elsewhere): money to give back, until a manager refunds it.
 */
attention: number, };
