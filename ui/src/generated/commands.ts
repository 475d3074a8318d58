// Generated from the commands registered in src-tauri/src/lib.rs by the tests of pos-desktop; do not edit.
// Rewrite with: UPDATE_TS=1 cargo test -p pos-desktop typescript

import type { AddLine, Approval, BackupInfo, BackupReport, BillView, CacheReport, ClearReport, CustomerBalance, DaySummary, ListOrders, NewStaff, OrdersPage, PaymentReceipt, RecordPayment, Session, SessionState, SettleBalance, StaffList, StaffUpdate, StaffView, WarmUpReport } from "./pos_app";
import type { Discount, LineId, MenuItem, MutationId, NewOrder, Order, OrderId, OrderRecord, OrderStatus, Profile, ProfileLite, StaffId } from "./pos_core";
import type { Rejection } from "./pos_store";
import type { SyncView } from "./pos_sync";

/**
 * Every command the till registers: its arguments (named as the Rust parameters) and
 * what it answers. A failure is the rejected promise's AppError. ui/src/ipc.ts's `call` takes only these.
 */
export type Commands = {
  /**
   * `commands::profile` in src-tauri/src/commands.rs.
   */
  profile: { args: Record<string, never>; result: Profile };
  /**
   * `commands::profile_lite` in src-tauri/src/commands.rs.
   */
  profile_lite: { args: Record<string, never>; result: ProfileLite };
  /**
   * `commands::update_profile` in src-tauri/src/commands.rs.
   */
  update_profile: { args: { profile: Profile }; result: Profile };
  /**
   * `commands::list_menu` in src-tauri/src/commands.rs.
   */
  list_menu: { args: Record<string, never>; result: MenuItem[] };
  /**
   * `commands::create_order` in src-tauri/src/commands.rs.
   */
  create_order: { args: { new: NewOrder }; result: Order };
  /**
   * `commands::get_order` in src-tauri/src/commands.rs.
   */
  get_order: { args: { order_id: OrderId }; result: OrderRecord };
  /**
   * `commands::add_line` in src-tauri/src/commands.rs.
   */
  add_line: { args: { input: AddLine }; result: Order };
  /**
   * Voids a line as the logged-in member; `approver` (a manager's id and PIN) is needed
   * when a cashier voids after the kitchen has the order.
   * `commands::void_line` in src-tauri/src/commands.rs.
   */
  void_line: { args: { order_id: OrderId; line_id: LineId; reason: string; approver?: Approval | null }; result: Order };
  /**
   * `commands::set_order_discount` in src-tauri/src/commands.rs.
   */
  set_order_discount: { args: { order_id: OrderId; discount?: Discount | null }; result: Order };
  /**
   * `commands::set_status` in src-tauri/src/commands.rs.
   */
  set_status: { args: { order_id: OrderId; status: OrderStatus }; result: Order };
  /**
   * `commands::list_orders` in src-tauri/src/commands.rs.
   */
  list_orders: { args: { query: ListOrders }; result: OrdersPage };
  /**
   * `commands::calculate_bill` in src-tauri/src/commands.rs.
   */
  calculate_bill: { args: { order_id: OrderId }; result: BillView };
  /**
   * `commands::record_payment` in src-tauri/src/commands.rs.
   */
  record_payment: { args: { input: RecordPayment }; result: PaymentReceipt };
  /**
   * `commands::customer_balance` in src-tauri/src/commands.rs.
   */
  customer_balance: { args: { phone: string }; result: CustomerBalance };
  /**
   * `commands::settle_balance` in src-tauri/src/commands.rs.
   */
  settle_balance: { args: { input: SettleBalance }; result: CustomerBalance };
  /**
   * `commands::billing_summary` in src-tauri/src/commands.rs.
   */
  billing_summary: { args: { day?: string | null }; result: DaySummary };
  /**
   * `commands::cache_stats` in src-tauri/src/commands.rs.
   */
  cache_stats: { args: Record<string, never>; result: CacheReport };
  /**
   * `commands::clear_cache` in src-tauri/src/commands.rs.
   */
  clear_cache: { args: Record<string, never>; result: ClearReport };
  /**
   * `commands::warm_up` in src-tauri/src/commands.rs.
   */
  warm_up: { args: Record<string, never>; result: WarmUpReport };
  /**
   * `sync::sync_status` in src-tauri/src/sync.rs.
   */
  sync_status: { args: Record<string, never>; result: SyncView };
  /**
   * Enrolls with `server_url` using a one-time `code`; errors name the field at fault.
   * `sync::sync_enroll` in src-tauri/src/sync.rs.
   */
  sync_enroll: { args: { server_url: string; code: string }; result: SyncView };
  /**
   * `sync::sync_push_now` in src-tauri/src/sync.rs.
   */
  sync_push_now: { args: Record<string, never>; result: SyncView };
  /**
   * `sync::sync_disconnect` in src-tauri/src/sync.rs.
   */
  sync_disconnect: { args: Record<string, never>; result: SyncView };
  /**
   * `sync::sync_rejections` in src-tauri/src/sync.rs.
   */
  sync_rejections: { args: Record<string, never>; result: Rejection[] };
  /**
   * `sync::acknowledge_rejection` in src-tauri/src/sync.rs.
   */
  acknowledge_rejection: { args: { mutation_id: MutationId }; result: Rejection };
  /**
   * Copies the database now (today's file is replaced) and prunes old copies.
   * `backups::backup_now` in src-tauri/src/backups.rs.
   */
  backup_now: { args: Record<string, never>; result: BackupReport };
  /**
   * `backups::list_backups` in src-tauri/src/backups.rs.
   */
  list_backups: { args: Record<string, never>; result: BackupInfo[] };
  /**
   * `staff::list_staff` in src-tauri/src/staff.rs.
   */
  list_staff: { args: Record<string, never>; result: StaffList };
  /**
   * Checks the PIN and, if right, starts the session (replacing any other).
   * `staff::login` in src-tauri/src/staff.rs.
   */
  login: { args: { staff_id: StaffId; pin: string }; result: Session };
  /**
   * `staff::create_first_manager` in src-tauri/src/staff.rs.
   */
  create_first_manager: { args: { name: string; pin: string }; result: Session };
  /**
   * Who is logged in (if anyone) and the idle lock's delay. Not activity.
   * `staff::session` in src-tauri/src/staff.rs.
   */
  session: { args: Record<string, never>; result: SessionState };
  /**
   * Locks the till now (the lock button, the UI's idle timer).
   * `staff::lock` in src-tauri/src/staff.rs.
   */
  lock: { args: Record<string, never>; result: null };
  /**
   * A tap or a key: the idle time starts again ([`crate::access`] does the touch).
   * `staff::touch` in src-tauri/src/staff.rs.
   */
  touch: { args: Record<string, never>; result: null };
  /**
   * `staff::create_staff` in src-tauri/src/staff.rs.
   */
  create_staff: { args: { new: NewStaff }; result: StaffView };
  /**
   * `staff::update_staff` in src-tauri/src/staff.rs.
   */
  update_staff: { args: { update: StaffUpdate }; result: StaffView };
  /**
   * `staff::reset_pin` in src-tauri/src/staff.rs.
   */
  reset_pin: { args: { staff_id: StaffId; pin: string }; result: StaffView };
};

/** The registered commands' names, in registration order. */
export const COMMANDS = [
  "profile",
  "profile_lite",
  "update_profile",
  "list_menu",
  "create_order",
  "get_order",
  "add_line",
  "void_line",
  "set_order_discount",
  "set_status",
  "list_orders",
  "calculate_bill",
  "record_payment",
  "customer_balance",
  "settle_balance",
  "billing_summary",
  "cache_stats",
  "clear_cache",
  "warm_up",
  "sync_status",
  "sync_enroll",
  "sync_push_now",
  "sync_disconnect",
  "sync_rejections",
  "acknowledge_rejection",
  "backup_now",
  "list_backups",
  "list_staff",
  "login",
  "create_first_manager",
  "session",
  "lock",
  "touch",
  "create_staff",
  "update_staff",
  "reset_pin",
] as const satisfies readonly (keyof Commands)[];
