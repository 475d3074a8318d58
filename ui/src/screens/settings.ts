// Settings: the cache panel (live figures, a hit-ratio chart, clear and warm up) and the
// business profile editor.
import { api, type AppError, type CacheReport, type Profile } from "../api";
import { busy, confirmDanger, errorSlot, h, replace, showError, toast } from "../dom";
import { formatBytes, formatMicros, formatRatio, parseAmount, parsePercent, toPlain } from "../format";
import { currency, shared } from "../state";
import { mountBackupsSection, mountSyncSection, unmountSyncSettings } from "./syncSettings";
import { mountStaff } from "./staff";

/** Overall and per-cache hit ratio samples over this session (cleared with the caches). */
const history: { at: number; overall: number | null; byCache: Record<string, number | null> }[] = [];
const MAX_SAMPLES = 300;
const COLORS = ["#d97706", "#2563eb", "#059669", "#db2777", "#7c3aed", "#0891b2", "#65a30d"];

let timer: number | undefined;

export function unmountSettings(): void {
  if (timer !== undefined) window.clearInterval(timer);
  timer = undefined;
  unmountSyncSettings();
}

export function mountSettings(host: HTMLElement): void {
  const panel = h("div", { class: "cache-panel", "data-testid": "cache-panel" });
  const profileHost = h("div", { class: "profile-editor" });
  const syncHost = h("div", { id: "sync" });
  const backupsHost = h("div", { id: "backups" });
  const staffHost = h("div", { class: "staff-panel", "data-testid": "staff-panel" });
  replace(
    host,
    h("section", { class: "page" },
      h("h1", {}, "Settings"),
      h("h2", { class: "section-title" }, "Sync"),
      syncHost,
      h("h2", { class: "section-title" }, "Backups"),
      backupsHost,
      h("h2", { class: "section-title" }, "Staff"),
      staffHost,
      h("h2", { class: "section-title" }, "Caches"),
      panel,
      h("h2", { class: "section-title" }, "Business profile"),
      profileHost),
  );
  const err = errorSlot("cache");
  const table = h("div", { class: "table-wrap" });
  const chart = h("div", { class: "chart", "data-testid": "hit-chart" });
  const head = h("div", { class: "cache-head" });
  const warm = h("button", { class: "secondary", "data-testid": "warm-up" }, "Warm up");
  const clear = h("button", { class: "danger", "data-testid": "clear-cache" }, "Clear cache");
  replace(panel, head, err, table, chart, h("div", { class: "actions left" }, warm, clear),
    h("p", { class: "muted small" }, "Clearing empties the in-memory caches and resets these counters. Sales, orders and unsynced changes live in the database and are never touched."));

  const refresh = async () => {
    try {
      const r = await api.cacheStats();
      sample(r);
      renderReport(r, head, table, chart);
      showError(err, null);
    } catch (e) {
      showError(err, e as AppError);
    }
  };
  warm.addEventListener("click", () => void busy(warm, async () => {
    try {
      const w = await api.warmUp();
      toast(`Warmed up in ${w.elapsed_ms.toFixed(1)} ms (${w.active_orders} active orders)`);
      await refresh();
    } catch (e) {
      showError(err, e as AppError);
    }
  }));
  clear.addEventListener("click", () => confirmDanger({
    title: "Clear every cache?",
    what: "The caches are emptied and their counters reset; the till reloads what it needs from the database.",
    reassure: "Unsynced sales are never touched: orders, payments and the sync outbox stay in the database.",
    action: "Clear cache",
    testid: "clear",
    run: async () => {
      const c = await api.clearCache();
      history.length = 0;
      toast(`Cleared ${c.entries_cleared} entries. ${c.outbox_pending} unsynced changes kept.`);
      await refresh();
    },
  }));

  unmountSettings();
  void refresh();
  timer = window.setInterval(() => void refresh(), 2000);
  renderProfile(profileHost);
  // After unmountSettings() above, which also stops the sync section's timer.
  mountSyncSection(syncHost);
  mountBackupsSection(backupsHost);
  mountStaff(staffHost);
}

function sample(r: CacheReport): void {
  const lookups = r.total_hits + r.total_misses;
  const byCache: Record<string, number | null> = {};
  for (const c of r.caches) byCache[c.name] = c.hits + c.misses ? c.hit_ratio : null;
  history.push({ at: Date.now(), overall: lookups ? r.total_hits / lookups : null, byCache });
  if (history.length > MAX_SAMPLES) history.shift();
}

function renderReport(r: CacheReport, head: HTMLElement, table: HTMLElement, chart: HTMLElement): void {
  const lookups = r.total_hits + r.total_misses;
  const warnings = r.caches.filter((c) => c.below_threshold).length;
  replace(
    head,
    h("div", { class: "stats" },
      h("div", {}, h("span", { class: "muted" }, "Overall hit ratio"), h("strong", { class: "big-num", "data-testid": "overall-ratio" }, formatRatio(lookups ? r.total_hits / lookups : 0, lookups))),
      h("div", {}, h("span", { class: "muted" }, "Lookups"), h("strong", { class: "big-num", "data-testid": "total-lookups" }, String(lookups))),
      h("div", {}, h("span", { class: "muted" }, "Memory"), h("strong", { class: "big-num" }, formatBytes(r.total_bytes)), h("span", { class: "muted small" }, ` of ${formatBytes(r.budget_bytes)}`)),
      h("div", {}, h("span", { class: "muted" }, "Unsynced changes"), h("strong", { class: "big-num", "data-testid": "outbox" }, String(r.outbox_pending))),
    ),
    !r.enabled ? h("p", { class: "badge warn" }, "Caching is off (POS_CACHE=off): every read goes to the database.") : null,
    warnings ? h("p", { class: "badge warn", "data-testid": "cache-warning" }, `${warnings} cache${warnings > 1 ? "s" : ""} below the ${(r.alert_below * 100).toFixed(0)}% alert threshold`) : null,
  );
  replace(
    table,
    h("table", { class: "data cache-table" },
      h("thead", {}, h("tr", {}, ["Cache", "Hits", "Misses", "Hit ratio", "Entries", "Memory", "Evictions", "Invalidations", "Load p50", "Load p99"].map((t) => h("th", {}, t)))),
      h("tbody", {}, r.caches.map((c, i) => {
        const inval = Object.values(c.invalidations).reduce((s, n) => s + n, 0);
        return h("tr", { "data-cache": c.name },
          h("td", {}, h("span", { class: "swatch", style: `background:${COLORS[i % COLORS.length]}` }), c.name, c.below_threshold ? h("span", { class: "badge warn small", title: "Hit ratio below the alert threshold" }, "low") : null),
          h("td", { class: "num", "data-col": "hits" }, String(c.hits)),
          h("td", { class: "num", "data-col": "misses" }, String(c.misses)),
          h("td", { class: "num", "data-col": "ratio" }, formatRatio(c.hit_ratio, c.hits + c.misses)),
          h("td", { class: "num", "data-col": "entries" }, String(c.entries)),
          h("td", { class: "num" }, formatBytes(c.bytes)),
          h("td", { class: "num", title: `size ${c.evictions_size}, expired ${c.evictions_expired}` }, String(c.evictions_size + c.evictions_expired)),
          h("td", { class: "num", title: Object.entries(c.invalidations).map(([k, v]) => `${k}: ${v}`).join("\n") }, String(inval)),
          h("td", { class: "num" }, formatMicros(c.load_p50_us)),
          h("td", { class: "num" }, formatMicros(c.load_p99_us)),
        );
      })),
    ),
  );
  chart.innerHTML = chartSvg(r.caches.map((c) => c.name), r.alert_below);
}

/** An inline SVG line chart of hit ratios over the session. */
export function chartSvg(names: string[], alertBelow: number): string {
  const W = 1100, H = 180, L = 40, R = 10, T = 10, B = 24;
  const n = history.length;
  const x = (i: number) => L + (n <= 1 ? 0 : (i * (W - L - R)) / (n - 1));
  const y = (v: number) => T + (1 - v) * (H - T - B);
  const path = (get: (s: (typeof history)[number]) => number | null) => {
    let d = "";
    let pen = false;
    history.forEach((s, i) => {
      const v = get(s);
      if (v === null) { pen = false; return; }
      d += `${pen ? "L" : "M"}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    return d;
  };
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v)}" y2="${y(v)}" class="grid"/><text x="${L - 6}" y="${y(v) + 4}" text-anchor="end" class="axis">${v * 100}%</text>`)
    .join("");
  const alert = `<line x1="${L}" x2="${W - R}" y1="${y(alertBelow)}" y2="${y(alertBelow)}" class="alert-line"/>`;
  const lines = names
    .map((name, i) => `<path d="${path((s) => s.byCache[name] ?? null)}" stroke="${COLORS[i % COLORS.length]}" class="series"/>`)
    .join("");
  const overall = `<path d="${path((s) => s.overall)}" class="series overall"/>`;
  const label = `<text x="${W - R}" y="${H - 6}" text-anchor="end" class="axis">${n} samples, every 2 s · dashed: alert threshold · thick: overall</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="Hit ratio over the session">${grid}${alert}${lines}${overall}${label}</svg>`;
}


function renderProfile(host: HTMLElement): void {
  const p = shared.profile;
  if (!p) return;
  const exp = currency().exponent;
  const draft: Profile = structuredClone(p);
  const general = errorSlot("profile");
  const text = (key: "name" | "legal_name" | "address" | "phone" | "email" | "invoice_prefix" | "receipt_header" | "receipt_footer", label: string, multiline = false) =>
    h("label", { class: "field" }, h("span", {}, label),
      multiline
        ? h("textarea", { rows: 2, name: key, oninput: (e: Event) => { draft[key] = (e.target as HTMLTextAreaElement).value; } }, draft[key])
        : h("input", { value: draft[key], name: key, "data-testid": `profile-${key}`, oninput: (e: Event) => { draft[key] = (e.target as HTMLInputElement).value; } }),
      errorSlot(key));
  const gstin = h("input", { value: draft.tax_registration?.number ?? "", name: "gstin", "data-testid": "profile-gstin" });
  const service = h("input", { value: draft.service_charge ? String(draft.service_charge / 100) : "0", inputmode: "decimal", name: "service_charge" });
  const rounding = h("input", { value: toPlain(draft.cash_rounding_increment, exp), inputmode: "decimal", name: "cash_rounding_increment" });
  const pricing = h("select", { name: "pricing" }, h("option", { value: "exclusive" }, "Prices exclude tax"), h("option", { value: "inclusive" }, "Prices include tax"));
  pricing.value = draft.pricing;
  const save = h("button", { class: "primary", "data-testid": "save-profile" }, "Save profile");
  const form = h("div", { class: "form-grid card" },
    text("name", "Trading name"), text("legal_name", "Legal name"),
    text("address", "Address", true), text("phone", "Phone"), text("email", "Email"),
    h("label", { class: "field" }, h("span", {}, "GSTIN"), gstin, errorSlot("tax_registration")),
    h("label", { class: "field" }, h("span", {}, "Service charge %"), service, errorSlot("service_charge")),
    h("label", { class: "field" }, h("span", {}, "Round bills to"), rounding, errorSlot("cash_rounding_increment")),
    h("label", { class: "field" }, h("span", {}, "Pricing"), pricing),
    text("invoice_prefix", "Invoice prefix"),
    text("receipt_header", "Receipt header", true), text("receipt_footer", "Receipt footer", true),
    general,
    h("div", { class: "actions left" }, save),
  );
  replace(host, form);
  save.addEventListener("click", () => void busy(save, async () => {
    form.querySelectorAll<HTMLElement>(".field-error").forEach((s) => showError(s, null));
    const bps = service.value.trim() === "0" ? 0 : parsePercent(service.value);
    if (bps === null) return showError(form.querySelector<HTMLElement>('[data-error-for="service_charge"]'), "Enter a percentage between 0 and 100");
    const inc = parseAmount(rounding.value, exp);
    if (inc === null) return showError(form.querySelector<HTMLElement>('[data-error-for="cash_rounding_increment"]'), "Enter an amount such as 1.00");
    draft.service_charge = bps;
    draft.cash_rounding_increment = inc;
    draft.pricing = pricing.value as Profile["pricing"];
    draft.tax_registration = gstin.value.trim() ? { scheme: draft.tax_registration?.scheme ?? "GSTIN", number: gstin.value.trim() } : null;
    try {
      shared.profile = await api.updateProfile(draft);
      toast("Profile saved");
      renderProfile(host);
    } catch (e) {
      const err = e as AppError;
      showError(form.querySelector<HTMLElement>(`[data-error-for="${err.field ?? "profile"}"]`) ?? general, err);
    }
  }));
}
