// Generated from the Rust types of pos-app by its tests; do not edit.
// Rewrite with: UPDATE_TS=1 cargo test -p pos-app typescript

import type { Bill, Discount, LedgerEntry, Money, Order, OrderId, OrderStatus, OrderType, Payment, PaymentMethod, Phone, Role, StaffId, Tender } from "./pos_core";

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

export type Approval = { staff_id: StaffId, pin: string, };

export type Session = { staff_id: StaffId, name: string, role: Role, };

export type SessionState = { session: Session | null, lock_after_ms: number, };

export type StaffView = { id: StaffId, name: string, role: Role, active: boolean, 
/**
 * Logins refused until then (too many wrong PINs); absent when not locked.
 */
locked_until_ms?: number, };

export type StaffList = { staff: Array<StaffView>, 
/**
 * Nobody exists yet: the till shows "create the first manager".
 */
needs_first_manager: boolean, };

export type NewStaff = { name: string, role: Role, 
/**
 * As typed; hashed at once and never stored or logged.
 */
pin: string, request_id: string | null, };

export type StaffUpdate = { staff_id: StaffId, name?: string | null, role?: Role | null, active?: boolean | null, };

export type AddLine = { order_id: OrderId, sku: string, 
/**
 * As typed: `2`, `0.5`.
 */
qty: string, discount: Discount | null, note: string | null, 
/**
 * Made by the client once per user action; repeating it returns the first result
 * and writes nothing.
 */
request_id: string | null, };

export type ListOrders = { 
/**
 * Statuses to include; empty means the active ones (open to billed).
 */
statuses: Array<OrderStatus>, 
/**
 * 1-based page number; 0 is treated as 1.
 */
page: number, 
/**
 * Page size, 1 to 200; 0 means 50.
 */
limit: number, 
/**
 * Only the orders a person must act on (paid beyond their bill: money to give back),
 * whatever their status; `statuses` is ignored.
 */
attention: boolean, };

export type OrderSummary = { id: OrderId, number: number, order_type: OrderType, table: string | null, status: OrderStatus, customer_phone: Phone | null, business_day: string, 
/**
 * Live (not voided) lines.
 */
item_count: number, 
/**
 * Sum of live lines at their unit prices, before discounts and tax.
 */
items_total: Money, paid: Money, 
/**
 * Paid beyond what the guest owes (two tills took payment for it, or a payment reached
 * it after it was voided): money to give back. Zero normally.
 */
excess: Money, created_at_ms: number, updated_at_ms: number, version: number, };

export type OrdersPage = { orders: Array<OrderSummary>, page: number, limit: number, total: number, };

export type BillView = { order_id: OrderId, 
/**
 * The order version the bill was computed for.
 */
order_version: number, status: OrderStatus, bill: Bill, paid: Money, due: Money, 
/**
 * Set once the order is paid (the bill is then the stored snapshot).
 */
invoice_no: string | null, 
/**
 * Paid beyond what the guest owes (two tills took payment for the order, or a payment
 * reached it after it was voided): to give back. Zero normally.
 */
excess: Money, 
/**
 * Invoice numbers printed for this order that are not its bill (they lost the race).
 */
superseded: Array<string>, 
/**
 * The paid bill differs from what the order's lines and discount compute now.
 */
bill_mismatch: boolean, };

export type RecordPayment = { order_id: OrderId, tenders: Array<Tender>, 
/**
 * Made by the client once per user action; repeating it returns the first result
 * and writes nothing.
 */
request_id: string | null, };

export type PaymentReceipt = { order: Order, payments: Array<Payment>, change: Money, due: Money, invoice_no: string | null, };

export type SettleBalance = { phone: string, amount: Money, method: PaymentMethod, note: string | null, 
/**
 * Made by the client once per user action; repeating it returns the first result
 * and writes nothing.
 */
request_id: string | null, };

export type CustomerBalance = { phone: Phone, name: string, credit_limit: Money, 
/**
 * Owed by the customer (charges minus settlements).
 */
balance: Money, 
/**
 * How much more may go on the tab.
 */
available_credit: Money, 
/**
 * Newest first.
 */
recent: Array<LedgerEntry>, };

export type MethodTotal = { method: PaymentMethod, count: number, amount: Money, };

export type DaySummary = { 
/**
 * `YYYY-MM-DD`.
 */
business_day: string, 
/**
 * Bills paid this day.
 */
bills: number, orders_open: number, orders_void: number, 
/**
 * Sum of line gross amounts, as priced.
 */
gross: Money, discounts: Money, service_charge: Money, cgst: Money, sgst: Money, igst: Money, other_tax: Money, tax_total: Money, 
/**
 * Part of `tax_total` contained in tax-inclusive prices.
 */
tax_included: Money, round_off: Money, 
/**
 * Sales: sum of paid bill totals.
 */
total: Money, 
/**
 * Payments received against bills, per method (amount applied, change excluded).
 */
payments: Array<MethodTotal>, 
/**
 * Payments towards customer tabs received this day, per method.
 */
settlements: Array<MethodTotal>, voided_lines: number, 
/**
 * Gross of voided lines plus live lines of voided orders.
 */
voided_amount: Money, };

export type CacheStats = { name: string, enabled: boolean, hits: number, misses: number, 
/**
 * hits / (hits + misses); 0 when there were no lookups.
 */
hit_ratio: number, loads: number, load_failures: number, 
/**
 * Loads whose value was not stored because a write invalidated the cache meanwhile.
 */
stale_fills_dropped: number, 
/**
 * Entries reloaded right after a write (write-through) instead of dropped.
 */
refreshes: number, load_p50_us: number, load_p99_us: number, load_max_us: number, evictions_size: number, evictions_expired: number, 
/**
 * Invalidation requests per cause (`order_changed`, `manual`, ...).
 */
invalidations: { [key in string]: number }, entries: number, bytes: number, capacity_bytes: number, ttl_secs: number, 
/**
 * The hit ratio is under the alert threshold (after enough lookups).
 */
below_threshold: boolean, };

export type CacheReport = { enabled: boolean, budget_bytes: number, alert_below: number, caches: Array<CacheStats>, total_hits: number, total_misses: number, total_bytes: number, 
/**
 * Mutations waiting in the outbox: never touched by clearing the cache.
 */
outbox_pending: number, };

export type ClearReport = { entries_cleared: number, 
/**
 * Unsynced mutations before and after: equal, by construction.
 */
outbox_pending: number, };

export type WarmUpReport = { active_orders: number, business_day: string, elapsed_ms: number, };
