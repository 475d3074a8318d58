// Settings -> Sync (enroll with a server, status, push now, disconnect) and
// Settings -> Backups (the daily copies, backup now). Both are in the manager's panel.
// Settings is a manager screen; the backend refuses these commands to cashiers too (access::RULES).
import { type AppError } from "../api";
import { busy, confirmDanger, errorSlot, h, replace, showError, toast } from "../dom";
import { formatBytes } from "../format";
import { type SyncView, syncApi, syncLabel } from "../syncApi";
import { refreshSync } from "../syncBar";
import { formatTime } from "../syncFormat";

let timer: number | undefined;

export function unmountSyncSettings(): void {
  if (timer !== undefined) window.clearInterval(timer);
  timer = undefined;
}

/** Shows `e` next to the field it names, else in `fallback`. */
function showFieldError(host: HTMLElement, fallback: HTMLElement, e: AppError): void {
  const slot = e.field ? host.querySelector<HTMLElement>(`[data-error-for="${e.field}"]`) : null;
  showError(slot ?? fallback, e);
}

export function mountSyncSection(host: HTMLElement): void {
  const panel = h("div", { class: "sync-panel card", "data-testid": "sync-panel" });
  replace(host, panel);
  let configured: boolean | null = null;
  const general = errorSlot("sync");
  const details = h("dl", { class: "kv", "data-testid": "sync-details" });
  const form = h("div", { class: "sync-form" });

  const renderDetails = (v: SyncView) => {
    const row = (k: string, val: string | number | null, testid?: string) =>
      [h("dt", {}, k), h("dd", { "data-testid": testid }, val === null || val === "" ? "—" : String(val))];
    replace(details,
      row("State", syncLabel(v), "sync-state"),
      row("Server", v.server_url, "sync-server"),
      row("This till", v.device_name),
      row("Enrolled", v.enrolled_at_ms ? formatTime(v.enrolled_at_ms) : null),
      row("Last sync", v.last_sync_ms ? formatTime(v.last_sync_ms) : null, "sync-last"),
      row("Unsynced changes", v.outbox_depth, "sync-outbox"),
      row("Rejected changes to review", v.rejections),
      row("Last error", v.last_error, "sync-error"));
  };

  const renderForm = (v: SyncView) => {
    if (v.state === "not_configured") {
      const url = h("input", { name: "server_url", "data-testid": "sync-url", placeholder: "https://sync.example.com", inputmode: "url", autocomplete: "off" });
      const code = h("input", { name: "code", "data-testid": "sync-code", placeholder: "One-time code from the back office", autocomplete: "off" });
      const enroll = h("button", { class: "primary", "data-testid": "sync-enroll" }, "Enroll");
      replace(form,
        h("p", { class: "muted" }, "This till works on its own. To share sales with the back office and other tills, enter the sync server's address and an enrollment code (pos-server admin enrollment-code)."),
        h("div", { class: "form-grid" },
          h("label", { class: "field" }, h("span", {}, "Server address"), url, errorSlot("server_url")),
          h("label", { class: "field" }, h("span", {}, "Enrollment code"), code, errorSlot("code")),
          h("div", { class: "actions left" }, enroll)));
      enroll.addEventListener("click", () => void busy(enroll, async () => {
        form.querySelectorAll<HTMLElement>(".field-error").forEach((s) => showError(s, null));
        showError(general, null);
        try {
          const after = await syncApi.enroll(url.value, code.value);
          toast(`Enrolled with ${after.server_url ?? "the server"}`);
          await refresh(true);
          void refreshSync();
        } catch (e) {
          showFieldError(form, general, e as AppError);
        }
      }));
    } else {
      const push = h("button", { class: "primary", "data-testid": "sync-push-now" }, "Sync now");
      const disconnect = h("button", { class: "secondary", "data-testid": "sync-disconnect" }, "Disconnect");
      replace(form, h("div", { class: "actions left" }, push, disconnect));
      push.addEventListener("click", () => void busy(push, async () => {
        showError(general, null);
        try {
          renderDetails(await syncApi.pushNow());
          void refreshSync();
        } catch (e) {
          showError(general, e as AppError);
        }
      }));
      disconnect.addEventListener("click", () => confirmDanger({
        title: "Disconnect from the sync server?",
        what: "The till stops syncing and forgets its device token. You need a new enrollment code to connect again.",
        reassure: "Nothing sold is lost: unsynced changes stay in the outbox and are sent after the next enrollment.",
        action: "Disconnect",
        testid: "disconnect",
        run: async () => {
          await syncApi.disconnect();
          toast("Disconnected: this till now works on its own");
          await refresh(true);
          void refreshSync();
        },
      }));
    }
  };

  const refresh = async (force = false) => {
    try {
      const v = await syncApi.status();
      renderDetails(v);
      const isConfigured = v.state !== "not_configured";
      if (force || configured !== isConfigured) renderForm(v);
      configured = isConfigured;
    } catch (e) {
      showError(general, e as AppError);
    }
  };

  replace(panel, details, form, general);
  unmountSyncSettings();
  void refresh(true);
  timer = window.setInterval(() => void refresh(), 2000);
}


export function mountBackupsSection(host: HTMLElement): void {
  const err = errorSlot("backup");
  const list = h("div", { class: "table-wrap", "data-testid": "backup-list" });
  const now = h("button", { class: "primary", "data-testid": "backup-now" }, "Backup now");
  replace(host, h("div", { class: "backups-panel card", "data-testid": "backups-panel" },
    h("p", { class: "muted" }, "A copy of the till's database is made every day (and at start if today's is missing) into the backups folder of the data directory. Backups run beside sales and never stop the till. To restore one, see the README."),
    list,
    h("div", { class: "actions left" }, now),
    err));

  const refresh = async () => {
    try {
      const backups = await syncApi.listBackups();
      replace(list, backups.length === 0
        ? h("p", { class: "empty" }, "No backups yet.")
        : h("table", { class: "data" },
            h("thead", {}, h("tr", {}, ["Day", "Size", "Written"].map((t) => h("th", {}, t)))),
            h("tbody", {}, backups.map((b) => h("tr", { "data-backup": b.file_name },
              h("td", {}, b.day, h("span", { class: "muted small" }, ` · ${b.file_name}`)),
              h("td", { class: "num" }, formatBytes(b.bytes)),
              h("td", { class: "num" }, formatTime(b.modified_ms)))))));
      showError(err, null);
    } catch (e) {
      showError(err, e as AppError);
    }
  };
  now.addEventListener("click", () => void busy(now, async () => {
    try {
      const r = await syncApi.backupNow();
      toast(`Backup written: ${r.backup.file_name} (${formatBytes(r.backup.bytes)}, ${r.elapsed_ms.toFixed(0)} ms)`);
      await refresh();
    } catch (e) {
      showError(err, e as AppError);
    }
  }));
  void refresh();
}
