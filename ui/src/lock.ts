// The till's lock: the idle timer, the lock button, and what happens when any command
// answers `locked`. The backend enforces the lock (every command needs a session); this
// module only keeps the screen in step with it.
import { lockedHook } from "./ipc";
import { h } from "./dom";
import { current, idleExpired, shouldTouch } from "./session";
import { showLogin, loginShown } from "./screens/login";
import { staffApi, type Session } from "./staff-api";

let lastInput = Date.now();
let lastTouch = 0;
let unlocked: (s: Session) => void = () => {};

/** Locks now and shows the PIN pad; the screen underneath (and its ticket) stays. */
export function lockTill(): void {
  current.session = null;
  void staffApi.lock().catch(() => undefined);
  if (!loginShown()) void showLogin(unlocked);
}

/** Starts watching input; `onUnlocked` runs after each login. */
export function watchIdle(onUnlocked: (s: Session) => void): void {
  unlocked = onUnlocked;
  lockedHook.onLocked = () => {
    current.session = null;
    if (!loginShown()) void showLogin(unlocked);
  };
  const input = () => {
    const now = Date.now();
    lastInput = now;
    if (current.session && !loginShown() && shouldTouch(lastTouch, now)) {
      lastTouch = now;
      void staffApi.touch().catch(() => undefined);
    }
  };
  document.addEventListener("pointerdown", input, true);
  document.addEventListener("keydown", input, true);
  window.setInterval(() => {
    if (current.session && !loginShown() && idleExpired(lastInput, Date.now(), current.lockAfterMs)) lockTill();
  }, 1000);
}

/** Who is logged in and the lock button, for the bottom of the rail. */
export function whoBlock(): HTMLElement {
  const s = current.session;
  return h(
    "div",
    { class: "who", "data-testid": "who" },
    s ? h("span", { class: "who-name", title: s.name }, s.name) : null,
    s ? h("span", { class: `badge role-${s.role}` }, s.role === "manager" ? "Manager" : "Cashier") : null,
    h("button", { class: "nav-btn lock-btn", "data-testid": "lock", title: "Lock the till (F12)", onclick: () => lockTill() },
      padlock(), h("span", {}, "Lock")),
  );
}

// Inline SVG like the rail's other icons: no emoji font is needed.
function padlock(): HTMLElement {
  const span = h("span", { class: "nav-icon", "aria-hidden": "true" });
  span.innerHTML = '<svg viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"><rect x="5" y="11" width="14" height="10" rx="2"/><path d="M8 11V7a4 4 0 0 1 8 0v4"/></svg>';
  return span;
}
