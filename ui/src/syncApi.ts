// Typed wrappers over the sync and backup commands (src-tauri/src/sync.rs, backups.rs).
import { invoke } from "@tauri-apps/api/core";
import { toAppError } from "./api";

// The shapes are generated from the Rust types (ui/src/generated, checked by the Rust tests).
import type { BackupInfo, BackupReport } from "./generated/pos_app";
import type { Rejection } from "./generated/pos_store";
import type { Connectivity, SyncView } from "./generated/pos_sync";
export type { BackupInfo, BackupReport, Rejection, SyncView };
export type SyncState = Connectivity;

async function call<T>(cmd: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(cmd, args);
  } catch (e) {
    throw toAppError(e);
  }
}

export const syncApi = {
  status: () => call<SyncView>("sync_status"),
  enroll: (serverUrl: string, code: string) => call<SyncView>("sync_enroll", { server_url: serverUrl, code }),
  pushNow: () => call<SyncView>("sync_push_now"),
  disconnect: () => call<SyncView>("sync_disconnect"),
  rejections: () => call<Rejection[]>("sync_rejections"),
  acknowledge: (mutationId: string) => call<Rejection>("acknowledge_rejection", { mutation_id: mutationId }),
  backupNow: () => call<BackupReport>("backup_now"),
  listBackups: () => call<BackupInfo[]>("list_backups"),
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
