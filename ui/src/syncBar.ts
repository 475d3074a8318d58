// The sync badge (bottom of the rail) and the banner of rejected changes (top of the
// screen). Both refresh every 3 s from sync_status; the banner lists what the server
// refused until the cashier dismisses each one, then the orders paid twice (money to give
// back) until they are refunded.
import "./sync.css";
import { api, type AppError } from "./api";
import { money } from "./state";
import { busy, h, replace, toast } from "./dom";
import { type SyncView, rejectedChange, rejectionText, syncApi, syncLabel } from "./syncApi";
import { formatTime } from "./syncFormat";

const POLL_MS = 3000;

export const syncBadge = h("div", { class: "sync-badge state-unknown", "data-testid": "sync-badge", role: "status" });
export const rejectionBanner = h("div", { class: "rejection-banner", "data-testid": "rejection-banner", role: "alert" });

let timer: number | undefined;
let shownRejections = -1;
let onShowAttention: () => void = () => {};

/** What "Show" on the attention banner does (opens the orders that need a person). */
export function setShowAttention(f: () => void): void {
  onShowAttention = f;
}

/** Orders paid beyond their bill, once no rejection is waiting: until a manager refunds. */
async function renderAttention(count: number): Promise<void> {
  const first = count > 0 ? (await api.listOrders({ statuses: [], page: 1, limit: 1, attention: true })).orders[0] : undefined;
  if (!first) {
    replace(rejectionBanner);
    rejectionBanner.classList.remove("visible");
    return;
  }
  const show = h("button", { class: "secondary small", "data-testid": "show-attention" }, "Show");
  show.addEventListener("click", () => onShowAttention());
  const what = first.status === "void" ? "was paid after it was voided" : "was paid twice";
  replace(
    rejectionBanner,
    h("span", { class: "icon", "aria-hidden": "true" }, "!"),
    h("div", { class: "text", "data-testid": "attention-banner" },
      h("strong", {}, `Order #${first.number} ${what}: refund ${money(first.excess)}`),
      h("span", { class: "muted small" }, ` · two tills took payment while offline; the excess is to be given back${count > 1 ? ` · ${count - 1} more` : ""}`),
    ),
    show,
  );
  rejectionBanner.classList.add("visible");
}

function renderBadge(v: SyncView): void {
  syncBadge.className = `sync-badge state-${v.state}`;
  syncBadge.dataset.state = v.state;
  const title = [
    v.server_url ? `Server: ${v.server_url}` : "No sync server: this till works on its own",
    `Unsynced changes: ${v.outbox_depth}`,
    v.last_sync_ms ? `Last sync: ${formatTime(v.last_sync_ms)}` : null,
    v.last_error ? `Last error: ${v.last_error}` : null,
  ].filter(Boolean).join("\n");
  syncBadge.title = title;
  replace(syncBadge, h("span", { class: "dot", "aria-hidden": "true" }), h("span", { class: "label" }, syncLabel(v)));
}

async function renderBanner(count: number, attention: number): Promise<void> {
  if (count === 0) {
    shownRejections = 0;
    await renderAttention(attention);
    return;
  }
  if (count === shownRejections) return;
  const list = await syncApi.rejections();
  shownRejections = list.length;
  const first = list[0];
  if (!first) {
    replace(rejectionBanner);
    rejectionBanner.classList.remove("visible");
    return;
  }
  const dismiss = h("button", { class: "secondary small", "data-testid": "dismiss-rejection" }, "Dismiss");
  dismiss.addEventListener("click", () => void busy(dismiss, async () => {
    try {
      await syncApi.acknowledge(first.mutation_id);
      shownRejections = -1;
      await refreshSync();
    } catch (e) {
      toast((e as AppError).message, "error");
    }
  }));
  replace(
    rejectionBanner,
    h("span", { class: "icon", "aria-hidden": "true" }, "!"),
    h("div", { class: "text" },
      h("strong", {}, rejectionText(first)),
      h("span", { class: "muted small" }, ` · ${rejectedChange(first)} on this till, refused at ${formatTime(first.rejected_at_ms)}${list.length > 1 ? ` · ${list.length - 1} more` : ""}`)),
    dismiss,
  );
  rejectionBanner.classList.add("visible");
}

/** Reads the status once and redraws the badge and the banner. */
export async function refreshSync(): Promise<SyncView | null> {
  try {
    const v = await syncApi.status();
    renderBadge(v);
    await renderBanner(v.rejections, v.attention);
    return v;
  } catch {
    // The badge keeps its last state; the settings panel shows the error in full.
    return null;
  }
}

export function startSyncBar(): void {
  if (timer !== undefined) window.clearInterval(timer);
  void refreshSync();
  timer = window.setInterval(() => void refreshSync(), POLL_MS);
}
