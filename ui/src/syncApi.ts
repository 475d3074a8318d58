// Wrappers over the sync and backup commands (src-tauri/src/sync.rs, backups.rs), through
// ipc.ts's `call` like every command: the badge polls sync_status every 3 s, so a till that
// locked itself in the backend shows the login screen within a poll.
import { call } from "./ipc";

// The shapes are generated from the Rust types (ui/src/generated, checked by the Rust tests).
import type { BackupInfo, BackupReport } from "./generated/pos_app";
import type { Rejection } from "./generated/pos_store";
import type { Connectivity, SyncView } from "./generated/pos_sync";
export type { BackupInfo, BackupReport, Rejection, SyncView };
export type SyncState = Connectivity;

export const syncApi = {
  status: () => call("sync_status"),
  enroll: (serverUrl: string, code: string) => call("sync_enroll", { server_url: serverUrl, code }),
  pushNow: () => call("sync_push_now"),
  disconnect: () => call("sync_disconnect"),
  rejections: () => call("sync_rejections"),
  acknowledge: (mutationId: string) => call("acknowledge_rejection", { mutation_id: mutationId }),
  backupNow: () => call("backup_now"),
  listBackups: () => call("list_backups"),
};

/** What a badge says for a state: a word and an outbox count when there is one. */
export function syncLabel(v: SyncView): string {
  const pending = v.outbox_depth > 0 ? ` · ${v.outbox_depth}` : "";
  switch (v.state) {
    case "not_configured": return "Local";
    case "unknown": return `Connecting${pending}`;
    case "online": return `Online${pending}`;
    case "syncing": return `Syncing${pending}`;
    case "offline": return `Offline${pending}`;
  }
}

const CHANGES: Record<string, string> = {
  "order.add_line": "an item you added",
  "order.void_line": "an item you removed",
  "order.set_status": "a status change",
  "order.set_discount": "a discount",
  "payment.record": "a payment",
  "order.create": "a new order",
};

/** What was refused, in the cashier's words ("an item you added"). */
export function rejectedChange(r: Rejection): string {
  return CHANGES[r.intent] ?? "a change";
}

/** The sentence the cashier reads: the server's reason, or what was refused on which order. */
export function rejectionText(r: Rejection): string {
  const reason = r.reason.trim();
  if (reason) return reason.charAt(0).toUpperCase() + reason.slice(1);
  const order = r.order_number !== null ? `Order #${r.order_number}` : "A change";
  return `${order}: ${rejectedChange(r)} was not applied by the server`;
}
