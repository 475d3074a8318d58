// Typed wrappers over the sync and backup commands (src-tauri/src/sync.rs, backups.rs).
// Shapes mirror pos_sync::SyncView, pos_store::rejections::Rejection and
// pos_app::backup::{BackupInfo, BackupReport}.
import { invoke } from "@tauri-apps/api/core";
import { toAppError } from "./api";

export type SyncState = "not_configured" | "unknown" | "online" | "syncing" | "offline";

export interface SyncView {
  state: SyncState;
  server_url: string | null;
  device_name: string | null;
  enrolled_at_ms: number | null;
  last_sync_ms: number | null;
  outbox_depth: number;
  last_error: string | null;
  rejections: number;
}

export interface Rejection {
  mutation_id: string;
  seq: number;
  intent: string;
  order_id: string | null;
  order_number: number | null;
  reason: string;
  rejected_at_ms: number;
  acknowledged_at_ms: number | null;
}

export interface BackupInfo {
  file_name: string;
  day: string;
  bytes: number;
  modified_ms: number;
}

export interface BackupReport {
  backup: BackupInfo;
  pruned: string[];
  elapsed_ms: number;
}

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

/** The sentence the cashier reads for a rejected change. */
export function rejectionText(r: Rejection): string {
  const what: Record<string, string> = {
    "order.add_line": "an item you added",
    "order.void_line": "an item you removed",
    "order.set_status": "a status change",
    "order.set_discount": "a discount",
    "payment.record": "a payment",
    "order.create": "a new order",
  };
  const order = r.order_number !== null ? `Order #${r.order_number}` : "A change";
  const change = what[r.intent] ?? "a change";
  return `${order}: ${change} was not applied by the server: ${r.reason}`;
}
