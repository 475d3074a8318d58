// Typed wrappers over the till's Tauri commands. The shapes mirror the Rust views in
// crates/pos-app/src/views.rs and pos-core; amounts are integer minor units.
import { invoke } from "@tauri-apps/api/core";

// Generated from the Rust types (ui/src/generated, checked by the Rust tests): every
// command's input, output and error. Do not declare command types by hand here; see
// docs/DESKTOP.md, "TypeScript types".
import type {
  AddLine,
  AppError,
  Approval,
  BillView,
  CacheReport,
  CacheStats,
  ClearReport,
  CustomerBalance,
  DaySummary,
  ErrorCode,
  ListOrders,
  MethodTotal,
  OrderSummary,
  OrdersPage,
  PaymentReceipt,
  RecordPayment,
  SettleBalance,
  WarmUpReport,
} from "./generated/pos_app";
import type {
  Bill,
  BillLine,
  Currency,
  Discount,
  LedgerEntry,
  LineId,
  MenuItem,
  Money,
  NewOrder,
  Order,
  OrderId,
  OrderLine,
  OrderStatus,
  OrderType,
  Payment,
  PaymentMethod,
  Profile,
  ProfileLite,
  TaxClass,
  TaxLine,
  Tender,
} from "./generated/pos_core";
export type {
  AddLine,
  AppError,
  Approval,
  Bill,
  BillLine,
  BillView,
  CacheReport,
  CacheStats,
  ClearReport,
  Currency,
  CustomerBalance,
  DaySummary,
  Discount,
  ErrorCode,
  LedgerEntry,
  LineId,
  ListOrders,
  MenuItem,
  MethodTotal,
  Money,
  NewOrder,
  Order,
  OrderId,
  OrderLine,
  OrderStatus,
  OrderSummary,
  OrdersPage,
  OrderType,
  Payment,
  PaymentMethod,
  PaymentReceipt,
  Profile,
  ProfileLite,
  RecordPayment,
  SettleBalance,
  TaxClass,
  TaxLine,
  Tender,
  WarmUpReport,
};

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
  profileLite: () => call<ProfileLite>("profile_lite"),
  updateProfile: (profile: Profile) => call<Profile>("update_profile", { profile }),
  listMenu: () => call<MenuItem[]>("list_menu"),
  createOrder: (input: NewOrder) => call<Order>("create_order", { new: input }),
  getOrder: (orderId: OrderId) => call<Order>("get_order", { order_id: orderId }),
  addLine: (input: AddLine) => call<Order>("add_line", { input }),
  voidLine: (orderId: OrderId, lineId: LineId, reason: string, approver: Approval | null = null) =>
    call<Order>("void_line", { order_id: orderId, line_id: lineId, reason, approver }),
  setOrderDiscount: (orderId: OrderId, discount: Discount | null) =>
    call<Order>("set_order_discount", { order_id: orderId, discount }),
  setStatus: (orderId: OrderId, status: OrderStatus) =>
    call<Order>("set_status", { order_id: orderId, status }),
  listOrders: (query: ListOrders) => call<OrdersPage>("list_orders", { query }),
  calculateBill: (orderId: OrderId) => call<BillView>("calculate_bill", { order_id: orderId }),
  recordPayment: (input: RecordPayment) => call<PaymentReceipt>("record_payment", { input }),
  customerBalance: (phone: string) => call<CustomerBalance>("customer_balance", { phone }),
  settleBalance: (input: SettleBalance) => call<CustomerBalance>("settle_balance", { input }),
  billingSummary: (day: string | null) => call<DaySummary>("billing_summary", { day }),
  cacheStats: () => call<CacheReport>("cache_stats"),
  clearCache: () => call<ClearReport>("clear_cache"),
  warmUp: () => call<WarmUpReport>("warm_up"),
};
