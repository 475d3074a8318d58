// The till's shell: a navigation rail and one screen at a time.
import "./style.css";
import { type AppError } from "./api";
import { h, replace } from "./dom";
import { loadShared, shared } from "./state";
import { mountCustomers } from "./screens/customers";
import { mountOrders, showAttentionNext } from "./screens/orders";
import { mountSell, openOrder } from "./screens/sell";
import { mountSettings, unmountSettings } from "./screens/settings";
import { mountSummary } from "./screens/summary";
import { rejectionBanner, setShowAttention, startSyncBar, syncBadge } from "./syncBar";
import { lockTill, watchIdle, whoBlock } from "./lock";
import { current as staffSession, isManager } from "./session";
import { showLogin } from "./screens/login";
import { staffApi, type Session } from "./staff-api";

type Screen = "sell" | "orders" | "customers" | "summary" | "settings";
// Inline SVG icons: no icon font, nothing fetched, the same on every machine.
const ICONS: Record<Screen, string> = {
  sell: '<path d="M6 3h12v18l-3-2-3 2-3-2-3 2z"/><path d="M9 8h6M9 12h6M9 16h3"/>',
  orders: '<rect x="4" y="4" width="16" height="16" rx="2"/><path d="M8 9h8M8 13h8M8 17h5"/>',
  customers: '<circle cx="12" cy="8" r="4"/><path d="M4 21c0-4 4-6 8-6s8 2 8 6"/>',
  summary: '<path d="M4 20h16"/><path d="M7 16v-5M12 16V7M17 16v-8"/>',
  settings: '<circle cx="12" cy="12" r="3"/><path d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1 7 17M17 7l2.1-2.1"/>',
};
const SCREENS: { id: Screen; label: string; key: string }[] = [
  { id: "sell", label: "Sell", key: "F1" },
  { id: "orders", label: "Orders", key: "F2" },
  { id: "customers", label: "Customers", key: "F3" },
  { id: "summary", label: "Day", key: "F4" },
  { id: "settings", label: "Settings", key: "F5" },
];

function icon(screen: Screen): HTMLElement {
  const span = h("span", { class: "nav-icon", "aria-hidden": "true" });
  span.innerHTML = `<svg viewBox="0 0 24 24" width="26" height="26" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">${ICONS[screen]}</svg>`;
  return span;
}

const app = document.getElementById("app")!;
const nav = h("nav", { class: "rail", "aria-label": "Screens" });
const main = h("main", { class: "screen" });
let current: Screen = "sell";

/** Screens this session may open: Settings is for managers (the backend refuses its commands to cashiers too). */
function allowed(screen: Screen): boolean {
  return screen !== "settings" || isManager();
}

function show(screen: Screen): void {
  if (!allowed(screen)) screen = "sell";
  if (current === "settings" && screen !== "settings") unmountSettings();
  current = screen;
  document.body.dataset.screen = screen;
  replace(
    nav,
    h("div", { class: "brand", title: shared.profile?.name ?? "" }, "S"),
    SCREENS.filter((s) => allowed(s.id)).map((s) =>
      h("button", { class: `nav-btn${s.id === screen ? " active" : ""}`, "data-nav": s.id, title: `${s.label} (${s.key})`, "aria-current": s.id === screen ? "page" : undefined, onclick: () => show(s.id) },
        icon(s.id), h("span", {}, s.label)),
    ),
    h("div", { class: "rail-spacer" }),
    syncBadge,
    whoBlock(),
  );
  main.className = `screen screen-${screen}`;
  switch (screen) {
    case "sell": return mountSell(main);
    case "orders": return mountOrders(main, (id) => { show("sell"); void openOrder(id); });
    case "customers": return mountCustomers(main);
    case "summary": return mountSummary(main);
    case "settings": return mountSettings(main);
  }
}

document.addEventListener("keydown", (e) => {
  const s = SCREENS.find((x) => x.key === e.key);
  if (s) {
    e.preventDefault();
    if (allowed(s.id)) show(s.id);
  } else if (e.key === "F12" && staffSession.session) {
    e.preventDefault();
    lockTill();
  }
});

let opened = false;

/** After each login: the first one opens the till; later ones redraw the rail for the new member and keep the screen (and the ticket). */
function unlocked(_s: Session): void {
  if (!opened) {
    void start();
    return;
  }
  show(allowed(current) ? current : "sell");
}

async function start(): Promise<void> {
  replace(app, h("div", { class: "boot" }, "Opening the till…"));
  try {
    if (!staffSession.session) {
      const st = await staffApi.session();
      staffSession.lockAfterMs = st.lock_after_ms;
      staffSession.session = st.session;
      if (!st.session) {
        await showLogin(unlocked);
        return;
      }
    }
    await loadShared();
  } catch (e) {
    const err = e as AppError;
    // The session ended between `session` and the first reads: `call` has put the login
    // screen up, and the login starts the till again. No error page under it.
    if (err.code === "locked") return;
    replace(app, h("div", { class: "boot error" }, h("h1", {}, "The till could not start"), h("p", {}, err.message), h("button", { class: "primary", onclick: () => void start() }, "Try again")));
    return;
  }
  replace(app, nav, rejectionBanner, main, h("div", { id: "toasts", "aria-live": "polite" }));
  setShowAttention(() => {
    showAttentionNext();
    show("orders");
  });
  startSyncBar();
  document.title = `${shared.profile?.name ?? "Till"} · Saffron POS`;
  opened = true;
  show("sell");
}

watchIdle(unlocked);
void start();
