// Generated from the Rust types of pos-store by its tests; do not edit.
// Rewrite with: UPDATE_TS=1 cargo test -p pos-store typescript

export type Rejection = { mutation_id: string, seq: number, intent: string, order_id: string | null, 
/**
 * The order's display number on this till (`#12`), if the order is here.
 */
order_number: number | null, reason: string, rejected_at_ms: number, acknowledged_at_ms: number | null, };
