// Typed wrappers over the till's Tauri commands. The shapes mirror the Rust views in
// crates/pos-app/src/views.rs and pos-core; amounts are integer minor units.
import { invoke } from "@tauri-apps/api/core";

export type Money = number;
// Generated from the Rust types (ui/src/generated, checked by the Rust tests).
import type { AppError, ErrorCode } from "./generated/pos_app";
export type { AppError, ErrorCode };

export type OrderType = "dine_in" | "takeaway" | "delivery";
export type OrderStatus = "open" | "sent_to_kitchen" | "served" | "billed" | "paid" | "void";
export type PaymentMethod = "cash" | "card" | "upi" | "on_account";
export type Discount = { kind: "percent"; value: number } | { kind: "amount"; value: Money };

export interface Currency {
  code: string;
  exponent: number;
}
export interface TaxClass {
  code: string;
  name: string;
  rate: number;
  split: "cgst_sgst" | "igst" | "single";
}
export interface Profile {
  name: string;
  legal_name: string;
  address: string;
  phone: string;
  email: string;
  tax_registration: { scheme: string; number: string } | null;
  currency: Currency;
  country_code: string;
  utc_offset_minutes: number;
  day_starts_at_hour: number;
  tax_classes: TaxClass[];
  pricing: "exclusive" | "inclusive";
  tax_rounding: "per_line" | "per_document";
  rounding: string;
  odd_paisa_to: "cgst" | "sgst";
  cash_rounding_increment: Money;
  service_charge: number;
  service_charge_taxed: boolean;
  service_charge_tax_class: string;
  receipt_header: string;
  receipt_footer: string;
  invoice_prefix: string;
}
export interface MenuItem {
  sku: string;
  name: string;
  category: string;
  price: Money;
  tax_class: string;
  active: boolean;
}
export interface OrderLine {
  id: string;
  sku: string;
  name: string;
  qty: number;
  unit_price: Money;
  tax_class: string;
  tax_rate: number;
  discount: Discount | null;
  note: string;
  sent_to_kitchen: boolean;
  added_at_ms: number;
  void: { reason: string; at_ms: number; voided_by?: string; approved_by?: string } | null;
}
export interface Payment {
  id: string;
  method: PaymentMethod;
  amount: Money;
  tendered: Money;
  change: Money;
  reference: string | null;
  customer_phone: string | null;
  at_ms: number;
}
export interface Order {
  id: string;
  number: number;
  order_type: OrderType;
  table: string | null;
  customer_phone: string | null;
  notes: string;
  status: OrderStatus;
  discount: Discount | null;
  lines: OrderLine[];
  payments: Payment[];
  business_day: string;
  created_at_ms: number;
  updated_at_ms: number;
  version: number;
}
export interface NewOrder {
  order_type: OrderType | null;
  table: string | null;
  customer_phone: string | null;
  notes: string | null;
  request_id: string;
}
export interface BillLine {
  line_id: string | null;
  sku: string;
  name: string;
  qty: number;
  unit_price: Money;
  gross: Money;
  line_discount: Money;
  order_discount: Money;
  amount: Money;
  tax_class: string;
  tax_rate: number;
}
export interface TaxLine {
  class: string;
  component: "cgst" | "sgst" | "igst" | "tax";
  class_rate: number;
  taxable: Money;
  amount: Money;
}
export interface Bill {
  pricing: "exclusive" | "inclusive";
  lines: BillLine[];
  subtotal: Money;
  line_discounts: Money;
  order_discount: Money;
  discount_total: Money;
  net_total: Money;
  service_charge_rate: number;
  service_charge: Money;
  tax_lines: TaxLine[];
  tax_total: Money;
  tax_included: Money;
  round_off: Money;
  total: Money;
}
export interface BillView {
  order_id: string;
  order_version: number;
  status: OrderStatus;
  bill: Bill;
  paid: Money;
  due: Money;
  invoice_no: string | null;
}
export interface Tender {
  method: PaymentMethod;
  amount: Money;
  reference: string | null;
}
export interface PaymentReceipt {
  order: Order;
  payments: Payment[];
  change: Money;
  due: Money;
  invoice_no: string | null;
}
export interface OrderSummary {
  id: string;
  number: number;
  order_type: OrderType;
  table: string | null;
  status: OrderStatus;
  customer_phone: string | null;
  business_day: string;
  item_count: number;
  items_total: Money;
  paid: Money;
  created_at_ms: number;
  updated_at_ms: number;
  version: number;
}
export interface OrdersPage {
  orders: OrderSummary[];
  page: number;
  limit: number;
  total: number;
}
export interface LedgerEntry {
  id: string;
  phone: string;
  kind: "charge" | "settlement";
  amount: Money;
  order_id: string | null;
  method: PaymentMethod | null;
  note: string;
  at_ms: number;
}
export interface CustomerBalance {
  phone: string;
  name: string;
  credit_limit: Money;
  balance: Money;
  available_credit: Money;
  recent: LedgerEntry[];
}
export interface MethodTotal {
  method: PaymentMethod;
  count: number;
  amount: Money;
}
export interface DaySummary {
  business_day: string;
  bills: number;
  orders_open: number;
  orders_void: number;
  gross: Money;
  discounts: Money;
  service_charge: Money;
  cgst: Money;
  sgst: Money;
  igst: Money;
  other_tax: Money;
  tax_total: Money;
  tax_included: Money;
  round_off: Money;
  total: Money;
  payments: MethodTotal[];
  settlements: MethodTotal[];
  voided_lines: number;
  voided_amount: Money;
}
export interface CacheStats {
  name: string;
  enabled: boolean;
  hits: number;
  misses: number;
  hit_ratio: number;
  loads: number;
  load_failures: number;
  stale_fills_dropped: number;
  refreshes: number;
  load_p50_us: number;
  load_p99_us: number;
  load_max_us: number;
  evictions_size: number;
  evictions_expired: number;
  invalidations: Record<string, number>;
  entries: number;
  bytes: number;
  capacity_bytes: number;
  ttl_secs: number;
  below_threshold: boolean;
}
export interface CacheReport {
  enabled: boolean;
  budget_bytes: number;
  alert_below: number;
  caches: CacheStats[];
  total_hits: number;
  total_misses: number;
  total_bytes: number;
  outbox_pending: number;
}
export interface ClearReport {
  entries_cleared: number;
  outbox_pending: number;
}
export interface WarmUpReport {
  active_orders: number;
  business_day: string;
  elapsed_ms: number;
}

/** Turns whatever a rejected invoke carries into an AppError. */
export function toAppError(e: unknown): AppError {
  if (typeof e === "object" && e !== null && "code" in e && "message" in e) {
    const o = e as { code: ErrorCode; message: string; field?: string; retryable?: boolean };
    return {
      code: o.code,
      message: o.message,
      ...(o.field ? { field: o.field } : {}),
      retryable: o.retryable ?? false,
    };
  }
  return { code: "internal", message: typeof e === "string" ? e : String(e), retryable: false };
}

/** Called when any command answers `locked` (no session, or it went idle). */
export const lockedHook: { onLocked: (() => void) | null } = { onLocked: null };

export async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    const err = toAppError(e);
    if (err.code === "locked") lockedHook.onLocked?.();
    throw err;
  }
}

/** One id per user action: the engine makes the write idempotent on it. */
export function requestId(): string {
  return crypto.randomUUID();
}

export const api = {
  profile: () => call<Profile>("profile"),
  updateProfile: (profile: Profile) => call<Profile>("update_profile", { profile }),
  listMenu: () => call<MenuItem[]>("list_menu"),
  createOrder: (input: NewOrder) => call<Order>("create_order", { new: input }),
  getOrder: (orderId: string) => call<Order>("get_order", { order_id: orderId }),
  addLine: (input: {
    order_id: string;
    sku: string;
    qty: string;
    discount: Discount | null;
    note: string | null;
    request_id: string;
  }) => call<Order>("add_line", { input }),
  voidLine: (orderId: string, lineId: string, reason: string, approver: { staff_id: string; pin: string } | null = null) =>
    call<Order>("void_line", { order_id: orderId, line_id: lineId, reason, approver }),
  setOrderDiscount: (orderId: string, discount: Discount | null) =>
    call<Order>("set_order_discount", { order_id: orderId, discount }),
  setStatus: (orderId: string, status: OrderStatus) =>
    call<Order>("set_status", { order_id: orderId, status }),
  listOrders: (query: { statuses: OrderStatus[]; page: number; limit: number }) =>
    call<OrdersPage>("list_orders", { query }),
  calculateBill: (orderId: string) => call<BillView>("calculate_bill", { order_id: orderId }),
  recordPayment: (input: { order_id: string; tenders: Tender[]; request_id: string }) =>
    call<PaymentReceipt>("record_payment", { input }),
  customerBalance: (phone: string) => call<CustomerBalance>("customer_balance", { phone }),
  settleBalance: (input: {
    phone: string;
    amount: Money;
    method: PaymentMethod;
    note: string | null;
    request_id: string;
  }) => call<CustomerBalance>("settle_balance", { input }),
  billingSummary: (day: string | null) => call<DaySummary>("billing_summary", { day }),
  cacheStats: () => call<CacheReport>("cache_stats"),
  clearCache: () => call<ClearReport>("clear_cache"),
  warmUp: () => call<WarmUpReport>("warm_up"),
};
